"""Read a file digitpad saved with torch.save (a checkpoint, a personal set) without trusting it.

Only `torch.load(weights_only=True)` is used, so a file never runs code; the zip's entries must be
stored uncompressed (as torch writes them) and add up to no more than the file, so memory stays
bounded by the file's size. Every failure is one message in a person's words.
"""

from __future__ import annotations

import os
import pickle
import warnings
import zipfile
from pathlib import Path

import torch


def read_torch_zip(path: Path, expected: str, error: type[Exception]):
    """The unpickled contents of `path`; any problem raises `error` with "PATH: not EXPECTED (why)"."""
    def refuse(why: str) -> Exception:
        return error(f"{path}: not {expected} ({why})")

    try:
        with open(path, "rb") as f:  # a Python file object: non-UTF-8 names work, and torch never reopens it
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                raise refuse("the file is empty")
            if not zipfile.is_zipfile(f):
                f.seek(0)
                if f.read(1) == b"\x80":  # the start of a pickle
                    raise error(f"{path}: refused; it is a bare pickle, not a PyTorch zip file, and a pickle can "
                                "run code, so it was not loaded")
                raise refuse("it is another kind of file, or a damaged one; digitpad reads only PyTorch's zip "
                             "format and never runs code from a file")
            try:
                entries = zipfile.ZipFile(f).infolist()
            except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                raise refuse("it is a damaged zip file") from None
            if any(e.compress_type != zipfile.ZIP_STORED for e in entries) or sum(e.file_size for e in entries) > size:
                raise refuse("its parts are compressed, which PyTorch never does")
            f.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # foreign pickles make torch warn before it refuses them
                return torch.load(f, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise error(f"{path}: not allowed to read it") from None
    except pickle.UnpicklingError:
        raise error(f"{path}: refused; it holds objects other than plain data and weights (possibly code), "
                    "so it was not loaded") from None
    except error:
        raise
    except Exception:  # torch and its unpickler fail in many ways on a foreign or damaged file
        raise refuse("it is damaged or truncated") from None
