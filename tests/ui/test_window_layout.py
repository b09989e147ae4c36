"""What the window looks like as it is resized and as its tabs open: sizes, the pad, the status bar."""

import numpy as np
from cli_runner import digitpad
from digit_strokes import STYLES, place
from drawing import draw, pause, settle, wait_for
from message_boxes_shown import shown_box
from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QScrollArea
from written_numbers import photographed_number

from digitpad.ui.main_window import first_size
from digitpad.ui.prediction_view import LABEL_WIDTH, VALUE_WIDTH
from digitpad.ui.runs_page import COLUMNS
from digitpad.ui.status_message import ELLIPSIS


def test_opening_the_train_tab_does_not_widen_the_window(window, qtbot):
    width, smallest = window.width(), window.minimumSizeHint().width()
    assert smallest <= width
    window.tabs.setCurrentWidget(window.train_tab)
    wait_for(lambda: window.train_tab.form.is_ready)
    pause(100)
    assert window.width() == width, "the Train tab asked for more room than the window had"
    assert window.train_tab.minimumSizeHint().width() <= window.tabs.currentWidget().width()
    assert window.minimumSizeHint().width() == smallest, "nor a wider smallest window (it grew by 92 px)"


def test_the_probability_bars_keep_their_length_at_the_smallest_window(window, qtbot):
    """They were 26 px long there: a 100% bar looked much like a 0% one."""
    window.resize(window.minimumSizeHint())
    draw(window.draw_tab.canvas, place(STYLES[7]["plain"], 40, 20, 200))
    assert settle(qtbot, window.draw_tab) == "7"
    bars = window.draw_tab.panel.bars
    assert bars.width() >= LABEL_WIDTH + VALUE_WIDTH + 8 + 100, "each bar at least 100 px long"


def test_a_note_of_two_lines_under_the_pad_shows_whole_and_moves_nothing_at_the_smallest_window(window, qtbot):
    """There most notes about keeping take two lines: the second was cut off, or the pad shrank by a line."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.resize(window.minimumSizeHint().width(), 703)  # as narrow as it goes, tall enough for the pad to grow
    tab = window.draw_tab
    draw(tab.canvas, place(STYLES[7]["plain"], 40, 20, 200))
    assert settle(qtbot, tab) == "7"
    window.activateWindow()
    QTest.keyClick(window, Qt.Key_Return)  # kept as read
    pause(50)
    pad, size = tab.canvas.size(), window.size()
    tab.undo_button.click()  # taken back: "↶ Taken back: not kept as a 7; ... (Redo keeps it again)"
    assert settle(qtbot, tab) == "7"
    pause(50)
    note = tab.kept_note
    assert note.isVisible() and note.text().startswith("↶ Taken back")
    assert note.heightForWidth(note.width()) >= 2 * note.fontMetrics().lineSpacing(), "two lines at this width"
    assert note.height() >= note.heightForWidth(note.width()), "both lines shown (the second was cut off)"
    assert (tab.canvas.size(), window.size()) == (pad, size), "neither the pad nor the window moved"


def test_the_train_tab_at_the_smallest_window_keeps_its_settings_charts_and_buttons_whole(window, qtbot):
    """At the smallest size the settings fit, the charts keep their titles, and the Runs page's buttons go onto two
    rows."""
    from digitpad.ui.train_charts import CHART_MIN_WIDTH

    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    wait_for(lambda: tab.form.is_ready)
    window.resize(window.minimumSizeHint())
    pause(100)
    charts = tab.monitor.charts
    assert charts.loss.width() >= CHART_MIN_WIDTH and charts.accuracy.width() >= CHART_MIN_WIDTH
    scroll = next(area for area in tab.findChildren(QScrollArea) if area.widget().isAncestorOf(tab.form))
    for fine_tune in (False, True):  # the settings narrow to fit: scrolled sideways, they hid their fields' right half
        tab.finetune_choice.setChecked(fine_tune)
        pause(50)
        assert scroll.widget().width() <= scroll.viewport().width(), "the settings are cut off at the right"
    tab.new_model_choice.setChecked(True)
    tab.pages.setTabEnabled(1, True)  # as a run's end does
    tab.pages.setCurrentWidget(tab.results)
    pause(100)
    results = tab.results.findChild(QScrollArea)
    assert results.widget().width() <= results.viewport().width() or results.horizontalScrollBar().isVisible(), \
        "the results cut off at the right with no way to them (the matrix's last columns, the headline's end)"
    tab.pages.setCurrentWidget(tab.runs_page)
    pause(100)
    runs = tab.runs_page
    buttons = (runs.results_button, runs.use_button, runs.again_button, runs.delete_button)
    assert len({button.y() for button in buttons}) == 2, "in two rows"
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), f"{button.text()} whole"
        assert runs.buttons.rect().contains(button.geometry()), f"{button.text()} not cut off"
    window.resize(1400, 800)
    pause(100)
    assert len({button.y() for button in buttons}) == 1, "in one row where there is room"


def test_a_run_at_the_smallest_window_leaves_it_at_its_smallest(window, qtbot):
    """The progress line under the bar ("Epoch 1/1 · step 15/15 · ...") set the page's smallest width on one line, and
    the first epoch's filters squeezed the charts: a run widened the window by 68 px, and the settings narrowed."""
    from test_train_tab import set_up_small_run, start, wait_until_ended

    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    wait_for(lambda: tab.form.is_ready)
    window.resize(window.minimumSizeHint())
    pause(100)
    scroll = next(area for area in tab.findChildren(QScrollArea) if area.widget().isAncestorOf(tab.form))
    size, settings = window.size(), scroll.width()
    set_up_small_run(tab.form, epochs=1)
    tab.form.train_limit.setValue(600)
    tab.form.test_limit.setValue(300)
    start(qtbot, tab)
    wait_until_ended(qtbot, tab)
    tab.pages.setCurrentWidget(tab.monitor)
    pause(100)
    assert window.size() == size and tab.monitor.detail.text().startswith("Epoch 1/1")
    assert scroll.width() == settings, "the settings kept their width"


