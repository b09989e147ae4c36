"""Number mode as a person uses it: a whole number written with mouse events on the wide pad."""

import numpy as np
import pytest
from digit_strokes import STYLES, place
from drawing import draw, mouse, settle
from paper_photos import stroke_ink
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from written_numbers import write

HEIGHT = 150


def number_strokes(*items, x=30.0, gap=35.0):
    """Digits (digit, style), ".", "-" and so on written left to right at the top of the wide pad, HEIGHT tall."""
    return write(*items, x=x, gap=gap, height=HEIGHT, y=40.0)


def settle_number(qtbot, tab) -> str:
    """Wait until no reading is pending or running; return the number shown ("2?26" style)."""
    settle(qtbot, tab)
    return tab.number_view.text()


@pytest.fixture
def number_tab(window, qtbot):
    tab = window.draw_tab
    assert not tab.number_toggle.isChecked()
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    assert tab.canvas.number_mode() and tab.number_view.isVisible() and not tab.panel.isVisible()
    assert tab.canvas.width() >= 2.9 * tab.canvas.height()
    yield tab
    tab.number_toggle.setChecked(False)  # the mode is remembered: the next window starts as the others expect


def test_2026_is_read_live_with_a_box_per_digit(number_tab, qtbot):
    tab = number_tab
    shown = []
    tab.numberShown.connect(lambda reading: shown.append(reading.text if reading else None))
    qtbot.wait(50)
    buttons_at = tab.undo_button.mapTo(tab, QPoint(0, 0))
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")), spacing=8,
         pace_ms=5)
    assert settle_number(qtbot, tab) == "2026"
    assert tab.undo_button.mapTo(tab, QPoint(0, 0)) == buttons_at, "the pad's buttons stay put as digits show"
    assert buttons_at.y() - (tab.canvas.mapTo(tab, QPoint(0, 0)).y() + tab.canvas.height()) < 30, "right below it"
    assert {"2", "20", "202"} & set(shown), "the number grows while it is written, not only at the end"
    assert [b.text() for b in tab.number_view.digit_buttons[:4]] == ["2", "0", "2", "6"]
    assert all(c.text().endswith("%") for c in tab.number_view.captions[:4])
    assert "100%" not in [c.text() for c in tab.number_view.captions[:4]], "never rounded up: >99%, as the pad's >99.9%"
    boxes = [box for box, _ in tab.canvas._digit_boxes]
    assert len(boxes) == 4 and [b[0] for b in boxes] == sorted(b[0] for b in boxes)


def test_an_amount_is_read_with_its_decimal_point(number_tab, qtbot):
    tab = number_tab
    draw(tab.canvas, number_strokes((1, "stick"), (2, "curved"), ".", (5, "two strokes"), (0, "oval")))
    assert settle_number(qtbot, tab) == "12.50"
    view = tab.number_view
    assert [b.text() for b in view.digit_buttons[:4]] == ["1", "2", "5", "0"] and len(tab.canvas._digit_boxes) == 4
    point = view.separator_labels[2]
    assert point.isVisible() and point.text() == "." and not any(label.isVisible() for label in
                                                                 view.separator_labels[:2] + view.separator_labels[3:4])
    assert point.mapTo(view, QPoint(0, 0)).x() < view.digit_buttons[2].mapTo(view, QPoint(0, 0)).x(), "before the 5"
    assert "12.50" in view.number_label.text()
    tab.undo_button.click()  # the 0 goes: the point stays between the 2 and the 5
    assert settle_number(qtbot, tab) == "12.5"
    for _ in range(2):  # then the 5 in two strokes: a point after the last digit is no part of the number
        tab.undo_button.click()
    assert settle_number(qtbot, tab) == "12" and not point.isVisible()


def test_a_minus_sign_is_shown_before_the_number(number_tab, qtbot):
    tab = number_tab
    draw(tab.canvas, number_strokes("-", (5, "two strokes"), ".", (2, "curved")))
    assert settle_number(qtbot, tab) == "-5.2"
    view = tab.number_view
    minus = view.separator_labels[0]
    assert minus.isVisible() and minus.text() == "-" and "-5.2" in view.number_label.text()
    assert minus.mapTo(view, QPoint(0, 0)).x() < view.digit_buttons[0].mapTo(view, QPoint(0, 0)).x(), "before the 5"
    for _ in range(3):  # the 2 and the point, then the 5's bar: "-5" until the 5 is gone
        tab.undo_button.click()
    assert settle_number(qtbot, tab) == "-5"
    tab.undo_button.click()
    assert settle_number(qtbot, tab) == "" and not minus.isVisible(), "a dash alone is no number"


