"""Shared fixtures: the real MNIST copy, isolated user folders, offscreen Qt.

Where MNIST lives is a setting: $DIGITPAD_DATA_DIR, else the `mnist_root` ini option in
pyproject.toml (relative to the project root). Tests that need it fail loudly when it is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_addoption(parser):
    parser.addini("mnist_root", "folder holding MNIST/raw (relative to the project root)", default="../shared/data")


def pytest_configure(config):
    if not os.environ.get("DIGITPAD_DATA_DIR"):
        os.environ["DIGITPAD_DATA_DIR"] = str((ROOT / config.getini("mnist_root")).resolve())
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers:  # each test process (and the CLI runs it starts) keeps to its share of the cores: torch threads
        # spinning for cores another process holds cost far more than they give
        os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // int(workers))))


@pytest.fixture(autouse=True)
def isolated_user_folders(tmp_path_factory, monkeypatch):
    """Keep every test's settings, models and downloads out of the real user's folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture(scope="session")
def mnist_root() -> Path:
    root = Path(os.environ["DIGITPAD_DATA_DIR"])
    raw = root / "MNIST" / "raw"
    if not raw.is_dir():
        pytest.fail(f"MNIST not found at {raw}; set DIGITPAD_DATA_DIR or mnist_root in pyproject.toml")
    return root


@pytest.fixture(scope="session")
def mnist(mnist_root):
    from digitpad.core.datasets import load_mnist

    return load_mnist(mnist_root)


@pytest.fixture(scope="session")
def bundled():
    from digitpad import Predictor

    return Predictor.load(device="cpu")
