""""Was it right?": confirm the answer or name the digit, and the drawing joins the person's own set."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .failure_style import failure_style
from .label_room import keep_room_for_lines
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
        # Room for two lines, kept when there is one: in a narrow window most notes take two, and each coming and
        # going moved the pad and its buttons
        keep_room_for_lines(self)
        self.setAccessibleName("Kept digit")
        self.setTextInteractionFlags(Qt.NoTextInteraction)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.hide()

    def show_text(self, text: str, failed: bool = False) -> None:
        self.setText(text)
        self.setStyleSheet(failure_style(failed))
        self.setVisible(bool(text))


class CorrectionRow(QWidget):
    """Emits `chosen(label)`: the predicted digit for "Right", else the digit button pressed.

    For a reading the panel shows as "?" the row asks what the drawing was: "Right" would confirm a digit the
    app never claimed, so it is hidden (its room kept, so nothing jumps) and only a digit keeps the drawing."""

    chosen = Signal(int)
    ASKS = {False: ("Was it right?", "No, it was"), True: ("Not sure. What was it?", "It was")}  # by unsure

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._predicted: int | None = None
        self.question = QLabel()
        self.right_button = QPushButton("Right")
        self._tips = {self.right_button: "Keep this drawing as an example of the digit it was read as (Enter)"}
        self.right_button.setAccessibleName("Right: keep the drawing as the digit it was read as")
        self.right_button.clicked.connect(lambda: self.chosen.emit(self._predicted))
        policy = self.right_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.right_button.setSizePolicy(policy)
        self.lead = QLabel(max((lead for _, lead in self.ASKS.values()), key=len))
        self.lead.setMinimumWidth(self.lead.sizeHint().width())  # the digit buttons stay put as the lead changes
        self.digit_buttons = []
        confirm, correct = QHBoxLayout(), QHBoxLayout()
        confirm.addWidget(self.question)
        confirm.addWidget(self.right_button)
        confirm.addStretch(1)
        correct.addWidget(self.lead)
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setFixedWidth(28)
            self._tips[button] = f"Keep this drawing as {a_digit(digit)} (or press {digit})"
            button.clicked.connect(lambda _=False, d=digit: self.chosen.emit(d))
            correct.addWidget(button)
            self.digit_buttons.append(button)
        correct.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(confirm)
        layout.addLayout(correct)
        self.set_predicted(None)

    def set_predicted(self, digit: int | None, unsure: bool = False, why_not: str = "") -> None:
        """Offer the row for a drawing read as `digit`, or shown as "?" when `unsure` (the row asks what it was);
        None disables it (nothing drawn), and its buttons' tooltips then say `why_not` when it is given."""
        self._predicted = None if unsure else digit
        self.setEnabled(digit is not None)
        for button, tip in self._tips.items():
            button.setToolTip(why_not if digit is None and why_not else tip)
        question, lead = self.ASKS[unsure]
        self.question.setText(question)
        self.lead.setText(lead)
        for label, button in enumerate(self.digit_buttons):
            button.setAccessibleName(f"{lead} {a_digit(label)}")
        self.right_button.setVisible(not unsure)
        self.right_button.setText("Right" if self._predicted is None else f"Right, {a_digit(self._predicted)}")

    def read_as(self) -> int | None:
        """The digit "Right" (and Enter) keeps the drawing as; None when the row claims none."""
        return self._predicted
