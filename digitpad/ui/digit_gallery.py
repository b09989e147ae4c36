"""Galleries of 28x28 digits (misread test digits, held-out digits, the person's own) and their colours."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from .prediction_view import gray_pixmap

CORRECT_COLOR = QColor("#2b7bba")
ERROR_COLOR = QColor("#d7301f")
GALLERY_SCALE = 2


def digit_icon(image) -> QIcon:
    """An icon of a 28x28 uint8 image, white ink on black, shown at GALLERY_SCALE."""
    return QIcon(gray_pixmap(image / 255.0, GALLERY_SCALE))


class DigitGallery(QListWidget):
    """Digits in wrapping rows, each with a caption such as "true → read" and a tooltip saying it in words."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListView.IconMode)
        self.setIconSize(QSize(28 * GALLERY_SCALE, 28 * GALLERY_SCALE))
        self._fit_cells(1)
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setAccessibleName(name)

    def _fit_cells(self, lines: int) -> None:
        """Cells with room for a digit and `lines` lines of caption under it."""
        self.setGridSize(QSize(28 * GALLERY_SCALE + 34, 28 * GALLERY_SCALE + 12 + lines * self.fontMetrics().height()))

    def one_row_height(self) -> int:
        """The height that shows one row of cells whole."""
        return self.gridSize().height() + 2 * self.frameWidth() + 4

    def set_digits(self, digits: list[tuple]) -> None:
        """(image uint8 28x28, caption, tooltip) for each digit; a caption may take two lines (the cells grow)."""
        self.clear()
        self._fit_cells(max((caption.count("\n") + 1 for _, caption, _ in digits), default=1))
        for image, caption, tooltip in digits:
            item = QListWidgetItem(digit_icon(image), caption)
            item.setToolTip(tooltip)
            self.addItem(item)
        self.scrollToTop()  # a new set from its start: it kept the last one's place, showing only its last digit
        self.horizontalScrollBar().setValue(0)
