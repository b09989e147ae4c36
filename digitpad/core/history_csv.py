"""Per-epoch training metrics as a CSV file, for spreadsheets and plotting tools."""

from __future__ import annotations

import csv
import io
import os

from .atomic_file import write_atomically


def write_history_csv(history: list[dict], path: str | os.PathLike) -> None:
    """Write the rows atomically (see atomic_file); raises OSError, and then any previous file is untouched."""
    if not history:
        return
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(history[0]), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(history)
    write_atomically(path, text.getvalue().encode("utf-8"))