def test_the_first_window_shows_the_train_tab_s_settings_whole_where_the_screen_has_room(window, qtbot):
    assert first_size(QSize(1280, 900)) == (1100, 720) and first_size(QSize(1366, 768)) == (1100, 691)
    assert first_size(QSize(800, 600)) == (900, 640), "never smaller than before on a small screen"
    assert (window.width(), window.height()) == first_size(window.screen().availableGeometry().size())
    window.resize(*first_size(QSize(1280, 900)))
    window.tabs.setCurrentWidget(window.train_tab)
    tab = window.train_tab
    wait_for(lambda: tab.form.is_ready)
    pause(100)
    scroll = next(area for area in tab.findChildren(QScrollArea) if area.widget().isAncestorOf(tab.form))
    assert not scroll.horizontalScrollBar().isVisible(), "the settings scroll sideways"
    assert tab.pages.minimumSizeHint().width() <= 480, "the charts and runs side does not crowd out the settings"


def test_the_first_window_s_runs_table_shows_what_runs_are_compared_by(window, qtbot, tmp_path):
    """Status too, however long a crash's message: sized to it, the column was read only by scrolling sideways."""
    from dataclasses import replace

    from digitpad.core.runs import RunStore

    digitpad("train", "--out", str(tmp_path / "tiny.pt"), "--preset", "quick", "--epochs", "1", "--limit", "300")
    store = RunStore()
    (finished,) = store.records()[0]
    crash = "the loss became nan at epoch 2, step 118: training diverged. Try a lower learning rate (it was 0.004)."
    store.save(replace(finished, id="stopped", status="stopped", stopped_at="in epoch 3 after step 412"))
    store.save(replace(finished, id="crashed", status="crashed", error=crash))
    window.resize(*first_size(QSize(1280, 900)))
    window.tabs.setCurrentWidget(window.train_tab)
    page = window.train_tab.runs_page
    window.train_tab.pages.setCurrentWidget(page)
    wait_for(lambda: page.table.rowCount() == 3)
    pause(100)
    header, shown = page.table.horizontalHeader(), page.table.viewport().width()
    for name in ("Date", "Network", "Data", "Accuracy", "Epochs", "Time", "Status"):
        column = COLUMNS.index(name)
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= shown, \
            f"{name} is hidden " + str([header.sectionSize(c) for c in range(len(COLUMNS))])
    status = COLUMNS.index("Status")
    assert header.sectionSize(status) >= QFontMetrics(page.table.font()).horizontalAdvance("stopped in epoch 3"), \
        "room for a status's words"
    crashed = next(page.table.item(row, status) for row in range(3)
                   if page.table.item(row, status).text().startswith("crashed"))
    assert crashed.toolTip() == f"crashed: {crash}", "the message whole where the cell cuts it short"
    window.resize(1500, 720)  # a wider window: Status takes the room it gets
    pause(100)
    assert header.sectionSize(status) > QFontMetrics(page.table.font()).horizontalAdvance("stopped in epoch 3 after")


