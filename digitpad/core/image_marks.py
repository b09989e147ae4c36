"""The ink of an image as the marks of a number (core.number_reading): the components core.ink finds.

core.ink flattens the lighting, thresholds, and drops ruled lines and specks; each ink component
it keeps is one mark here, measured at its working size. A piece of marks (cut at columns or seams
when digits touch) is turned into the model's views by core.ink's own `mark_views`, as a single
digit in a photo is.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import ndimage

from .ink import InkMap, Mark, mark_views
from .number_reading import Boundary, Box, Piece, Prior

POINT_SIDE, POINT_FILL = 3, 0.5  # a written point is at least 3 px across at the working size and fills half its box
SEAM_STRAY = 0.2  # a seam's cost for straying `reach` from its column, in pixels of ink crossed

# How a photo's readings are scored (number_reading.Prior() is the pad's): the model reads two touching
# photographed digits as one with high confidence more often than two touching pen drawings, so a reading
# shaped unlike its digit costs (a touching "94" read as a 4 is too wide for a 4), and columns every fifth of a
# digit's width across a wide mark are tried as cuts, not only the thinnest. Set on the development photos of
# benchmarks/number_reading.py (300 numbers, whole numbers right: 79.3% with the pad's prior at a cut cost of
# 0.5; any cut cost 0.5-1.0 alone 79-80%; aspect cost 2-4, cuts every 0.1-0.2 of a digit, cut cost 0.8: 80.7-81.3%).
# A reading whose strokes are longer than 2.7 times the writing's height costs too: 95% of single photographed MNIST
# digits are shorter, half of two touching ones longer than 3.4 (a "57" read as a 9 is twice a 9's length).
# With core.ink's wide-ink redraw: 83.0% without it; 84.3% (2.4-2.7 at a cost of 0.5-1.0: 84.0-84.3%, 3.0: 83.3%).
# With the several-digits gate (core.several_digits; training/README.md, Round 5) every reading also costs
# 0.5 * -log P(one whole digit): set on the development photos with a trial gate (cost 0.5: 89.3%, 1: 88.3%,
# 2: 88.0%); the shipped gate reads them 89.7%.
# Each cut column is also tried as a seam bending up to a quarter of a digit's width around the ink, at 1.0 more
# than a straight cut: touching digits in a photo often overlap, where any column gives each a piece of the other.
# Set on the development photos (seam cost 0.5: 89.0%, 1.0-1.5: 89.3%, 2.0: 89.0%; without seams 89.7%); it pays
# on the others (training/README.md, Round 6).
PHOTO_PRIOR = Prior(aspect_cost=2.0, cut_cost=0.8, cut_step=0.2, long_share=2.7, long_cost=1.0, several_cost=0.5,
                    seam_reach=0.25, seam_cost=1.0)


class ImageMarks:
    def __init__(self, found: InkMap):
        self.found = found
        self.scale = found.scale  # original pixels per working pixel, for the boxes reported
        kept = sorted({label for mark in found.marks for label in mark.labels})
        slices = ndimage.find_objects(found.labels) if kept else []
        self.labels = kept
        self.boxes: list[Box] = [(slices[k - 1][1].start, slices[k - 1][0].start, slices[k - 1][1].stop,
                                  slices[k - 1][0].stop) for k in kept]
        self.specks: list[Box] = list(found.specks)
        self.separate_strokes = False  # faint ink breaks a digit into pieces
        ink = found.labels > 0  # the usual stroke width: the ink's area over half its outline (a stroke's length)
        self.pen_width = 2 * float(ink.sum()) / max(_outline(ink), 1.0)

    def _window(self, marks: tuple[int, ...]) -> tuple[int, int, int, int]:
        boxes = [self.boxes[i] for i in marks]
        return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)

    def _mask(self, piece: Piece) -> tuple[np.ndarray, int, int]:
        """The piece's ink within its marks' box, and that box's left and top."""
        left, top, right, bottom = self._window(piece.marks)
        mask = np.isin(self.found.labels[top:bottom, left:right], [self.labels[i] for i in piece.marks])
        if piece.columns is not None:
            low, high = (_per_row(edge, bottom - top)[:, None] for edge in piece.columns)
            columns = np.arange(left, right) + 0.5
            mask &= (columns >= low) & (columns < high)
        return mask, left, top

    def cuts(self, piece: Piece, xs: list[float], reach: int) -> list[tuple[Boundary, bool]]:
        mask, left, top = self._mask(piece)
        rows = np.flatnonzero(mask.any(axis=1))
        edges = []
        for x in xs:
            straight = np.full(len(mask), x)
            edges.append((straight, False))
            if len(rows):
                path = np.asarray(seam_path(mask[rows[0]: rows[-1] + 1], int(x - 0.5) - left, reach)) + left + 0.5
                bent = straight.copy()
                bent[rows[0]: rows[-1] + 1] = path  # x is a column's middle, as the path's columns are given
                if (bent != x).any():
                    edges.append((bent, len(np.unique(path)) > 1))  # a path down one other column is a straight cut
        if piece.columns is not None:  # no side takes back ink its piece was cut from
            low, high = (_per_row(edge, len(mask)) for edge in piece.columns)
            edges = [(np.clip(edge, low, high), seam) for edge, seam in edges]
        columns = np.arange(left, left + mask.shape[1]) + 0.5
        return [(_boundary(edge), seam) for edge, seam in edges if _parts_both(mask, columns < edge[:, None])]

    def piece_box(self, piece: Piece) -> Box | None:
        mask, left, top = self._mask(piece)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if not len(rows):
            return None
        return left + int(cols[0]), top + int(rows[0]), left + int(cols[-1]) + 1, top + int(rows[-1]) + 1

    def model_input(self, piece: Piece) -> np.ndarray | None:
        box = self.piece_box(piece)
        if box is None:
            return None
        found = self.found
        if piece.columns is not None:  # only the ink on this side of the cut
            mask, left, top = self._mask(piece)
            labels = np.zeros_like(found.labels)
            window = labels[top: top + mask.shape[0], left: left + mask.shape[1]]
            window[mask] = found.labels[top: top + mask.shape[0], left: left + mask.shape[1]][mask]
            found = dataclasses.replace(found, labels=labels)
        working_box = (box[0], box[1], box[2] - box[0], box[3] - box[1])
        mark = Mark(tuple(round(v * self.scale) for v in working_box), int(box[2] - box[0]),
                    tuple(self.labels[i] for i in piece.marks), working_box)
        return mark_views(found, mark)

    def stroke_length(self, piece: Piece) -> float:
        """Half the length of the outline of the piece's ink: a stroke's two sides, whatever the pen's width."""
        return _outline(self._mask(piece)[0]) / 2

    def solid(self, box: Box) -> bool:
        left, top, right, bottom = box
        inked = self.found.darkness[top:bottom, left:right] >= 0.5
        return min(right - left, bottom - top) >= POINT_SIDE and float(inked.mean()) >= POINT_FILL

    def column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
        mask, mask_left, _ = self._mask(Piece(marks))
        return mask[:, left - mask_left: right - mask_left].sum(axis=0, dtype=np.float64)


