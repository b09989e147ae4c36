"""The Inside tab as a person uses it: draw on the Draw tab, look inside, click a map, change the model."""

import numpy as np
from digit_strokes import STYLES, place
from drawing import draw, pause, settle, wheel_over
from PySide6.QtCore import QPoint, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QScrollArea
from quick_run import prepare_quick_run

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.inside_pictures import grid_shape
from digitpad.core.models import build_model
from digitpad.core.predictor import Predictor


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    return np.array(image.constBits(), dtype=np.uint8)[: image.sizeInBytes()].copy()


def look(qtbot, window):
    """Show the Inside tab and wait for its update; returns the tab."""
    inside = window.inside_tab
    before = inside.updates
    window.tabs.setCurrentWidget(inside)
    qtbot.waitUntil(lambda: inside.updates > before and not inside.service.busy(), timeout=10_000)
    pause(100)  # a last answer still on its way from the Draw tab
    qtbot.waitUntil(lambda: not inside.service.busy() and not inside._throttle.isActive(), timeout=10_000)
    return inside


def draw_digit(qtbot, window, digit, style):
    window.tabs.setCurrentWidget(window.draw_tab)
    window.draw_tab.clear()
    draw(window.draw_tab.canvas, place(STYLES[digit][style], 70, 30, 250), spacing=8, pace_ms=5)
    assert settle(qtbot, window.draw_tab) == str(digit)


def test_maps_follow_the_drawing_and_nothing_is_computed_while_hidden(window, qtbot):
    inside = window.inside_tab
    draw_digit(qtbot, window, 7, "crossbar")
    assert inside.updates == 0 and inside.service is None, "a hidden Inside tab computes nothing"
    window.tabs.setCurrentWidget(inside)
    assert inside.answer.text() == "Looking inside the model...", "not 'Draw a digit' over a drawing while it looks"

    inside = look(qtbot, window)
    assert inside.answer.text().startswith("It reads 7, ")
    titles = [section.layer.title for section in inside.sections]
    assert titles[:2] == ["conv1 · 48 × 26 × 26", "conv2 · 48 × 24 × 24"] and len(titles) == 7  # width 48
    shown = [section.findChild(QLabel) for section in inside.sections]
    assert "<b>conv1 · 48 maps of 26 × 26</b>" in shown[0].text()
    assert shown[0].toolTip().startswith("Conv2d 3×3: learned patterns slid over its input"), "the terms in words"
    assert inside.keys.isVisible() and "nothing found" in " ".join(label.text() for label in inside.keys.findChildren(
        QLabel)), "what the colours mean"
    conv1 = inside.sections[0].view
    assert conv1.count() == 48 and inside.filters.count() == 48
    seven = pixels(conv1)
    assert seven.std() > 10, "the maps show the drawing, not a blank grid"
    assert inside.bars.probabilities()[7] > 0.5
    assert inside.why_not_caption.text() == f"why 7, not {inside.reading.other}"
    assert inside.reading.saliency_on_ink() > 0.8

    updates = inside.updates
    draw_digit(qtbot, window, 1, "flag")
    pause(300)
    assert inside.updates == updates, "drawing with the Inside tab hidden computes nothing"
    look(qtbot, window)
    assert inside.answer.text().startswith("It reads 1, ")
    assert not np.array_equal(pixels(conv1), seven), "the feature maps changed with the drawing"


def test_before_a_drawing_the_stages_side_says_what_it_will_show(window, qtbot):
    inside = window.inside_tab
    window.tabs.setCurrentWidget(inside)
    qtbot.waitUntil(lambda: inside.stages_prompt.isVisible(), timeout=10_000)  # not an empty grey pane
    assert inside.answer.text().startswith("Draw a digit") and not inside.filters.isVisible()

    draw_digit(qtbot, window, 7, "crossbar")
    look(qtbot, window)
    assert not inside.stages_prompt.isVisible()
    assert inside.filters.isVisible() and all(section.isVisible() for section in inside.sections)

    window.tabs.setCurrentWidget(window.draw_tab)
    window.draw_tab.clear()
    window.tabs.setCurrentWidget(inside)
    qtbot.waitUntil(lambda: inside.stages_prompt.isVisible(), timeout=10_000)
    assert not any(section.isVisible() for section in inside.sections), "no maps of a drawing that is gone"
    assert inside.other_choice.currentText() == "the runner-up", "not the 7's runner-up, named as if still drawn"


