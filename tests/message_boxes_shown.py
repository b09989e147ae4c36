"""The message box a widget has open, found as a person sees it: the app's boxes are non-blocking children of the
widget that asks (digitpad/ui/message_boxes.py), so tests need no handle kept for them in the app."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def shown_box(asker: QWidget) -> QMessageBox:
    """The one message box open on `asker` (its own, not those of the widgets inside it)."""
    boxes = [box for box in asker.findChildren(QMessageBox, options=Qt.FindDirectChildrenOnly) if box.isVisible()]
    assert len(boxes) == 1, f"{len(boxes)} message boxes open on {type(asker).__name__}"
    return boxes[0]