def _outline(mask: np.ndarray) -> float:
    """How many pixels of the mask lie on its edge."""
    mask = np.pad(mask, 1)
    return float((mask & ~ndimage.binary_erosion(mask)).sum())


def seam_path(ink: np.ndarray, start: int, reach: int) -> list[int]:
    """The column in each row of the path of least ink from the top row to the bottom one, moving at most one
    column a row and `reach` from column `start`; a small cost for straying keeps it straight where no ink is in
    the way. (Seam carving's path, across a blob of touching digits.)"""
    low, high = max(0, start - reach), min(ink.shape[1], start + reach + 1)
    total = ink[:, low:high].astype(np.float64) + SEAM_STRAY * np.abs(np.arange(low, high) - start) / max(reach, 1)
    for row in range(1, len(total)):
        before = total[row - 1]
        total[row] += np.minimum(before, np.minimum(np.r_[np.inf, before[:-1]], np.r_[before[1:], np.inf]))
    path = [int(total[-1].argmin())]
    for row in range(len(total) - 2, -1, -1):
        near = range(max(0, path[-1] - 1), min(total.shape[1], path[-1] + 2))
        path.append(min(near, key=lambda c: total[row, c]))
    return [low + c for c in reversed(path)]


def _parts_both(mask: np.ndarray, left_of_edge: np.ndarray) -> bool:
    """Whether a cut leaves ink on both of its sides (one that does not would read its piece again whole)."""
    return bool((mask & left_of_edge).any() and (mask & ~left_of_edge).any())


def _boundary(xs: np.ndarray) -> Boundary:
    """A column for each row of the marks' window as a piece's edge: one column when they are all the same."""
    return float(xs[0]) if (xs == xs[0]).all() else tuple(float(v) for v in xs)


def _per_row(edge: Boundary, rows: int) -> np.ndarray:
    """A piece's edge as a column for each of the `rows` rows of its marks' window."""
    return np.asarray(edge) if isinstance(edge, tuple) else np.full(rows, float(edge))
