"""Labels that keep room for the lines their notes may take, so a note coming and going moves nothing round it."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel


def keep_room_for_lines(label: QLabel, lines: int = 2, bold: bool = False) -> None:
    """The label at least `lines` lines of its font high (`bold`: of its font in bold, as a style sheet may set it
    later), inside its margin and frame: a second line coming and going moved what lies below it."""
    font = QFont(label.font())
    font.setBold(bold or font.bold())
    label.setMinimumHeight(lines * QFontMetrics(font).lineSpacing() + 2 * (label.margin() + label.frameWidth()))
