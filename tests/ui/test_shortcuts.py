"""Help ▸ Keyboard shortcuts lists every key the window answers to, and only those."""

from message_boxes_shown import shown_box
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtTest import QTest

from digitpad.ui.shortcuts import FOCUSED_TABLE, TABLE


def bound_keys(window) -> list[str]:
    """Every key sequence of the window's shortcuts and menu actions, My digits' (a child window) included."""
    keys = [s.key().toString() for s in window.findChildren(QShortcut)]
    keys += [k.toString() for a in window.findChildren(QAction) for k in a.shortcuts()]
    return sorted(keys)


def test_the_list_of_shortcuts_is_the_window_s_own(window, qtbot):
    window.show_my_digits()
    listed = sorted(s.toString() for _, entries in TABLE for keys in entries for s in keys.sequences())
    assert listed == bound_keys(window), "every key listed is bound (once), and every bound key is listed"
    window.my_digits.close()

    window.activateWindow()
    QTest.keyClick(window, Qt.Key_F1)
    box = shown_box(window)
    assert box.windowTitle() == "Keyboard shortcuts"
    for _, entries in (*TABLE, *FOCUSED_TABLE):
        for keys in entries:
            if keys.sequences():
                assert keys.does in box.text() and keys.shown() in box.text()
    assert "0 to 9" in box.text()
    assert "Inside tab" in box.text() and "Left, Right, Up or Down" in box.text(), "the feature maps' keys too"
    box.close()

