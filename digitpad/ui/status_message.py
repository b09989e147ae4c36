"""The status bar's message: shortened at a word boundary to the room left beside the model label.

QStatusBar.showMessage cuts a long message wherever the room ends, mid-word, under the permanent
model label; this label ends with "…" after the last whole word that fits, and its tooltip holds
the whole message (errors are also shown whole in a message box).
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


def elide_words(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` if it fits in `width` px, else its longest run of whole words that fits, followed by "…"."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    while words:
        shortened = " ".join(words).rstrip(" ,;:.-–") + ELLIPSIS
        if metrics.horizontalAdvance(shortened) <= width:
            return shortened
        words.pop()
    return ELLIPSIS


class StatusMessage(QLabel):
    """A message that shows for a while, never wider than its room (it does not widen the window)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setAccessibleName("Status message")
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(lambda: self.show_message(""))

    def full_text(self) -> str:
        return self._full

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        """Show `text` (for `timeout_ms`, 0: until replaced)."""
        self._full = text
        self.setToolTip(text if text else "")
        self.setAccessibleDescription(text)
        self._fit()
        if timeout_ms:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    def _fit(self) -> None:
        self.setText(elide_words(self._full, self.fontMetrics(), self.contentsRect().width()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
