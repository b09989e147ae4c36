"""Answering a file dialog as a person does, for UI tests: the dialog runs modally, so a timer answers it."""

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit


def answer_dialog(choose: Path | None, seen: list, offered: list | None = None) -> None:
    """When the dialog shows, note the folder it opened in (and in `offered`, the name it suggested), then choose
    `choose` (None: cancel)."""
    def act():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(Path(dialog.directory().absolutePath()))
        if offered is not None:
            offered.append(dialog.findChild(QLineEdit, "fileNameEdit").text())
        if choose is None:
            dialog.reject()
        else:
            dialog.setDirectory(str(choose.parent))
            # typed into the name box, as a person does (selectFile leaves a focused box as it is)
            dialog.findChild(QLineEdit, "fileNameEdit").setText(choose.name)
            dialog.accept()

    QTimer.singleShot(0, act)