def test_two_numbers_side_by_side_are_shown_as_two(number_tab, qtbot):
    """"12   45" on one line was shown as one number, "1245": the wide gap parts them, in the text and in the row of
    digits, as a new line of writing does."""
    tab = number_tab
    draw(tab.canvas, number_strokes((1, "stick"), (2, "curved"), " ", (4, "closed"), (5, "two strokes")))
    assert settle_number(qtbot, tab) == "12 45" and "12 45" in tab.number_view.number_label.text()
    assert tab.number_view.reading().numbers == 2 and len(tab.canvas._digit_boxes) == 4
    steps = np.diff([b.mapTo(tab.number_view, QPoint(0, 0)).x() for b in tab.number_view.digit_buttons[:4]])
    assert steps[1] > steps[0] + 20 and steps[1] > steps[2] + 20, "a space between the two numbers' digits"


@pytest.mark.parametrize("digit,style", [(4, "closed"), (7, "crossbar")])
def test_a_digit_in_two_strokes_stays_one_digit(number_tab, qtbot, digit, style):
    draw(number_tab.canvas, number_strokes((1, "stick"), (digit, style), (3, "round")))
    assert settle_number(qtbot, number_tab) == f"1{digit}3"


def test_two_touching_digits(number_tab, qtbot):
    three = place(STYLES[3]["round"], 30, 40, HEIGHT)
    five = place(STYLES[5]["one stroke"], 30 + 0.33 * HEIGHT, 40, HEIGHT)  # its left side runs into the 3
    draw(number_tab.canvas, three + five)
    assert settle_number(qtbot, number_tab) == "35"
    reading = number_tab.number_view.reading()
    assert reading.digits[0].box[0] + reading.digits[0].box[2] > reading.digits[1].box[0], "their ink touches"


@pytest.mark.parametrize("strokes", [[[(200, 110)]], [[(150, 110), (260, 116)]],
                                     [[(200, 150), (230, 126), (260, 100)]]], ids=["tap", "dash", "slanted dash"])
def test_a_lone_dot_or_a_dash_is_no_number(number_tab, qtbot, strokes):
    tab = number_tab
    draw(tab.canvas, strokes)
    assert settle_number(qtbot, tab) == "" and tab.canvas._digit_boxes == []
    assert tab.number_view.caption.text().startswith("No digit")  # says why, not "Write a number" over the ink
    draw(tab.canvas, number_strokes((4, "closed"), (2, "curved"), x=450))  # far enough that the dash is no minus
    assert settle_number(qtbot, tab) == "42", "with a number beside it the mark is a speck, and the number whole"


def test_undo_of_the_last_stroke_updates_the_number(number_tab, qtbot):
    tab = number_tab
    draw(tab.canvas, number_strokes((4, "closed"), (1, "stick"), (7, "plain")))
    assert settle_number(qtbot, tab) == "417"
    tab.canvas.setFocus()
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)
    assert settle_number(qtbot, tab) == "41"
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert settle_number(qtbot, tab) == "4"
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # the 4's stem: its first stroke is left, one digit
    assert len(settle_number(qtbot, tab)) == 1 and len(tab.canvas._digit_boxes) == 1
    qtbot.mouseClick(tab.clear_button, Qt.LeftButton)
    assert settle_number(qtbot, tab) == "" and tab.canvas._digit_boxes == []


