"""Hint text is readable: enabled, and at least 4.5:1 against the window (WCAG's bar for text), light or dark."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from digitpad.ui.hint_label import HintLabel


def luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour.getRgbF()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.Window, "#353535"), (QPalette.WindowText, "#ffffff"), (QPalette.Base, "#2a2a2a"),
                         (QPalette.Text, "#ffffff"), (QPalette.Button, "#353535"), (QPalette.ButtonText, "#ffffff")):
        palette.setColor(role, QColor(colour))
    return palette


def test_hints_are_enabled_and_readable_in_light_and_dark_palettes(window, qtbot):
    for index in range(window.tabs.count()):  # each tab built and shown once
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
    window.tabs.setCurrentIndex(0)
    labels = window.findChildren(QLabel)
    assert not [label.text()[:40] for label in labels if label.testAttribute(Qt.WA_ForceDisabled)], \
        "a disabled label's grey is unreadable, and screen readers call it unavailable"
    hints = window.findChildren(HintLabel)
    assert {window.draw_tab.source_label, window.draw_tab.panel.input_caption} <= set(hints)
    light = QApplication.palette()
    try:
        for palette in (light, dark_palette()):
            QApplication.setPalette(palette)
            qtbot.wait(10)
            paper = palette.color(QPalette.Window)
            for hint in hints:
                ratio = contrast(hint.palette().color(QPalette.WindowText), paper)
                assert 4.5 <= ratio < contrast(palette.color(QPalette.WindowText), paper), (hint.text()[:40], ratio)
    finally:
        QApplication.setPalette(light)