def test_the_pad_grows_with_the_window_and_the_model_reads_the_same(window, qtbot):
    tab, canvas = window.draw_tab, window.draw_tab.canvas
    window.resize(900, 640)  # the smallest first window
    pause(100)
    draw(canvas, place(STYLES[4]["open"], 60, 30, 250))
    assert settle(qtbot, tab) == "4"
    small_side, small_strokes = canvas.width(), canvas.strokes()
    small = window.models.predictor.predict(canvas.to_array())

    window.resize(1280, 900)
    pause(100)
    assert canvas.width() == canvas.height() > 1.4 * small_side, "the pad keeps to a square and fills the room"
    factor = canvas.width() / small_side
    np.testing.assert_allclose(np.array(canvas.strokes()[0]), np.array(small_strokes[0]) * factor, rtol=1e-6)
    assert settle(qtbot, tab) == "4"
    large = window.models.predictor.predict(canvas.to_array())
    assert np.abs(large.model_input - small.model_input).mean() < 0.02, "the model reads the same image"
    assert max(abs(a - b) for a, b in zip(large.probabilities, small.probabilities)) < 0.05
    assert canvas.shown_pen_width() > canvas.pen_width(), "the ink on screen grows with the pad"

    canvas.undo()  # the undo history was scaled too
    np.testing.assert_allclose(np.array(canvas.strokes()[0]), np.array(small_strokes[0]) * factor, rtol=1e-6)


def test_a_long_status_message_ends_at_a_word_and_keeps_clear_of_the_model_label(window, qtbot):
    wait_for(lambda: "Model:" in window.model_status.text(), 30)
    text = ("Could not read /home/someone/Downloads/models/an-old-checkpoint-from-last-year.pt: it is not a "
            "digitpad checkpoint but another kind of file, so the model in use stays as it was")
    window.show_error("Could not load the model", text)
    shown_box(window).close()
    message = window.status_message
    shown = message.text()
    assert shown.endswith(ELLIPSIS) and len(shown) < len(text)
    kept = shown[: -len(ELLIPSIS)]
    assert text.startswith(kept) and text[len(kept)] in " ,:", "cut between words, not inside one"
    assert QFontMetrics(message.font()).horizontalAdvance(shown) <= message.contentsRect().width()
    label = message.geometry()
    assert label.right() < window.model_status.geometry().left(), "the message does not run into the model label"
    assert message.toolTip() == text, "the whole message is a hover away"


def test_the_smallest_window_keeps_the_answer_s_parts_apart(window, qtbot, mnist, tmp_path):
    tab, panel = window.draw_tab, window.draw_tab.panel

    def parts_apart() -> bool:
        boxes = [part.geometry() for part in (panel.digit_label, panel.caption, panel.bars, panel.model_input,
                                             panel.input_caption)]
        return all(a.bottom() < b.top() for a, b in zip(boxes, boxes[1:])) and boxes[-1].bottom() <= panel.height()

    window.resize(400, 300)  # as small as it will go, before anything is drawn
    pause(100)
    assert parts_apart(), "the prompt's dash, caption, bars and picture each below the one before"
    draw(tab.canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, tab) == "7"
    window.resize(400, 300)
    pause(100)
    assert parts_apart() and panel.bars.height() >= panel.bars.minimumHeight(), "and so with an answer"

    photographed_number([mnist.test_images[450].numpy()], np.random.default_rng(450)).save(tmp_path / "three.png")
    window.open_image(str(tmp_path / "three.png"))
    settle(qtbot, tab)
    assert "averages the two readings" in panel.input_caption.text(), "a photo's caption is three times as long"
    for size in ((400, 300), (900, 620)):
        window.resize(*size)
        pause(100)
        assert parts_apart(), f"and so under a photo's three-line caption, at {size}"


