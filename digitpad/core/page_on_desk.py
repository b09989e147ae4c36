"""A sheet of paper lying on a darker desk: the desk painted over with the paper's own light.

Where the desk fills more of a photo than the sheet does, the sheet is the image's light minority: the ink finder
judged it chalk on a dark board and read the whole sheet as one mark, or found nothing; where it fills less, every
digit was a speck beside the desk's one huge mark. A sheet is a large stretch of the photo without a sharp change in
brightness, convex (a rectangle, turned or seen at a slant), lighter than what lies round it, and its edge is a
step a pixel or two wide. A lamp's light falling off across a page leaves a bright part as convex, but no step; a
shadow's edge is soft; a chalkboard's strokes are neither large nor convex.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from .preprocess import resized, spread_to

PAGE_SIDE = 128  # the page is looked for on a copy this small
MIN_SIDE = 32  # px: an image this thin shows a digit, not a page on a desk
PAGE_SHARE = (0.04, 0.97)  # of the image: a slip of paper far off in the frame, to a page that leaves no desk in sight
PAGE_SOLIDITY = 0.85  # its area over its convex hull's: writing running into its edge, a torn-off corner still pass
DESK_CONTRAST = 0.08  # the page's median brightness over the desk's, at least (a white table is read as the paper)
# Brightness changes per pixel of the small copy that make an edge, each tried: a lamp's fall-off is about 0.003, a
# page's edge on a dark desk 0.1 or more, the ruled lines on it 0.02-0.04 (which part the page at the lowest)
EDGE_SLOPES = (0.02, 0.04, 0.08)
EDGE_SHARPNESS = 0.3  # the steepest change by the edge over the contrast: a sheet's edge takes a pixel or two (0.46-0.6
# on desks), a shadow's soft edge many more (0.06)
FRAMED_SHARE = 0.5  # of the page's outline on the frame's edge, at most: a sheet lies on the desk, mostly in view
MARKED_SHARE = 0.15  # of the page as dark as the desk, at most (pages on desks: 0.07-0.11; a white digit's loop round
# its dark hole taken for a page: 0.14-0.23); shade on a sheet is lighter than the desk
DESK_DARK = 0.25  # as dark as the desk: within this share of the contrast from the desk's brightness
RIM = 2  # px on the small copy the edge's step takes
RING = (1, 8)  # px beyond the page's edge (its rim taken in) where the desk's brightness is measured
CANDIDATES = 3  # the largest calm stretches looked at
EDGE_INSET = 0.03  # share of the longer side the page's edge is drawn in by: its rim, blur and shadow
PAPER_WINDOW = 7  # px on the small copy: a brightest-nearby filter this wide takes the ink out of the page's light
CARRY = 2.0  # px on the small copy the carried light is smoothed over (its streaks)


def page_on_desk(gray: np.ndarray) -> np.ndarray | None:
    """`gray` (float, 0-1) with everything beyond a page lying on a darker desk painted as the page's paper, its
    light carried smoothly out from the page's edge; None when the image shows no such page."""
    if min(gray.shape) < MIN_SIDE:
        return None
    factor = min(1.0, PAGE_SIDE / max(gray.shape))
    small = resized(gray, factor)
    page = _page(small)
    if page is None:
        return None
    inside = ndimage.binary_erosion(page, iterations=max(1, round(EDGE_INSET * max(small.shape))))
    paper = ndimage.maximum_filter(np.where(inside, small, 0.0), size=PAPER_WINDOW)  # no ink: it is darker
    source = ndimage.binary_erosion(inside, iterations=PAPER_WINDOW // 2)  # where that filter saw only the page
    if not source.any():
        return None
    _, (rows, cols) = ndimage.distance_transform_edt(~source, return_indices=True)
    beyond = ndimage.gaussian_filter(paper[rows, cols], CARRY)  # the nearest paper's light, smoothed
    if factor < 1:
        beyond = spread_to(beyond, gray.shape)
        inside = spread_to(inside, gray.shape) > 0.999  # smooth, a little inside the small edge
    return np.where(inside, gray, beyond).astype(np.float32)


def _page(small: np.ndarray) -> np.ndarray | None:
    """The page's pixels on the small copy, or None: the largest stretch of the image without a sharp change in
    brightness (a lamp's light falls off slowly over paper and desk alike, the sheet's edge is a step) that passes
    for a page, the writing on it and its edge taken in."""
    slope = np.hypot(ndimage.sobel(small, 0), ndimage.sobel(small, 1)) / 8  # brightness change per pixel
    found = []
    for edge in EDGE_SLOPES:
        labels, count = ndimage.label(slope < edge)
        areas = np.bincount(labels.ravel())[1:]
        found += [page for label in 1 + np.argsort(areas)[::-1][:CANDIDATES]
                  if areas[label - 1] >= PAGE_SHARE[0] * small.size
                  if (page := _as_page(small, slope, labels == label)) is not None]
    return max(found, key=np.count_nonzero, default=None)


def _convex_hull(points: np.ndarray) -> np.ndarray:
    """The corners of the convex hull of whole-number (x, y) points, in order round it (Andrew's monotone chain).
    scipy.spatial's qhull would do, but the bundle leaves it out, with the linear algebra it imports (about 50 MB)."""
    xs = np.unique(points[:, 0])
    by_x = points[np.lexsort((points[:, 1], points[:, 0]))]  # only a column's top and bottom can be corners
    starts = np.searchsorted(by_x[:, 0], xs)
    ends = np.append(starts[1:], len(by_x)) - 1
    candidates = np.unique(np.concatenate([by_x[starts], by_x[ends]]), axis=0).tolist()  # by x, then y

    def chain(ordered):
        kept = []
        for x, y in ordered:
            while len(kept) > 1 and ((kept[-1][0] - kept[-2][0]) * (y - kept[-2][1])
                                     - (kept[-1][1] - kept[-2][1]) * (x - kept[-2][0])) <= 0:
                kept.pop()
            kept.append((x, y))
        return kept[:-1]

    return np.array(chain(candidates) + chain(candidates[::-1]))


def _area(polygon: np.ndarray) -> float:
    x, y = polygon[:, 0].astype(float), polygon[:, 1].astype(float)
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def _as_page(small: np.ndarray, slope: np.ndarray, calm: np.ndarray) -> np.ndarray | None:
    """A calm stretch's convex hull (its holes, the writing, and bays where writing runs into its edge taken in)
    and its rim (the edge's step), when it is a page lying on a darker desk; None otherwise."""
    stretch = ndimage.binary_dilation(ndimage.binary_fill_holes(calm), iterations=RIM)
    rows, cols = np.nonzero(stretch & ~ndimage.binary_erosion(stretch))
    corners = np.concatenate([np.stack([cols + dx, rows + dy], 1) for dy in (0, 1) for dx in (0, 1)])
    hull = _convex_hull(corners)
    if stretch.sum() < PAGE_SOLIDITY * _area(hull):
        return None
    outline = Image.new("1", stretch.shape[::-1], 0)
    ImageDraw.Draw(outline).polygon([tuple(p) for p in hull.tolist()], fill=1)
    page = np.asarray(outline) | stretch
    if not PAGE_SHARE[0] <= page.mean() <= PAGE_SHARE[1]:
        return None
    # the desk beyond the edge, all round: a stretch between two ruled lines, or inside a digit's loop, has paper
    # beyond the line or the stroke
    ring = ndimage.binary_dilation(page, iterations=RING[1]) & ~ndimage.binary_dilation(page, iterations=RING[0])
    if not ring.any():
        return None
    paper, desk = float(np.median(small[page])), float(np.median(small[ring]))
    if paper - desk < DESK_CONTRAST:
        return None
    if np.mean(small[page] < desk + DESK_DARK * (paper - desk)) > MARKED_SHARE:
        return None  # as dark as the desk over much of it: a white ring round a dark hole (a bold 0 on black)
    edge = page & ~ndimage.binary_erosion(page)
    on_frame = edge.copy()
    on_frame[1:-1, 1:-1] = False
    edge &= ~on_frame  # where the frame cuts the page there is no step to see
    if not edge.any() or on_frame.sum() > FRAMED_SHARE * (on_frame.sum() + edge.sum()):
        return None  # a strip along the frame: white table beside a coloured sheet, a wall beside a board, a lit part
    steepest = ndimage.maximum_filter(slope, size=5)[edge]
    return page if float(np.median(steepest)) >= EDGE_SHARPNESS * (paper - desk) else None
