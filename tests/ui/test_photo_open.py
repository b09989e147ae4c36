"""Opening a photo of paper in the window: the photo on the pad, the read region outlined, the answer."""

import numpy as np
import pytest
from digit_strokes import STYLES, place
from drawing import draw, drop, pause, settle
from paper_photos import Look, photo, save, stroke_ink
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from digitpad.core.personal import PersonalSet
from digitpad.ui.draw_tab import OUTLINE_COLOR, PHOTO_NOT_KEPT
from digitpad.ui.failure_style import FAILED_COLOR


def outline_pixels(canvas):
    """Where the pad shows the outline colour: (xs, ys) in the pad's pixels."""
    image = canvas.grab().toImage()
    target = QColor(OUTLINE_COLOR)
    rgb = np.array([[image.pixelColor(x, y).getRgb()[:3] for x in range(image.width())]
                    for y in range(image.height())], dtype=int)
    close = np.abs(rgb - np.array([target.red(), target.green(), target.blue()])).sum(axis=2) < 90
    ys, xs = np.nonzero(close)
    return xs, ys


def test_dropped_photo_is_shown_with_the_read_region_outlined(window, qtbot, tmp_path):
    look = Look(gradient=0.6, shadow=0.4, paper="cream", ink="blue", place=(0.3, 0.55), digit_height=0.4, jpeg=80)
    path = tmp_path / "photo_five.jpg"
    save(photo(stroke_ink(STYLES[5]["two strokes"]), look, np.random.default_rng(0)), path, look)
    drop(window, path)
    tab = window.draw_tab
    assert settle(qtbot, tab) == "5"
    assert tab.source_label.text() == "photo_five.jpg: the outlined ink was read"
    assert tab.panel.model_input.image() is tab.reading.prediction.model_input

    xs, ys = outline_pixels(tab.canvas)
    assert len(xs) > 100, "the outline is drawn on the pad"
    pad = tab.canvas.width()
    factor = pad / 800  # the 800x600 photo fills the pad's width, centred vertically
    x, y, w, h = tab.reading.box
    top = (pad - 600 * factor) / 2
    assert abs(xs.min() - x * factor) < 8 and abs(xs.max() - (x + w) * factor) < 8
    assert abs(ys.min() - (top + y * factor)) < 8 and abs(ys.max() - (top + (y + h) * factor)) < 8

    # A photo is not kept: the greyed "Was it right?" row and a digit key pressed said nothing of why
    assert not tab.correction.isEnabled() and tab.correction.right_button.toolTip() == PHOTO_NOT_KEPT
    QTest.keyClick(window, Qt.Key_3)
    assert tab.kept_note.isVisible() and tab.kept_note.text() == PHOTO_NOT_KEPT
    assert PersonalSet.load(missing_ok=True).samples == []
    window.save_drawing_dialog()  # no file asked for: the photo is no drawing, and it says so
    assert window.status_message.full_text() == (f"The pad shows a photo, {path}, already a file: File ▸ Save "
                                                 "drawing as PNG saves what you draw on the pad")

    draw(tab.canvas, place(STYLES[1]["stick"], 100, 40, 220))  # drawing again puts the pad back
    assert settle(qtbot, tab) == "1"
    assert tab.source_label.text() == "" and len(outline_pixels(tab.canvas)[0]) == 0
    assert tab.correction.isEnabled() and tab.correction.right_button.toolTip().startswith("Keep this drawing")


def test_photo_with_several_marks_says_so_and_a_blank_one_finds_no_digit(window, qtbot, tmp_path):
    from PIL import Image

    page = np.full((300, 600), 235, np.uint8)
    for left, digit, style, height in ((40, 4, "closed", 200), (330, 2, "curved", 150)):
        ink = Image.fromarray(stroke_ink(STYLES[digit][style]) * 255).convert("L").resize((height, height))
        page[40:40 + height, left:left + height] = np.minimum(page[40:40 + height, left:left + height],
                                                              255 - np.asarray(ink))
    Image.fromarray(page).save(tmp_path / "two.png")
    window.open_image(str(tmp_path / "two.png"))
    tab = window.draw_tab
    assert settle(qtbot, tab) == "4"
    assert tab.source_label.text() == "two.png: 2 separate marks; reading the largest (outlined); Number mode reads them all"

    Image.new("RGB", (640, 480), (240, 238, 230)).save(tmp_path / "blank.jpg")
    window.open_image(str(tmp_path / "blank.jpg"))
    settle(qtbot, tab)
    assert tab.panel.caption.text() == "No digit found in blank.jpg"
    assert tab.source_label.text() == "blank.jpg: no digit found"
    assert tab.panel.model_input.image() is None


