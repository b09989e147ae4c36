"""Find the ink in a photo or scan of paper and turn it into what an MNIST-trained model reads.

The path every image takes (files, arrays, PIL images; the pad's drawings do not come here):
shrink big photos to a working size (and look again at twice that when all the ink found is small:
a number far off in the frame), paint a darker desk round a sheet lying on it as the sheet's paper
(core.page_on_desk), flatten uneven lighting by dividing out a background
estimated on a tiny copy (a grey closing: strokes are narrower than its window, light and
shadow are wider), decide the polarity (dark ink on paper or chalk on a board), threshold at
half the ink's strength, drop ruled/squared lines and paper edges (long straight runs), lines drawn
through or under the writing (long for its height), specks and the page border, group the rest
into marks (a digit's separate strokes stay together), and render the chosen mark(s) with an
MNIST-like stroke width before the usual MNIST placement.

`find_ink` gives an `InkMap` whose `marks` carry boxes in the original image's pixels;
`mark_to_mnist` turns one mark or several into the 28x28 model input, `mark_views` into that input and the ink
as found, the two views a photographed digit is read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy import ndimage

from .images import FINE_SIDE, ORIGINAL_SIZE, WORKING_SIDE
from .page_on_desk import page_on_desk
from .preprocess import Ink, resized, spread_to, to_float_gray, to_mnist

BACKGROUND_SIDE = 64  # the lighting is estimated on a copy this small
POLARITY_SIDE = 16  # the paper's colour, to tell ink from chalk, on a copy this small
BACKGROUND_WINDOW = 0.22  # closing window as a share of that copy's longer side: wider than any stroke
DARK_BESIDE = 0.2  # a mark with more of its surroundings this dark beside it is the edge of a dark region
MIN_SIDE = 8  # an image thinner than this cannot hold a digit
MIN_CONTRAST = 0.08  # ink darkens the paper by at least this share of its brightness
NOISE_SIGMAS = 5.0  # and stands this many noise deviations above the paper's grain
MIN_MARK_SHARE = 0.025  # a mark shorter than this share of the image's longer side is a speck
SPECK_SHARE = 0.04  # components under this share of the largest one's area are specks
SEPARATOR_SIDE = 3  # px at the working size: a speck this long and SEPARATOR_SHADE as dark as the marks' ink (median)
SEPARATOR_SHADE = 0.6  # is kept aside as a possible separator (a decimal point)
LINE_SPAN = 0.6  # a straight run over this share of the image's side may be a ruled line or a paper edge
LINE_THICKNESS = 0.025  # lines are at most this share of the image's side thick
LINE_END = 0.008  # a level run this thin (share of the image's height) reaching its left or right edge is a line's end
ACROSS = 0.85  # a lone straight run covering this share of the side crosses the whole image: a line, not a stroke
LINE_ANGLES = np.radians(np.arange(-12.0, 12.01, 1.5))
THROUGH_LENGTH = 1.5  # a straight line through the writing this many times its tallest mark is no digit's stroke (a
# dash or a minus is at most 1.2 of a digit's height: number_reading.DASH_WIDTH)
THROUGH_THICKNESS = 0.2  # and at most this share of it thick
THROUGH_ANGLES = np.radians(np.arange(-10.0, 10.01, 1.0))
STROKE_SHARE = 0.13  # MNIST's stroke width as a share of the digit's longer side (as the pad renders it)
STROKE_BAND = (0.7, 1.35)  # strokes within this factor of it are kept as written; others are redrawn
WIDER_THAN_STROKE = 1.5  # ink this many times wider than the mark's usual stroke (a filled loop) is redrawn as wide
RENDER_SIDE = 80  # a mark is normalised at this size (its longer side, unless a fine pen needs more)
SMALL_INK = 32  # px at the working size: when no mark is taller, the image is looked at again at FINE_SIDE
EDGE_SHARE = 0.01  # ink found only with the other polarity must keep this share of the longer side from the edges
# A component lining over WEDGE_LINING of the image's edge and WEDGE_SHAPE times longer along it than it is deep is the
# desk beyond a rotated page (a wedge deepest at a corner, 13 px deep where 1.5 times that was a sliver); no digit,
# or digits touching the edge, line it so long and shallow
WEDGE_LINING = 0.25
WEDGE_SHAPE = 8


@dataclass(frozen=True)
class Mark:
    """One group of ink components that belong together (a digit, or part of a number).

    `box` is (x, y, width, height) in the original image's pixels; `area` counts ink pixels at the
    working size; `labels` are the components' labels in the InkMap's `labels` image.
    """

    box: tuple[int, int, int, int]
    area: int
    labels: tuple[int, ...]
    working_box: tuple[int, int, int, int] = field(repr=False)  # x, y, width, height at the working size


@dataclass(frozen=True)
class InkMap:
    """The ink found in one image. `marks` are ordered largest first; empty when there is no ink."""

    size: tuple[int, int]  # the original image's (width, height)
    scale: float  # original pixels per working pixel
    polarity: str  # "dark" (ink on paper) or "light" (chalk on a board)
    darkness: np.ndarray = field(repr=False)  # working size, 0 = paper, 1 = the ink's full strength
    labels: np.ndarray = field(repr=False)  # working size, 0 = no ink, else the component's label
    marks: tuple[Mark, ...] = ()
    # Ink too small to be a mark but as dark as ink (a decimal point, a short dash): left, top, right, bottom at the
    # working size. Never read as digits; core.number_reading asks whether one between two digits is a separator.
    specks: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.marks)


def find_ink(image, ink: Ink = "auto", original_size: tuple[int, int] | None = None) -> InkMap:
    """The ink marks in a PIL image or an array (grey, RGB or RGBA; any common dtype).

    `ink` forces the polarity ("dark" ink on light paper, "light" on dark); `original_size` is the
    size boxes are reported in when the image was already shrunk (see images.load_image).
    """
    if ink not in ("auto", "dark", "light"):
        raise ValueError(f"ink must be 'auto', 'dark' or 'light', not {ink!r}")
    if isinstance(image, np.ndarray) and image.dtype == np.uint8 and max(image.shape[:2]) >= 2 * WORKING_SIDE \
            and (image.ndim == 2 or (image.ndim == 3 and image.shape[-1] in (3, 4))):
        original_size = original_size or (image.shape[1], image.shape[0])
        image = _sampled(image)  # shrunk before any float copy of 12 megapixels is made
    if isinstance(image, Image.Image):
        original_size = original_size or image.info.get(ORIGINAL_SIZE) or image.size
        image = _shrink(image)
    gray = to_float_gray(image)
    original_size = original_size or (gray.shape[1], gray.shape[0])
    if ink != "light" and (paper := page_on_desk(gray)) is not None:
        # a page on a darker desk: the desk painted as paper, as if the photo were cropped; read as it was when that
        # leaves no ink (what was taken for a page was not one)
        found = _looked_at(paper, "dark", original_size)
        if found.marks:
            return found
    found = _looked_at(gray, ink, original_size)
    if ink == "auto" and not found.marks:
        # The polarity is judged on the whole image, where a shadow's long edge can outweigh small writing's
        # few ink pixels and call dark ink chalk. Ink of the other polarity is then the writing, if it all
        # stands clear of the image's edges: at an edge it is a shadow's rim or the paper's edge.
        other = _looked_at(gray, "light" if found.polarity == "dark" else "dark", original_size)
        if other.marks and not any(_near_edge(m.working_box, other.labels.shape) for m in other.marks):
            return other
    return found


def _near_edge(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> bool:
    """Whether a working-size box comes within EDGE_SHARE of the image's longer side to any of its edges."""
    x, y, width, height = box
    margin = EDGE_SHARE * max(shape)
    return min(x, y, shape[1] - x - width, shape[0] - y - height) < margin


