"""Field helpers shared by the Train tab's forms."""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit


def read_number(edit: QLineEdit) -> float:
    try:
        return float(edit.text())
    except ValueError:
        return math.nan  # reported by the config's problems() like any other out-of-range value


def number_edit(tip: str) -> QLineEdit:
    """A line edit for values that span decades (3e-3, 5e-4), which spin boxes handle badly."""
    edit = QLineEdit()
    validator = QDoubleValidator(edit)
    validator.setNotation(QDoubleValidator.ScientificNotation)
    validator.setLocale(QLocale.c())
    edit.setValidator(validator)
    edit.setToolTip(tip)
    return edit


def form_group(title: str) -> tuple[QGroupBox, QFormLayout]:
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return group, form
