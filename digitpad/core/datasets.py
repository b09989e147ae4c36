"""Digit datasets held whole in memory as uint8 tensors: MNIST's IDX files and Kaggle-style CSV.

The files are found and read by core.dataset_files (numpy, no torch); this module holds them as
tensors for training and splits a CSV into training and test rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import torch

from .dataset_files import (
    CSV_SOURCE,
    MIN_TRAIN,
    MNIST_FILES,
    MNIST_SOURCE,
    DatasetError,
    csv_test_rows,
    data_source,
    mnist_raw_dir,
    read_digit_csv,
    read_mnist_split,
)
from .paths import DATA_DIR_ENV, default_data_root


@dataclass
class DigitData:
    """Training and test images (N, 28, 28) uint8 with labels (N,) int64, white ink on black."""

    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor
    source: str

    def to(self, device: torch.device | str) -> DigitData:
        return DigitData(self.train_images.to(device), self.train_labels.to(device),
                         self.test_images.to(device), self.test_labels.to(device), self.source)

    def subset(self, train: int | None = None, test: int | None = None) -> DigitData:
        """The first `train` training and `test` test samples, for quick runs and tests."""
        return DigitData(self.train_images[:train], self.train_labels[:train],
                         self.test_images[:test], self.test_labels[:test], self.source)


def load_mnist(root: str | os.PathLike | None = None, download: bool = False,
               splits: tuple[str, ...] = ("train", "test")) -> DigitData:
    """MNIST from ROOT/MNIST/raw (ROOT defaults to $DIGITPAD_DATA_DIR, then the user data folder); only the
    `splits` asked for are read (evaluating needs no training images), the others left empty."""
    from .mnist_download import FILES, missing

    root = default_data_root(root)
    raw = mnist_raw_dir(root)
    wanted = {name: FILES[name] for split in splits for name in MNIST_FILES[split][:2]}
    if download and missing(raw, wanted):
        download_mnist(root, files=wanted)  # only what is read: evaluating needs no training images
    absent = missing(raw, wanted)
    if len(absent) == len(wanted):
        raise DatasetError(
            f"{raw}: MNIST is not there. Download it with `digitpad download`, or point digitpad at a "
            f"folder holding MNIST/raw/*-ubyte[.gz] with --data-dir or ${DATA_DIR_ENV}.")
    if absent:
        raise DatasetError(f"{raw}: {', '.join(absent)} missing (neither plain nor .gz); `digitpad download` "
                           "fetches what is missing")
    empty = torch.zeros(0, 28, 28, dtype=torch.uint8), torch.zeros(0, dtype=torch.int64)
    read = {split: [torch.from_numpy(array) for array in read_mnist_split(raw, split)] for split in splits}
    return DigitData(*read.get("train", empty), *read.get("test", empty), source=data_source(MNIST_SOURCE, raw))


def download_mnist(root: str | os.PathLike | None = None, progress=None, files: dict | None = None) -> Path:
    """Download MNIST's missing files (of `files`, default all four) into ROOT/MNIST/raw (core.mnist_download: no
    torchvision needed)."""
    from .mnist_download import FILES, DownloadError, download_mnist_files

    raw = mnist_raw_dir(root)
    try:
        return download_mnist_files(raw, progress, files=FILES if files is None else files)
    except DownloadError as e:
        raise DatasetError(
            f"could not download MNIST into {raw}: {e}. If you are offline, copy the four MNIST files there, or "
            f"point digitpad at an existing copy with --data-dir DIR or ${DATA_DIR_ENV}=DIR (DIR holds MNIST/raw/)."
        ) from None


def load_digit_csv(path: str | os.PathLike, seed: int = 0, test_only: bool = False) -> DigitData:
    """A labelled CSV, split once (seeded) into training and held-out test rows (csv_test_rows: MNIST's 6:1 ratio);
    with `test_only` every row is a test row (a CSV given to evaluate a model is scored whole)."""
    arrays = read_digit_csv(path, min_rows=1 if test_only else MIN_TRAIN + 1)
    images, labels = (torch.from_numpy(array) for array in arrays)
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    n_test = len(labels) if test_only else csv_test_rows(len(labels))
    test, train = order[:n_test], order[n_test:]
    return DigitData(images[train], labels[train], images[test], labels[test], source=data_source(CSV_SOURCE, path))


def load_dataset(data_dir: str | os.PathLike | None = None, csv: str | os.PathLike | None = None,
                 download: bool = False, test_only: bool = False) -> DigitData:
    """The one entry point the CLI and the GUI use: a CSV when given, else MNIST (with `test_only`, MNIST's test
    split only, or every row of the CSV as a test row)."""
    if csv:
        return load_digit_csv(csv, test_only=test_only)
    return load_mnist(data_dir, download=download, splits=("test",) if test_only else ("train", "test"))