def _looked_at(gray: np.ndarray, ink: Ink, original_size: tuple[int, int]) -> InkMap:
    """The ink found at the working size, or, for small writing, at the finer size."""
    found = _find_at(gray, WORKING_SIDE, ink, original_size)
    if found.marks and max(gray.shape) > WORKING_SIDE and max(m.working_box[3] for m in found.marks) < SMALL_INK:
        # Small writing: its strokes are a pixel wide at 512. The finer look's answer stands even when it finds
        # nothing: what is found small at 512 and not at 1024 is grain or a line's fragment (empty pages answer
        # "no digit" 98.3% / 95.8%, tuning / held out, against 96.7% / 92.5% keeping the first look's marks).
        return _find_at(gray, FINE_SIDE, ink, original_size)
    return found


def _find_at(gray: np.ndarray, side: int, ink: Ink, original_size: tuple[int, int]) -> InkMap:
    """find_ink's work on a grey image shrunk to at most `side` pixels."""
    if max(gray.shape) > side:
        gray = resized(gray, side / max(gray.shape))
    scale = original_size[0] / max(gray.shape[1], 1)
    if min(gray.shape) < MIN_SIDE or float(np.ptp(gray)) < MIN_CONTRAST / 2:
        empty = np.zeros(gray.shape, np.float32)
        return InkMap(tuple(original_size), scale, "dark" if ink == "auto" else ink, empty, empty.astype(np.int32))
    polarity, strength = _flatten(gray, ink)
    mask, darkness = _threshold(strength)
    mask &= ~_straight_lines(mask)
    mask &= ~_lines_through_writing(mask)
    tone = gray if polarity == "dark" else 1.0 - gray  # ink is darker than its surroundings in `tone`
    labels, marks, specks = _marks(mask, darkness, tone, scale, original_size)
    return InkMap(tuple(original_size), scale, polarity, darkness, labels, tuple(marks), tuple(specks))



def largest_mark_views(found: InkMap) -> np.ndarray | None:
    """What a photo is read as when one digit is asked for: its largest mark's model views (None: no ink)."""
    return mark_views(found, found.marks[0]) if found.found else None


def empty_band(found: InkMap, mark: Mark) -> float:
    """The tallest run of rows without the mark's ink between rows with some, as a share of its height: two lines of
    writing grouped into one mark (core.ink groups ink stacked close) have paper between them; a digit seldom does."""
    x, y, width, height = mark.working_box
    rows = np.flatnonzero(np.isin(found.labels[y: y + height, x: x + width], mark.labels).any(axis=1))
    return float((np.diff(rows) - 1).max(initial=0)) / max(height, 1)


def mark_to_mnist(found: InkMap, marks: Mark | Sequence[Mark]) -> np.ndarray:
    """The 28x28 model input (white ink on black, MNIST placement) for one mark or several read as one, its strokes
    brought to MNIST's width."""
    return _redrawn_input(*_mark_ink(found, marks))


