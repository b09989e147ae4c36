"""Where digit datasets live on disk and how their files are read: MNIST's IDX layout and Kaggle-style CSV.

Plain numpy, no torch, so the app can say whether MNIST is present (and the CLI can read the files'
headers) before torch has loaded. The files are parsed and validated here (not by torchvision), so a
broken file gets a message naming it and the problem; core.datasets turns the arrays into tensors.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import os
import re
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .errors import UserError
from .paths import default_data_root

IDX_IMAGES_MAGIC = 2051
IDX_LABELS_MAGIC = 2049
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 60_000),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 10_000),
}


MAX_SAMPLES = 1_000_000  # images in one file (784 MB as uint8): more is refused before it is read
MIN_TRAIN = 10  # training needs a few images beyond the ones it holds out to validate
MNIST_SOURCE, CSV_SOURCE = "MNIST", "CSV"  # the kinds of data a dataset's source names (data_source)
CSV_COLUMNS = 785  # label and 784 pixels; a CSV to read digits from (Kaggle's test.csv) has the pixels only
MAX_CSV_LINE = CSV_COLUMNS * 12  # room for each value written as e.g. " 255.000000,"
CSV_CHUNK = 1000  # rows parsed at once when a file is read again: a bad value is looked for among these in Python
# A value as numpy reads one: Python's float() also takes 1_000 and non-ASCII digits, which numpy refuses
CSV_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*|\s*[+-]?(nan|inf|infinity)\s*",
                        re.ASCII | re.IGNORECASE)


class DatasetError(UserError):
    """A dataset file is missing or malformed; the message names the file and the problem."""


def read_idx(path: str | os.PathLike, expected_magic: int, max_items: int = MAX_SAMPLES) -> np.ndarray:
    """Read one IDX file (optionally gzipped), checking its magic number and header before reading the rest,
    and reading no more than the header announces (a gzip bomb stops there), so memory stays bounded."""
    path = Path(path)
    ndim = 3 if expected_magic == IDX_IMAGES_MAGIC else 1
    header_size = 4 + 4 * ndim
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            header = f.read(header_size)
            if len(header) < header_size:
                raise DatasetError(f"{path}: truncated header ({len(header)} bytes)")
            magic = int.from_bytes(header[:4], "big")
            if magic != expected_magic:
                kind = "image" if expected_magic == IDX_IMAGES_MAGIC else "label"
                raise DatasetError(f"{path}: bad magic number {magic} (an MNIST {kind} file starts with "
                                   f"{expected_magic})")
            dims = [int.from_bytes(header[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
            if ndim == 3 and dims[1:] != [28, 28]:
                raise DatasetError(f"{path}: images are {dims[1]}x{dims[2]}, expected 28x28")
            if dims[0] > max_items:
                raise DatasetError(f"{path}: its header announces {dims[0]:,} items; digitpad reads at most "
                                   f"{max_items:,}")
            expected = int(np.prod(dims))
            if opener is open and os.fstat(f.fileno()).st_size != header_size + expected:
                raise DatasetError(f"{path}: wrong length {os.fstat(f.fileno()).st_size} bytes; its header {dims} "
                                   f"implies {header_size + expected}")
            body = f.read(expected + 1)  # one byte more shows a file longer than announced
    except (OSError, EOFError, zlib.error) as e:
        raise DatasetError(f"{path}: cannot be read ({e.strerror if isinstance(e, OSError) and e.strerror else e})"
                           ) from None
    if len(body) != expected:
        size = f"{header_size + len(body)} bytes" if len(body) <= expected else "more bytes"
        raise DatasetError(f"{path}: wrong length {size}; its header {dims} implies {header_size + expected}")
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def find_raw(raw: Path, name: str) -> Path:
    """The file `name` in the raw folder, plain or gzipped."""
    for candidate in (raw / name, raw / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise DatasetError(f"{raw / name}: missing (neither it nor {name}.gz exists)")


def mnist_raw_dir(root: str | os.PathLike | None = None) -> Path:
    return default_data_root(root) / "MNIST" / "raw"


def mnist_files(root: str | os.PathLike | None = None) -> list[Path]:
    """MNIST's four files found under ROOT/MNIST/raw (each plain or gzipped); fewer than four when some are missing."""
    raw = mnist_raw_dir(root)
    found = []
    for names in MNIST_FILES.values():
        for name in names[:2]:
            found += [p for p in (raw / name, raw / f"{name}.gz") if p.is_file()][:1]
    return found


def mnist_present(root: str | os.PathLike | None = None) -> bool:
    return len(mnist_files(root)) == 4


