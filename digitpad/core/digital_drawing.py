"""Images drawn on a computer, read as the pad reads its own drawing: all their ink is the digit.

A pad's picture of its strokes (`DrawingCanvas.to_array`), a drawing app's export, a drawing saved from the Draw tab:
ink on paper of one exact value, pure black or white. The photo path (core.ink) estimates the paper round the ink and
drops marks at the image's edges as a photo's clutter. On such images it lost the thin parts of small digits (a
slashed 0 read as its slash, a 1) and whole digits running off an edge: 98.3% of the held-out pen writers' drawings
were read right through the pad's picture, against 99.8% with all the ink read as the pad reads it
(`benchmarks/pad_pictures.py`).

A lone dot or dash is no digit here either, as on the pad (strokes.is_mark): its picture read whole was a sure digit
one time in ten.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .images import ORIGINAL_SIZE
from .preprocess import INK_THRESHOLD, to_float_gray, to_mnist
from .strokes import FLAT_RATIO, MARK_FRACTION, STRAIGHT_SHARE

BLANK_SHARE = 0.4  # of the pixels at exactly the paper's value, at least: no camera's paper is that even
BORDER_SHARE = 0.6  # of the border's pixels at exactly it, at least: a drawing may run off the edges
GAP_SHARE = 0.3  # a run of columns without ink, between ink, wider than this share of the ink's height: marks apart
LARGEST_SIDE = 4096  # an array larger than this is taken for a photo unlooked (no float copy of it is made here)
ROUND_SHARE = 0.75  # ink whose box is at least this share as tall as wide is no dash, whatever its pen
# A drawing's ink whose pen path spans under the pad's 8% of the picture's shorter side is a dot, as on the pad, if
# it spans under this many pixels too: alone, the 8% took digits drawn small on a large canvas for dots (a review: a
# 40x50 px 7 on a 1152x648 canvas; 57% of such digits 35-70 px tall). The default pad's 8% is 25.6 px
DOT_PIXELS = 25


@dataclass(frozen=True)
class Drawn:
    """A digit drawn on a computer, as the model reads it."""

    model_input: np.ndarray | None  # None: no ink, or a lone dot or dash
    box: tuple[int, int, int, int] | None  # (x, y, width, height) of the ink, in the image's own pixels
    size: tuple[int, int]  # the image's (width, height), before any shrinking when it was loaded


def read_drawn(picture, ink: str = "auto") -> Drawn | None:
    """An opened image (a PIL image or an array) read as a drawing when it is one: ink on paper of one exact value
    (see _ink_on_blank_paper), not marks standing apart side by side, which the photo path reads as several. None
    for anything else, a photo among them, which core.ink reads. `ink` ("dark" or "light") allows only paper of the
    other colour."""
    if isinstance(picture, np.ndarray) and max(picture.shape[:2], default=0) > LARGEST_SIDE:
        return None
    gray = to_float_gray(picture)
    found = _ink_on_blank_paper(gray, ink)
    if found is None:
        return None
    marked = found > INK_THRESHOLD * max(float(found.max()), 1e-6)
    columns, rows = np.flatnonzero(marked.any(axis=0)), np.flatnonzero(marked.any(axis=1))
    if len(columns) and (np.diff(columns) - 1).max(initial=0) > GAP_SHARE * (rows[-1] - rows[0] + 1):
        return None
    size = tuple(picture.info.get(ORIGINAL_SIZE, picture.size)) if isinstance(picture, Image.Image) \
        else (gray.shape[1], gray.shape[0])
    model_input = None if len(columns) and _is_mark(marked[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1],
                                                     min(gray.shape)) else to_mnist(found, ink="light")
    if model_input is None:
        return Drawn(None, None, size)
    scale = size[0] / gray.shape[1]
    box = (columns[0] * scale, rows[0] * scale, (columns[-1] + 1) * scale, (rows[-1] + 1) * scale)
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    return Drawn(model_input, (x0, y0, x1 - x0, y1 - y0), size)


def _is_mark(ink: np.ndarray, side: int) -> bool:
    """Whether the ink (a boolean crop to its box) is a lone dot or dash by strokes.is_mark's measures, on an image of
    shorter side `side` (a dot also under DOT_PIXELS). Those measure the pen's path: here the ink's extent less the
    pen's width, twice the farthest an inked pixel lies from the paper. A small digit drawn with a wide pen is one
    blob, whose width that takes for the pen's: so a dot must also be small as drawn, and a dash long, not round."""
    height, width = ink.shape
    small = max(height, width) < 2 * MARK_FRACTION * side
    dash_shaped = height < ROUND_SHARE * width  # less tall than wide, and long
    if not small and not dash_shaped:  # most digits: neither a dot nor a dash
        return False
    from scipy import ndimage  # 0.3 s of import the pad's start need not wait for

    pen = 2 * float(ndimage.distance_transform_edt(np.pad(ink, 1)).max())
    path_width, path_height = max(width - pen, 0.0), max(height - pen, 0.0)
    if small and max(path_width, path_height) < min(MARK_FRACTION * side, DOT_PIXELS):  # a dot
        return True
    if not dash_shaped:
        return False
    if path_height < FLAT_RATIO * path_width:  # a level dash
        return True
    if ndimage.label(ink, structure=np.ones((3, 3)))[1] != 1:
        return False
    points = np.argwhere(ink)[:, ::-1].astype(np.float64)  # (x, y)
    points -= points.mean(axis=0)
    axes = np.linalg.svd(points, full_matrices=False)[2]  # the ink's long axis first
    length, spread = (float(np.ptp(points @ axis)) - pen for axis in axes)
    return length > 0 and spread <= STRAIGHT_SHARE * length  # a slanted dash


def _ink_on_blank_paper(gray: np.ndarray, ink: str) -> np.ndarray | None:
    """The ink, white on black, of a float grey image in [0, 1] whose paper is one exact value (see BLANK_SHARE and
    BORDER_SHARE), pure black or white as `ink` allows; None otherwise."""
    if min(gray.shape) < 3:  # no border to read
        return None
    for paper in {"auto": (0.0, 1.0), "light": (0.0,), "dark": (1.0,)}[ink]:
        blank = gray == paper
        border = np.concatenate([blank[0], blank[-1], blank[:, 0], blank[:, -1]])
        if blank.mean() >= BLANK_SHARE and border.mean() >= BORDER_SHARE:
            return gray if paper == 0.0 else 1.0 - gray
    return None
