""""Was it right?": confirm the answer or name the digit, and the drawing joins the person's own set."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .wording import a_digit


class KeptNote(QLabel):
    """The confirmation that a drawing was kept: bold, in the palette's text colour on a highlighted strip,
    so it is seen without looking for it (it stays until the next stroke). Not part of the row, which is
    disabled (greyed) once the pad is cleared; its room is kept while hidden, so the pad does not jump."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.AlternateBase)
        self.setForegroundRole(QPalette.Text)
        self.setMargin(4)
        self.setAccessibleName("Kept digit")
        self.setTextInteractionFlags(Qt.NoTextInteraction)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class CorrectionRow(QWidget):
    """Emits `chosen(label)`: the predicted digit for "Right", else the digit button pressed."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._predicted: int | None = None
        self.right_button = QPushButton("Right")
        self.right_button.setToolTip("Keep this drawing as an example of the digit it was read as (Enter)")
        self.right_button.setAccessibleName("Right: keep the drawing as the digit it was read as")
        self.right_button.clicked.connect(lambda: self.chosen.emit(self._predicted))
        self.digit_buttons = []
        confirm, correct = QHBoxLayout(), QHBoxLayout()
        confirm.addWidget(QLabel("Was it right?"))
        confirm.addWidget(self.right_button)
        confirm.addStretch(1)
        correct.addWidget(QLabel("No, it was"))
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setFixedWidth(28)
            button.setToolTip(f"Keep this drawing as {a_digit(digit)} (or press {digit})")
            button.setAccessibleName(f"No, it was {a_digit(digit)}")
            button.clicked.connect(lambda _=False, d=digit: self.chosen.emit(d))
            correct.addWidget(button)
            self.digit_buttons.append(button)
        correct.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(confirm)
        layout.addLayout(correct)
        self.set_predicted(None)

    def set_predicted(self, digit: int | None) -> None:
        """Offer the row for a drawing read as `digit`; None disables it (nothing drawn)."""
        self._predicted = digit
        self.setEnabled(digit is not None)
        self.right_button.setText("Right" if digit is None else f"Right, {a_digit(digit)}")