def test_click_a_map_and_ask_why_not(window, qtbot):
    draw_digit(qtbot, window, 7, "crossbar")
    inside = look(qtbot, window)
    grid = inside.sections[1].view
    qtbot.mouseClick(grid, Qt.LeftButton, pos=QPoint(grid.cell + 4, 4))  # the second map of conv2
    assert inside.input_view.has_overlay()
    assert inside.input_caption.text().startswith("conv2 map 2 of 48 over the input")
    assert inside.input_view.overlay_rect() == QRectF(12, 12, 144, 144), "its 24×24 pixels over the input's inner 24"
    qtbot.mouseClick(inside.input_view, Qt.LeftButton)  # the input takes it away again
    assert not inside.input_view.has_overlay()

    runner_up = inside.reading.other
    other = next(d for d in range(10) if d not in (7, runner_up))
    before = inside.updates
    inside.other_choice.setCurrentIndex(inside.other_choice.findData(other))
    qtbot.waitUntil(lambda: inside.updates > before and inside.reading.other == other, timeout=10_000)
    assert inside.why_not_caption.text() == f"why 7, not {other}"
    assert inside.other_choice.itemText(0) == f"{runner_up}, the runner-up", "still the runner-up, not the choice"
    assert inside.other_choice.currentData() == other
    items = inside.other_choice.model()
    assert not items.item(inside.other_choice.findData(7)).isEnabled(), "no 'why 7, not 7' to choose"

    inside.other_choice.setCurrentIndex(inside.other_choice.findData(1))
    draw_digit(qtbot, window, 1, "stick")  # the digit chosen becomes the answer: the runner-up is shown instead
    inside = look(qtbot, window)
    runner_up = inside.reading.other
    assert inside.other_choice.currentData() is None and inside.other_choice.currentText() == f"{runner_up}, " \
        "the runner-up"
    assert inside.why_not_caption.text() == f"why 1, not {runner_up}" and runner_up != 1
    assert items.item(inside.other_choice.findData(7)).isEnabled() and not items.item(2).isEnabled()


def test_the_wheel_scrolls_the_pane_past_why_not_and_changes_it_only_once_chosen(window, qtbot):
    """A review scrolled the Inside tab's left pane with the wheel and changed "Why not"'s digit on the way."""
    draw_digit(qtbot, window, 7, "crossbar")
    inside = look(qtbot, window)
    window.resize(window.minimumSize())  # the left pane scrolls
    pause(100)
    pane = next(area for area in inside.findChildren(QScrollArea) if area.widget().isAncestorOf(inside.other_choice))
    assert pane.verticalScrollBar().maximum() > 0
    wheel_over(inside.other_choice)
    assert inside.other_choice.currentIndex() == 0, "still the runner-up"
    assert pane.verticalScrollBar().value() > 0, "the wheel scrolled the pane"
    inside.other_choice.setFocus(Qt.MouseFocusReason)  # clicked: now the wheel is for it
    wheel_over(inside.other_choice)
    assert inside.other_choice.currentIndex() == 1


