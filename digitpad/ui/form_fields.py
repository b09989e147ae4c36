"""Field helpers shared by the Train tab's forms."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QEvent, QLocale, QObject, Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)


def read_number(edit: QLineEdit) -> float:
    """The number typed; a decimal comma (0,004, as many countries write it) is read as the point, but not one
    that could separate thousands (1,000 is refused, not read as 1)."""
    text = edit.text().strip()
    decimal_comma = re.fullmatch(r"\d*,\d+", text) and not re.fullmatch(r"[1-9]\d{0,2},\d{3}", text)
    try:
        return float(text.replace(",", ".") if decimal_comma else text)
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


def field_value(widget: QWidget):
    """What a field holds: a number typed or spun, a box ticked, a choice (its data, else its text)."""
    if isinstance(widget, QLineEdit):
        return read_number(widget)
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentText() if widget.currentData() is None else widget.currentData()
    return widget.value()


def show_value(widget: QWidget, value) -> None:
    """Show `value` in a field, the reverse of field_value."""
    if isinstance(widget, QLineEdit):
        widget.setText(f"{value:g}")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(value)
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index >= 0:
            widget.setCurrentIndex(index)
        else:
            widget.setCurrentText(value)
    else:
        widget.setValue(value)


def form_group(title: str) -> tuple[QGroupBox, QFormLayout]:
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return group, form


def name_fields_by_their_labels(root: QWidget) -> None:
    """Give each labelled field its row's label as accessible name, so a screen reader says "Preset", not
    the combo box's current text (form rows make the label the field's buddy)."""
    for label in root.findChildren(QLabel):
        field = label.buddy()
        if field is not None and not field.accessibleName():
            field.setAccessibleName(label.text().replace("&", ""))


def align_label_columns(root: QWidget) -> None:
    """Line up the fields of every form under `root` in one column: each group's form sizes its labels alone, so a
    long label in one group ("Validation fraction") set its fields further right than the next group's."""
    labels = [form.itemAt(row, QFormLayout.LabelRole).widget() for form in root.findChildren(QFormLayout)
              for row in range(form.rowCount()) if form.itemAt(row, QFormLayout.LabelRole) is not None]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def let_fields_narrow(root: QWidget, width: int = 100) -> None:
    """Let every choice and spin box under `root` narrow to `width` in a small window, as its text fields do. They ask
    for their longest item's or largest value's width, which pushed the settings out sideways at the window's
    smallest; narrowed, a choice clips its current item and its list still shows every item whole."""
    for field in root.findChildren(QComboBox) + root.findChildren(QAbstractSpinBox):
        field.setMinimumWidth(min(width, field.sizeHint().width()))


class _WheelScrollsTheForm(QObject):
    """A choice or spin box the pointer passes over lets the wheel scroll the form, unless it has the focus (it was
    clicked, or Tabbed to): a form scrolled with the wheel changed Schedule, Epochs and the preset on its way."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Wheel and not watched.hasFocus():
            area = watched.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            if area is not None:  # scrolled as a wheel over the form's own background scrolls it
                QApplication.sendEvent(area.verticalScrollBar(), event)
            return True
        return super().eventFilter(watched, event)


def wheel_changes_only_focused_fields(root: QWidget) -> None:
    """Every choice and spin box under `root` changes with the wheel only once it has the focus (see
    _WheelScrollsTheForm); the wheel no longer gives them the focus either."""
    guard = _WheelScrollsTheForm(root)
    for field in root.findChildren(QComboBox) + root.findChildren(QAbstractSpinBox):
        field.setFocusPolicy(Qt.StrongFocus)
        field.installEventFilter(guard)
