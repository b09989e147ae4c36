"""Every control is reachable with Tab, tabs have shortcuts, and screen readers hear a name for each."""

from digit_strokes import STYLES, place
from drawing import draw, pause, settle, wait_for
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def spoken_name(widget) -> str:
    """What a screen reader announces for the widget (its accessible name, else Qt's derived one)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Name) if interface is not None else ""


def walk_focus_chain(window, first) -> list:
    """Press Tab from `first` until the focus comes back round; the widgets it visited, in order."""
    first.setFocus(Qt.TabFocusReason)
    pause(20)
    visited = [QApplication.focusWidget()]
    for _ in range(120):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is visited[0]:
            return visited
        visited.append(widget)
    raise AssertionError(f"Tab never came back to {type(first).__name__}: {[type(w).__name__ for w in visited]}")


def assert_named(visited) -> None:
    unnamed = [(type(w).__name__, w.objectName()) for w in visited if not spoken_name(w).strip()]
    assert not unnamed, f"screen readers would hear nothing for {unnamed}"


def test_the_draw_tab_is_walked_with_tab_and_every_stop_has_a_name(window, qtbot):
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    tab = window.draw_tab
    draw(tab.canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, tab) == "7"  # now Undo and the correction row are enabled too
    visited = walk_focus_chain(window, tab.canvas)
    for widget in (tab.canvas, tab.undo_button, tab.clear_button, tab.pen_slider, tab.correction.right_button,
                   *tab.correction.digit_buttons, tab.my_digits_button, window.tabs.tabBar()):
        assert widget in visited, f"{spoken_name(widget) or type(widget).__name__} cannot be reached with Tab"
    assert_named(visited)
    assert spoken_name(tab.pen_slider) == "Pen width" and spoken_name(tab.canvas) == "Drawing pad"
    assert spoken_name(tab.correction.digit_buttons[3]) == "No, it was a 3"


def test_the_train_tab_is_walked_with_tab_and_its_fields_are_named_by_their_labels(window, qtbot):
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)
    QTest.keyClick(window, Qt.Key_2, Qt.ControlModifier)  # Ctrl+2: the Train tab
    tab = window.train_tab
    assert window.tabs.currentWidget() is tab
    wait_for(lambda: tab.form.is_ready)
    visited = walk_focus_chain(window, tab.new_model_choice)
    form = tab.form
    for widget in (form.dataset_kind, form.preset, form.epochs, form.seed, form.device, tab.start_button,
                   tab.monitor.log, tab.pages.tabBar()):
        assert widget in visited, f"{spoken_name(widget) or type(widget).__name__} cannot be reached with Tab"
    assert_named(visited)
    # (a combo box is announced with its current text; the name comes with it from its label)
    assert form.preset.accessibleName() == "Preset" and form.dataset_kind.accessibleName() == "Source"
    assert spoken_name(tab.monitor.charts.loss) == "Loss chart"
    QTest.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    assert window.tabs.currentWidget() is window.draw_tab