def test_a_map_is_chosen_with_the_keyboard(window, qtbot):
    """Tab to a grid of maps, arrow keys to a map, Enter or Space to lay it over the input, as in any grid of tiles."""
    from test_keyboard_access import press_tab_until

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    draw_digit(qtbot, window, 7, "crossbar")
    inside = look(qtbot, window)
    conv1, conv2 = inside.sections[0].view, inside.sections[1].view
    press_tab_until(inside.other_choice, conv1)
    assert conv1.accessibleName() == "conv1 feature maps"
    for key in (Qt.Key_Right, Qt.Key_Right, Qt.Key_Down, Qt.Key_Left):
        QTest.keyClick(conv1, key)
    columns = grid_shape(48)[1]  # maps in a row
    assert conv1.current() == columns + 1
    QTest.keyClick(conv1, Qt.Key_Return)
    assert inside.input_view.has_overlay()
    assert inside.input_caption.text().startswith(f"conv1 map {columns + 2} of 48 over the input")
    cell = conv1._cell_rect(columns + 1)
    image = conv1.grab().toImage()
    highlight, text, base = (conv1.palette().color(role).name()
                             for role in (QPalette.Highlight, QPalette.Text, QPalette.Base))
    assert image.pixelColor(cell.left(), cell.center().y()).name() == highlight, "the map chosen is framed"
    inset = cell.left() + 4  # the keys' mark: a dark frame with light dots, inside the chosen one's
    assert {text, base} <= {image.pixelColor(inset, y).name() for y in range(cell.top() + 4, cell.bottom() - 4)}

    QTest.keyClick(conv1, Qt.Key_Space)  # chosen again: taken away
    assert not inside.input_view.has_overlay()
    QTest.keyClick(conv1, Qt.Key_Tab)
    assert conv2.hasFocus()
    QTest.keyClick(conv2, Qt.Key_End)  # the last map, at the right of a grid wider than its pane: scrolled to
    QTest.keyClick(conv2, Qt.Key_Enter)
    assert inside.input_caption.text().startswith("conv2 map 48 of 48 over the input")
    last = conv2._cell_rect(47)
    viewport = conv2.parentWidget().parentWidget().parentWidget()  # section, stages, the scroll area's viewport
    shown = QRect(conv2.mapTo(viewport, last.topLeft()), last.size())
    assert viewport.rect().contains(shown), "the map the keys are on is in view"


def test_follows_a_model_used_for_drawing_and_one_loaded(window, qtbot, tmp_path):
    draw_digit(qtbot, window, 7, "crossbar")
    inside = look(qtbot, window)
    trained = Checkpoint.from_model(build_model("lenet5"), "lenet5", {}, name="lenet5 trained here")
    before = inside.updates
    window.models.use(Predictor(trained, device="cpu"))  # what the Train tab's "Use for drawing" does
    qtbot.waitUntil(lambda: inside.updates > before and inside.sections[0].layer.title == "conv1 · 6 × 28 × 28",
                    timeout=10_000)
    kinds = [section.layer.kind for section in inside.sections]
    assert kinds == ["conv", "pool", "conv", "pool", "dense", "dense"]
    assert inside.filters.count() == 6
    dense = inside.sections[4].view
    assert dense._values is not None and dense._values.shape == (120,)

    path = tmp_path / "simple.pt"
    Checkpoint.from_model(build_model("simple"), "simple", {}).save(path)
    with qtbot.waitSignal(window.models.changed, timeout=30_000):
        window.load_model(str(path))  # Model ▸ Load checkpoint
    qtbot.waitUntil(lambda: inside.sections[0].layer.title == "conv1 · 32 × 26 × 26"
                    and len(inside.sections) == 3, timeout=10_000)