def test_a_long_number_read_in_a_photo_scrolls_sideways_and_does_not_widen_the_window(window, qtbot, tmp_path):
    """A page of writing read in Number mode: its row of digits made the window 2,320 px wide, past the screen."""
    from written_numbers import pen_photo_number

    tab = window.draw_tab
    width = window.width()
    tab.number_toggle.setChecked(True)
    try:
        long_number = "31415926535897932384626433"
        pen_photo_number(long_number, np.random.default_rng(3), touch_share=0).save(tmp_path / "pi.jpg")
        window.open_image(str(tmp_path / "pi.jpg"))
        wait_for(lambda: len(tab.number_view.text()) > 20, timeout_s=30)
        pause(200)
        assert window.width() == width and window.minimumSizeHint().width() <= width, "the window kept its width"
        scroll = tab.number_view.digit_scroll
        assert scroll.horizontalScrollBar().maximum() > 0, "the digits scroll sideways"
        last = tab.number_view.digit_buttons[len(tab.number_view.text()) - 1]
        tab.number_view.digit_scroll.ensureWidgetVisible(last.parentWidget())
        pause(50)
        assert scroll.viewport().rect().contains(last.parentWidget().mapTo(scroll.viewport(), last.rect().center()))
    finally:
        tab.number_toggle.setChecked(False)  # the mode is remembered: the next test starts as the others expect


def test_the_drawing_keeps_its_place_when_the_window_is_resized_on_another_tab(window, qtbot):
    tab, canvas = window.draw_tab, window.draw_tab.canvas
    window.resize(1100, 720)
    pause(100)
    draw(canvas, place(STYLES[8]["two circles"], 60, 30, 250))
    assert settle(qtbot, tab) == "8"
    side, drawn = canvas.height(), np.array(canvas.strokes()[0])
    for _ in range(3):  # a pad resized while hidden is told so only when shown, with no old size
        window.tabs.setCurrentWidget(window.train_tab)
        window.resize(900, 640)
        pause(50)
        window.tabs.setCurrentWidget(tab)
        pause(50)
        assert canvas.height() < side
        np.testing.assert_allclose(np.array(canvas.strokes()[0]), drawn * canvas.height() / side, rtol=1e-6)
        window.tabs.setCurrentWidget(window.inside_tab)
        window.resize(1100, 720)
        pause(50)
        window.tabs.setCurrentWidget(tab)
        pause(50)
    assert canvas.height() == side
    np.testing.assert_allclose(np.array(canvas.strokes()[0]), drawn, rtol=1e-6)
    assert settle(qtbot, tab) == "8"


def test_the_train_tab_s_fields_line_up_in_one_column_across_its_groups(window, qtbot):
    from PySide6.QtWidgets import QFormLayout

    tab = window.train_tab
    window.tabs.setCurrentWidget(tab)
    wait_for(lambda: tab.form.is_ready)
    for choice in (tab.finetune_choice, tab.new_model_choice):
        choice.click()
        pause(50)
        lefts = {form.itemAt(row, QFormLayout.FieldRole).geometry().left()
                 + form.parentWidget().mapTo(tab, form.parentWidget().rect().topLeft()).x()
                 for form in tab.findChildren(QFormLayout) if form.parentWidget().isVisible()
                 for row in range(form.rowCount()) if form.itemAt(row, QFormLayout.LabelRole) is not None
                 and form.itemAt(row, QFormLayout.LabelRole).widget().isVisible()}
        assert len(lefts) == 1, f"{choice.text()}: fields start at {sorted(lefts)}"