def mark_views(found: InkMap, marks: Mark | Sequence[Mark]) -> np.ndarray:
    """The mark two ways for the model, (2, 28, 28): `mark_to_mnist`'s input, shown and asked by the several-digits
    gate, and the ink as found. The reader averages the model's answers over both (core.predictor): strokes redrawn
    from their skeleton mend a fine pen's or a broad one's, but can bend a shape (a bold 3 redrawn reads 2, a bold
    2 reads 7), which the ink as found keeps."""
    mine, ink, extent = _mark_ink(found, marks)
    shown = _redrawn_input(mine, ink, extent)
    factor = RENDER_SIDE / max(extent, 1)
    as_found = _placed(np.clip(resized(ink, factor), 0, 1) if factor < 1 else ink)
    return np.stack([shown, shown if as_found is None else as_found])  # None: a hair line faded as it shrank


def _redrawn_input(mine: np.ndarray, ink: np.ndarray, extent: int) -> np.ndarray | None:
    """The model input of a mark's ink (see _mark_ink) with its strokes brought to MNIST's width."""
    return _placed(_normalise_strokes(ink, mine, extent))


def _placed(ink: np.ndarray) -> np.ndarray | None:
    """White ink on black placed as MNIST's digits are (a black border first: to_mnist takes the border as paper)."""
    return to_mnist(np.pad(ink, 2), ink="light")


def _mark_ink(found: InkMap, marks: Mark | Sequence[Mark]) -> tuple[np.ndarray, np.ndarray, int]:
    """(the marks' thresholded pixels in their window at the working size, their ink there, their longer side)."""
    marks = [marks] if isinstance(marks, Mark) else list(marks)
    if not marks:
        raise ValueError("no marks to read")
    x0 = min(m.working_box[0] for m in marks)
    y0 = min(m.working_box[1] for m in marks)
    x1 = max(m.working_box[0] + m.working_box[2] for m in marks)
    y1 = max(m.working_box[1] + m.working_box[3] for m in marks)
    margin = 2
    window = (slice(max(y0 - margin, 0), y1 + margin), slice(max(x0 - margin, 0), x1 + margin))
    mine = np.isin(found.labels[window], [label for m in marks for label in m.labels])
    # The anti-aliased fringe around the thresholded pixels belongs to the stroke too.
    near = ndimage.binary_dilation(mine, iterations=margin)
    return mine, np.where(near, found.darkness[window], 0.0).astype(np.float32), max(x1 - x0, y1 - y0)


# --- loading helpers --------------------------------------------------------------------------------------------
def _shrink(image: Image.Image) -> Image.Image:
    """A big PIL image reduced (box filter, fast) to about the fine working size; other images unchanged."""
    factor = max(image.size) // FINE_SIDE
    if factor >= 2 and image.mode in ("L", "RGB", "RGBA", "LA", "F", "I"):
        return image.reduce(factor)
    return image


