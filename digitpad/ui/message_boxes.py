"""Message boxes that do not block the event loop: workers keep reporting and tests can answer them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def warn(parent: QWidget, title: str, text: str) -> QMessageBox:
    """Show a warning with an OK button; returns the box (open until the person closes it)."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def ask_yes_no(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str,
               answered: Callable[[bool], None]) -> QMessageBox:
    """Ask a Yes/No question (No by default); `answered(yes)` is called however it closes (Yes, No, Esc or its
    close button). Returns the box."""
    box = QMessageBox(icon, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.setDefaultButton(QMessageBox.No)
    box.setAttribute(Qt.WA_DeleteOnClose)

    def finished() -> None:
        button = box.clickedButton()
        answered(button is not None and box.standardButton(button) == QMessageBox.Yes)

    box.finished.connect(finished)
    box.open()
    return box
