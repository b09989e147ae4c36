"""The base of every error a person can fix (a bad file, a bad option, a full disk): the CLI prints its message
as one line; anything else is a bug and keeps its traceback."""

from __future__ import annotations

import contextlib
import os


class UserError(ValueError):
    """Bad input or an environment problem; the message names the file and says what is wrong."""


@contextlib.contextmanager
def opening(path: str | os.PathLike, error: type[Exception], kind: str = "a file"):
    """Turn the ways opening `path` can fail (missing, a folder, not allowed) into `error`: one line naming it."""
    try:
        yield
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not {kind}") from None
    except PermissionError:
        raise error(f"{path}: not allowed to read it") from None
