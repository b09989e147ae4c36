"""Per-epoch training metrics as a CSV file, for spreadsheets and plotting tools."""

from __future__ import annotations

import csv
import os


def write_history_csv(history: list[dict], path: str | os.PathLike) -> None:
    if not history:
        return
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(history[0]))
        writer.writeheader()
        writer.writerows(history)
