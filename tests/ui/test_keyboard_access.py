"""Every control is reachable with Tab, tabs have shortcuts, and screen readers hear a name for each."""

from digit_strokes import STYLES, place
from drawing import draw, pause, settle, wait_for
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


def activate(window) -> None:
    """The window made the active one, as a person's click on it does: keys and focus go to it only then."""
    window.activateWindow()
    wait_for(window.isActiveWindow, 10)


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
    activate(window)
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
    activate(window)
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


def test_every_tab_stop_of_the_inside_tab_is_a_control_or_a_map_not_a_pane(window, qtbot):
    """Its two scrolling panes were Tab stops of their own, which showed no focus at all."""
    from PySide6.QtWidgets import QScrollArea

    activate(window)
    draw(window.draw_tab.canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, window.draw_tab) == "7"
    QTest.keyClick(window, Qt.Key_3, Qt.ControlModifier)  # Ctrl+3: the Inside tab
    inside = window.inside_tab
    assert window.tabs.currentWidget() is inside
    pause(500)
    visited = walk_focus_chain(window, window.tabs.tabBar())
    assert inside.other_choice in visited and not [w for w in visited if isinstance(w, QScrollArea)]
    assert_named(visited)


def test_a_map_grid_tabbed_to_shows_its_focused_map_and_the_stage_titles(window, qtbot):
    """For a grid wider than the view the pane scrolled to the grid's far end: the focused map and the titles out of
    view, no focus mark to be seen."""
    from PySide6.QtWidgets import QScrollArea

    from digitpad.ui.activation_views import MapGrid

    activate(window)
    window.resize(window.minimumSizeHint())
    draw(window.draw_tab.canvas, place(STYLES[7]["crossbar"], 40, 20, 200))
    assert settle(qtbot, window.draw_tab) == "7"
    QTest.keyClick(window, Qt.Key_3, Qt.ControlModifier)
    inside = window.inside_tab
    wait_for(lambda: any(grid.isVisible() and grid.width() > 0 for grid in inside.findChildren(MapGrid)))
    pause(300)
    grids = [g for g in inside.findChildren(MapGrid) if g.isVisible() and g is not inside.filters]
    pane = next(area for area in inside.findChildren(QScrollArea) if area.widget().isAncestorOf(grids[0]))
    assert any(grid.width() > pane.viewport().width() for grid in grids), "grids wider than the view"
    for grid in grids:  # each in turn, as Tab goes from one to the next
        press_tab_until(inside.other_choice, grid)
        pause(100)
        assert pane.horizontalScrollBar().value() == 0, "the titles in view"
        first = grid.mapTo(pane.viewport(), grid._cell_rect(0).center())
        assert pane.viewport().rect().contains(first), "the focused map in view"


def press_tab_until(widget, target, key=Qt.Key_Tab, presses: int = 40) -> None:
    """Press Tab (or `key`) from `widget` until `target` has the focus, as a keyboard user moves there."""
    widget.setFocus(Qt.TabFocusReason)
    for _ in range(presses):
        if QApplication.focusWidget() is target:
            return
        QTest.keyClick(QApplication.focusWidget(), key)
    raise AssertionError(f"{QKeySequence(key).toString()} from {type(widget).__name__} never reached "
                         f"{type(target).__name__}")


