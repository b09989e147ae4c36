"""A pad's pen strokes as the marks of a number (core.number_reading): boxes, cuts and model inputs.

Each digit is rendered with the same MNIST-like pen (core.strokes) and preprocessing
(core.preprocess) as a single drawing, but at a small working size: the model input is 20 px high
whatever the pad, so rendering a 300 px digit at full size would only cost time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .number_reading import Box, Piece
from .preprocess import to_mnist
from .strokes import Stroke, model_pen_width, render_strokes

WORKING_SIDE = 64  # a digit's longer side when rendered for the model (to_mnist scales it to 20 px)
POINT_SPACING = 2.0  # at that size, points closer than this to the last one kept add only drawing time


def clip_stroke(points: np.ndarray, axis: int, low: float, high: float) -> list[np.ndarray]:
    """The parts of a polyline (N, 2) whose coordinate `axis` lies within [low, high], cut exactly at the edges."""
    within = (points[:, axis] >= low) & (points[:, axis] <= high)
    if within.all() or len(points) == 1:
        return [points] if within.all() else []
    parts, current = [], []
    for p, q in zip(points[:-1], points[1:]):
        a, b = p[axis], q[axis]
        if a == b:
            t0, t1 = (0.0, 1.0) if low <= a <= high else (1.0, 0.0)
        else:
            ta, tb = (low - a) / (b - a), (high - a) / (b - a)
            t0, t1 = max(0.0, min(ta, tb)), min(1.0, max(ta, tb))
        if t0 > t1:  # the segment lies outside
            if current:
                parts.append(current)
                current = []
            continue
        if not current or t0 > 0:
            if current:
                parts.append(current)
            current = [p + (q - p) * t0]
        current.append(p + (q - p) * t1)
        if t1 < 1:  # it leaves here
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    return [np.array(part) for part in parts]


def _thinned(points: np.ndarray) -> np.ndarray:
    """The polyline without points closer than POINT_SPACING to the previous one kept (the ends stay)."""
    kept, last = [0], points[0]
    for i in range(1, len(points) - 1):
        if abs(points[i, 0] - last[0]) + abs(points[i, 1] - last[1]) >= POINT_SPACING:
            kept.append(i)
            last = points[i]
    if len(points) > 1:
        kept.append(len(points) - 1)
    return points[kept]


def _box(points: np.ndarray) -> Box:
    low, high = points.min(axis=0), points.max(axis=0)
    return math.floor(low[0]), math.floor(low[1]), math.floor(high[0]) + 1, math.floor(high[1]) + 1


class StrokeMarks:
    """The strokes drawn on a pad of `size` (width, height); ink outside the pad is dropped, as the pad shows it."""

    def __init__(self, strokes: Sequence[Stroke], size: tuple[int, int]):
        width, height = size
        self.strokes: list[np.ndarray] = []
        for stroke in strokes:
            points = np.asarray(stroke, dtype=np.float64).reshape(-1, 2)
            for part in clip_stroke(points, 0, 0, width) if len(points) else ():
                self.strokes.extend(clip_stroke(part, 1, 0, height))
        self.boxes = [_box(s) for s in self.strokes]

    def piece_strokes(self, piece: Piece) -> list[np.ndarray]:
        strokes = [self.strokes[i] for i in piece.marks]
        if piece.columns is None:
            return strokes
        low, high = piece.columns
        return [part for s in strokes for part in clip_stroke(s, 0, low, high)]

    def piece_box(self, piece: Piece) -> Box | None:
        strokes = self.piece_strokes(piece)
        return _box(np.concatenate(strokes)) if strokes else None

    def digit_strokes(self, piece: Piece) -> tuple[list[tuple[float, float]], ...]:
        """A digit's strokes in pad pixels, as lists of (x, y) like the pad's own."""
        return tuple([(float(x), float(y)) for x, y in s] for s in self.piece_strokes(piece))

    def model_input(self, piece: Piece) -> np.ndarray | None:
        strokes = self.piece_strokes(piece)
        if not strokes:
            return None
        points = np.concatenate(strokes)
        origin = points.min(axis=0)
        extent = float((points.max(axis=0) - origin).max())
        scale = min(1.0, WORKING_SIDE / max(extent, 1e-6))
        scaled = [_thinned((s - origin) * scale) for s in strokes]
        pen = model_pen_width(scaled)
        margin = pen / 2 + 2
        shifted = [[(x + margin, y + margin) for x, y in s] for s in scaled]
        size = (math.ceil((points[:, 0].max() - origin[0]) * scale + 2 * margin),
                math.ceil((points[:, 1].max() - origin[1]) * scale + 2 * margin))
        return to_mnist(render_strokes(shifted, size, pen), ink="light")

    def column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
        strokes = [self.strokes[i] for i in marks]
        points = np.concatenate(strokes)
        top = points[:, 1].min()
        size = (right - left, math.ceil(points[:, 1].max() - top) + 1)
        image = render_strokes([s - (left, top) for s in strokes], size, model_pen_width(strokes))
        return image.sum(axis=0, dtype=np.float64)


def as_single_drawing(strokes: Sequence[Stroke], side: int) -> tuple[list[list[tuple[float, float]]], tuple[int, int]]:
    """One digit's strokes moved to the middle of a square pad of `side` (larger if the digit is), as if it had
    been drawn alone: how a digit of a number joins the personal set."""
    points = np.concatenate([np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    side = max(side, math.ceil((high - low).max() * 1.3))
    shift = side / 2 - (low + high) / 2
    return [[(float(x), float(y)) for x, y in np.asarray(s, dtype=np.float64).reshape(-1, 2) + shift]
            for s in strokes], (side, side)
