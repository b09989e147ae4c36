"""Number mode's answer: the number in large type, each digit with its confidence, unsure ones marked.

Each digit is a button: clicking it (or its box on the pad) offers "It was a ..." so the person can
correct that one digit, which then joins their own set like a single drawing, and is shown as they said.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.number_reading import percent
from .hint_label import HintLabel
from .wording import a_digit, how_read

NUMBER_SPACE = 28  # px before the first digit of the next number (a new line of writing, or past a wide gap), as the
# space in "6808 4562"
KEPT_CAPTION = "✓ kept"  # under a digit the person said what it was, in place of the model's confidence


def digit_caption(digit) -> str:
    """Under a digit: its confidence in whole percents, never a rounded "100%" (the single-digit pad says
    ">99.9%"), or its two candidates when unsure."""
    (first, p1), (second, p2) = digit.candidates
    return f"{first} or {second}" if digit.unsure else ">99%" if p1 >= 0.995 else f"{p1:.0%}"


class NumberView(QWidget):
    """Shows a NumberReading, with the digits the person said what they were (kept in their set) as they said.
    Signal `corrected(index, label)`: the person says digit `index` was `label`."""

    corrected = Signal(int, int)
    PROMPT = "Write a number on the pad, left to right"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._reading = None
        self._correctable = True
        self._kept_as: dict[int, int] = {}  # index of a digit -> the digit the person said it is
        self.digit_buttons: list[QToolButton] = []
        self.captions: list[QLabel] = []
        self.separator_labels: list[QLabel] = []  # each digit's: the ".", ",", "-" or ":" written just before it
        self.menu: QMenu | None = None  # the open "It was a ..." menu, if any
        self.number_label = QLabel("")
        self.number_label.setAccessibleName("Number read")
        self.number_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.caption = HintLabel(self.PROMPT)
        self.caption.setWordWrap(True)
        digit_row = QWidget()
        digit_row.setAccessibleName("Digits read")
        self._digits = QHBoxLayout(digit_row)
        self._digits.setContentsMargins(0, 0, 0, 0)
        self._digits.setSpacing(6)
        self._digits.addStretch(1)
        self._add_digit_slot()
        self.digit_buttons[0].setText("0")
        self.captions[0].setText("100%")
        # The row keeps a digit's height while empty, so what is below it does not jump when the first digit shows.
        digit_row.setMinimumHeight(self.digit_buttons[0].parentWidget().sizeHint().height())
        self.digit_buttons[0].parentWidget().hide()
        # A long number (a page of writing read in a photo) scrolls sideways: as a row it widened the window past
        # the screen, 36 digits to 2,320 px
        self.digit_scroll = QScrollArea()
        self.digit_scroll.setWidget(digit_row)
        self.digit_scroll.setWidgetResizable(True)
        self.digit_scroll.setFrameShape(QFrame.NoFrame)
        self.digit_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.digit_scroll.viewport().setAutoFillBackground(False)  # on the window's own background, as before
        digit_row.setAutoFillBackground(False)
        self.digit_scroll.setFixedHeight(digit_row.minimumHeight()
                                         + self.digit_scroll.horizontalScrollBar().sizeHint().height())
        self.number_label.setWordWrap(True)  # lines of a photo's writing wrap where they part
        self.number_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.digit_scroll)
        row = QHBoxLayout()
        row.addWidget(QLabel("Reads as"))
        row.addWidget(self.number_label, 1)
        layout.addLayout(row)
        layout.addWidget(self.caption)

    def reading(self):
        return self._reading

    def text(self) -> str:
        """The number as shown, unsure digits as "?" (e.g. "2?26") and kept ones as the person said; empty when
        nothing is read."""
        return self._shown(question_marks=True) if self._reading else ""

    def _shown(self, question_marks: bool) -> str:
        """The number with each kept digit as the person said it is and the others as read, an unsure one as "?"
        with `question_marks`, else as its likeliest digit."""
        return self._reading.joined(lambda i, d: str(self._kept_as[i]) if i in self._kept_as else
                                    "?" if question_marks and d.unsure else str(d.digit))

    def _add_digit_slot(self) -> None:
        """One more digit button with its caption (kept and reused: answers arrive many times a second)."""
        index = len(self.digit_buttons)
        big = QFont(self.font())
        big.setPointSize(40)
        big.setBold(True)
        button = QToolButton()
        button.setFont(big)
        button.setAutoRaise(True)
        button.setMinimumWidth(56)
        button.clicked.connect(lambda _=False, i=index: self.ask_correction(i))
        caption = QLabel()
        caption.setAlignment(Qt.AlignCenter)
        separator = QLabel()
        separator.setFont(big)
        separator.setAlignment(Qt.AlignBottom)
        separator.hide()
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setSpacing(2)
        row.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout()
        column.setSpacing(0)
        column.addWidget(button, 0, Qt.AlignHCenter)
        column.addWidget(caption)
        row.addWidget(separator, 0, Qt.AlignTop)
        row.addLayout(column)
        self._digits.insertWidget(index, holder)
        self.digit_buttons.append(button)
        self.captions.append(caption)
        self.separator_labels.append(separator)

    def show_reading(self, reading, correctable: bool = True, kept_as: dict[int, int] | None = None) -> None:
        """Show a NumberReading (None: nothing read). Digits read from a photo are not `correctable`: only a
        drawing's digits have strokes to keep in the personal set. `kept_as` maps the index of a digit kept there to
        the digit the person said it is."""
        self._reading = reading if reading and reading.digits else None
        self._correctable = correctable
        self._kept_as = dict(kept_as or {})
        digits = self._reading.digits if self._reading else ()
        separators = self._reading.separator_before() if self._reading else {}
        while len(self.digit_buttons) < len(digits):
            self._add_digit_slot()
        for index, (button, caption) in enumerate(zip(self.digit_buttons, self.captions)):
            shown = index < len(digits)
            button.parentWidget().setVisible(shown)
            if not shown:
                continue
            self.separator_labels[index].setText(separators.get(index, ""))
            self.separator_labels[index].setVisible(index in separators)
            digit = digits[index]
            next_number = index > 0 and self._reading.starts_number(index)
            button.parentWidget().layout().setContentsMargins(NUMBER_SPACE if next_number else 0, 0, 0, 0)
            (first, p1), (second, p2) = digit.candidates
            read = f"{first} ({percent(p1)}) or {second} ({percent(p2)})"
            label = self._kept_as.get(index)
            if label is None:
                button.setText("?" if digit.unsure else str(digit.digit))
                button.setToolTip(f"{read}." + (" Click to correct this digit." if correctable else ""))
                button.setAccessibleName(f"Digit {index + 1}: {'unsure' if digit.unsure else digit.digit}")
                caption.setText(digit_caption(digit))
            else:
                button.setText(str(label))
                button.setToolTip(f"You said this is {a_digit(label)}: kept in your digits "
                                  f"({how_read(label, digit.digit, digit.unsure)}; the model: {read}). "
                                  "Click to correct it again.")
                button.setAccessibleName(f"Digit {index + 1}: {label}, kept as you said")
                caption.setText(KEPT_CAPTION)
            caption.setStyleSheet("color: palette(highlight); font-weight: bold;" if digit.unsure or label is not None
                                  else "")
        if self._reading is None:
            self.number_label.setText("–")
            self.caption.setText(self.PROMPT)
            return
        # as the row above shows it, "?" where unsure; the likeliest digits there after it, as a guess
        shown, likeliest = self._shown(question_marks=True), self._shown(question_marks=False)
        self.number_label.setText(f"<b>{shown}</b>" + (f" (likeliest: {likeliest})" if shown != likeliest else ""))
        if correctable:
            self.caption.setText(("✓: as you said, kept in your digits. " if self._kept_as else "")
                                 + "Click a digit, here or on the pad, to correct it.")
        else:
            self.caption.setText("Read from the image; corrections are kept for drawings on the pad.")

    def show_message(self, text: str) -> None:
        self.show_reading(None)
        self.caption.setText(text)

    def ask_correction(self, index: int) -> None:
        """Offer "It was a 0..9" for digit `index` (non-blocking, under its button); the digit it was read as is marked
        "(as read)", unless it is shown as "?": the app claimed no digit there."""
        if self._reading is None or not self._correctable or not 0 <= index < len(self._reading.digits):
            return
        digit = self._reading.digits[index]
        read = None if digit.unsure else digit.digit
        self.menu = QMenu(self)
        self.menu.setTitle(f"Digit {index + 1}")
        for label in range(10):
            action = self.menu.addAction(f"It was {a_digit(label)}" + (" (as read)" if label == read else ""))
            if self._kept_as.get(index) == label:  # what the person said last
                action.setCheckable(True)
                action.setChecked(True)
            action.triggered.connect(lambda _=False, i=index, d=label: self.corrected.emit(i, d))
        button = self.digit_buttons[index]
        self.digit_scroll.ensureWidgetVisible(button.parentWidget())  # a digit clicked on the pad may be scrolled away
        self.menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