def test_a_photo_of_several_digits_in_one_mark_says_they_look_like_several(window, qtbot, tmp_path):
    """Two lines of digits close together are one mark, read as one digit: the caption said only that the outlined
    ink was read, and the person had no hint that Number mode reads them."""
    from written_numbers import pen_photo_number

    pen_photo_number("26\n35", np.random.default_rng(0), touch_share=0).save(tmp_path / "note.png")
    window.open_image(str(tmp_path / "note.png"))
    tab = window.draw_tab
    assert settle(qtbot, tab) == "3", "read as it was: one digit"
    assert tab.source_label.text() == ("note.png: the outlined ink looks like several digits read as one; "
                                       "Number mode reads each digit")


@pytest.mark.parametrize("ink", [(0, 0, 0), (255, 255, 255)], ids=["black ink", "white ink"])
def test_ink_on_a_transparent_png_is_read_and_shown_on_paper_it_shows_on(window, qtbot, tmp_path, ink):
    """A PNG of ink on nothing, as drawing programs and web canvases export it, is read and shown as it would print:
    black ink on white paper, white ink on black, not lost in a square of its own colour."""
    from PIL import Image

    coverage = Image.fromarray((stroke_ink(STYLES[2]["curved"]) * 255).astype(np.uint8)).resize((400, 400))
    layer = Image.new("RGBA", (400, 400), (*ink, 0))
    layer.putalpha(coverage)
    layer.save(tmp_path / "exported.png")
    window.open_image(str(tmp_path / "exported.png"))
    tab = window.draw_tab
    assert settle(qtbot, tab) == "2"
    shown = tab.canvas.grab().toImage()
    pad = tab.canvas.width()
    corners = [shown.pixelColor(x, pad // 10).lightness() for x in (pad // 10, pad - pad // 10)]
    across = [shown.pixelColor(x, pad // 2).lightness() for x in range(pad)]
    if ink == (0, 0, 0):
        assert min(corners) > 200 and min(across) < 60, "dark ink shown on white paper"
    else:
        assert max(corners) < 60 and max(across) > 200, "light ink shown on black paper"


def test_photo_of_a_number_in_number_mode_boxes_each_digit_on_the_photo(window, qtbot, tmp_path, mnist):
    from PIL import Image
    from written_numbers import photographed_number

    labels = mnist.test_labels.numpy()
    chosen = [int(np.flatnonzero(labels == d)[0]) for d in (3, 1, 5)]
    photo_315 = photographed_number([mnist.test_images[i].numpy() for i in chosen], np.random.default_rng(3),
                                    digit_height=90, touch_share=0)
    photo_315.save(tmp_path / "house.jpg", quality=90)
    tab = window.draw_tab
    tab.number_toggle.setChecked(True)
    try:
        window.open_image(str(tmp_path / "house.jpg"))
        qtbot.waitUntil(lambda: not tab.service.busy() and tab.number_view.text() != "", timeout=10_000)
        settle(qtbot, tab)
        assert tab.number_view.text() == "315"
        assert tab.source_label.text() == "house.jpg: 3 digits read, each outlined"

        xs, ys = outline_pixels(tab.canvas)
        pad_w, pad_h = tab.canvas.width(), tab.canvas.height()
        factor = min(pad_w / photo_315.width, pad_h / photo_315.height)  # the photo fits the pad, centred
        left, top = (pad_w - photo_315.width * factor) / 2, (pad_h - photo_315.height * factor) / 2
        shown = []
        for x, y, w, h in (d.box for d in tab.number_view.reading().digits):
            x0, x1 = left + x * factor, left + (x + w) * factor
            y0, y1 = top + y * factor, top + (y + h) * factor
            middle = (ys > y0) & (ys < y1)
            sides = [np.count_nonzero(middle & (np.abs(xs - edge) < 6)) for edge in (x0, x1)]
            shown.append(min(sides) > 0.5 * (y1 - y0))  # both upright sides of this digit's own box are drawn
        assert shown == [True, True, True], "a box per digit on the photo"
        assert "Read from the image" in tab.number_view.caption.text() and "Click" not in tab.number_view.caption.text()
        qtbot.mouseClick(tab.number_view.digit_buttons[0], Qt.LeftButton)
        assert tab.number_view.menu is None, "a photo's digits have no strokes to keep: no correction is offered"

        from written_numbers import pen_photo_number

        pen_photo_number("2026\n315", np.random.default_rng(0), touch_share=0).save(tmp_path / "note.jpg", quality=90)
        window.open_image(str(tmp_path / "note.jpg"))  # a sticky note: two lines of writing
        settle(qtbot, tab)
        assert tab.number_view.text() == "2026 315" and "2026 315" in tab.number_view.number_label.text()
        assert tab.source_label.text() == ("note.jpg: 7 digits read, each outlined; 2 lines of writing, each read as "
                                           "its own number")
        def steps():
            return np.diff([b.mapTo(tab.number_view, QPoint(0, 0)).x() for b in tab.number_view.digit_buttons[:7]])

        qtbot.waitUntil(lambda: steps()[3] > steps()[2] + 20, timeout=5_000)  # a space between the lines' digits
        assert steps()[3] > steps()[4] + 20

        photographed_number([mnist.test_images[chosen[2]].numpy()], np.random.default_rng(4), digit_height=90,
                            touch_share=0).save(tmp_path / "five.jpg", quality=90)
        window.open_image(str(tmp_path / "five.jpg"))
        settle(qtbot, tab)
        assert tab.number_view.text() == "5" and tab.source_label.text() == "five.jpg: 1 digit read, outlined"

        from written_text import letters_photo

        letters_photo(["FARM NEAR", "HENRY KNEW"], np.random.default_rng(0)).save(tmp_path / "list.jpg")
        window.open_image(str(tmp_path / "list.jpg"))  # words, not numbers
        settle(qtbot, tab)
        unsure = sum(d.unsure for d in tab.number_view.reading().digits)
        assert unsure >= 3 and tab.source_label.text().endswith(
            f"; 2 lines of writing, each read as its own number; {unsure} marks look like no digit: is it words rather "
            "than numbers?")

        Image.new("RGB", (640, 240), (240, 238, 230)).save(tmp_path / "blank.jpg")
        window.open_image(str(tmp_path / "blank.jpg"))
        settle(qtbot, tab)
        assert tab.source_label.text() == "blank.jpg: no digits found" and len(outline_pixels(tab.canvas)[0]) == 0
        Image.new("RGB", (4000, 3000), (240, 238, 230)).save(tmp_path / "page.jpg")  # a phone's photo of a page
        window.open_image(str(tmp_path / "page.jpg"))
        settle(qtbot, tab)
        assert tab.source_label.text().startswith("page.jpg: no digits found; if there is writing") and \
            tab.source_label.text().endswith("crop closer")
        window.open_image(str(tmp_path / "blank.jpg"))
        settle(qtbot, tab)

        (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not really a JPEG")
        window.open_image(str(tmp_path / "broken.jpg"))
        settle(qtbot, tab)
        note = tab.source_label.text()
        assert note.startswith("Could not read broken.jpg: ") and note.endswith(". The drawing is as it was."), \
            "not 'Reading broken.jpg...' forever, and why"
        assert tab.canvas.photo().path == str(tmp_path / "blank.jpg"), "the photo it replaced is back"
        assert tab.number_view.caption.text() == "No digits found in this image", "and read again"
    finally:
        tab.number_toggle.setChecked(False)  # the mode is remembered: the next test starts as the others expect


def test_undo_takes_a_photo_off_the_pad_and_redo_brings_it_back_read(window, qtbot, tmp_path, mnist):
    """The photo is a state of the pad like a drawing: Redo after Undo gives back the photo and its reading,
    not an empty pad."""
    from test_draw_tab import save_digit_png

    tab = window.draw_tab
    label = save_digit_png(tmp_path / "digit.png", mnist, 0)
    draw(tab.canvas, place(STYLES[4]["closed"], 60, 30, 250))
    assert settle(qtbot, tab) == "4"
    window.open_image(str(tmp_path / "digit.png"))
    assert settle(qtbot, tab) == str(label) and len(outline_pixels(tab.canvas)[0]) > 0
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert settle(qtbot, tab) == "4" and tab.source_label.text() == "" and len(outline_pixels(tab.canvas)[0]) == 0
    assert tab.redo_button.isEnabled()
    qtbot.mouseClick(tab.redo_button, Qt.LeftButton)
    assert settle(qtbot, tab) == str(label), "the photo is read again"
    assert tab.source_label.text() == "digit.png: the outlined ink was read" and tab.canvas.is_empty()
    assert len(outline_pixels(tab.canvas)[0]) > 100, "the photo is back on the pad, outlined"
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # and taken off again
    assert settle(qtbot, tab) == "4"
    tab.clear()
    window.open_image(str(tmp_path / "digit.png"))  # on an empty pad, Undo takes it off too
    assert settle(qtbot, tab) == str(label) and tab.undo_button.isEnabled()
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
    assert settle(qtbot, tab) == "–" and tab.canvas.is_empty() and len(outline_pixels(tab.canvas)[0]) == 0
    qtbot.mouseClick(tab.redo_button, Qt.LeftButton)
    assert settle(qtbot, tab) == str(label) and len(outline_pixels(tab.canvas)[0]) > 100


def test_a_file_that_cannot_be_read_gives_back_the_photo_it_replaced(window, qtbot, tmp_path, mnist):
    from test_draw_tab import save_digit_png

    tab = window.draw_tab
    label = save_digit_png(tmp_path / "digit.png", mnist, 0)
    window.open_image(str(tmp_path / "digit.png"))
    assert settle(qtbot, tab) == str(label)
    (tmp_path / "bad.png").write_bytes(b"not an image")
    window.open_image(f"{tmp_path}/./bad.png")  # a path as a file dialog may give it, not as Path writes it
    settle(qtbot, tab)
    assert tab.source_label.text().startswith("Could not read bad.png: not an image file"), "the reason is on show"
    assert tab.panel.digit_label.text() == str(label), "the photo is read again"
    assert len(outline_pixels(tab.canvas)[0]) > 100, "the photo is back on the pad, not an empty pad"
    assert not tab.redo_button.isEnabled(), "as it was: no Redo opening the bad file again"
    qtbot.mouseClick(tab.undo_button, Qt.LeftButton)  # the photo's own Undo still works
    assert settle(qtbot, tab) == "–" and len(outline_pixels(tab.canvas)[0]) == 0


@pytest.mark.parametrize("number_mode", [False, True], ids=["one digit", "number"])
def test_a_file_that_cannot_be_read_leaves_the_undo_and_redo_history_as_it_was(window, qtbot, tmp_path, number_mode):
    """The open is taken back whole: Redo still brings back the stroke undone before it (it had been cleared)."""
    tab = window.draw_tab
    if number_mode:
        qtbot.mouseClick(tab.number_toggle, Qt.LeftButton)
    try:
        four = place(STYLES[4]["closed"], 60, 20, 0.8 * tab.canvas.height())  # in two strokes
        draw(tab.canvas, four)
        tab.canvas.setFocus()
        QTest.keyClick(tab.canvas, Qt.Key_Z, Qt.ControlModifier)
        assert len(tab.canvas.strokes()) == 1 and tab.redo_button.isEnabled()
        (tmp_path / "notimage.png").write_bytes(b"This is a text file, renamed")
        pad = tab.canvas.size()
        drop(window, tmp_path / "notimage.png")
        settle(qtbot, tab)
        assert tab.source_label.text().startswith("Could not read notimage.png: ")
        assert tab.source_label.text().endswith("The drawing is as it was.")
        pause(50)  # laid out
        assert tab.canvas.size() == pad, "two lines of note below the pad: it kept its size (it shrank 14 px)"
        assert FAILED_COLOR in tab.source_label.styleSheet(), "said as a failure, not in a hint's grey"
        assert len(tab.canvas.strokes()) == 1 and tab.canvas.photo() is None
        assert tab.redo_button.isEnabled() and tab.undo_button.isEnabled(), "the history as it was"
        qtbot.mouseClick(tab.redo_button, Qt.LeftButton)  # the 4's second stroke is back
        settle(qtbot, tab)
        assert len(tab.canvas.strokes()) == 2 and not tab.redo_button.isEnabled()
        assert tab.source_label.text() == "" and tab.source_label.styleSheet() == ""
        assert (tab.number_view.text() if number_mode else tab.panel.digit_label.text()) == "4"
        for _ in range(2):
            qtbot.mouseClick(tab.undo_button, Qt.LeftButton)
        assert tab.canvas.is_empty() and not tab.undo_button.isEnabled()
    finally:
        tab.number_toggle.setChecked(False)  # the mode is remembered: the next test starts as the others expect
