"""Replace a file so that a crash, a full disk or a kill at any moment leaves the old one whole.

The bytes go to a temporary file in the same folder, are fsynced, and the temporary file is
renamed over the target (an atomic step on POSIX and Windows).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import torch

_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what open() would give; NamedTemporaryFile alone makes files 0600


def write_atomically(path: str | os.PathLike, data: bytes | memoryview) -> Path:
    """Write `data` to `path` atomically; raises OSError, and then the previous file is untouched."""
    path = Path(path)
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
            tmp.flush()
            os.fchmod(tmp.fileno(), FILE_MODE)
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except OSError:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return path


def torch_save_atomically(obj, path: str | os.PathLike) -> Path:
    """`torch.save` of `obj` to `path`, written atomically; raises OSError, the previous file untouched."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return write_atomically(path, buffer.getbuffer())