def test_train_tab_shows_the_filters_after_each_epoch(qtbot):
    from PySide6.QtCore import QThreadPool

    from digitpad.ui.activation_views import GAP
    from digitpad.ui.model_manager import ModelManager
    from digitpad.ui.personal_store import PersonalDigits
    from digitpad.ui.train_tab import TrainTab

    tab = TrainTab(ModelManager(), PersonalDigits())
    qtbot.addWidget(tab)
    tab.show()
    prepare_quick_run(qtbot, tab, train_images=1000, epochs=2)
    panel = tab.monitor.charts.filters
    shown = []
    tab.start()
    tab.run.epoch.connect(lambda epoch: shown.append(epoch.epoch))
    qtbot.waitUntil(lambda: not tab.is_running(), timeout=120_000)
    tab.shutdown()
    assert QThreadPool.globalInstance().waitForDone(5_000)
    assert shown == [1, 2] and panel.epoch == 2 and panel.grid.count() == 6
    assert "after epoch 2" in panel.title.text()
    assert pixels(panel.grid).std() > 5
    charts = tab.monitor.charts
    tab.pages.setCurrentWidget(tab.monitor)
    for width, compact in ((1600, False), (760, True)):  # the Train tab's part of a wide and of the smallest window
        tab.resize(width, 640)
        qtbot.waitUntil(lambda compact=compact: panel.compact == compact, timeout=5_000)
        assert panel.grid.count() == 6 and pixels(panel.grid).std() > 5, "the filters are still shown"
        assert charts.loss.width() > panel.width() and charts.accuracy.width() > panel.width(), \
            "the charts, not the filters, get the room"
    assert panel.grid.width() == 3 * (28 + GAP) - GAP, "small in a narrow window: at full size they squeezed the charts"


def test_map_grid_paints_the_colours_it_is_given(qtbot):
    from digitpad.ui.activation_views import MapGrid

    grid = MapGrid(10)
    qtbot.addWidget(grid)
    orange, blue = (250, 120, 10), (20, 60, 230)
    grid.set_maps(np.array([[[orange]], [[blue]]], dtype=np.uint8))  # two 1x1 maps
    grid.show()
    image = grid.grab().toImage()
    assert grid.count() == 2 and image.width() == 2 * 10 + 2
    assert image.pixelColor(5, 5).getRgb()[:3] == orange and image.pixelColor(17, 5).getRgb()[:3] == blue


def test_in_number_mode_it_follows_the_digit_being_written(window, qtbot):
    from test_number_mode import number_strokes

    tab = window.draw_tab
    inside = window.inside_tab
    draw_digit(qtbot, window, 3, "round")  # a digit on the square pad first: Number mode must not show it
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    try:
        window.tabs.setCurrentWidget(inside)
        qtbot.waitUntil(lambda: inside.stages_prompt.isVisible(), timeout=10_000)
        assert inside.answer.text().startswith("Draw a digit"), "the square pad's 3 is not on the wide pad"

        window.tabs.setCurrentWidget(tab)
        strokes = number_strokes((2, "curved"), (0, "oval"), (6, "curl"))
        draw(tab.canvas, strokes, spacing=8, pace_ms=5)
        qtbot.waitUntil(lambda: tab.number_view.text() == "206", timeout=10_000)
        inside = look(qtbot, window)
        assert inside.answer.text().startswith("It reads 6, ")
        assert inside.input_caption.text().startswith("Digit 3 of 3 in 206, the one you wrote last: what the model")

        window.tabs.setCurrentWidget(tab)
        middle = [(x, y + 10) for x, y in strokes[1]]  # the 0 written over: the newest stroke is in the middle
        draw(tab.canvas, [middle], spacing=8, pace_ms=5)
        qtbot.waitUntil(lambda: not tab.service.busy() and tab.number_view.text() == "206", timeout=10_000)
        inside = look(qtbot, window)
        assert inside.answer.text().startswith("It reads 0, ")
        assert inside.input_caption.text().startswith("Digit 2 of 3 in 206, the one you wrote last")
        grid = inside.sections[1].view
        qtbot.mouseClick(grid, Qt.LeftButton, pos=QPoint(grid.cell + 4, 4))  # a map laid over: which digit, still
        assert inside.input_caption.text().startswith("Digit 2 of 3 in 206, the one you wrote last: conv2 map 2 of")

        assert inside.digit_row.isVisible() and inside.digit_choice.currentText() == "the one written last"
        choice = inside.digit_choice
        choice.activated.emit(3)  # the person chooses "3: 6" in the list
        qtbot.waitUntil(lambda: inside.answer.text().startswith("It reads 6, "), timeout=10_000)
        assert inside.input_caption.text().startswith("Digit 3 of 3 in 206:") and choice.currentText() == "3: 6"
        window.tabs.setCurrentWidget(tab)
        draw(tab.canvas, [middle], spacing=8, pace_ms=5)  # writing on: the chosen digit stays on show
        qtbot.waitUntil(lambda: not tab.service.busy(), timeout=10_000)
        inside = look(qtbot, window)
        assert inside.input_caption.text().startswith("Digit 3 of 3 in 206") and choice.currentText() == "3: 6"
        choice.activated.emit(0)  # back to following the pen
        qtbot.waitUntil(lambda: inside.input_caption.text().startswith("Digit 2 of 3 in 206, the one you wrote"),
                        timeout=10_000)
        tab.number_toggle.setChecked(False)
        draw_digit(qtbot, window, 3, "round")
        inside = look(qtbot, window)
        assert not inside.digit_row.isVisible(), "one digit on the square pad: no list of a number's digits"
    finally:
        tab.number_toggle.setChecked(False)  # the mode is remembered: the next window starts as the others expect


