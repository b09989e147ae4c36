"""A pad's pen strokes as the marks of a number (core.number_reading): boxes, cuts and model inputs.

Each digit is rendered with the same MNIST-like pen (core.strokes) and preprocessing
(core.preprocess) as a single drawing, but at a small working size: the model input is 20 px high
whatever the pad, so rendering a 300 px digit at full size would only cost time.

While a number is written the pad is read again every few mouse events, and only the digit under
the pen changes: a `StrokeMemo` keeps what earlier reads rendered and read, by the exact ink.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from .number_reading import Box, Piece, union_box
from .preprocess import to_mnist
from .strokes import Stroke, model_pen_width, render_strokes, stroke_points, thinned

WORKING_SIDE = 64  # a digit's longer side when rendered for the model (to_mnist scales it to 20 px)
POINT_SPACING = 2.0  # at that size, one point per this much of a stroke's length: more add only drawing time
MEMO_SIZE = 256  # results a StrokeMemo keeps: a few numbers' digits with their candidate cuts


def clip_stroke(points: np.ndarray, axis: int, low: float, high: float) -> list[np.ndarray]:
    """The parts of a polyline (N, 2) whose coordinate `axis` lies within [low, high], cut exactly at the edges."""
    c = points[:, axis]
    within = (c >= low) & (c <= high)
    if within.all() or len(points) == 1:
        return [points] if within.all() else []
    p, q, a, b = points[:-1], points[1:], c[:-1], c[1:]
    level = a == b
    ta, tb = (low - a) / np.where(level, 1.0, b - a), (high - a) / np.where(level, 1.0, b - a)
    level_inside = (low <= a) & (a <= high)
    # Each segment's visible stretch [t0, t1] (from p at 0 to q at 1); none when t0 > t1.
    t0 = np.where(level, np.where(level_inside, 0.0, 1.0), np.maximum(0.0, np.minimum(ta, tb)))
    t1 = np.where(level, np.where(level_inside, 1.0, 0.0), np.minimum(1.0, np.maximum(ta, tb)))
    visible = t0 <= t1
    goes_on = np.zeros(len(a), dtype=bool)  # seen whole from the segment before on: the same part
    goes_on[1:] = visible[1:] & visible[:-1] & (t1[:-1] >= 1) & (t0[1:] <= 0)
    ends = p + (q - p) * t1[:, None]
    breaks = np.append(np.flatnonzero(~goes_on), len(a))
    parts = []
    for start in np.flatnonzero(visible & ~goes_on):
        stop = breaks[np.searchsorted(breaks, start, side="right")]
        parts.append(np.concatenate([(p[start] + (q[start] - p[start]) * t0[start])[None], ends[start:stop]]))
    return parts


def _box(points: np.ndarray) -> Box:
    low, high = points.min(axis=0), points.max(axis=0)
    return math.floor(low[0]), math.floor(low[1]), math.floor(high[0]) + 1, math.floor(high[1]) + 1


def ink_digest(ink: bytes) -> bytes:
    """A short fingerprint of some ink for the memo's keys: they stay small however much is drawn."""
    return hashlib.blake2b(ink, digest_size=16).digest()