def test_correcting_one_digit_keeps_it_in_the_personal_set(number_tab, qtbot):
    from digitpad.core.personal import PersonalSet

    tab = number_tab
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")))
    assert settle_number(qtbot, tab) == "2026"
    box, _ = tab.canvas._digit_boxes[1]
    centre = (box[0] + box[2] / 2, box[1] + box[3] / 2)
    mouse(tab.canvas, QEvent.MouseButtonPress, centre, Qt.LeftButton, Qt.LeftButton)  # a click on the 0's box
    mouse(tab.canvas, QEvent.MouseButtonRelease, centre, Qt.LeftButton, Qt.NoButton)
    menu = tab.number_view.menu
    assert menu is not None and menu.isVisible() and len(tab.canvas.strokes()) == 4, "a click draws nothing"
    menu.actions()[6].trigger()  # "It was a 6"
    menu.close()
    kept = PersonalSet.load().samples
    assert len(kept) == 1 and (kept[0].label, kept[0].predicted) == (6, 0)
    zero = place(STYLES[0]["oval"], 0, 0, HEIGHT)[0]
    assert len(kept[0].strokes) == 1 and len(kept[0].strokes[0]) == len(zero), "the 0's own stroke, nothing else"
    assert kept[0].size[0] == kept[0].size[1] and kept[0].model_input.max() > 200
    xs = [x for x, _ in kept[0].strokes[0]]
    assert abs((min(xs) + max(xs)) / 2 - kept[0].size[0] / 2) < 1, "placed as if drawn alone"
    assert "Digit 2 of 4 kept as a 6 (read as 0)" in tab.kept_note.text()
    assert len(tab.canvas.strokes()) == 4, "the number stays on the pad"

    qtbot.mouseClick(tab.number_view.digit_buttons[3], Qt.LeftButton)  # or click the digit itself
    tab.number_view.menu.actions()[6].trigger()
    tab.number_view.menu.close()
    assert [(s.label, s.predicted) for s in PersonalSet.load().samples] == [(6, 0), (6, 6)]


def test_a_digit_shown_as_unsure_is_not_offered_as_read(number_tab, qtbot):
    from digitpad.core.personal import PersonalSet

    tab = number_tab
    crossing_out = [[(220 + k * 6, 60 + (k % 2) * 120) for k in range(20)]]
    draw(tab.canvas, number_strokes((2, "curved")) + crossing_out)
    assert settle_number(qtbot, tab) == "2?"
    reading = tab.number_view.reading()
    assert tab.number_view.number_label.text() == f"<b>2?</b> (likeliest: {reading.text})", "as the row shows it"
    qtbot.mouseClick(tab.number_view.digit_buttons[1], Qt.LeftButton)  # the "?"
    offered = [action.text() for action in tab.number_view.menu.actions()]
    tab.number_view.menu.close()
    assert offered[3] == "It was a 3" and not [t for t in offered if "as read" in t], "no digit was claimed there"
    qtbot.mouseClick(tab.number_view.digit_buttons[0], Qt.LeftButton)  # the sure 2 is still marked as read
    assert tab.number_view.menu.actions()[2].text() == "It was a 2 (as read)"
    tab.number_view.menu.close()
    qtbot.mouseClick(tab.number_view.digit_buttons[1], Qt.LeftButton)
    tab.number_view.menu.actions()[5].trigger()  # "It was a 5": kept, and the note does not say it was read as one
    assert tab.kept_note.text().startswith('✓ Digit 2 of 2 kept as a 5 (shown as "?")')
    kept = PersonalSet.load().samples
    assert [(s.label, s.unsure) for s in kept] == [(5, True)], "kept as shown: a \"?\", not a sure reading"


def test_number_mode_is_remembered_and_single_digit_mode_is_unchanged(window, qtbot):
    from digitpad.ui.app import create_window

    tab = window.draw_tab
    assert not tab.canvas.number_mode() and tab.canvas.width() == tab.canvas.height()
    tab.number_toggle.setChecked(True)
    second = create_window()
    qtbot.addWidget(second)
    assert second.draw_tab.canvas.number_mode() and second.draw_tab.number_toggle.isChecked()
    second.draw_tab.number_toggle.setChecked(False)
    canvas = second.draw_tab.canvas
    assert canvas.width() == canvas.height() >= 320, "back to the square pad (which grows with the window)"
    second.close()
    tab.number_toggle.setChecked(False)
    draw(tab.canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "7" and tab.canvas._digit_boxes == []
    assert tab.canvas.to_array().shape == (tab.canvas.height(), tab.canvas.width()) and tab.canvas.width() == tab.canvas.height()


def test_each_mode_keeps_its_own_drawing(number_tab, qtbot):
    """Leaving Number mode does not squeeze the number onto the square pad (where it read as no digit):
    the square pad has its own drawing, and the number is back when Number mode is."""
    tab = number_tab
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")))
    assert settle_number(qtbot, tab) == "2026"
    number_ink = tab.canvas.strokes()
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)  # to one digit
    assert not tab.canvas.number_mode() and tab.canvas.is_empty() and not tab.undo_button.isEnabled()
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "–" and tab.canvas._digit_boxes == []  # a blank pad, no "no digit"
    side = tab.canvas.height()
    draw(tab.canvas, place(STYLES[7]["crossbar"], 0.2 * side, 0.1 * side, 0.8 * side))
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "7"

    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)  # back to the number, as it was
    assert settle_number(qtbot, tab) == "2026" and len(tab.canvas._digit_boxes) == 4
    np.testing.assert_allclose(tab.canvas.strokes()[0], number_ink[0], atol=1e-6)
    assert tab.undo_button.isEnabled()
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)  # and the 7 is still on the square pad
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "7" and len(tab.canvas.strokes()) == 2
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # its own history: the crossbar goes
    assert len(tab.canvas.strokes()) == 1
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)


