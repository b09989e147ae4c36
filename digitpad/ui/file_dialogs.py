"""File dialogs that open where the person last was: the last folder used, else Documents, else home.

Never the process's working folder, which for someone running from source is the checkout. The
folder is remembered in the app's settings, so it also holds across sessions.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

LAST_FOLDER_KEY = "last_folder"


def settings() -> QSettings:
    return QSettings("digitpad", "digitpad")


def start_folder() -> Path:
    """The last folder a file was chosen in (if it still exists), else the user's Documents, else home."""
    last = settings().value(LAST_FOLDER_KEY, "")
    if isinstance(last, str) and last and Path(last).is_dir():  # a list: the settings file was edited by hand
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(path: str | Path) -> None:
    """Remember the folder of a chosen file (or a chosen folder itself) for the next dialog."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    store = settings()
    store.setValue(LAST_FOLDER_KEY, str(folder))
    store.sync()


def _run(dialog: QFileDialog) -> str:
    if dialog.exec() != QDialog.Accepted or not dialog.selectedFiles():
        return ""
    path = dialog.selectedFiles()[0]
    remember_folder(path)
    return path


def open_file(parent: QWidget, title: str, name_filter: str) -> str:
    """An existing file chosen by the person, or "" when they cancel."""
    dialog = QFileDialog(parent, title, str(start_folder()), name_filter)
    dialog.setFileMode(QFileDialog.ExistingFile)
    return _run(dialog)


def save_file(parent: QWidget, title: str, name: str, name_filter: str, suffix: str = "") -> str:
    """A file to write, suggested as `name` in the start folder, or "" when they cancel; `suffix` is added to a
    name typed without one, before the dialog asks whether to replace a file of that name."""
    dialog = QFileDialog(parent, title, str(start_folder()), name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(name)
    return _run(dialog)


def open_folder(parent: QWidget, title: str) -> str:
    """An existing folder chosen by the person, or "" when they cancel."""
    dialog = QFileDialog(parent, title, str(start_folder()))
    dialog.setFileMode(QFileDialog.Directory)
    dialog.setOption(QFileDialog.ShowDirsOnly)
    return _run(dialog)