def _sampled(pixels: np.ndarray) -> Image.Image:
    """A big uint8 array as a PIL image of about the fine working size: every n-th pixel of every n-th row.

    Copying all 12 megapixels into PIL costs more than the whole ink path; sampling first reads a
    fraction of them. A line thinner than the sampling step (a few pixels of a 12-megapixel photo,
    a fifth of a pixel at the working size) may be missed: no digit is written that fine.
    """
    step = max(1, max(pixels.shape[:2]) // FINE_SIDE)
    return Image.fromarray(np.ascontiguousarray(pixels[::step, ::step]))


# --- lighting and polarity --------------------------------------------------------------------------------------
def _paper(small: np.ndarray) -> np.ndarray:
    """The paper's brightness under dark ink: a grey closing wider than any stroke, smoothed."""
    window = max(3, int(BACKGROUND_WINDOW * max(small.shape)) | 1)
    closed = ndimage.grey_closing(small, size=(window, window), mode="nearest")
    return ndimage.uniform_filter(closed, size=3, mode="nearest")  # smooth, but keep the paper's edge a step


def _flatten(gray: np.ndarray, ink: Ink) -> tuple[str, np.ndarray]:
    """(polarity, ink strength): 1 - image / paper, the share of the paper's light the ink takes away."""
    polarity = _polarity(gray) if ink == "auto" else ink
    image = gray if polarity == "dark" else 1.0 - gray
    factor = min(1.0, BACKGROUND_SIDE / max(gray.shape))
    paper = _paper(resized(image, factor) if factor < 1 else image)
    if factor < 1:
        paper = spread_to(paper, gray.shape)
    return polarity, 1.0 - image / np.maximum(paper, 0.02)


def _polarity(gray: np.ndarray) -> str:
    """"dark" or "light": which way the ink departs from the paper (a median: ink is the minority).

    Dark marks on paper take light away, chalk on a board adds it: the heavier tail beyond the
    paper's own spread is the ink.
    """
    factor = min(1.0, POLARITY_SIDE / max(gray.shape))
    tiny = resized(gray, factor) if factor < 1 else gray
    paper = ndimage.median_filter(tiny, size=max(3, (max(tiny.shape) // 2) | 1), mode="nearest")
    if factor < 1:
        paper = spread_to(paper, gray.shape)
    step = max(1, int(np.sqrt(gray.size / 20_000)))  # the spread and the tails are clear from 20,000 pixels
    residual = gray[::step, ::step] - paper[::step, ::step]
    spread = 1.4826 * float(np.median(np.abs(residual - np.median(residual))))
    floor = max(NOISE_SIGMAS * spread, MIN_CONTRAST / 2)
    dark = float(np.clip(-residual - floor, 0, None).sum())
    light = float(np.clip(residual - floor, 0, None).sum())
    return "light" if light > dark else "dark"


def _threshold(strength: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ink mask, darkness): pixels over half the ink's strength, and the strength scaled so the ink is 1."""
    sample = strength[::2, ::2] if strength.size > 40_000 else strength
    centre = float(np.median(sample))
    noise = 1.4826 * float(np.median(np.abs(sample - centre)))
    floor = max(MIN_CONTRAST, centre + NOISE_SIGMAS * noise)
    candidates = sample[sample > floor]
    if candidates.size == 0:
        return np.zeros(strength.shape, bool), np.zeros(strength.shape, np.float32)
    level = float(np.percentile(candidates, 99.5))
    threshold = max(floor, 0.5 * level)
    darkness = np.clip((strength - centre) / max(level - centre, 1e-6), 0, 1).astype(np.float32)
    return strength > threshold, darkness


def _straight_lines(mask: np.ndarray) -> np.ndarray:
    """Pixels of ruled or squared lines and paper edges: straight runs near the horizontal or vertical.

    A run counts when it covers LINE_SPAN of the image's side and either covers nearly all of it
    (ACROSS) or has parallel company (ruled paper): a digit's own long strokes (a 1, a 0's sides)
    in a tight crop do neither. A lone line with nothing else left is kept (it is the mark: a 1);
    on ruled paper the lines go even when nothing else is there.
    """
    lines = np.zeros_like(mask)
    step = 2 if mask.size > 60_000 else 1
    if step > 1:  # halved by "any ink in the 2x2 block", so a one-pixel line is not lost between samples
        h, w = mask.shape[0] // 2 * 2, mask.shape[1] // 2 * 2
        ys, xs = np.nonzero(mask[:h, :w].reshape(h // 2, 2, w // 2, 2).any(axis=(1, 3)))
    else:
        ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return lines
    on_ruled_paper = False
    for along, across, length in ((xs, ys, mask.shape[1] // step), (ys, xs, mask.shape[0] // step)):
        size = 2 * length + int(across.max()) + 3
        positions = [np.round(across * np.cos(a) - along * np.sin(a)).astype(np.int64) + length for a in LINE_ANGLES]
        counts = np.stack([np.bincount(p, minlength=size)[:size] for p in positions])
        wide = counts.copy()
        wide[:, :-2] += counts[:, 1:-1] + counts[:, 2:]  # a line a few pixels thick spreads over three bins
        peaks = (wide >= LINE_SPAN * length) & (wide == ndimage.maximum_filter(wide, size=(3, 7)))
        found = []  # (the line's pixels among ys/xs, how much of the side it covers, angle, centre, thickness)
        taken = np.zeros(size, bool)
        thickest = max(4, int(LINE_THICKNESS * length))
        for a, position in sorted(zip(*np.nonzero(peaks)), key=lambda ap: -wide[ap]):
            if taken[position]:
                continue  # the same line seen at a neighbouring angle
            row = counts[a]
            first, last = position, position + 2
            strong = 0.3 * row[first: last + 1].max()
            while first > 0 and row[first - 1] >= strong and last - first < thickest:
                first -= 1
            while last + 1 < size and row[last + 1] >= strong and last - first < thickest:
                last += 1
            if last - first >= thickest:
                continue  # a thick stroke or a dark region, not a line
            band = (positions[a] >= first) & (positions[a] <= last)
            covered = np.count_nonzero(np.bincount(along[band]))
            if covered >= LINE_SPAN * length:
                found.append((band, covered, a, (first + last) / 2, last - first))
                taken[max(first - 4, 0): last + 5] = True
        ruled = len(found) >= 3  # a 0 has two long parallel sides; ruled paper shows three lines or more
        for band, covered, *_ in found:
            if ruled or covered >= ACROSS * length:
                lines[ys[band] * step, xs[band] * step] = True
        if ruled:
            faint = _lattice(found, positions)
            lines[ys[faint] * step, xs[faint] * step] = True
        on_ruled_paper |= ruled
    if lines.any():  # the band's own edges, and the pixels the halving merged, belong to the line too
        lines = ndimage.binary_dilation(lines, iterations=step + 1) & mask
    if on_ruled_paper:
        return lines  # ruled or squared paper: the lines go even when nothing else is on the page
    if lines.any() and _specks_only(mask & ~lines):
        return np.zeros_like(mask)  # a lone long stroke and nothing else: a 1 filling a tight crop
    return lines


def _lines_through_writing(mask: np.ndarray) -> np.ndarray:
    """Pixels of straight lines along the writing, long for its height: an underline, a line drawn through the
    digits, a ruled line too short or too alone for _straight_lines.

    A line is a band about a pen's width thick with ink all along it (a row of 2s has paper between their bases),
    THROUGH_LENGTH times as long as the tallest mark left without it and through or under the digits, or, on its own,
    as long as that mark and under two of them side by side (a short number underlined). Its ink goes where it is
    no thicker than the line; a stroke that crosses it (its ink reaches out of the band) keeps its pixels, so the
    digits stay whole.
    """
    ys, xs = np.nonzero(mask)
    if ys.size == 0:
        return np.zeros_like(mask)
    columns, _ = ndimage.label(mask, structure=[[0, 1, 0], [0, 1, 0], [0, 1, 0]])  # the runs of ink down columns
    lengths = np.bincount(columns.ravel())
    runs = lengths[columns[ys, xs]]  # each ink pixel's run
    # Most runs cross a stroke (a digit's upright strokes are few columns wide): the commonest is the pen's width.
    pen = int(np.bincount(lengths[1:]).argmax())
    half = max(2, int(np.ceil(pen / 2)) + 1)  # the band's half-width: a pen's line, bowed a little
    thin = runs <= 2 * half + 1
    # The mark holding the longest run down a column is at least that tall, and a line at least as long.
    shortest = max(6 * half, runs.max())
    tilt = np.tan(THROUGH_ANGLES)
    lift = int(np.ceil(mask.shape[1] * np.abs(tilt).max()))
    across = ys[None, :] - np.round(xs[None, :] * tilt[:, None]).astype(np.int64) + lift  # angle x pixel
    size = mask.shape[0] + 2 * lift + 1
    # A line's ink is thin (a digit's upright strokes are not), about a pen's width of it in each column it crosses.
    counts = np.stack([np.bincount(a[thin], minlength=size) for a in across])
    banded = ndimage.uniform_filter1d(counts * (2 * half + 1), 2 * half + 1, axis=1, mode="constant")
    best = ndimage.maximum_filter(banded, size=(len(tilt), 2 * half + 1))  # each place across at its best angle only
    peaks = (banded >= 0.7 * pen * shortest) & (banded == best)
    found = [line for a, centre in zip(*np.nonzero(peaks))
             if (line := _traced_line(across[a], xs, runs, thin, centre, half, shortest)) is not None]
    if not found:
        return np.zeros_like(mask)
    taken = np.zeros(ys.size, bool)
    lines = []
    for left, right, thickness, pixels in sorted(found, key=lambda line: line[0] - line[1]):  # the longest first
        if taken[pixels].mean() <= 0.5:  # not the same line seen at a neighbouring angle or place
            lines.append((left, right, thickness, pixels))
            taken[pixels] = True
    rest = mask.copy()
    rest[ys[taken], xs[taken]] = False
    labels, count = ndimage.label(rest, structure=np.ones((3, 3), bool))
    if count == 0:
        return np.zeros_like(mask)  # a lone line and nothing else: it is the mark (a 1 or a dash filling the crop)
    areas = np.bincount(labels.ravel())[1:]
    parts = [(rows.start, rows.stop, (cols.start + cols.stop) / 2)
             for (rows, cols), area in zip(ndimage.find_objects(labels), areas) if area >= SPECK_SHARE * areas.max()]
    tallest = max(bottom - top for top, bottom, _ in parts)
    digits = np.array([part for part in parts if part[1] - part[0] >= 0.5 * tallest]).reshape(-1, 3)
    pieces, _ = ndimage.label(mask, structure=np.ones((3, 3), bool))
    sizes = np.bincount(pieces.ravel())
    out = np.zeros_like(mask)
    for left, right, thickness, pixels in lines:
        length, y = right - left + 1, ys[pixels].mean()
        # The digit-tall parts of the row of writing it runs along (not of one above it), and those it runs across.
        row = digits[(digits[:, 1] >= y - 0.3 * tallest) & (digits[:, 0] <= y + 0.3 * tallest)]
        over = (row[:, 2] >= left) & (row[:, 2] <= right)
        if thickness > THROUGH_THICKNESS * tallest or not over.any():
            continue  # a band as thick as a digit's part (the desk beyond the paper), or a line beside the writing
        if pixels.size >= 0.8 * sizes[np.bincount(pieces[ys[pixels], xs[pixels]]).argmax()]:  # a line on its own
            # Under two digits or more, even a short number's underline is no digit's stroke.
            if length < tallest or (length < THROUGH_LENGTH * tallest and np.ptp(row[over, 2]) < 0.5 * tallest):
                continue
        else:  # joined to the digits, it runs through two of them or more, or under all of them, which stand on it
            # (touching 7s' bars or 2s' bases run on as one)
            through = (row[over, 0] < y - 0.25 * tallest) & (row[over, 1] > y + 0.25 * tallest)
            under = over.all() and (row[:, 1] <= y + 0.25 * tallest).all()
            if length < THROUGH_LENGTH * tallest or not (through.sum() >= 2 or under):
                continue
        out[ys[pixels], xs[pixels]] = True
    return out


def _traced_line(across: np.ndarray, xs: np.ndarray, runs: np.ndarray, thin: np.ndarray, centre: int, half: int,
                 shortest: float) -> tuple[int, int, float, np.ndarray] | None:
    """(left, right, thickness, its pixels among xs) of the line in the band `half` either side of `centre` (`across`
    is each pixel's place across the band's direction): its longest stretch with ink in every column or two, followed
    along its bow, and only where the ink is as thin as the line. None when no stretch is `shortest` long, or the ink
    along it is thicker than a line over half of it."""
    inside = np.flatnonzero(np.abs(across - centre) <= half)
    columns = np.flatnonzero(np.bincount(xs[inside]))
    breaks = np.flatnonzero(np.diff(columns) > 2)
    starts, ends = np.r_[0, breaks + 1], np.r_[breaks, columns.size - 1]
    longest = int(np.argmax(columns[ends] - columns[starts]))
    left, right = int(columns[starts[longest]]), int(columns[ends[longest]])
    if right - left + 1 < shortest:
        return None  # ink along the band, but with paper between: strokes side by side (a row of 2s' bases)
    line = inside[(xs[inside] >= left) & (xs[inside] <= right) & thin[inside]]
    at = xs[line] - left
    weight = np.bincount(at, minlength=right - left + 1)
    middle = np.bincount(at, weights=across[line], minlength=right - left + 1)
    have = np.flatnonzero(weight)
    if have.size < 0.5 * (right - left + 1):
        return None  # thick along most of it: strokes or a dark region, not a line
    # Its middle: a smooth bow through the thin ink's middle in each column (a digit's stroke along it for a while,
    # a 9's top, does not bend it).
    middle = np.polyval(np.polyfit(have, middle[have] / weight[have], 2, w=np.sqrt(weight[have])),
                        np.arange(right - left + 1))
    thickness = float(np.median(runs[line]))
    near = np.flatnonzero((np.abs(across - centre) <= 2 * half) & (xs >= left) & (xs <= right))
    on_line = np.abs(across[near] - middle[xs[near] - left]) <= thickness / 2 + 1
    return left, right, thickness, near[on_line & (runs[near] <= thickness + max(2.0, thickness / 2))]


def _lattice(found, positions) -> np.ndarray:
    """Which ink pixels lie on the ruled paper's unfound lines: those in shadow or faint, broken into dashes.

    The lines found are evenly spaced; every position on their lattice (same angle, same spacing)
    is a line, found or not. Found lines that do not fit one spacing leave the lattice out.
    """
    angle = int(np.median([a for _, _, a, _, _ in found]))
    centres = np.sort([c for _, _, a, c, _ in found if abs(a - angle) <= 1])
    gaps = np.diff(centres)
    if len(gaps) < 2 or gaps.min() < 4:
        return np.zeros(positions[angle].shape, bool)
    spacing = gaps.min()
    multiples = gaps / spacing
    if np.abs(multiples - np.round(multiples)).max() > 0.15:
        return np.zeros(positions[angle].shape, bool)
    spacing = float(np.sum(gaps) / np.sum(np.round(multiples)))  # the mean spacing over all the lines found
    half = np.median([t for _, _, _, _, t in found]) / 2 + 1
    offset = (positions[angle] - centres[0]) % spacing
    return np.minimum(offset, spacing - offset) <= half


def _specks_only(mask: np.ndarray) -> bool:
    """True when a mask holds nothing a digit could be made of (no component of some size)."""
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if count == 0:
        return True
    boxes = ndimage.find_objects(labels)
    longest = max(max(r.stop - r.start, c.stop - c.start) for r, c in boxes)
    return longest < max(MIN_MARK_SHARE * max(mask.shape), 5)


# --- components and marks ---------------------------------------------------------------------------------------
def _marks(mask: np.ndarray, darkness: np.ndarray, tone: np.ndarray, scale: float,
           original_size: tuple[int, int]) -> tuple[np.ndarray, list[Mark], list[tuple[int, int, int, int]]]:
    """The labelled components, the marks they make, and the specks left out that are dark as ink (InkMap.specks)."""
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if count == 0:
        return labels, [], []
    areas = np.bincount(labels.ravel())[1:]
    boxes = ndimage.find_objects(labels)
    height, width = mask.shape
    largest = areas.max()
    kept, small = [], []
    for index, (rows, cols) in enumerate(boxes):
        h, w = rows.stop - rows.start, cols.stop - cols.start
        if max(h, w) < 2 or (min(h, w) <= 2 and max(h, w) > 20 * min(h, w)):
            continue  # grain, or a sliver a ruled line left behind
        if areas[index] < SPECK_SHARE * largest:
            if max(h, w) >= SEPARATOR_SIDE:
                small.append(index)
            continue  # a speck
        if _is_page_border(labels, index + 1, rows, cols, height, width):
            continue
        kept.append([index + 1, cols.start, rows.start, cols.stop, rows.stop, int(areas[index])])
    groups = _group(kept)
    marks = []
    limit = max(MIN_MARK_SHARE * max(height, width), 5)
    for group in groups:
        x0, y0 = min(c[1] for c in group), min(c[2] for c in group)
        x1, y1 = max(c[3] for c in group), max(c[4] for c in group)
        if max(x1 - x0, y1 - y0) < limit or not _stands_out(labels, darkness, tone, group):
            small += [c[0] - 1 for c in group if max(c[3] - c[1], c[4] - c[2]) >= SEPARATOR_SIDE]
            continue
        box = (int(x0 * scale), int(y0 * scale),
               min(int(np.ceil(x1 * scale)), original_size[0]) - int(x0 * scale),
               min(int(np.ceil(y1 * scale)), original_size[1]) - int(y0 * scale))
        marks.append(Mark(box, sum(c[5] for c in group), tuple(c[0] for c in group), (x0, y0, x1 - x0, y1 - y0)))
    marks.sort(key=lambda m: m.area, reverse=True)
    used = np.isin(labels, [label for m in marks for label in m.labels])
    shades = ndimage.mean(darkness, labels, [i + 1 for i in small]) if small and marks else []
    strength = float(np.median(darkness[used])) if len(shades) else 0.0
    specks = [(boxes[i][1].start, boxes[i][0].start, boxes[i][1].stop, boxes[i][0].stop)
              for i, shade in zip(small, shades) if shade >= SEPARATOR_SHADE * strength]
    labels[~used] = 0
    return labels, marks, specks


def _is_page_border(labels, label, rows, cols, height, width) -> bool:
    """A component lining the image's edge over half its length (the desk beyond the paper, or its shadow),
    or a sliver along the edge (what a rotated photo's corner or a cut-off ruled line leaves), or the thin end of
    a ruled line running off the page at its side.

    The edge is a band a few pixels deep; a digit that touches the edge meets it over a stroke's
    width or two, and stands across it rather than along it.
    """
    depth_y, depth_x = max(2, int(0.02 * height)), max(2, int(0.02 * width))
    h, w = rows.stop - rows.start, cols.stop - cols.start
    component = labels[rows, cols] == label
    # Only what reaches the edge itself (within a pixel) can be cut by it: a 1 written close to the edge has
    # the shape of a sliver, and lines the band as a shadow's edge does, but has paper between it and the edge.
    top, bottom = rows.start <= 1, rows.stop >= height - 1
    left, right = cols.start <= 1, cols.stop >= width - 1
    if (top or bottom) and h <= 3 * depth_y and w > 4 * h:
        return True
    if (left or right) and w <= 3 * depth_x and h > 4 * w:
        return True
    # A ruled line's end running off the page's side, where the rest of the faint line fell under the threshold
    # (not an upright one at the top or bottom: a 1 in a tight crop is as thin, and reaches the edge).
    if (left or right) and h <= max(1.0, LINE_END * height) and w > 4 * h:
        return True
    lining = 0.0
    if top:
        lining = max(lining, component[: depth_y - rows.start].any(axis=0).sum() / width)
    if bottom:
        lining = max(lining, component[height - depth_y - rows.start:].any(axis=0).sum() / width)
    if left:
        lining = max(lining, component[:, : depth_x - cols.start].any(axis=1).sum() / height)
    if right:
        lining = max(lining, component[:, width - depth_x - cols.start:].any(axis=1).sum() / height)
    if lining > WEDGE_LINING and (w > WEDGE_SHAPE * h if top or bottom else h > WEDGE_SHAPE * w):
        return True  # the desk beyond a rotated page: a long wedge along the edge, deepest at one end
    return lining > 0.5


def _stands_out(labels, darkness, tone, group) -> bool:
    """Ink has edges: a few pixels beside a stroke is paper, lighter than the ink all round.

    A soft shadow's edge fades slowly instead; the band along the edge of the desk or of a hard
    shadow (where the lighting estimate lags the step) has the darker region itself on one side.
    """
    x0, y0 = max(min(c[1] for c in group) - 6, 0), max(min(c[2] for c in group) - 6, 0)
    x1, y1 = max(c[3] for c in group) + 6, max(c[4] for c in group) + 6
    window = labels[y0:y1, x0:x1]
    mine = np.isin(window, [c[0] for c in group])
    ring = ndimage.binary_dilation(mine, iterations=5) & ~ndimage.binary_dilation(mine, iterations=2) & (window == 0)
    if not ring.any():
        return True
    values = darkness[y0:y1, x0:x1]
    if float(np.median(values[ring])) >= 0.5 * float(np.median(values[mine])):
        return False
    tones = tone[y0:y1, x0:x1]
    ink_tone = float(np.median(tones[mine]))
    paper_tone = float(np.percentile(tones[ring], 75))
    return np.mean(tones[ring] < ink_tone + 0.25 * (paper_tone - ink_tone)) < DARK_BESIDE


def _group(components: list[list[int]]) -> list[list[list[int]]]:
    """Components that overlap in x (a 5's top bar over its body) or nearly touch form one mark.

    Groups merge one pair at a time, always the first pair in order (largest component first) that belongs
    together. Only a grown group can make a new pair, so after each merge the search goes on from it, not
    from the start: a page of printed text (hundreds of marks) takes a fraction of a second, not minutes.
    """
    groups = [[c] for c in sorted(components, key=lambda c: -c[5])]
    boxes = np.array([c[1:5] for group in groups for c in group], dtype=np.int64).reshape(-1, 4)
    areas = np.array([c[5] for group in groups for c in group], dtype=np.int64)

    def merge(keep: int, gone: int) -> None:
        nonlocal boxes, areas
        groups[keep] += groups.pop(gone)
        boxes[keep, :2] = np.minimum(boxes[keep, :2], boxes[gone, :2])
        boxes[keep, 2:] = np.maximum(boxes[keep, 2:], boxes[gone, 2:])
        areas[keep] += areas[gone]
        boxes, areas = np.delete(boxes, gone, axis=0), np.delete(areas, gone)

    row = 0
    while row < len(groups):
        later = np.flatnonzero(_belong_together(boxes[row], areas[row], boxes[row + 1:], areas[row + 1:]))
        if not len(later):
            row += 1  # every pair before the next row is known not to belong together
            continue
        merge(row, row + 1 + int(later[0]))
        while row:  # the grown group may now belong with an earlier one: that pair comes first
            earlier = np.flatnonzero(_belong_together(boxes[row], areas[row], boxes[:row], areas[:row]))
            if not len(earlier):
                break
            merge(int(earlier[0]), row)
            row = int(earlier[0])
    return groups


def _belong_together(box: np.ndarray, area: int, boxes: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """For one group's box (x0, y0, x1, y1) and ink area, whether it belongs with each of the others."""
    ax0, ay0, ax1, ay1 = box
    bx0, by0, bx1, by1 = boxes.T
    overlap_x = np.minimum(ax1, bx1) - np.maximum(ax0, bx0)
    narrower = np.minimum(ax1 - ax0, bx1 - bx0)
    gap_y = np.maximum(np.maximum(by0 - ay1, ay0 - by1), 0)
    tall = np.maximum(ay1 - ay0, by1 - by0)
    stacked = (overlap_x >= 0.5 * narrower) & (gap_y <= 0.6 * tall)
    gap_x = np.maximum(np.maximum(bx0 - ax1, ax0 - bx1), 0)
    low, high = np.minimum(ay1 - ay0, by1 - by0), np.maximum(ay1 - ay0, by1 - by0)
    # a short stroke beside a tall one: a 5's flag, a 7's bar; digits of a number are alike in height
    beside = (low < 0.5 * high) & (gap_x <= 0.25 * tall) & (gap_y == 0)
    small = np.minimum(area, areas) < 0.1 * np.maximum(area, areas)
    return stacked | beside | (small & (gap_x <= 0.08 * tall) & (gap_y <= 0.08 * tall))


# --- stroke width -----------------------------------------------------------------------------------------------
def _normalise_strokes(ink: np.ndarray, mine: np.ndarray, extent: int) -> np.ndarray:
    """The mark at about RENDER_SIDE, its strokes redrawn at MNIST's width when far thinner or thicker."""
    boundary = mine & ~ndimage.binary_erosion(mine)
    width_here = 2 * mine.sum() / max(boundary.sum(), 1)  # about the stroke width, at the working size
    # Shrinking must leave strokes a few pixels wide, or a fine pen's line would fade below the threshold.
    factor = max(RENDER_SIDE / max(extent, 1), min(1.0, 3.0 / max(width_here, 1e-3)))
    sized = np.clip(resized(ink, factor), 0, 1) if factor != 1 else ink
    stroke_mask = sized > 0.5
    if stroke_mask.sum() < 4:
        return sized
    skeleton = thin(stroke_mask)
    if not skeleton.any():
        return sized
    width = stroke_mask.sum() / skeleton.sum()
    target = STROKE_SHARE * extent * factor
    if STROKE_BAND[0] * target <= width <= STROKE_BAND[1] * target:
        return sized
    return _redrawn(skeleton, ndimage.distance_transform_edt(stroke_mask)[skeleton], target)


def _redrawn(skeleton: np.ndarray, half_widths: np.ndarray, target: float) -> np.ndarray:
    """The skeleton drawn with a pen `target` wide where the mark's ink (`half_widths` at the skeleton's pixels)
    has its usual stroke width, and proportionally wider where it is WIDER_THAN_STROKE (a loop the ink filled, a
    blot): drawn at one width, a filled 9 would become a 1 and an 8 with a filled loop a 7."""
    ratio = half_widths / max(float(np.median(half_widths)), 1e-3)
    radii = target / 2 * np.where(ratio >= WIDER_THAN_STROKE, ratio, 1.0)
    rows, cols = np.nonzero(skeleton)
    out = np.zeros(skeleton.shape, np.float32)
    for radius in np.unique(np.round(radii * 2) / 2):  # one distance map per radius, to half a pixel
        centres = np.zeros_like(skeleton)
        near = np.abs(radii - radius) <= 0.25
        centres[rows[near], cols[near]] = True
        np.maximum(out, np.clip(radius + 0.5 - ndimage.distance_transform_edt(~centres), 0, 1), out=out)
    return out


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning: a one-pixel-wide skeleton that keeps the strokes' connections."""
    image = np.pad(mask.astype(np.uint8), 1)
    while True:
        changed = False
        for table in _THINNING_TABLES:
            c = image
            code = (c[:-2, 1:-1] | c[:-2, 2:] << 1 | c[1:-1, 2:] << 2 | c[2:, 2:] << 3
                    | c[2:, 1:-1] << 4 | c[2:, :-2] << 5 | c[1:-1, :-2] << 6 | c[:-2, :-2] << 7)
            remove = table[code] & (image[1:-1, 1:-1] == 1)
            if remove.any():
                image[1:-1, 1:-1][remove] = 0
                changed = True
        if not changed:
            return image[1:-1, 1:-1].astype(bool)


def _thinning_table(first: bool) -> np.ndarray:
    """For each of the 256 neighbourhoods (bit k = P(k+2), north then clockwise): may the centre go?"""
    table = np.zeros(256, bool)
    for code in range(256):
        p = [(code >> k) & 1 for k in range(8)]  # P2..P9
        p2, p3, p4, p5, p6, p7, p8, p9 = p
        transitions = sum(p[k] == 0 and p[(k + 1) % 8] == 1 for k in range(8))
        ends = (p2 * p4 * p6 == 0 and p4 * p6 * p8 == 0) if first else (p2 * p4 * p8 == 0 and p2 * p6 * p8 == 0)
        table[code] = 2 <= sum(p) <= 6 and transitions == 1 and ends
    return table


_THINNING_TABLES = (_thinning_table(True), _thinning_table(False))
