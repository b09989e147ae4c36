"""The one way digitpad writes a file: a crash, a full disk or a kill at any moment leaves the old one whole.

The bytes go to a new temporary file in the target's folder (a unique name created with O_EXCL, so
nothing planted there is followed), are fsynced, and the temporary file is renamed over the target
(an atomic step on POSIX and Windows). Any failure removes the temporary file; temporary files of
saves that were killed are removed by the next save to the same target. Targets that are not
regular files (folders, devices, pipes, symbolic links) and the bundled model are refused.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .paths import is_bundled_model

TEMP_SUFFIX = ".digitpad-tmp"
TEMP_NAME_KEEP = 100  # characters of the target's name kept in a temporary name (names are at most 255)


class WriteRefused(OSError):
    """The target may not be written (not a regular file, or the bundled model); `strerror` says why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(errno.EPERM, reason, str(path))


def check_target(path: str | os.PathLike, replace_bundled: bool = False) -> Path:
    """Refuse a target digitpad must not replace, before any work is done to produce its bytes (only the
    script that trains the bundled model passes replace_bundled)."""
    if not str(path).strip():
        raise WriteRefused(path, "no file name was given")
    if str(path).endswith(("/", os.sep)):  # Path() drops the slash, and would write a file of the folder's name
        raise WriteRefused(path, "it names a folder (it ends with a slash); name a file")
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise WriteRefused(path, "a part of its folder is a file, not a folder") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise WriteRefused(path, "it is a folder; name a file")
        if stat.S_ISLNK(info.st_mode):
            raise WriteRefused(path, "it is a symbolic link; digitpad replaces only regular files")
        if not stat.S_ISREG(info.st_mode):
            raise WriteRefused(path, "it is a device or another special file, not a regular file")
    if not replace_bundled and _is_bundled(path):
        raise WriteRefused(path, "it is the bundled model, which is never overwritten; choose another file")
    return path


def check_writable(path: str | os.PathLike) -> None:
    """Raise OSError now when no file can be made where `path` would be written (a read-only folder or disk),
    so that long work is not done for a save that must fail. A missing folder is judged by the nearest one that
    exists: write_atomically makes the rest."""
    path = Path(path).absolute()
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    tmp, fd = _new_temporary(folder / path.name)
    os.close(fd)
    os.unlink(tmp)


def _is_bundled(path: Path) -> bool:
    try:
        return is_bundled_model(path)
    except FileNotFoundError:  # an installation without the bundled model has nothing to protect
        return False


def _temp_prefix(path: Path) -> str:
    return f".{path.name[:TEMP_NAME_KEEP]}."


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of saves to `path` whose process is gone (killed mid-save)."""
    prefix = _temp_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        pid = name[len(prefix):-len(TEMP_SUFFIX)].split("-")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            try:
                os.unlink(path.parent / name)
            except OSError:
                pass


def _new_temporary(path: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.with_name(f"{_temp_prefix(path)}{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return tmp, os.open(tmp, flags | getattr(os, "O_BINARY", 0), 0o666)  # the umask applies, as for open()
        except FileExistsError:
            continue


def _keep_mode(path: Path, fd: int) -> None:
    """Give the new file the permissions of the one it replaces: a set made private (0600) stays private. A new
    file keeps what the umask gave it; on Windows (a read-only flag only) and where a disk refuses chmod, the save
    goes on as before."""
    if os.name == "nt":
        return
    try:
        os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened this way on Windows."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: str | os.PathLike, data: bytes | memoryview | Callable[[BinaryIO], None],
                     replace_bundled: bool = False) -> Path:
    """Replace `path` with `data` (bytes, or a function writing to a binary file); raises OSError, and then
    the previous file is untouched and no temporary file is left."""
    path = check_target(path, replace_bundled)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp, fd = _new_temporary(path)
    try:
        with open(fd, "wb") as f:
            _keep_mode(path, f.fileno())
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # also KeyboardInterrupt: the temporary file never outlives a failed save
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(path.parent)
    return path


def torch_save_atomically(obj, path: str | os.PathLike, replace_bundled: bool = False) -> Path:
    """`torch.save` of `obj` to `path`, written atomically; raises OSError, the previous file untouched."""
    import torch

    check_target(path, replace_bundled)  # before serialising a large object for nothing
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return write_atomically(path, buffer.getbuffer(), replace_bundled)
