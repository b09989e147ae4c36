"""Render pen strokes (lists of points) into the grayscale image the model reads.

The pen width used for the model is proportional to the size of the drawing, so a digit drawn
small in a corner and one drawn across the whole pad both reach the model with MNIST's stroke
thickness (about 2.6 px in its 20 px box) whatever pen width the person chose to see.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain

import numpy as np
from PIL import Image, ImageDraw

from .preprocess import box_size, paste_centred, to_mnist

Point = tuple[float, float]
Stroke = Sequence[Point]

MODEL_PEN_FRACTION = 0.13  # model pen width as a fraction of the drawing's longer side
MIN_EXTENT = 8.0  # a dot or a tiny scribble is drawn as if the drawing were this big
SUPERSAMPLE = 2
MARK_FRACTION = 0.08  # ink spanning less of the pad's shorter side than this is a dot or a tick, not a digit
NUMBER_DOT_FRACTION = 0.03  # the same in Number mode, where digits may be written small on the wide pad
FLAT_RATIO = 0.5  # ink less tall than half its width is a dash (within ~27° of level): no digit is that flat
STRAIGHT_SHARE = 0.15  # one stroke no further than this share of its length from a straight line is straight...
# ...and when it also lies nearer level than upright (less tall than wide), it is a dash: a 1 stands up
WORKING_SCALE = 3  # `drawing_input` draws the ink at this many times the model's 20 px box (then supersampled)
INK_EDGE = 0.1  # pad pixels the ink's box reaches short of the pen's edge (to_mnist drops pixels under 10% ink)
DENSE_STROKE = 40  # a stroke of more points than this is thinned before drawing (a mouse reports every pixel)...
POINT_STEP = 0.25  # ...to a point every this many pen widths: the ones dropped add no ink worth drawing
JOIN_TURN = math.radians(15)  # a round join is drawn where the stroke turns more than this; gentler ones leave no gap


def model_pen_width(strokes: Sequence[Stroke]) -> float:
    """The pen width for the model: a fixed fraction of the drawing's bounding box's longer side."""
    points = all_points(strokes)
    return _pen_for(points) if len(points) else 1.0


def _pen_for(points: np.ndarray) -> float:
    extent = max(float((points.max(0) - points.min(0)).max()), MIN_EXTENT)
    return extent * MODEL_PEN_FRACTION / (1 - MODEL_PEN_FRACTION)


def is_mark(strokes: Sequence[Stroke], size: tuple[int, int], dot_share: float = MARK_FRACTION) -> bool:
    """True for a lone dot or a dash, which the model must not read as a digit.

    Once rendered and scaled to MNIST's 20 px box, a dot and a dash look like a blob or a bar (a
    slanted bar is a 1 to the model), which a digit model reads with misplaced confidence.
    """
    return is_dot_or_flat(strokes, size, dot_share) or is_slanted_dash(strokes)


def is_dot_or_flat(strokes: Sequence[Stroke], size: tuple[int, int], dot_share: float = MARK_FRACTION) -> bool:
    """The ink's extent in the stroke path (pen width aside) is smaller than `dot_share` of the pad's shorter side,
    or flatter than FLAT_RATIO."""
    points = all_points(strokes)
    if not len(points):
        return False
    width, height = points.max(0) - points.min(0)
    return max(width, height) < dot_share * max(1, min(size)) or height < FLAT_RATIO * width


def is_slanted_dash(strokes: Sequence[Stroke]) -> bool:
    """One straight stroke, less tall than wide: a dash drawn at 27-45°, which the flat rule lets through. No point
    lies further from the line between its ends than STRAIGHT_SHARE of their distance."""
    points = all_points(strokes)
    if sum(1 for stroke in strokes if len(stroke)) != 1 or len(points) < 2:  # a stroke without points is no stroke
        return False
    width, height = points.max(0) - points.min(0)
    direction, offsets = points[-1] - points[0], points - points[0]
    length = float(np.hypot(*direction))
    return bool(height < width and length > 0 and np.abs(direction[0] * offsets[:, 1] - direction[1] * offsets[:, 0])
                .max() <= STRAIGHT_SHARE * length * length)


def render_strokes(strokes: Sequence[Stroke], size: tuple[int, int], pen_width: float | None = None) -> np.ndarray:
    """A (height, width) uint8 image, white ink on black, of the strokes with round caps and joins.

    `size` is (width, height) in the strokes' coordinates; pen_width defaults to `model_pen_width`.
    Only the ink's bounding box (plus the pen) is drawn, supersampled, and pasted into the blank image:
    the rest of the pad costs nothing.
    """
    width, height = max(1, int(size[0])), max(1, int(size[1]))
    out = np.zeros((height, width), dtype=np.uint8)
    points = all_points(strokes)
    if not len(points):
        return out
    pen = _pen_for(points) if pen_width is None else pen_width
    margin = pen / 2 + 1
    left, top = (max(0, int(np.floor(v))) for v in points.min(0) - margin)
    right, bottom = (min(limit, int(np.ceil(v))) for limit, v in zip((width, height), points.max(0) + margin))
    if right <= left or bottom <= top:
        return out
    scale = SUPERSAMPLE
    canvas = Image.new("L", ((right - left) * scale, (bottom - top) * scale), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen * scale / 2
    line_width = max(1, round(pen * scale))
    joint = line_width / 2 - 1  # as PIL draws its curved joints
    for stroke in strokes:
        shifted = [(x, y) for x, y in ((stroke_points(stroke) - (left, top)) * scale).tolist()]
        if len(shifted) > 1:
            draw.line(shifted, fill=255, width=line_width)
        for x, y in shifted[1:-1] if line_width > 4 else ():  # round joins, and no hairline gaps between segments
            draw.ellipse((x - joint, y - joint, x + joint, y + joint), fill=255)
        for x, y in shifted[:1] + shifted[-1:]:  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    if scale != 1:
        canvas = canvas.resize((right - left, bottom - top), Image.BOX)
    out[top:bottom, left:right] = np.asarray(canvas)
    return out


def drawing_input(strokes: Sequence[Stroke], size: tuple[int, int], pen_width: float | None = None) -> np.ndarray | None:
    """What the model reads for a drawing on a pad of `size`: the strokes rendered with the MNIST-like pen
    (or `pen_width`), then centred and scaled to 28x28 floats in [0, 1]; None when nothing is drawn.

    The image `to_mnist(render_strokes(...), ink="light")` gives, without drawing the pad: the ink's box is
    known from the points and the pen, so the strokes are drawn straight into that box at WORKING_SCALE times
    the size to_mnist scales it to, then shrunk and centred as to_mnist does. Ink no bigger than that is
    rendered at the pad's own pixels, as it always was.
    """
    arrays = [a for a in map(stroke_points, strokes) if len(a)]
    if not arrays:
        return None
    points = np.concatenate(arrays)
    pen = _pen_for(points) if pen_width is None else pen_width
    pad_end = (max(1, int(size[0])), max(1, int(size[1])))
    low = np.maximum(np.floor(points.min(0) - pen / 2 + INK_EDGE), 0)
    high = np.minimum(np.ceil(points.max(0) + pen / 2 - INK_EDGE), pad_end)
    width, height = high - low
    if width <= 0 or height <= 0:
        return None
    new_w, new_h = box_size(width, height)
    drawn_w, drawn_h = WORKING_SCALE * SUPERSAMPLE * new_w, WORKING_SCALE * SUPERSAMPLE * new_h
    if drawn_w >= SUPERSAMPLE * width or drawn_h >= SUPERSAMPLE * height:  # small ink: the pad's pixels are finer
        # ...so it is drawn as on the pad, only on the part of the pad round the ink (the same pixels).
        corner = np.maximum(np.floor(points.min(0) - pen / 2 - 1), 0)
        end = np.minimum(np.ceil(points.max(0) + pen / 2 + 1), pad_end)
        return to_mnist(render_strokes([a - corner for a in arrays], tuple(end - corner), pen), ink="light")
    scale = np.array([drawn_w / width, drawn_h / height])
    canvas = Image.new("L", (drawn_w, drawn_h), 0)
    draw = ImageDraw.Draw(canvas)
    wide = pen * float(scale.mean())
    line_width = max(1, round(wide))
    radius, joint = wide / 2, line_width / 2 - 1  # caps, and joins as PIL draws its curved ones (as render_strokes)
    for points in arrays:
        points = (points - low) * scale
        if len(points) > DENSE_STROKE:
            points = thinned(points, POINT_STEP * line_width)
        if len(points) > 1:
            draw.line(points.ravel().tolist(), fill=255, width=line_width)
        for x, y in _corners(points).tolist() if line_width > 4 else ():
            draw.ellipse((x - joint, y - joint, x + joint, y + joint), fill=255)
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    peak = canvas.getextrema()[1]
    patch = canvas.resize((new_w, new_h), Image.BILINEAR)  # (its filter spans the supersampling's pixels too)
    return paste_centred(np.asarray(patch, dtype=np.float32) * np.float32(1 / peak)) if peak else None


def stroke_points(stroke: Stroke) -> np.ndarray:
    """A stroke as (N, 2) float64, read fast from the pad's lists of (x, y). Points of another length (a tablet's
    (x, y, pressure)) raise ValueError rather than being read as other points; a point that is not finite (a
    tablet's glitch, NaN or infinite) is left out, and the stroke goes on from the points either side of it."""
    if isinstance(stroke, np.ndarray):
        points = stroke.astype(np.float64)
        if points.size and (points.ndim not in (1, 2) or points.shape[-1] != 2):
            raise ValueError(f"a stroke's points must be (x, y) pairs, not an array of shape {stroke.shape}")
        points = points.reshape(-1, 2)
    else:
        if not hasattr(stroke, "__len__"):
            stroke = list(stroke)
        points = np.fromiter(chain.from_iterable(stroke), dtype=np.float64)
        if points.size != 2 * len(stroke):
            raise ValueError("a stroke's points must be (x, y) pairs")
        points = points.reshape(-1, 2)
    finite = np.isfinite(points).all(axis=1)
    return points if finite.all() else points[finite]


def in_heights(strokes: Sequence[Stroke], height: float, places: int) -> tuple:
    """Every coordinate drawn, in order, in shares of `height` (the pad's) rounded to `places` decimals: the same
    drawing after the pad was resized, its points scaled with it (and their floats drifted a little)."""
    return tuple(round(v / height, places) for stroke in strokes for point in stroke for v in point)


def all_points(strokes: Sequence[Stroke]) -> np.ndarray:
    """Every point of every stroke as one (N, 2) float64 array."""
    arrays = [stroke_points(s) for s in strokes]
    return np.concatenate(arrays) if arrays else np.zeros((0, 2))


def thinned(points: np.ndarray, step: float) -> np.ndarray:
    """The polyline with one point per `step` of its length (the ends stay): the dropped ones add no ink."""
    if len(points) < 3:
        return points
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    keep = np.flatnonzero(np.diff(np.floor(along / step), prepend=-1.0) > 0)
    return points[keep] if keep[-1] == len(points) - 1 else points[np.append(keep, len(points) - 1)]


def _corners(points: np.ndarray) -> np.ndarray:
    """The inner points of a polyline where it turns by more than JOIN_TURN."""
    if len(points) < 3:
        return points[:0]
    steps = np.diff(points, axis=0)
    heading = np.arctan2(steps[:, 1], steps[:, 0])
    turn = np.abs((np.diff(heading) + np.pi) % (2 * np.pi) - np.pi)
    return points[1:-1][turn > JOIN_TURN]