class StrokeMemo:
    """Model inputs, column ink and probabilities computed by recent reads of a pad, by the exact ink they
    came from, so a live read renders and reads only the digits that changed. Safe to share across threads;
    keeps the latest MEMO_SIZE results. Probabilities are a model's: keep one memo per model."""

    def __init__(self, size: int = MEMO_SIZE):
        self._size = size
        self._results: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def find(self, key):
        """The result kept for `key`, or None."""
        with self._lock:
            result = self._results.get(key)
            if result is not None:
                self._results.move_to_end(key)
            return result

    def keep(self, key, result) -> None:
        """Keep `result` for `key`; an array is made read-only, as every later reader shares it."""
        if isinstance(result, np.ndarray):
            result.setflags(write=False)
        with self._lock:
            self._results[key] = result
            while len(self._results) > self._size:
                self._results.popitem(last=False)

    def probabilities(self, probabilities: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
        """`probabilities` (inputs (N, 28, 28) -> (N, 10)) that runs the model only on inputs it has not seen."""

        def known_first(inputs: np.ndarray) -> np.ndarray:
            keys = [("probabilities", ink_digest(x.tobytes())) for x in inputs]
            results = [self.find(key) for key in keys]
            missing = [i for i, result in enumerate(results) if result is None]
            if missing:
                for i, result in zip(missing, probabilities(inputs[missing])):
                    results[i] = result
                    self.keep(keys[i], result)
            return np.stack(results)

        return known_first


class StrokeMarks:
    """The strokes drawn on a pad of `size` (width, height); ink outside the pad is dropped, as the pad shows it.

    With a `memo`, model inputs and column ink come from it when the same ink was read before."""

    def __init__(self, strokes: Sequence[Stroke], size: tuple[int, int], memo: StrokeMemo | None = None):
        self.memo = memo
        width, height = size
        self.strokes: list[np.ndarray] = []
        for stroke in strokes:
            points = stroke_points(stroke)
            for part in clip_stroke(points, 0, 0, width) if len(points) else ():
                self.strokes.extend(clip_stroke(part, 1, 0, height))
        self.boxes = [_box(s) for s in self.strokes]
        self.specks: list[Box] = []  # every stroke is a mark, however small
        self.pen_width = 0.0  # a stroke's box is its points' (a tap's is a pixel)
        self.separate_strokes = True

    def piece_strokes(self, piece: Piece) -> list[np.ndarray]:
        strokes = [self.strokes[i] for i in piece.marks]
        if piece.columns is None:
            return strokes
        low, high = piece.columns
        return [part for s in strokes for part in clip_stroke(s, 0, low, high)]

    def piece_box(self, piece: Piece) -> Box | None:
        if piece.columns is None:
            return union_box([self.boxes[i] for i in piece.marks]) if piece.marks else None
        strokes = self.piece_strokes(piece)
        return _box(np.concatenate(strokes)) if strokes else None

    def digit_strokes(self, piece: Piece) -> tuple[list[tuple[float, float]], ...]:
        """A digit's strokes in pad pixels, as lists of (x, y) like the pad's own."""
        return tuple(list(map(tuple, s.tolist())) for s in self.piece_strokes(piece))

    def _remembered(self, kind: str, marks: tuple[int, ...], detail, compute: Callable):
        """`compute()`, or its result for the same ink kept in the memo."""
        if self.memo is None:
            return compute()
        strokes = [self.strokes[i] for i in marks]
        key = (kind, detail, tuple(len(s) for s in strokes), ink_digest(b"".join(s.tobytes() for s in strokes)))
        result = self.memo.find(key)
        if result is None:
            result = compute()
            self.memo.keep(key, result)
        return result

    def model_input(self, piece: Piece) -> np.ndarray | None:
        return self._remembered("model input", piece.marks, piece.columns, lambda: self._render(piece))

    def _render(self, piece: Piece) -> np.ndarray | None:
        strokes = self.piece_strokes(piece)
        if not strokes:
            return None
        points = np.concatenate(strokes)
        origin = points.min(axis=0)
        extent = float((points.max(axis=0) - origin).max())
        scale = min(1.0, WORKING_SIDE / max(extent, 1e-6))
        scaled = [thinned((s - origin) * scale, POINT_SPACING) for s in strokes]
        pen = model_pen_width(scaled)
        margin = pen / 2 + 2
        shifted = [[(x + margin, y + margin) for x, y in s] for s in scaled]
        size = (math.ceil((points[:, 0].max() - origin[0]) * scale + 2 * margin),
                math.ceil((points[:, 1].max() - origin[1]) * scale + 2 * margin))
        return to_mnist(render_strokes(shifted, size, pen), ink="light")

    def solid(self, box: Box) -> bool:
        return True  # a tap is a point whatever its box

    def row_extent(self, marks: Sequence[int], top: float, bottom: float) -> tuple[float, float] | None:
        parts = [part for i in marks for part in clip_stroke(self.strokes[i], 1, top, bottom)]
        if not parts:
            return None
        xs = np.concatenate(parts)[:, 0]
        return float(xs.min()), float(xs.max())

    def column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
        return self._remembered("column ink", marks, (left, right), lambda: self._column_ink(marks, left, right))

    def _column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
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
