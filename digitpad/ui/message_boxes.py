"""Message boxes that do not block the event loop: workers keep reporting and tests can answer them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
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


def ask_save_first(parent: QWidget, title: str, text: str, discard_text: str,
                   answered: Callable[[QMessageBox.StandardButton], None]) -> QMessageBox:
    """Ask Save... / `discard_text` / Cancel about something that would be lost (Save by default, Esc cancels).
    `answered(button)` (Save, Discard or Cancel) runs after the box has closed and its click handling returned:
    Save... opens a modal dialog, and the box, deleted on close, must not be deleted under its button's event."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel,
                      parent)
    box.button(QMessageBox.Discard).setText(discard_text)
    box.setDefaultButton(QMessageBox.Save)
    box.setEscapeButton(QMessageBox.Cancel)
    box.setAttribute(Qt.WA_DeleteOnClose)

    def finished() -> None:
        button = box.standardButton(box.clickedButton()) if box.clickedButton() else QMessageBox.Cancel
        QTimer.singleShot(0, parent, lambda: answered(button))

    box.finished.connect(finished)
    box.open()
    return box
