"""DrawingCanvas: a square pad that records pen strokes and renders them for the model.

The pad grows with the window (`PadArea` keeps it square, or 3:1 in Number mode); on a resize the
strokes are scaled with it, keeping their shape, and what the model reads does not change, since its input is cropped and scaled from the
drawing's own bounding box (`core.preprocess`), whatever the pad's size.

Strokes are kept as point lists, or a `Photo` (an opened image) in their place: each is a state of the
pad, so Undo and Redo bring back a photo as they do a drawing. What the person sees of the strokes is
painted with Qt (smooth curves through the points, their chosen pen width), and what the model sees
comes from `to_array()`, which renders the same points with the MNIST-like pen of `digitpad.core.strokes`.
Mouse, tablet and touch all arrive here (Qt turns unhandled touch into mouse events).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QShortcut,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.strokes import Point, render_strokes
from . import shortcuts

DEFAULT_SIZE = 320
MIN_SIZE = 320  # the pad never gets smaller than this: the window's minimum size allows for it
DEFAULT_PEN_WIDTH = 22.0
PEN_WIDTH_RANGE = (4.0, 60.0)
NUMBER_MIN_WIDTH = 600  # Number mode's pad: at least this wide, a third as high
CLICK_SLOP = 4.0  # in Number mode a press and release within this many pixels is a click, not a stroke
TAP_FOOT = 0.2  # ...on a digit's box, above this share of its height at the foot: a tap there is a point
UNDO_LIMIT = 100  # states kept for undo, so a day of drawing does not grow memory without end
PHOTO_UNDO_LIMIT = 10  # photos among them, besides the one on the pad: each holds its decoded image and the picture
# shown, up to 8 MB together
FOCUS_RING = 2  # px: the frame in the highlight colour round the pad while it has the keyboard focus


@dataclass(eq=False)
class Photo:
    """An image file on the pad in place of a drawing. The pad only shows `picture` (once the file is read: the
    image with what was read outlined); `image`, the decoded file once read, is kept so that a photo brought back
    by Undo or Redo is read again without the file, which may be gone (a pasted image's is)."""

    path: str
    image: object = None
    picture: QImage | None = None


def smooth_path(points: list[Point]) -> QPainterPath:
    """A curve through the points' midpoints with the points as control points (no corners, no gaps)."""
    path = QPainterPath(QPointF(*points[0]))
    for (x0, y0), (x1, y1) in zip(points[1:-1], points[2:]):
        path.quadTo(QPointF(x0, y0), QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    path.lineTo(QPointF(*points[-1]))
    return path


class DrawingCanvas(QWidget):
    """A drawing pad. Signals: `changed` on every new point or edit, `strokeFinished` at pen-up."""

    changed = Signal()
    undone = Signal()  # after an Undo's `changed`
    redone = Signal()  # after a Redo's `changed`
    strokeFinished = Signal()
    boxClicked = Signal(int)  # Number mode: a click (no stroke) on the box of digit i

    def __init__(self, parent: QWidget | None = None, size: int = DEFAULT_SIZE, pen_width: float = DEFAULT_PEN_WIDTH):
        super().__init__(parent)
        self._strokes: list[list[Point]] = []
        self._photo: Photo | None = None  # on the pad in place of strokes
        self._undo: list[tuple[list[list[Point]], Photo | None]] = []  # (strokes, photo) states
        self._redo: list[tuple[list[list[Point]], Photo | None]] = []
        self._current: list[Point] | None = None
        self._undo_step_beside = False  # the next Undo takes back something done beside the drawing (add_undo_step)
        self._pen_width = pen_width
        self._number_mode = False
        # the other mode's strokes, undo, redo (in its pad's heights), photo and _history_dropped
        self._other_drawing: tuple | None = None
        # The photo shown last, the pad's height then, and the history its showing dropped (the oldest undo states,
        # past the limits, and the redo states), until something new is drawn or shown: `revert` gives them back
        self._history_dropped: tuple | None = None
        self._digit_boxes: list[tuple[tuple[int, int, int, int], bool]] = []  # ((x, y, w, h), unsure) per digit
        self.setMinimumSize(MIN_SIZE, MIN_SIZE)
        self.resize(size, size)
        self._drawn_height = self.height()  # the pad height the points are in (see _fit_drawing_to_height)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursor(Qt.CrossCursor)
        self.setAttribute(Qt.WA_StaticContents)
        self.setAccessibleName("Drawing pad")
        self.setToolTip(f"Draw a digit. {shortcuts.drawing_keys()}")
        seen = set()
        bindings = ((self.undo, shortcuts.UNDO), (self.redo, shortcuts.REDO), (self.clear, shortcuts.CLEAR))
        for slot, bound in bindings:
            for sequence in bound.sequences():
                if sequence.toString() not in seen:  # a key bound twice would make Qt fire neither
                    seen.add(sequence.toString())
                    QShortcut(sequence, self, slot)  # the window's, while the pad shows: whatever has the focus

    # --- state -----------------------------------------------------------------------------------
    def strokes(self) -> list[list[Point]]:
        """A copy of the finished strokes (and the one being drawn), in widget coordinates."""
        self._fit_drawing_to_height()  # the pad may have been resized while hidden, its event not yet sent
        current = [list(self._current)] if self._current else []
        return [list(s) for s in self._strokes] + current

    def set_strokes(self, strokes: list[list[Point]]) -> None:
        self._commit([[(float(x), float(y)) for x, y in s] for s in strokes if len(s)])

    def is_empty(self) -> bool:
        return not self._strokes and not self._current

    def is_drawing(self) -> bool:
        """True while a stroke is being drawn (the pen is down)."""
        return self._current is not None

    def can_undo(self) -> bool:
        return bool(self._undo) or self._undo_step_beside

    def can_redo(self) -> bool:
        return bool(self._redo)

    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, width: float) -> None:
        self._pen_width = float(min(max(width, PEN_WIDTH_RANGE[0]), PEN_WIDTH_RANGE[1]))
        self.update()

    def photo(self) -> Photo | None:
        """The photo on the pad; None while a stroke is drawn, which takes its place."""
        return self._photo if self._current is None else None

    def show_photo(self, photo: Photo) -> None:
        """Put a photo on the pad in place of what is there (Undo gives that back, and `revert` with its history).
        It is not part of `to_array()`."""
        self._pen_up()
        undo, redo = list(self._undo), list(self._redo)
        self._commit([], photo)
        self._history_dropped = photo, self._drawn_height, undo[:len(undo) + 1 - len(self._undo)], redo

    def to_array(self) -> np.ndarray:
        """What the model should see: the strokes rendered white on black at the canvas size (uint8)."""
        return render_strokes(self.strokes(), (self.width(), self.height()))

    def to_image(self) -> QImage:
        """The drawing as the person sees it, dark ink on white, for saving."""
        image = QImage(self.size() * self.devicePixelRatioF(), QImage.Format_Grayscale8)
        image.setDevicePixelRatio(self.devicePixelRatioF())
        image.fill(Qt.white)
        painter = QPainter(image)
        self._paint_strokes(painter, QColor(Qt.black))
        painter.end()
        return image

    # --- editing ---------------------------------------------------------------------------------
    def _push_undo(self) -> None:
        """Remember the pad as it is for Undo: the newest UNDO_LIMIT states, the states before the newest
        PHOTO_UNDO_LIMIT photos' forgotten (a hundred photos opened one after another held hundreds of MB)."""
        self._undo.append((self._strokes, self._photo))
        del self._undo[:-UNDO_LIMIT]
        while len({id(photo) for _, photo in self._undo if photo is not None}) > PHOTO_UNDO_LIMIT:
            oldest = next(i for i, (_, photo) in enumerate(self._undo) if photo is not None)
            del self._undo[:oldest + 1]
        self._redo.clear()
        self._history_dropped = None

    def _commit(self, strokes: list[list[Point]], photo: Photo | None = None) -> None:
        self._push_undo()
        self._strokes, self._photo = strokes, photo
        self._changed()

    def _changed(self) -> None:
        self._undo_step_beside = False
        self.update()
        self.changed.emit()

    def add_undo_step(self) -> None:
        """Something was done beside the drawing that Undo takes back (the Draw tab kept one digit of the number):
        the next Undo, unless the pad changes first, leaves the drawing as it is, signalling `changed` and `undone`
        as any Undo does. Redo does not do it again."""
        self._undo_step_beside = True

    def undo(self) -> None:
        if self._undo_step_beside and self._current is None:
            self._changed()
            self.undone.emit()
        elif self._undo and self._current is None:
            self._redo.append((self._strokes, self._photo))
            self._strokes, self._photo = self._undo.pop()
            self._changed()
            self.undone.emit()

    def redo(self) -> None:
        if self._redo and self._current is None:
            self._undo.append((self._strokes, self._photo))
            self._strokes, self._photo = self._redo.pop()
            self._changed()
            self.redone.emit()

    def clear(self) -> None:
        if (self._strokes or self._photo) and self._current is None:
            self._commit([])

    def revert(self) -> None:
        """Take back the last change, not to be redone and without `changed`: an opened file that could not be
        read gives back the drawing (or photo) it replaced, and the caller says so. When that change showed the
        photo on the pad, the undo and redo states it dropped come back too: the history is as it was."""
        if self._undo and self._current is None:
            self._fit_drawing_to_height()
            shown = self._photo
            self._strokes, self._photo = self._undo.pop()
            if self._history_dropped is not None and self._history_dropped[0] is shown:
                _, height, oldest, redo = self._history_dropped
                _, oldest, self._redo = self._scaled_drawing(self._drawn_height / height, ([], oldest, redo))
                self._undo[:0] = oldest
            self._history_dropped = None
            self.update()

    def resizeEvent(self, event) -> None:
        self._fit_drawing_to_height()
        super().resizeEvent(event)

    def _fit_drawing_to_height(self) -> None:
        """Scale the drawing (its undo history, the digits' boxes) with the pad's height (the pad keeps its shape),
        so the drawing keeps its place and size on it.

        The height the points are in is kept, not taken from the resize event: a pad resized while its tab is
        hidden gets one event when shown, with no old size, and the points would keep the size they had."""
        height = self.height()
        if height <= 0 or height == self._drawn_height:
            return
        factor = height / self._drawn_height
        self._drawn_height = height
        self._strokes, self._undo, self._redo = self._scaled_drawing(factor)
        if self._current is not None:
            self._current = [(x * factor, y * factor) for x, y in self._current]
        # The digits' boxes follow their ink, so a click on a digit still finds its box.
        self._digit_boxes = [(tuple(round(v * factor) for v in box), unsure) for box, unsure in self._digit_boxes]

    def _scaled_drawing(self, factor: float, drawing: tuple | None = None) -> tuple:
        """(strokes, undo, redo), this drawing's or the one given, with every point times `factor` (a photo is
        shown at the pad's size whatever it is)."""
        strokes, undo, redo = drawing or (self._strokes, self._undo, self._redo)

        def scaled(strokes: list[list[Point]]) -> list[list[Point]]:
            return [[(x * factor, y * factor) for x, y in stroke] for stroke in strokes]

        return (scaled(strokes), [(scaled(s), photo) for s, photo in undo],
                [(scaled(s), photo) for s, photo in redo])

    # --- input -----------------------------------------------------------------------------------
    def _pen_down(self, point: QPointF) -> None:
        self._current = [(point.x(), point.y())]
        self._changed()

    def _pen_move(self, point: QPointF) -> None:
        if self._current is None:
            return
        x, y = point.x(), point.y()
        last_x, last_y = self._current[-1]
        if (x - last_x) ** 2 + (y - last_y) ** 2 >= 1.0:  # ignore sub-pixel jitter
            self._current.append((x, y))
            margin = self.shown_pen_width() + 4
            self.update(QRectF(min(x, last_x) - margin, min(y, last_y) - margin,
                               abs(x - last_x) + 2 * margin, abs(y - last_y) + 2 * margin).toAlignedRect())
            self.changed.emit()

    def _pen_up(self) -> None:
        if self._current is None:
            return
        stroke, self._current = self._current, None
        clicked = self._clicked_box(stroke)
        if clicked is not None:
            self.update()
            self.boxClicked.emit(clicked)
            return
        self._push_undo()
        self._strokes, self._photo = self._strokes + [stroke], None  # a stroke on a photo takes its place
        self.update()
        self.strokeFinished.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            self._pen_down(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.LeftButton:
            self._pen_move(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.LeftButton:
            self._pen_move(event.position())
            self._pen_up()

    def tabletEvent(self, event: QTabletEvent) -> None:
        """Pens report sub-pixel positions; use them directly rather than the synthesized mouse events."""
        kind = event.type()
        if kind == QTabletEvent.TabletPress:
            self._pen_down(event.position())
        elif kind == QTabletEvent.TabletMove and event.buttons():
            self._pen_move(event.position())
        elif kind == QTabletEvent.TabletRelease:
            self._pen_move(event.position())
            self._pen_up()
        event.accept()

    def focusOutEvent(self, event) -> None:
        self._pen_up()  # a stroke never stays open when the pen leaves for another window
        super().focusOutEvent(event)

    # --- Number mode -----------------------------------------------------------------------------
    def number_mode(self) -> bool:
        return self._number_mode

    def set_number_mode(self, on: bool) -> None:
        """A wide pad (3:1, growing with the window) for writing several digits, or the square one.

        Each mode keeps its own drawing (and undo history): a number squeezed onto the square pad would
        read as no digit, and a digit is no number. The one left comes back when its mode does.
        """
        if on != self._number_mode:
            self._pen_up()
            self._undo_step_beside = False
            self._fit_drawing_to_height()
            height = self._drawn_height
            leaving = (*self._scaled_drawing(1 / height), self._photo, self._history_dropped)
            strokes, undo, redo, self._photo, self._history_dropped = self._other_drawing or ([], [], [], None, None)
            self._strokes, self._undo, self._redo = self._scaled_drawing(height, (strokes, undo, redo))
            self._other_drawing = leaving
            self.update()
        self._number_mode = on
        self._digit_boxes = []
        if on:
            self.setMinimumSize(NUMBER_MIN_WIDTH, NUMBER_MIN_WIDTH // 3)
            self.setToolTip(f"Write a number, left to right. Click a digit's box to correct it. "
                            f"{shortcuts.drawing_keys()}")
        else:
            self.setMinimumSize(MIN_SIZE, MIN_SIZE)
            self.setToolTip(f"Draw a digit. {shortcuts.drawing_keys()}")
        self.updateGeometry()
        self.update()

    def set_digit_boxes(self, boxes: list[tuple[tuple[int, int, int, int], bool]]) -> None:
        """Frame each digit read, (x, y, width, height) in pad pixels, unsure ones in another colour."""
        self._digit_boxes = list(boxes)
        self.update()

    def _clicked_box(self, stroke: list[Point]) -> int | None:
        """The digit box a click (a stroke that barely moved) landed in, in Number mode."""
        if not (self._number_mode and self._digit_boxes):
            return None
        xs, ys = [p[0] for p in stroke], [p[1] for p in stroke]
        if max(xs) - min(xs) > CLICK_SLOP or max(ys) - min(ys) > CLICK_SLOP:
            return None
        for index, ((left, top, width, height), _) in enumerate(self._digit_boxes):
            # not at the digit's foot, where a tap is a decimal point (one under a 7's bar lies inside its box)
            if left - 4 <= xs[0] <= left + width + 4 and top - 4 <= ys[0] <= top + (1 - TAP_FOOT) * height:
                return index
        return None

    def _paint_digit_boxes(self, painter: QPainter, palette: QPalette) -> None:
        for (left, top, width, height), unsure in self._digit_boxes:
            color = QColor(palette.color(QPalette.Highlight))
            if unsure:
                color = QColor(220, 120, 0)
            color.setAlpha(170)
            painter.setPen(QPen(color, 2, Qt.DashLine if unsure else Qt.SolidLine))
            painter.setBrush(Qt.NoBrush)
            margin = self.shown_pen_width() / 2 + 3  # the ink is drawn wider than its points' box
            painter.drawRoundedRect(QRectF(left - margin, top - margin, width + 2 * margin, height + 2 * margin), 6, 6)

    # --- painting --------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        if self._number_mode:
            return QSize(NUMBER_MIN_WIDTH, NUMBER_MIN_WIDTH // 3)
        return QSize(DEFAULT_SIZE, DEFAULT_SIZE)

    def shown_pen_width(self) -> float:
        """The pen width on screen: the chosen width for a pad of the default size, scaled with the pad."""
        return self._pen_width * min(self.width(), self.height()) / DEFAULT_SIZE

    def _paint_strokes(self, painter: QPainter, color: QColor) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(color, self.shown_pen_width(), Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        painter.setBrush(Qt.NoBrush)
        for stroke in self.strokes():
            if all(point == stroke[0] for point in stroke):
                painter.drawPoint(QPointF(*stroke[0]))  # a tap: Qt draws no cap on a path of no length
            else:
                painter.drawPath(smooth_path(stroke))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        paper, ink = palette.color(QPalette.Base), palette.color(QPalette.Text)
        painter.fillRect(self.rect(), paper)
        painter.setPen(QPen(palette.color(QPalette.Mid), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        photo = self.photo()
        if photo is not None:  # a photo: no guide round it, it is not drawn on
            if photo.picture is not None:  # read
                scaled = photo.picture.scaled(self.size(), Qt.KeepAspectRatio, Qt.SmoothTransformation)
                painter.drawImage((self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2,
                                  scaled)
        else:
            guide = QColor(ink)
            guide.setAlpha(40)
            painter.setPen(QPen(guide, 1, Qt.DashLine))
            inset = min(self.width(), self.height()) * 0.14
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 8, 8)
            if self.is_empty():
                hint = QColor(ink)
                hint.setAlpha(90)
                painter.setPen(hint)
                painter.drawText(self.rect(), Qt.AlignCenter,
                                 "Write a number here, left to right" if self._number_mode else "Draw a digit here")
        self._paint_strokes(painter, ink)
        self._paint_digit_boxes(painter, palette)
        if self.hasFocus():  # painted last, over ink at the edge: a keyboard user sees that Enter keeps the drawing
            painter.setPen(QPen(palette.color(QPalette.Highlight), FOCUS_RING))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(FOCUS_RING / 2, FOCUS_RING / 2, -FOCUS_RING / 2,
                                                          -FOCUS_RING / 2))
        painter.end()


class PadArea(QWidget):
    """Holds the canvas as the largest square (3:1 in Number mode) that fits, centred at the top, so the pad
    grows with the window."""

    def __init__(self, canvas: DrawingCanvas, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = canvas
        canvas.setParent(self)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setFocusProxy(canvas)

    def sizeHint(self) -> QSize:
        return self.canvas.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.canvas.minimumSize()

    def updateGeometry(self) -> None:
        """After a change of mode: the wide pad takes only the height it needs, the square one all it gets."""
        wide = self.canvas.number_mode()
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred if wide else QSizePolicy.Expanding)
        self._place_canvas()
        super().updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return self.canvas.number_mode()

    def heightForWidth(self, width: int) -> int:
        return max(self.canvas.minimumHeight(), width // 3)

    def resizeEvent(self, event) -> None:
        self._place_canvas()
        super().resizeEvent(event)

    def _place_canvas(self) -> None:
        if self.canvas.number_mode():
            width = max(self.canvas.minimumWidth(), min(self.width(), 3 * self.height()))
            height = width // 3
        else:
            width = height = max(self.canvas.minimumWidth(), min(self.width(), self.height()))
        self.canvas.setGeometry((self.width() - width) // 2, 0, width, height)
