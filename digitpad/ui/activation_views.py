"""Widgets that paint a layer's numbers once core.inside_pictures has coloured them: a grid of maps, unit bars.

Pictures arrive as RGB arrays (coloured off the UI thread); a grid is laid out once per update as
one image at its size on screen, in 32-bit colours that Qt paints without converting them, so
painting a layer of 128 maps is a single fast drawImage.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QScrollArea, QSizePolicy, QWidget

from ..core.inside_pictures import PALETTE, grid_shape, mosaic

GAP = 2
FOCUS_INSET = 4  # px inside a map's edge: the keys' mark, inside the frame of the map chosen


def rgb_image(rgb: np.ndarray) -> QImage:
    """An (h, w, 3) uint8 array as a QImage that owns its pixels."""
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, data.shape[1], data.shape[0], data.strides[0], QImage.Format_RGB888).copy()


def packed_rgb(rgb) -> np.ndarray:
    """RGB uint8 (..., 3) as 32-bit 0xffRRGGBB values, the pixels of a QImage.Format_RGB32."""
    rgb = np.asarray(rgb, dtype=np.uint8)
    packed = np.full((*rgb.shape[:-1], 4), 255, dtype=np.uint8)  # the bytes of little-endian 0xffRRGGBB: B G R 255
    packed[..., 2::-1] = rgb
    return packed.view("<u4")[..., 0].astype(np.uint32, copy=False)


PACKED_PALETTE = packed_rgb(PALETTE)


def packed_grid(maps: np.ndarray, cell: int, background, columns: int | None = None) -> np.ndarray:
    """Maps laid out as a MapGrid shows them (`mosaic` with its gap) in packed colours; `maps` are RGB
    (n, h, w, 3) or palette indices (n, h, w), `background` RGB."""
    packed = np.take(PACKED_PALETTE, maps) if maps.ndim == 3 else packed_rgb(maps)
    return mosaic(packed, cell, GAP, packed_rgb(background), columns)


def rgb_pixmap(rgb: np.ndarray, scale: int) -> QPixmap:
    """An RGB picture enlarged with square pixels."""
    return QPixmap.fromImage(rgb_image(np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)))


class MapGrid(QWidget):
    """Small pictures in rows (feature maps or filters); `chosen(index)` when one is clicked (or chosen by key).

    Given a focus policy, it is a grid of tiles for the keyboard too: the arrow keys (Home, End) move a mark over
    the maps and Enter or Space chooses the one under it."""

    chosen = Signal(int)

    def __init__(self, cell: int, parent: QWidget | None = None, columns: int | None = None):
        super().__init__(parent)
        self.cell = cell
        self.columns = columns  # None: as core.inside_pictures.grid_shape lays maps out
        self._image: QImage | None = None  # the whole grid, at its size on screen
        self._count = 0
        self._selected: int | None = None
        self._current = 0  # the map the keys are on, marked while the grid has the focus
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)

    def count(self) -> int:
        return self._count

    def current(self) -> int:
        return self._current

    def set_maps(self, rgb: np.ndarray | None) -> None:
        """(n, h, w, 3) uint8, or None for nothing."""
        if rgb is None or not len(rgb):
            self.set_grid(None, 0)
            return
        paper = self.palette().color(QPalette.Window)
        self.set_grid(packed_grid(rgb, self.cell, paper.getRgb()[:3], self.columns), len(rgb))

    def set_grid(self, grid: np.ndarray | None, count: int) -> None:
        """`count` maps already laid out by `packed_grid` with this grid's cell and columns."""
        if grid is not None:
            grid = np.ascontiguousarray(grid)
            self._image = QImage(grid.data, grid.shape[1], grid.shape[0], grid.strides[0], QImage.Format_RGB32).copy()
        else:
            self._image = None
        self._count = count if grid is not None else 0
        self._current = min(self._current, max(self._count - 1, 0))
        if self._count and self.size() != self.sizeHint():
            self.setFixedSize(self.sizeHint())
        self.update()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self.update()

    def sizeHint(self) -> QSize:
        rows, columns = grid_shape(self._count, self.columns) if self._count else (1, 1)
        return QSize(columns * (self.cell + GAP) - GAP, rows * (self.cell + GAP) - GAP)

    def _cell_rect(self, index: int) -> QRect:
        columns = grid_shape(self._count, self.columns)[1]
        return QRect((index % columns) * (self.cell + GAP), (index // columns) * (self.cell + GAP),
                     self.cell, self.cell)

    def index_at(self, x: float, y: float) -> int | None:
        for index in range(self._count):
            if self._cell_rect(index).contains(int(x), int(y)):
                return index
        return None

    def mousePressEvent(self, event) -> None:
        index = self.index_at(event.position().x(), event.position().y())
        if index is not None and event.button() == Qt.LeftButton:
            self._current = index
            self.chosen.emit(index)

    def keyPressEvent(self, event) -> None:
        if not self._count:
            super().keyPressEvent(event)
            return
        key, columns = event.key(), grid_shape(self._count, self.columns)[1]
        if key in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.chosen.emit(self._current)
            return
        to = {Qt.Key_Left: self._current - 1, Qt.Key_Right: self._current + 1, Qt.Key_Up: self._current - columns,
              Qt.Key_Down: self._current + columns, Qt.Key_Home: 0, Qt.Key_End: self._count - 1}.get(key)
        if to is None:
            super().keyPressEvent(event)
        elif 0 <= to < self._count:  # a step off the grid's edge stays put
            self._current = to
            self._scroll_to(to)
            self.update()

    def focusInEvent(self, event) -> None:
        """Tabbed to: once the scroll area has brought as much of the grid as fits into view (it scrolls after the
        focus moves, and for a grid wider than the view it scrolled to its far end, leaving the focused map and the
        stage titles out of view), the view goes back to its left edge and to the focused map."""
        super().focusInEvent(event)
        QTimer.singleShot(0, self, lambda: self._scroll_to(self._current, from_the_left=True))

    def _scroll_to(self, index: int, from_the_left: bool = False) -> None:
        """Bring the map the keys moved to into view, when the grid is in a scroll area (it may be wider than it)."""
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            if from_the_left:
                area.horizontalScrollBar().setValue(0)
            centre = self.mapTo(area.widget(), self._cell_rect(index).center())
            area.ensureVisible(centre.x(), centre.y(), self.cell, self.cell)

    def paintEvent(self, event) -> None:
        if self._image is None:
            return
        painter = QPainter(self)
        painter.drawImage(0, 0, self._image)
        if self._selected is not None and self._selected < self._count:
            painter.setPen(QPen(self.palette().color(QPalette.Highlight), 3))
            painter.drawRect(QRectF(self._cell_rect(self._selected)).adjusted(-0.5, -0.5, 0.5, 0.5))
        if self.hasFocus():  # where the keys are: a dotted frame, dark under light, seen on any map
            mark = QRectF(self._cell_rect(self._current)).adjusted(FOCUS_INSET, FOCUS_INSET, -FOCUS_INSET,
                                                                   -FOCUS_INSET)
            painter.setPen(QPen(self.palette().color(QPalette.Text), 2))
            painter.drawRect(mark)
            painter.setPen(QPen(self.palette().color(QPalette.Base), 2, Qt.DotLine))
            painter.drawRect(mark)
        painter.end()


class UnitBars(QWidget):
    """A dense layer's units as vertical bars, height and colour by activation (one scale per layer)."""

    HEIGHT = 56

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self._colours: np.ndarray | None = None
        self.setMinimumSize(200, self.HEIGHT)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_values(self, values: np.ndarray | None, colours: np.ndarray | None = None) -> None:
        self._values, self._colours = values, colours
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, self.HEIGHT)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        base = self.height() - 1
        painter.setPen(palette.color(QPalette.Mid))
        painter.drawLine(0, base, self.width(), base)
        if self._values is None or not len(self._values):
            painter.end()
            return
        peak = float(np.abs(self._values).max()) or 1.0
        step = self.width() / len(self._values)
        painter.setPen(Qt.NoPen)
        for i, value in enumerate(self._values):
            height = (self.height() - 2) * max(float(value), 0.0) / peak
            painter.setBrush(QColor(*(int(c) for c in self._colours[i])) if self._colours is not None
                             else palette.color(QPalette.Highlight))
            painter.drawRect(QRectF(i * step, base - height, max(step - (1 if step > 3 else 0), 1), height))
        painter.end()