def click(canvas, point):
    mouse(canvas, QEvent.MouseButtonPress, point, Qt.LeftButton, Qt.LeftButton)
    mouse(canvas, QEvent.MouseButtonRelease, point, Qt.LeftButton, Qt.NoButton)


def choose(qtbot, menu, label: int) -> None:
    """Click "It was a <label>" in a digit's open menu, as a person does, once it shows: the menu closes."""
    # As a person's hand moves there: once it has the focus (offscreen, its taking the focus was queued, and made it
    # the active window after it closed: the window's keys went nowhere)
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is menu.windowHandle(), timeout=5_000)
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(menu.actions()[label]).center())
    assert not menu.isVisible()


def test_correcting_a_digit_again_replaces_the_first_correction(number_tab, qtbot):
    """A mis-click corrected: the same strokes are kept once, with the label chosen last."""
    from digitpad.core.personal import PersonalSet

    tab = number_tab
    draw(tab.canvas, number_strokes((2, "curved"), (3, "round"), (5, "two strokes")))
    assert settle_number(qtbot, tab) == "235"
    for label in (8, 9):
        qtbot.mouseClick(tab.number_view.digit_buttons[1], Qt.LeftButton)
        tab.number_view.menu.actions()[label].trigger()
        tab.number_view.menu.close()
    assert [(s.label, s.predicted) for s in PersonalSet.load().samples] == [(9, 3)]
    assert "Digit 2 of 3 kept as a 9 (read as 3, instead of the 8 kept before); 1 of your digits kept" in \
        tab.kept_note.text()


def test_undo_right_after_keeping_a_digit_takes_the_keeping_back_not_a_stroke(number_tab, qtbot):
    """As on the square pad: a digit kept by mistake leaves the set with Undo; the number stays as written."""
    from digitpad.core.personal import PersonalSet

    def kept():
        return [(s.label, s.predicted) for s in PersonalSet.load().samples]

    tab = number_tab
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")))
    assert settle_number(qtbot, tab) == "2026"
    box, _ = tab.canvas._digit_boxes[1]
    click(tab.canvas, (box[0] + box[2] / 2, box[1] + box[3] / 2))  # the 0, on the pad
    assert tab.number_view.menu.actions()[0].text() == "It was a 0 (as read)"
    choose(qtbot, tab.number_view.menu, 0)
    assert kept() == [(0, 0)]
    assert tab.kept_note.text() == ("✓ Digit 2 of 4 kept as a 0 (read right); 1 of your digits kept "
                                    "(Undo takes it back)")
    tab.canvas.setFocus()
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)
    assert settle_number(qtbot, tab) == "2026" and len(tab.canvas.strokes()) == 4, "no stroke undone"
    assert kept() == [] and tab.kept_note.text() == "↶ Taken back: not kept as a 0; 0 of your digits kept"
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)  # Undo again: the 6 goes, as usual
    assert settle_number(qtbot, tab) == "202" and len(tab.canvas.strokes()) == 3
    qtbot.mouseClick(tab.redo_button, Qt.LeftButton)
    assert settle_number(qtbot, tab) == "2026"

    for label in (8, 7):  # the second 2 said to be an 8, then a 7: Undo keeps the 8 again
        qtbot.mouseClick(tab.number_view.digit_buttons[2], Qt.LeftButton)
        choose(qtbot, tab.number_view.menu, label)
    assert kept() == [(7, 2)]
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert kept() == [(8, 2)] and len(tab.canvas.strokes()) == 4
    assert tab.kept_note.text() == "↶ Taken back: not kept as a 7; 1 of your digits kept"

    qtbot.mouseClick(tab.number_view.digit_buttons[3], Qt.LeftButton)  # the 6 kept, then the mode changed and back:
    choose(qtbot, tab.number_view.menu, 6)  # the keeping is no longer the last thing done on this pad
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert settle_number(qtbot, tab) == "208" and kept() == [(8, 2), (6, 6)], "the second 2 shown as the 8 kept"