def test_in_number_mode_a_photo_s_digits_are_offered_without_the_one_written_last(window, qtbot, tmp_path, mnist):
    """A photo's number was not written on the pad: the list offered "the one written last" for it."""
    from written_numbers import photographed_number

    tab = window.draw_tab
    images = [mnist.test_images[int((mnist.test_labels == d).nonzero()[0][0])].numpy() for d in (4, 7)]
    photographed_number(images, np.random.default_rng(47)).save(tmp_path / "47.png")
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    try:
        window.open_image(str(tmp_path / "47.png"))
        qtbot.waitUntil(lambda: tab.number_view.text() == "47", timeout=10_000)
        inside = look(qtbot, window)
        choices = [inside.digit_choice.itemText(i) for i in range(inside.digit_choice.count())]
        assert choices == ["the last one", "1: 4", "2: 7"]
        assert inside.input_caption.text().startswith("Digit 2 of 2 in 47: ")
    finally:
        tab.number_toggle.setChecked(False)


def test_a_photo_read_from_two_views_says_why_its_first_view_reads_otherwise(window, qtbot, tmp_path, mnist):
    """A 3 photographed (MNIST test 450): the Draw tab averages its redrawn strokes with its ink as found and answers
    3; this tab shows the network on the redrawn input, which alone reads 5, and says why they differ. A pad drawing,
    read from one input, has nothing to explain."""
    from written_numbers import photographed_number

    photographed_number([mnist.test_images[450].numpy()], np.random.default_rng(450)).save(tmp_path / "three.png")
    window.open_image(str(tmp_path / "three.png"))
    tab = window.draw_tab
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "3"
    assert "the answer averages the two readings" in tab.panel.input_caption.text()
    inside = look(qtbot, window)
    # 5 at 52%, shown as "Not sure: 5 (52%) or 3 (48%)" (Round 25's model: "It reads 5", 70%; Round 21's: 57%)
    assert inside.answer.text().startswith(("It reads 5, ", "Not sure: 5 (")) and inside.photo_note.isVisible()
    assert inside.photo_note.text().startswith("The Draw tab answers 3: it reads a photo from this input and from its "
                                               "ink as found, and averages the two.")

    draw_digit(qtbot, window, 7, "crossbar")
    look(qtbot, window)
    assert inside.answer.text().startswith("It reads 7, ") and not inside.photo_note.isVisible()
    assert tab.panel.input_caption.text() == "What the model sees (28×28)"


def test_the_input_beside_a_map_is_dimmed_as_under_it(qtbot):
    """A map covers only the input it lies over: the ink beside it stayed bright and looked like the map's hot spots."""
    from digitpad.ui.inside_tab import InputView

    view = InputView()
    qtbot.addWidget(view)
    view.set_input(np.ones((28, 28), np.float32))  # all ink
    view.set_overlay(np.zeros((24, 24, 3), np.uint8), (2.0, 2.0, 24.0, 24.0))  # a map that found nothing
    view.show()
    picture = view.grab().toImage()
    outside, under = picture.pixelColor(6, 6).lightness(), picture.pixelColor(84, 84).lightness()
    assert outside == under < 80, (outside, under)
