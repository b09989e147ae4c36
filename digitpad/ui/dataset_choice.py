"""Which digits to train on, as the Train tab's form describes them, and how to load them.

Plain Python (no Qt) so the worker thread can load the data and the form can describe it with
the same object. Describing the data needs only the files' layout (core.dataset_files, no torch),
so the form says what is there as soon as it shows; loading it (core.datasets) needs torch and
happens in the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.dataset_files import (
    CSV_SOURCE,
    MNIST_SOURCE,
    DatasetError,
    csv_problem,
    mnist_files,
    mnist_raw_dir,
    source_location,
)
from ..core.mnist_download import FILES, DownloadError, download_mnist_files, missing
from ..core.paths import default_data_root

DEFAULT = "default"  # MNIST in the data folder ($DIGITPAD_DATA_DIR or the user data folder), downloaded if missing
FOLDER = "folder"  # a local copy of MNIST
CSV = "csv"  # a Kaggle "Digit Recognizer" style CSV
KINDS = {DEFAULT: "MNIST (data folder, downloaded if missing)", FOLDER: "MNIST in a local folder",
         CSV: "Kaggle-style CSV file"}


def _megabytes(paths) -> str:
    return f"{sum(p.stat().st_size for p in paths) / 1e6:,.1f} MB"


@dataclass(frozen=True)
class DatasetChoice:
    kind: str = DEFAULT
    path: str = ""

    @classmethod
    def of_source(cls, source: str) -> DatasetChoice:
        """The choice that loads the data a run recorded as `source` (core.datasets' "MNIST (its raw folder)" or
        "CSV (its file)"), to run it again."""
        kind, path = source_location(source) or ("", "")
        if kind == CSV_SOURCE:
            return cls(CSV, path)
        if kind == MNIST_SOURCE and Path(path).resolve() != mnist_raw_dir().resolve():
            return cls(FOLDER, path)
        return cls()

    def root(self) -> Path:
        """The folder holding MNIST/raw; picking the MNIST or raw folder itself works too (core.paths)."""
        return default_data_root(None if self.kind == DEFAULT else self.path)

    def problem(self) -> str | None:
        """Why training cannot start with this choice (None when it can)."""
        if self.kind == CSV:
            if not self.path:
                return "choose a CSV file"
            path = Path(self.path).expanduser()
            return (csv_problem(path) if path.is_file() else f"{self.path}: is a folder; choose the CSV file"
                    if path.is_dir() else f"{self.path}: no such file")
        if self.kind == FOLDER:
            if not self.path:
                return "choose the folder holding MNIST"
            absent = missing(mnist_raw_dir(self.root()))
            if len(absent) == len(FILES):
                return f"{self.path}: no MNIST here (expected the four *-ubyte[.gz] files in MNIST/raw)"
            if absent:  # the folder is right: say which file, as the command line does
                return f"{mnist_raw_dir(self.root())}: {', '.join(absent)} missing (neither plain nor .gz)"
        return None

    def status(self) -> str:
        """One line for the form when the data can be used (see problem): where it is, whether it is there yet and
        how big it is."""
        if self.kind == CSV:
            return f"CSV file, {_megabytes([Path(self.path).expanduser()])}"
        files = mnist_files(self.root())
        if len(files) < 4:
            return f"Not downloaded yet: Start downloads MNIST (about 12 MB) into {mnist_raw_dir(self.root())}"
        return f"MNIST present: 4 files, {_megabytes(files)} in {mnist_raw_dir(self.root())}"

    def load(self, progress=None):
        """The DigitData (raises DatasetError naming the file and the problem).

        The data folder's MNIST is downloaded first when it is missing (core.mnist_download; `progress` as
        there); offline, the message says what to do in the app.
        """
        from ..core.datasets import load_dataset  # torch: the worker loads the data

        if self.kind == CSV:
            return load_dataset(csv=Path(self.path).expanduser())
        if self.kind == DEFAULT:
            try:
                download_mnist_files(mnist_raw_dir(self.root()), progress)
            except DownloadError as e:
                raise DatasetError(
                    f"Could not download MNIST: {e}. Connect to the internet and press Start again, or choose "
                    f"\"{KINDS[FOLDER]}\" above and pick a folder holding MNIST's four files.") from None
        return load_dataset(self.root())