def test_a_corrected_digit_is_shown_as_the_person_said_while_its_strokes_are_those_kept(number_tab, qtbot):
    """"It was a 7" on the 1 of 2026 315: the number shows 2026 375, the 7 marked as kept, while other digits are
    written; written over, it is read again, and Undo of that stroke brings the correction back."""
    tab = number_tab
    view = tab.number_view
    lines = write((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl"), x=30, gap=25, height=75, y=10) + write(
        (3, "round"), (1, "stick"), (5, "two strokes"), x=30, gap=25, height=75, y=105)
    draw(tab.canvas, lines)
    assert settle_number(qtbot, tab) == "2026 315"
    qtbot.mouseClick(view.digit_buttons[5], Qt.LeftButton)
    choose(qtbot, view.menu, 7)
    assert settle_number(qtbot, tab) == "2026 375" and "<b>2026 375</b>" in view.number_label.text()
    assert view.digit_buttons[5].text() == "7" and view.captions[5].text() == "✓ kept"
    assert view.digit_buttons[5].toolTip().startswith("You said this is a 7: kept in your digits (read as 1; ")
    assert view.caption.text().startswith("✓: as you said, kept in your digits.")
    qtbot.mouseClick(view.digit_buttons[5], Qt.LeftButton)
    assert [a.text() for a in view.menu.actions() if a.isChecked()] == ["It was a 7"], "what was said, ticked"
    view.menu.close()

    tab.canvas.setFocus()
    QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)  # taken back: the model's reading again
    assert settle_number(qtbot, tab) == "2026 315" and view.captions[5].text().endswith("%")
    box, _ = tab.canvas._digit_boxes[5]
    click(tab.canvas, (box[0] + box[2] / 2, box[1] + box[3] / 2))  # said again, on the pad
    choose(qtbot, view.menu, 7)
    assert settle_number(qtbot, tab) == "2026 375"

    shown = []
    tab.numberShown.connect(lambda _: shown.append(view.text()))
    draw(tab.canvas, write((8, "one stroke"), x=273, height=75, y=105), pace_ms=2)  # writing goes on, read live
    assert settle_number(qtbot, tab) == "2026 3758" and view.captions[5].text() == "✓ kept"
    assert len(shown) > 2 and all(text.startswith("2026 375") for text in shown), shown
    left, top, width, _ = box
    draw(tab.canvas, [[(left - 8, top + 12), (left + width + 8, top + 12)]])  # a bar written over the 1
    assert settle_number(qtbot, tab)[:5] == "2026 " and len(view.reading().digits) == 8
    assert view.captions[5].text() != "✓ kept" and not view.digit_buttons[5].toolTip().startswith("You said")
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # the bar undone: the 1 is as kept again
    assert settle_number(qtbot, tab) == "2026 3758" and view.captions[5].text() == "✓ kept"
    tab.personal.clear()  # as My digits' Clear all does: no longer kept, so read again
    assert settle_number(qtbot, tab) == "2026 3158" and view.captions[5].text().endswith("%")


def test_after_the_window_grows_a_click_on_a_digit_still_corrects_it(number_tab, qtbot):
    """The boxes follow the ink when the pad is resized: a click on the 0 opens its menu and draws nothing."""
    tab = number_tab
    window = tab.window()
    draw(tab.canvas, number_strokes((4, "closed"), (0, "oval"), (7, "plain")))
    assert settle_number(qtbot, tab) == "407"
    before = tab.canvas.height()
    window.resize(window.width() + 400, window.height() + 300)
    qtbot.waitUntil(lambda: tab.canvas.height() > 1.2 * before, timeout=2_000)
    zero = np.asarray(tab.canvas.strokes()[2])  # the 4's two strokes, then the 0
    strokes = len(tab.canvas.strokes())
    click(tab.canvas, tuple((zero.min(axis=0) + zero.max(axis=0)) / 2))
    assert tab.number_view.menu is not None and tab.number_view.menu.isVisible()
    assert tab.number_view.menu.title() == "Digit 2" and len(tab.canvas.strokes()) == strokes
    tab.number_view.menu.close()