def frame_colours(canvas) -> set:
    """The colours of the pad's outermost two pixels, at the middle of each side, as painted."""
    image = canvas.grab().toImage()
    w, h = image.width(), image.height()
    points = [(x, h // 2) for x in (0, 1, w - 2, w - 1)] + [(w // 2, y) for y in (0, 1, h - 2, h - 1)]
    return {image.pixelColor(x, y).name() for x, y in points}


def test_the_pad_shows_a_focus_ring_while_it_has_the_focus_in_both_modes(window, qtbot):
    activate(window)
    tab = window.draw_tab
    canvas = tab.canvas
    highlight = canvas.palette().color(QPalette.Highlight).name()
    draw(canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    settle(qtbot, tab)
    for number_mode in (False, True):
        press_tab_until(tab.pen_slider, canvas, Qt.Key_Backtab)
        assert canvas.hasFocus()
        assert frame_colours(canvas) == {highlight}, f"no focus ring round the pad (Number mode {number_mode})"
        QTest.keyClick(canvas, Qt.Key_Tab)
        assert not canvas.hasFocus()
        assert highlight not in frame_colours(canvas), "the ring stays after the focus has gone"
        if not number_mode:
            press_tab_until(tab.pen_slider, tab.number_toggle)
            QTest.keyClick(tab.number_toggle, Qt.Key_Space)
            assert canvas.number_mode()
    draw(canvas, [[(100, 60), (100, 150)]])  # a 1 on the wide pad, then Esc clears it
    press_tab_until(tab.pen_slider, canvas, Qt.Key_Backtab)
    QTest.keyClick(canvas, Qt.Key_Escape)
    assert canvas.is_empty()
    tab.number_toggle.setChecked(False)  # the mode is remembered: the next window starts as the others expect


def press(window, key, modifiers=Qt.NoModifier) -> None:
    """A key pressed as a person presses it: it goes to the widget with the focus (or the window, if none has)."""
    QTest.keyClick(QApplication.focusWidget() or window, key, modifiers)


def test_the_pad_keeps_the_focus_when_the_buttons_beside_it_are_clicked(window, qtbot):
    activate(window)
    tab, canvas = window.draw_tab, window.draw_tab.canvas
    draw(canvas, place(STYLES[7]["crossbar"], 60, 30, 250))  # two strokes
    canvas.setFocus(Qt.MouseFocusReason)  # as the pen's press on the pad gives it (events sent to it skip that)
    highlight = canvas.palette().color(QPalette.Highlight).name()
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert len(canvas.strokes()) == 1 and settle(qtbot, tab) == "7"
    press(window, Qt.Key_Return)  # keeps the 7 as read (it pressed Undo again, the button clicked last)
    assert canvas.is_empty() and "Kept as a 7 (read right)" in tab.kept_note.text()
    press(window, Qt.Key_Z, Qt.ControlModifier)  # the kept drawing back on the pad
    qtbot.mouseClick(tab.redo_button, Qt.LeftButton)
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    qtbot.mouseClick(tab.pen_slider, Qt.LeftButton)
    assert canvas.hasFocus() and frame_colours(canvas) == {highlight}, "the pad's focus ring went with the focus"
    qtbot.mouseClick(tab.clear_button, Qt.LeftButton)
    press(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(canvas.strokes()) == 1 and settle(qtbot, tab) == "7"
    qtbot.mouseClick(tab.correction.digit_buttons[1], Qt.LeftButton)
    assert canvas.is_empty() and "Kept as a 1 (read as 7)" in tab.kept_note.text() and canvas.hasFocus()


def test_after_a_digit_is_kept_with_the_keyboard_the_focus_is_back_on_the_pad(window, qtbot):
    activate(window)
    tab, canvas = window.draw_tab, window.draw_tab.canvas
    draw(canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, tab) == "7"
    press_tab_until(canvas, tab.correction.digit_buttons[1])  # a keyboard user's way to say "No, it was a 1"
    press(window, Qt.Key_Space)
    assert canvas.is_empty() and "Kept as a 1 (read as 7)" in tab.kept_note.text()
    assert canvas.hasFocus(), "the row it was in is greyed out: the focus goes back to the pad, ready for the next"
    press(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(canvas.strokes()) == 2


def test_a_row_button_about_to_hide_or_grey_out_hands_the_focus_to_the_pad(window, qtbot):
    """Else Qt hands it to the next button, and Enter kept a "?" as a 0 or opened My digits."""
    activate(window)
    tab, canvas, row = window.draw_tab, window.draw_tab.canvas, window.draw_tab.correction
    draw(canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, tab) == "7"
    press_tab_until(canvas, row.right_button)
    press(window, Qt.Key_Escape)  # the pad cleared: the row greys out
    wait_for(lambda: not row.isEnabled(), 5)
    assert canvas.is_empty() and canvas.hasFocus()
    press(window, Qt.Key_Z, Qt.ControlModifier)
    assert settle(qtbot, tab) == "7"
    press_tab_until(canvas, row.right_button)
    draw(canvas, [[(60 + k * 12, 60 + (k % 2) * 200) for k in range(20)]])  # a tablet's pen takes no focus
    assert settle(qtbot, tab) == "?" and canvas.hasFocus(), "'Right' hid, and the focus went to the pad"
    kept = len(window.personal.load().samples)
    press(window, Qt.Key_Return)
    assert not canvas.is_empty() and len(window.personal.load().samples) == kept, "Enter keeps nothing under a '?'"
    assert tab.kept_note.text().startswith("Not kept: the model is not sure"), "and says what to do instead"


def test_the_pads_keys_work_whenever_the_draw_tab_shows_and_not_elsewhere(window, qtbot):
    activate(window)
    tab, canvas = window.draw_tab, window.draw_tab.canvas
    draw(canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    window.tabs.tabBar().setFocus(Qt.TabFocusReason)  # the focus on the tab bar, not the pad
    press(window, Qt.Key_Z, Qt.ControlModifier)
    assert len(canvas.strokes()) == 1, "Ctrl+Z undid a stroke with the focus off the pad"
    window.tabs.setCurrentWidget(window.train_tab)
    press(window, Qt.Key_Escape)
    press(window, Qt.Key_Z, Qt.ControlModifier)
    window.tabs.setCurrentWidget(tab)
    assert len(canvas.strokes()) == 1, "keys pressed on the Train tab left the pad alone"
