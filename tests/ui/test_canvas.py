"""DrawingCanvas on its own, as scripts and the handwriting evaluation use it."""

import numpy as np
from digit_strokes import STYLES, all_styles, place
from drawing import draw
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from digitpad.ui.canvas import DrawingCanvas, Photo


def test_canvas_works_standalone_and_to_array_is_what_the_model_reads(qtbot, bundled):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    assert canvas.is_empty() and canvas.to_array().max() == 0
    assert bundled.predict(canvas.to_array()) is None
    draw(canvas, place(STYLES[5]["two strokes"], 80, 40, 230))
    image = canvas.to_array()
    assert image.shape == (canvas.height(), canvas.width()) and image.dtype == np.uint8
    assert bundled.predict(image).digit == 5


def test_to_array_ignores_the_guide_and_the_visible_pen_width(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    draw(canvas, [[(100, 100), (200, 220)]])
    thin = canvas.to_array()
    canvas.set_pen_width(50)
    assert np.array_equal(canvas.to_array(), thin)
    assert thin[5, 5] == 0 and thin[-5, -5] == 0


def test_a_tap_leaves_a_dot_on_the_pad(qtbot):
    """A press and release without moving is ink the model reads, so the person sees it too."""
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.show()
    draw(canvas, [[(150, 150)]])
    assert canvas.to_array()[150, 150] > 0
    shown = canvas.grab().toImage()
    dark = [(x, y) for x in range(130, 171) for y in range(130, 171) if shown.pixelColor(x, y).lightness() < 100]
    radius = canvas.shown_pen_width() / 2
    assert len(dark) >= 0.5 * 3.14159 * radius * radius, "the tap's dot is not drawn"


def test_fast_strokes_have_no_gaps(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    draw(canvas, [[(20, 160), (300, 160)]], spacing=140)  # a flick: three mouse events across the pad
    row = canvas.to_array()[160, 30:290]
    assert row.min() > 200


def test_reads_at_least_nine_in_ten_drawn_styles(qtbot, bundled):
    """Every digit in three styles, each drawn large, small in a corner, slanted and rotated."""
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    placements = [dict(x=70, y=30, height=250), dict(x=8, y=200, height=100),
                  dict(x=70, y=40, height=230, slant=0.25), dict(x=70, y=40, height=230, rotate=-10)]
    misread = []
    total = 0
    for digit, name, strokes in all_styles():
        for where in placements:
            canvas.set_strokes([])
            draw(canvas, place(strokes, **where), process_events=False)
            total += 1
            prediction = bundled.predict(canvas.to_array())
            if prediction.digit != digit:
                misread.append((digit, name, where, prediction.digit))
    assert total == 120
    assert len(misread) <= total // 10, misread


def test_tablet_pen_draws(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    device = QPointingDevice.primaryPointingDevice()
    for kind, x, buttons in ((QTabletEvent.TabletPress, 50.5, Qt.LeftButton),
                             (QTabletEvent.TabletMove, 150.25, Qt.LeftButton),
                             (QTabletEvent.TabletRelease, 250.75, Qt.NoButton)):
        point = QPointF(x, 100)
        event = QTabletEvent(kind, device, point, canvas.mapToGlobal(point), 0.8, 0, 0, 0, 0, 0, Qt.NoModifier,
                             Qt.LeftButton, buttons)
        QApplication.sendEvent(canvas, event)
    assert canvas.strokes() == [[(50.5, 100.0), (150.25, 100.0), (250.75, 100.0)]]


def test_undo_history_is_bounded(qtbot):
    from digitpad.ui.canvas import UNDO_LIMIT

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    for i in range(UNDO_LIMIT + 20):
        draw(canvas, [[(10, 10 + i), (50, 10 + i)]], process_events=False)
    undone = 0
    while canvas.can_undo():
        canvas.undo()
        undone += 1
    assert undone == UNDO_LIMIT and len(canvas.strokes()) == 20


def test_undo_keeps_the_newest_photos_only(qtbot):
    from digitpad.ui.canvas import PHOTO_UNDO_LIMIT, Photo

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    opened = PHOTO_UNDO_LIMIT + 5
    for i in range(opened):  # a stroke, then a photo in its place, again and again
        draw(canvas, [[(10, 10 + i), (50, 10 + i)]], process_events=False)
        canvas.show_photo(Photo(f"photo {i}.png", picture=QImage(40, 30, QImage.Format_RGB888)))
    seen = []
    while canvas.can_undo():
        canvas.undo()
        if canvas.photo() is not None:
            seen.append(canvas.photo().path)
    assert seen == [f"photo {i}.png" for i in range(opened - 2, 3, -1)], "the newest photos before it, newest first"
    assert canvas.photo() is None and [(s[0], s[-1]) for s in canvas.strokes()] == [((10.0, 14.0), (50.0, 14.0))], \
        "back to the stroke drawn after the last photo forgotten"
    while canvas.can_redo():
        canvas.redo()
    assert canvas.photo().path == f"photo {opened - 1}.png", "and Redo brings them all back"


def test_a_photo_on_the_pad_has_no_drawing_guide_round_it(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(320, 320)
    photo = QImage(20, 60, QImage.Format_RGB32)  # a tall photo: the pad shows paper either side of it
    photo.fill(QColor("gray"))
    canvas.show_photo(Photo("tall.png", picture=photo))
    shown = canvas.grab().toImage()
    paper = canvas.palette().color(QPalette.Base)
    left_of_photo = {shown.pixelColor(x, y).name() for x in range(2, 100) for y in range(2, 318)}
    assert left_of_photo == {paper.name()}, "paper only: no dashed guide drawn round a photo"


def test_revert_gives_back_the_history_showing_a_photo_dropped(qtbot):
    """A photo whose file cannot be read is taken back with the oldest undo state it pushed past the limit."""
    from digitpad.ui.canvas import UNDO_LIMIT

    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    for i in range(UNDO_LIMIT + 1):  # the history is full: the first state, the empty pad, is forgotten
        draw(canvas, [[(10, 10 + i), (50, 10 + i)]], process_events=False)
    canvas.show_photo(Photo("unreadable.png"))  # its state pushed past the limit: the pad with one stroke forgotten
    canvas.revert()
    assert canvas.photo() is None and len(canvas.strokes()) == UNDO_LIMIT + 1 and not canvas.can_redo()
    undone = 0
    while canvas.can_undo():
        canvas.undo()
        undone += 1
    assert undone == UNDO_LIMIT and len(canvas.strokes()) == 1