def test_a_photo_stays_and_is_read_the_other_way_when_the_mode_changes(window, qtbot, tmp_path):
    """A 7 drawn on the square pad, then a photo opened in Number mode: leaving Number mode reads the photo as
    one digit and does not lay the 7 over it (Undo brings the 7 back, and the photo goes)."""
    from PIL import Image

    tab = window.draw_tab
    draw(tab.canvas, place(STYLES[7]["plain"], 60, 30, 200))
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "7"
    page = np.full((300, 700), 235, np.uint8)
    for left, (digit, style) in zip((40, 260, 480), ((3, "round"), (1, "stick"), (5, "two strokes"))):
        ink = np.asarray(Image.fromarray((stroke_ink(STYLES[digit][style]) * 255).astype(np.uint8)).resize((180, 180)))
        page[60:240, left:left + 180] = np.minimum(page[60:240, left:left + 180], 255 - ink)
    Image.fromarray(page).save(tmp_path / "315.png")
    tab.number_toggle.setChecked(True)
    window.open_image(str(tmp_path / "315.png"))
    assert settle_number(qtbot, tab) == "315" and "3 digits read" in tab.source_label.text()
    tab.number_toggle.setChecked(False)
    settle(qtbot, tab)
    assert tab.canvas.is_empty() and "3 separate marks" in tab.source_label.text(), "the 7 is not laid over it"
    assert tab.panel.digit_label.text() == "5"  # the largest mark, as the note says
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    settle(qtbot, tab)
    assert tab.panel.digit_label.text() == "7" and tab.source_label.text() == ""
    tab.number_toggle.setChecked(False)


def test_a_file_that_cannot_be_read_gives_the_number_back(number_tab, qtbot, tmp_path):
    tab = number_tab
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval")), spacing=8, pace_ms=5)
    assert settle_number(qtbot, tab) == "20"
    drawn = tab.canvas.strokes()
    (tmp_path / "notes.png").write_bytes(b"not an image")
    tab.open_image(tmp_path / "notes.png")
    assert settle_number(qtbot, tab) == "20", "the number is read again"
    assert tab.canvas.strokes() == drawn
    assert tab.source_label.text() == ("Could not read notes.png: not an image file digitpad can read (PNG, JPEG, "
                                       "BMP, GIF, TIFF, WebP...). The drawing is as it was.")


def test_a_tap_at_a_digit_s_foot_is_a_point_not_a_click_on_its_box(number_tab, qtbot):
    """A point tucked under a 7's bar lies inside the 7's box: tapped there, it is drawn, not taken for a click."""
    tab = number_tab
    draw(tab.canvas, number_strokes((7, "plain"), (5, "two strokes")))
    assert settle_number(qtbot, tab) == "75"
    (left, top, width, height), _ = tab.canvas._digit_boxes[0]
    foot = (left + width - 6, top + height - 3)  # under the bar, right of the stem's foot
    mouse(tab.canvas, QEvent.MouseButtonPress, foot, Qt.LeftButton, Qt.LeftButton)
    mouse(tab.canvas, QEvent.MouseButtonRelease, foot, Qt.LeftButton, Qt.NoButton)
    assert len(tab.canvas.strokes()) == 4 and (tab.number_view.menu is None or not tab.number_view.menu.isVisible())


def test_the_answer_is_copied_as_text_the_digit_or_the_number(number_tab, qtbot):
    """Ctrl+C (File ▸ Copy the answer) puts what is read on the clipboard, to paste elsewhere."""
    from PySide6.QtGui import QKeySequence

    tab = number_tab
    window = tab.window()
    clipboard = QGuiApplication.clipboard()
    draw(tab.canvas, number_strokes((2, "curved"), (0, "oval"), (2, "angular"), (6, "curl")), spacing=8)
    assert settle_number(qtbot, tab) == "2026"
    QTest.keySequence(window, QKeySequence.Copy)
    assert clipboard.text() == "2026" and window.status_message.full_text() == "Copied 2026"
    tab.clear()
    clipboard.setText("before")
    QTest.keySequence(window, QKeySequence.Copy)
    assert clipboard.text() == "before", "nothing read: the clipboard is left alone"
    assert window.status_message.full_text().startswith("Nothing read to copy")
    qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)  # one digit on the square pad
    draw(tab.canvas, place(STYLES[7]["crossbar"], 60, 30, 250))
    assert settle(qtbot, tab) == "7"
    QTest.keySequence(window, QKeySequence.Copy)
    assert clipboard.text() == "7"
    window.tabs.setCurrentWidget(window.train_tab)  # text selected in the training log is copied as Ctrl+C does there
    log = window.train_tab.monitor.log
    log.setPlainText("epoch 1: loss 0.5")
    log.selectAll()
    log.setFocus()
    QTest.keySequence(log, QKeySequence.Copy)
    assert clipboard.text() == "epoch 1: loss 0.5"
    window.tabs.setCurrentWidget(tab)
