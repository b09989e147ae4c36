"""Download MNIST's four files with the standard library: mirrors in turn, checksums, atomic writes.

torchvision is not needed (the bundle does not carry it). Each file is fetched gzipped from the first
mirror that answers; its content is decompressed (never past the known size, so a hostile answer
cannot fill the memory), checked against the known length and MD5 of MNIST's file, and only then
written, atomically, as ROOT/MNIST/raw/NAME.gz, which `core.datasets` reads. Files already there
are kept.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from .atomic_file import write_atomically
from .dataset_files import DatasetError, find_raw

# The same two mirrors torchvision tries first (yann.lecun.com, the original, now refuses most clients).
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/")
# name: (length, MD5) of the decompressed file. The MD5 of the content, not of the .gz, so that any mirror's
# compression of the same bytes is accepted and a wrong or damaged file is not.
FILES = {
    "train-images-idx3-ubyte": (47_040_016, "6bbc9ace898e44ae57da46a324031adb"),
    "train-labels-idx1-ubyte": (60_008, "a25bea736e30d166cdddb491f175f624"),
    "t10k-images-idx3-ubyte": (7_840_016, "2646ac647ad5339dbf082846283269ea"),
    "t10k-labels-idx1-ubyte": (10_008, "27ae3e4e09519cfbb04c329615203637"),
}
TIMEOUT_S = 30
CHUNK = 256 * 1024

# progress(file name, bytes received, bytes expected or None); it may raise to abandon the download.
Progress = Callable[[str, int, int | None], None]


class DownloadError(Exception):
    """No mirror gave a good copy of a file; the message names the file and the reason."""


def missing(raw: str | os.PathLike, files: dict = FILES) -> list[str]:
    """The names of `files` that ROOT/MNIST/raw holds neither plain nor gzipped."""
    raw = Path(raw)
    return [name for name in files if not (raw / name).is_file() and not (raw / f"{name}.gz").is_file()]


def download_mnist_files(raw: str | os.PathLike, progress: Progress | None = None,
                         mirrors: Sequence[str] | None = None, files: dict = FILES,
                         timeout: float = TIMEOUT_S) -> Path:
    """Fetch every missing file of `files` into the folder `raw`, trying `mirrors` (default MIRRORS) in turn.

    Raises DownloadError naming the file and each mirror's reason; nothing is half-written.
    """
    raw, mirrors = Path(raw), MIRRORS if mirrors is None else mirrors
    for name in missing(raw, files):
        length, md5 = files[name]
        reasons = []
        for mirror in mirrors:
            try:
                compressed = _fetch(mirror + name + ".gz", name, length, progress, timeout)
                _check(compressed, name, length, md5)
            except DownloadError as e:
                reasons.append(f"{mirror}: {e}")
                continue
            try:
                write_atomically(raw / f"{name}.gz", compressed)
            except OSError as e:
                raise DownloadError(f"{raw / name}.gz: cannot be written ({e.strerror or e})") from None
            break
        else:
            raise DownloadError(f"{name}.gz: no mirror gave a good copy ({'; '.join(reasons)})")
    return raw


def _fetch(url: str, name: str, length: int, progress: Progress | None, timeout: float) -> bytes:
    """The answer's bytes; more than the file could take gzipped (its length plus 1 MB) is refused."""
    request = urllib.request.Request(url, headers={"User-Agent": "digitpad"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            total = int(answer.headers.get("Content-Length") or 0) or None
            received = io.BytesIO()
            if progress:
                progress(name, 0, total)
            while chunk := answer.read(CHUNK):
                received.write(chunk)
                if received.tell() > length + 2**20:
                    raise DownloadError(f"answer larger than {length + 2**20} bytes, more than the file can be")
                if progress:
                    progress(name, received.tell(), total)
            return received.getvalue()
    except urllib.error.HTTPError as e:
        raise DownloadError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise DownloadError(f"unreachable ({e.reason})") from None
    except (OSError, ValueError) as e:  # timeouts, resets, a bad Content-Length
        raise DownloadError(str(e) or type(e).__name__) from None


def _check(compressed: bytes, name: str, length: int, md5: str) -> None:
    """The decompressed content must be exactly MNIST's: read at most one byte past its length."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as f:
            content = f.read(length + 1)
    except (OSError, EOFError, zlib.error) as e:
        raise DownloadError(f"not a whole gzip file ({e})") from None
    problem = _content_problem(content, length, md5)
    if problem:
        raise DownloadError(problem)


def _content_problem(content: bytes, length: int, md5: str) -> str | None:
    if len(content) != length:
        return f"{len(content)}{'+' if len(content) > length else ''} bytes, expected {length}"
    if hashlib.md5(content).hexdigest() != md5:
        return f"checksum mismatch (MD5 {hashlib.md5(content).hexdigest()}, expected {md5})"
    return None


def damaged(raw: str | os.PathLike, files: dict = FILES) -> list[str]:
    """What is wrong with the files `raw` already holds (the plain file, read before a .gz, else the .gz): each
    must be MNIST's to the byte, as a download's are. Downloading fetches only missing files, so a damaged one
    would otherwise stay."""
    raw, problems = Path(raw), []
    for name, (length, md5) in files.items():
        try:
            path = find_raw(raw, name)  # the file datasets read: the plain one, else the .gz
        except DatasetError:
            continue  # missing: a download fetches it
        try:
            with (gzip.open(path) if path.suffix == ".gz" else open(path, "rb")) as f:
                problem = _content_problem(f.read(length + 1), length, md5)
        except (OSError, EOFError, zlib.error) as e:
            problems.append(f"{path}: cannot be read ({e.strerror if isinstance(e, OSError) and e.strerror else e})")
            continue
        if problem:
            problems.append(f"{path}: not MNIST's file: {problem}")
    return problems
