"""Where digitpad finds its bundled resources and keeps user data.

Resources live beside the package in a source checkout, inside it in a wheel, and under
``sys._MEIPASS`` in a PyInstaller bundle. User data (datasets, trained models, settings)
always goes to the per-user folders, never next to the code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "digitpad"
DATA_DIR_ENV = "DIGITPAD_DATA_DIR"
BUNDLED_MODEL_NAME = "digitnet.pt"


def resources_dir() -> Path:
    """The folder holding the bundled model and icons, wherever digitpad runs from."""
    candidates = []
    if hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "resources")
    package = Path(__file__).resolve().parent.parent
    candidates += [package / "resources", package.parent / "resources"]
    for candidate in candidates:
        if (candidate / BUNDLED_MODEL_NAME).is_file():
            return candidate
    raise FileNotFoundError("digitpad's resources folder (with the bundled model) was not found; looked in "
                            + ", ".join(str(c) for c in candidates))


def bundled_model_path() -> Path:
    return resources_dir() / BUNDLED_MODEL_NAME


def is_bundled_model(path: str | os.PathLike) -> bool:
    """True for the bundled model's file, which digitpad never overwrites."""
    return Path(path).expanduser().resolve() == bundled_model_path().resolve()


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files digitpad can make again when they are gone (the ONNX graphs of models it has read)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def models_dir() -> Path:
    return user_data_dir() / "models"


def default_data_root(data_dir: str | os.PathLike | None = None) -> Path:
    """The dataset root: an explicit folder, else $DIGITPAD_DATA_DIR, else the user data folder. A folder given as
    MNIST's own, or its raw folder, means the folder above them (the likeliest folder to pick or type)."""
    if data_dir:
        return _holding_mnist(Path(data_dir).expanduser())
    if os.environ.get(DATA_DIR_ENV):
        return _holding_mnist(Path(os.environ[DATA_DIR_ENV]).expanduser())
    return user_data_dir() / "data"


def _holding_mnist(folder: Path) -> Path:
    if (folder / "MNIST" / "raw").is_dir():
        return folder
    if folder.name == "raw" and folder.parent.name == "MNIST":
        return folder.parent.parent
    return folder.parent if folder.name == "MNIST" else folder
