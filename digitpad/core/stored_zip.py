"""Read a zip file digitpad wrote (a checkpoint, a personal set) without trusting it.

The zip's entries must be stored uncompressed (as torch.save and numpy.savez write them) and add up
to no more than the file, so memory stays bounded by the file's size; a bare pickle is refused
before anything reads it. Every failure is one message in a person's words. The contents are read
by the caller's loader (torch, numpy), which must never run code from the file.
"""

from __future__ import annotations

import os
import pickle
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .errors import opening


def read_stored_zip(path: Path, expected: str, error: type[Exception],
                    load: Callable[[BinaryIO, list[zipfile.ZipInfo]], object]):
    """What `load(file, entries)` makes of `path`; any problem raises `error` with "PATH: not EXPECTED (why)"."""
    def refuse(why: str) -> Exception:
        return error(f"{path}: not {expected} ({why})")

    def an_export(kind: str) -> Exception:
        return refuse(f"it is {kind} export, made for other programs to read, not for digitpad")

    try:
        # a Python file object: non-UTF-8 names work, and the loader never reopens it
        with opening(path, error), open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                raise refuse("the file is empty")
            if not zipfile.is_zipfile(f):
                f.seek(0)
                head = f.read(3)
                if head[:1] == b"\x80":  # the start of a pickle
                    raise error(f"{path}: refused; it is a bare pickle, not a zip file, and a pickle can run code, "
                                "so it was not loaded")
                if head[:1] == b"\x08" and head[2:] == b"\x12":  # an ONNX model: its IR version, then its producer
                    raise an_export("an ONNX")
                raise refuse("it is another kind of file, or a damaged one; digitpad reads only its own zip "
                             "formats and never runs code from a file")
            try:
                archive = zipfile.ZipFile(f)
                entries = archive.infolist()
            except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                raise refuse("it is a damaged zip file") from None
            if any("/code/__torch__/" in e.filename for e in entries):
                raise an_export("a TorchScript")
            if any(e.compress_type != zipfile.ZIP_STORED for e in entries) or sum(e.file_size for e in entries) > size:
                raise refuse("its parts are compressed, which digitpad never does")
            try:  # every part against its stored checksum: bytes changed on disk are caught here, not read as weights
                damaged = archive.testzip()
            except (zipfile.BadZipFile, ValueError, OSError, EOFError):
                damaged = "?"
            if damaged is not None:
                raise refuse("it is damaged: a part's checksum does not match, so the file changed on disk after "
                             "it was written")
            f.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # foreign pickles make torch warn before it refuses them
                return load(f, entries)
    except pickle.UnpicklingError:
        raise error(f"{path}: refused; it holds objects other than plain data and weights (possibly code), "
                    "so it was not loaded") from None
    except error:
        raise
    except Exception:  # torch, numpy and their readers fail in many ways on a foreign or damaged file
        raise refuse("it is damaged or truncated") from None