def read_mnist_split(raw: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """One split's images (N, 28, 28) uint8 and labels (N,) int64, checked against each other."""
    image_name, label_name, _ = MNIST_FILES[split]
    image_path, label_path = find_raw(raw, image_name), find_raw(raw, label_name)
    images = read_idx(image_path, IDX_IMAGES_MAGIC)
    labels = read_idx(label_path, IDX_LABELS_MAGIC)
    if len(images) != len(labels):
        raise DatasetError(f"{image_path}: {len(images)} images but {label_path.name} has {len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise DatasetError(f"{label_path}: label {int(labels.max())} is out of range 0-9")
    least = MIN_TRAIN if split == "train" else 1
    if len(images) < least:
        raise DatasetError(f"{image_path}: only {len(images)} images; digitpad needs at least {least} to "
                           f"{'train' if split == 'train' else 'test'}")
    return images.copy(), labels.astype(np.int64)


def data_source(kind: str, path: str | os.PathLike) -> str:
    """How a dataset names where it came from, "MNIST (its raw folder)" or "CSV (its file)": the path whole, so a
    run recorded with it can be repeated from anywhere."""
    return f"{kind} ({Path(path).resolve()})"


def source_location(source: str) -> tuple[str, str] | None:
    """(kind, path) of a `data_source` text, None for any other."""
    kind, _, rest = source.partition(" (")
    return (kind, rest[:-1]) if kind in (MNIST_SOURCE, CSV_SOURCE) and len(rest) > 1 and rest.endswith(")") else None


def _csv_lines(f, path: Path, max_rows: int, columns: int, numbers: list[int] | None = None):
    """The file's lines but blank ones, each read with a bounded length, so a file without newlines is never held
    whole; the file's line number of each is added to `numbers`, for messages about a row."""
    for number in range(2, max_rows + 3):
        line = f.readline(MAX_CSV_LINE)
        if not line:
            return
        if len(line) == MAX_CSV_LINE and not line.endswith("\n"):
            raise DatasetError(f"{path}: line {number} is longer than a row of {columns} values can be")
        if number == max_rows + 2:
            raise DatasetError(f"{path}: more than {max_rows:,} rows; digitpad reads at most that many")
        if line.strip():
            if numbers is not None:
                numbers.append(number)
            yield line


def _read_in_chunks(lines: Iterator[str], path: Path, numbers: list[int], columns: int) -> np.ndarray:
    """The rows of a file the one fast whole-number parse refused: CSV_CHUNK rows at a time, as whole numbers, else
    as decimals (as spreadsheets may write them). Only a chunk numpy reads as neither is looked at value by value
    in Python, so a bad value near the end of a big file is named in about the time the file takes to read. The
    first problem is the first in the file: a value that is not a number, or a row of another length."""
    chunks, first_odd, unreadable = [], None, False
    while chunk := list(itertools.islice(lines, CSV_CHUNK)):
        chunk_numbers = numbers[-len(chunk):]
        rows = _parsed(chunk)
        if rows is None:
            problem = first_odd or next(filter(None, (_line_problem(line, number, columns)
                                                      for line, number in zip(chunk, chunk_numbers))), None)
            if problem:
                raise DatasetError(f"{path}: {problem}")
            unreadable = True  # numpy refuses a value Python reads (such as 1_000): said below if nothing else is
            continue
        if rows.shape[1] != columns and first_odd is None:  # a whole chunk of rows of another length
            first_odd = _length_problem(chunk_numbers[0], rows.shape[1], columns)
        chunks.append(rows)
    if first_odd and (unreadable or len({rows.shape[1] for rows in chunks}) > 1):
        raise DatasetError(f"{path}: {first_odd}")  # (every row of one other length is said by the caller)
    if unreadable:
        raise DatasetError(f"{path}: a row could not be read as numbers")
    decimals = any(rows.dtype.kind == "f" for rows in chunks)
    return np.concatenate(chunks, dtype=np.float32 if decimals else np.int32)


def _parsed(chunk: list[str]) -> np.ndarray | None:
    """The chunk's rows as whole numbers, else as decimals; None when numpy reads them as neither."""
    for dtype in (np.int32, np.float32):
        try:
            return np.loadtxt(chunk, delimiter=",", dtype=dtype, ndmin=2, comments=None)
        except ValueError:
            continue
    return None


def _line_problem(line: str, number: int, columns: int) -> str | None:
    """What is wrong with one row that cannot be read as numbers, by the file's line number; None if nothing is."""
    values = line.strip().split(",")
    if len(values) != columns:
        return _length_problem(number, len(values), columns)
    for column, value in enumerate(values, start=1):
        if not CSV_NUMBER.fullmatch(value):
            return f"line {number}, value {column}: {value.strip()[:20]!r} is not a number"
    return None


def _length_problem(number: int, count: int, columns: int) -> str:
    return f"line {number} has {count} values, expected {_columns_named(columns)}"


def _columns_named(columns: int) -> str:
    return f"{columns} ({'label + ' * (columns == CSV_COLUMNS)}784 pixels)"


def _columns(path: Path, first: str, labels_needed: bool) -> int:
    """The values in a row, by the file's first line, its header; a header of neither kind raises DatasetError."""
    header = first.strip().split(",")
    rows_of = {"label": CSV_COLUMNS, "pixel0": CSV_COLUMNS - 1}  # a header's first name: the rows' length
    columns = len(header) if rows_of.get(header[0].strip().lower()) == len(header) else None
    if columns == CSV_COLUMNS - 1 and labels_needed:
        raise DatasetError(f"{path}: no 'label' column, only the 784 pixels, as in Kaggle's test.csv: it holds "
                           "no answers to learn from or score against; use a CSV whose first column is the "
                           "label, as Kaggle's train.csv")
    if columns is None:
        expected = (f"'label,pixel0,...,pixel783' ({CSV_COLUMNS} comma-separated columns)" if labels_needed
                    else f"'label,pixel0,...,pixel783' or 'pixel0,...,pixel783' ({CSV_COLUMNS} or "
                         f"{CSV_COLUMNS - 1} comma-separated columns)")
        raise DatasetError(f"{path}: expected a header {expected}, found {len(header)} "
                           f"column{'s' * (len(header) != 1)} starting {header[0][:20]!r}")
    return columns


def _too_few(path: Path, rows: int, min_rows: int) -> str:
    return f"{path}: only {rows} row{'s' * (rows != 1)}; digitpad needs at least {min_rows} to train and test"


def csv_problem(path: str | os.PathLike) -> str | None:
    """What can be told of a training CSV at once, in read_digit_csv's words: a header of another kind, or too few
    rows in a file small enough to count them in no time; None when it looks right so far (the rest is checked as
    it is read)."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as f:
            _columns(path, f.readline(MAX_CSV_LINE), labels_needed=True)
            if os.fstat(f.fileno()).st_size <= MIN_TRAIN * MAX_CSV_LINE:  # room for too few rows
                rows = sum(1 for line in f if line.strip())
                if rows < MIN_TRAIN + 1:
                    return _too_few(path, rows, MIN_TRAIN + 1)
    except DatasetError as e:
        return str(e)
    except (OSError, UnicodeDecodeError):
        return None  # said in full when the run reads it
    return None


CSV_TEST_FRACTION = 1 / 7  # of a training CSV's rows held out as its test set: MNIST's 6:1 ratio


def csv_test_rows(rows: int) -> int:
    """How many of a training CSV's `rows` are held out to test the model on (core.datasets.load_digit_csv)."""
    return max(1, int(rows * CSV_TEST_FRACTION))


def csv_rows(path: str | os.PathLike) -> int | None:
    """About how many digits a CSV holds, counted by its line ends (a header is taken off; blank lines would count):
    what a run would train on, to say before Start that it would learn little. None when it cannot be read."""
    try:
        stat = os.stat(path)
        return _counted_rows(str(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        return None


@functools.lru_cache(maxsize=8)
def _counted_rows(path: str, size: int, modified: int) -> int:  # size and time: a file changed is counted again
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    return max(0, lines + (last != b"\n") - 1)


def read_digit_csv(path: str | os.PathLike, max_rows: int = MAX_SAMPLES, min_rows: int = MIN_TRAIN + 1,
                   labels_needed: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a Kaggle "Digit Recognizer" CSV: a header, then rows of label and 784 pixel values 0-255 (whole numbers,
    also written as 255.0; a spreadsheet's byte-order mark is allowed). Problems name the file's line. Without
    `labels_needed`, the pixels-only file a model reads digits from (Kaggle's test.csv) is read too, its labels None."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as f:
            first = f.readline(MAX_CSV_LINE)
            columns = _columns(path, first, labels_needed)
            body, lines = f.tell(), []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # an empty body is reported below
                try:
                    rows = np.loadtxt(_csv_lines(f, path, max_rows, columns, lines), delimiter=",", dtype=np.int32,
                                      ndmin=2, comments=None)
                except ValueError:  # values written with decimals, as spreadsheets may, or a bad row: read again
                    f.seek(body)
                    lines.clear()
                    rows = _read_in_chunks(_csv_lines(f, path, max_rows, columns, lines), path, lines, columns)
    except (OSError, UnicodeDecodeError) as e:
        raise DatasetError(f"{path}: cannot be read ({e.strerror if isinstance(e, OSError) and e.strerror else e})"
                           ) from None
    if rows.shape[0] == 0:
        raise DatasetError(f"{path}: has a header but no rows")
    if rows.shape[1] != columns:
        raise DatasetError(f"{path}: rows have {rows.shape[1]} columns, expected {_columns_named(columns)}")
    labels, pixels = (rows[:, 0], rows[:, 1:]) if columns == CSV_COLUMNS else (None, rows)
    checks = [("pixel value", pixels, 0, 255)] if labels is None else \
        [("label", labels[:, None], 0, 9), ("pixel value", pixels, 0, 255)]
    for what, values, low, high in checks:
        bad = (values < low) | (values > high)
        if rows.dtype.kind == "f":
            bad |= values != np.round(values)
        if bad.any():
            row, column = (int(i) for i in np.argwhere(bad)[0])  # the first in the file
            value = values[row, column]
            place = f"value {column + 1 + (what == 'pixel value' and labels is not None)}"
            raise DatasetError(f"{path}: line {lines[row]}, {place}: {what} {value:g} is not a whole number from "
                               f"{low} to {high}")
    if len(rows) < min_rows:
        raise DatasetError(_too_few(path, len(rows), min_rows))
    return pixels.astype(np.uint8).reshape(-1, 28, 28), None if labels is None else labels.astype(np.int64)
