"""Read a file digitpad saved with torch.save (a checkpoint, a personal set of the first format) without
trusting it: only `torch.load(weights_only=True)`, so a file never runs code, inside core.stored_zip's
checks, so memory stays bounded by the file's size."""

from __future__ import annotations

from pathlib import Path

import torch

from .stored_zip import read_stored_zip


def read_torch_zip(path: Path, expected: str, error: type[Exception]):
    """The unpickled contents of `path`; any problem raises `error` with "PATH: not EXPECTED (why)"."""
    def load(f, entries):
        if entries and all(e.filename.endswith(".npy") for e in entries):  # numpy's archive: a personal set's
            raise error(f"{path}: not {expected} (it is a set of digits, as My digits exports them)")
        return torch.load(f, map_location="cpu", weights_only=True)

    return read_stored_zip(path, expected, error, load)
