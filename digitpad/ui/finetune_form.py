"""The Train tab's "Fine-tune on my digits" settings: what it starts from, what it learns from, how long.

The tab hands it the model in use and the person's set; the form only shows them and reads its
fields as a FinetuneConfig, whose own `problems()` (and core.finetune's) say what is wrong.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ..core.config import HOLD_OUT_FROM, FinetuneConfig
from .form_fields import form_group, number_edit, read_number
from .hint_label import HintLabel
from .wording import kept_counts

DEFAULTS = FinetuneConfig()


def _percent(value: float, low: int, high: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setSuffix(" %")
    box.setValue(round(value * 100))
    box.setToolTip(tip)
    return box


NONE_HELD_OUT = (". No digit is kept twice, so none can be held out to check the result on your own digits: only "
                 "MNIST will tell. Keep a few of each digit you want it to learn.")


class FinetuneForm(QWidget):
    """Signals: `changed` after any edit or new facts, `showDigits` when the person asks to see their set."""

    changed = Signal()
    showDigits = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._set_problems: list[str] = ["counting your digits..."]
        self.start_from = QLabel("Starts from the model in use (loading...)")
        self.start_from.setWordWrap(True)
        self.digits = QLabel("Counting your digits...")
        self.digits.setWordWrap(True)
        self.digits.setAccessibleName("Your kept digits")
        self.show_digits_button = QPushButton("My digits...")
        self.show_digits_button.setToolTip("See, delete, import or export the digits you kept")
        self.show_digits_button.clicked.connect(self.showDigits)
        self.steps = QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setValue(DEFAULTS.steps)
        self.steps.setToolTip(f"Batches of {DEFAULTS.batch_size} images to train on")
        self.lr = number_edit("Peak learning rate; fine-tuning wants a small one, e.g. 5e-4")
        self.lr.setText(f"{DEFAULTS.lr:g}")
        self.share = _percent(DEFAULTS.personal_share, 1, 99, "About this share of every batch is your digits "
                              "(drawn again at other pen widths and sizes; the ones the model misreads come up "
                              "most often), the rest MNIST and digits drawn by other pen writers, which keep the "
                              "model from forgetting")
        self.holdout = _percent(DEFAULTS.holdout, 0, 90, "This share of each digit you kept two or more times is "
                                "not trained on, to check the result honestly (corrected ones in proportion: a "
                                "digit's only corrected drawing is always trained on)")
        guard = HintLabel(f"MNIST test accuracy and your held-out digits are read before and after: a model that "
                          f"loses more than {DEFAULTS.max_mnist_drop * 100:.1f} points, or reads fewer of your "
                          "digits right, is offered for drawing only with a warning (\"Use anyway...\").")
        guard.setWordWrap(True)

        group, form = form_group("Fine-tune on my digits")
        button_row = QHBoxLayout()  # under the count, not beside it: a wrapped count beside it was cut top and bottom
        button_row.addWidget(self.show_digits_button)
        button_row.addStretch(1)
        form.addRow(self.start_from)
        form.addRow(self.digits)
        form.addRow(button_row)
        form.addRow("Steps", self.steps)
        form.addRow("Learning rate", self.lr)
        form.addRow("Your digits per batch", self.share)
        form.addRow("Held out to check", self.holdout)
        form.addRow(guard)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(group)

        for box in (self.steps, self.share, self.holdout):
            box.valueChanged.connect(self.changed)
        self.lr.textChanged.connect(self.changed)

    def set_start(self, predictor) -> None:
        accuracy = f", {predictor.accuracy_note}" if predictor.accuracy_note else ""
        self.start_from.setText(f"Starts from the model in use: {predictor.shown_name(detail=True)}{accuracy}")
        self.changed.emit()

    def set_digits(self, counts: list[int] | None, problems: list[str], error: str = "") -> None:
        """Show the person's set: counts per digit (None when unreadable), what stops a fine-tune, any error."""
        self._set_problems = [error] if error else problems
        if error:
            self.digits.setText(f"Your digits cannot be read: {error}")
        else:
            kept = kept_counts(counts)
            unchecked = NONE_HELD_OUT if kept and max(counts) < HOLD_OUT_FROM else ""  # finetune.split_held_out
            self.digits.setText(f"Your digits: {sum(counts)} kept" + (f" ({kept})" if kept else "") + unchecked)
        self.changed.emit()

    def config(self, seed: int, device: str) -> FinetuneConfig:
        return FinetuneConfig(steps=self.steps.value(), lr=read_number(self.lr),
                              personal_share=self.share.value() / 100, holdout=self.holdout.value() / 100, seed=seed,
                              device=device)

    def problems(self) -> list[str]:
        """The set's problems and the settings' (seed and device do not matter to these)."""
        return self._set_problems + self.config(0, "auto").problems()
