"""Hint text: quieter than the window's text, yet readable.

Hints were disabled QLabels: their grey measured about 1.5:1 against the window, where WCAG asks 4.5:1 for
text, and screen readers announce a disabled label as unavailable. A HintLabel is enabled and drawn in a blend
of the palette's text and window colours that keeps over 4.5:1 in light and dark palettes alike, and follows
the palette when the application's changes (a switch to dark mode).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

TEXT_SHARE = 0.62  # of the text colour in a hint's, the rest the window's: 5.9:1 on Fusion's light grey, 5.8:1 on dark


def hint_colour(palette: QPalette) -> QColor:
    """The colour of hint text on the window's background in `palette`."""
    ink, paper = palette.color(QPalette.WindowText), palette.color(QPalette.Window)
    return QColor.fromRgbF(*(TEXT_SHARE * a + (1 - TEXT_SHARE) * b
                             for a, b in zip(ink.getRgbF()[:3], paper.getRgbF()[:3])))


class HintLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self._tint()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.ApplicationPaletteChange, QEvent.PaletteChange):  # Qt sends either
            self._tint()

    def _tint(self) -> None:
        colour = hint_colour(QApplication.palette())
        if self.palette().color(QPalette.WindowText) != colour:  # (setting it is a PaletteChange too)
            palette = self.palette()
            palette.setColor(QPalette.WindowText, colour)
            self.setPalette(palette)
