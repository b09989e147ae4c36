"""Whole numbers as a person writes them, for number-reading tests and benchmarks.

On a pad: digits from `digit_strokes` in a random style each, every one redrawn by a slightly
different hand (size, slant, tilt, a wobbly pen), placed left to right with uneven gaps, a drifting
baseline, and sometimes touching the next digit or joined to it by one stroke.
In a photo: MNIST digits cropped to their ink, placed the same way, dark ink on lit, noisy paper;
or the pad's numbers written with a pen (thin to broad, black, blue or pencil) on photographed paper,
some of it ruled (`pen_photo_number`).
"""

from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
from digit_strokes import STYLES, place
from PIL import Image, ImageFilter


def _warped(strokes, rng: np.random.Generator, wobble: float):
    """Strokes through a smooth random warp (a hand never draws the same shape twice) and a shaky pen."""
    phase, freq = rng.uniform(0, 2 * math.pi, 4), rng.uniform(2, 4, 2)
    out = []
    for stroke in strokes:
        points = []
        for u, v in stroke:
            du = wobble * math.sin(freq[0] * v + phase[0]) + wobble * 0.5 * math.sin(freq[1] * u + phase[1])
            dv = wobble * math.sin(freq[1] * u + phase[2]) + wobble * 0.5 * math.sin(freq[0] * v + phase[3])
            points.append((u + du, v + dv))
        out.append(points)
    return out


def _ink_left(strokes) -> float:
    return min(x for s in strokes for x, _ in s)


def _ink_right(strokes) -> float:
    return max(x for s in strokes for x, _ in s)


SEPARATOR_GAPS = (0.06, 0.3)  # a separator's gap to each neighbour, a share of the digit height


def write(*items, x=40.0, gap=40.0, height=200.0, y=60.0):
    """Digits (digit, style) placed left to right with `gap` px between their boxes; a "." is a tap at their foot,
    a ":" one more above it, a "," a short tail from the foot down to the left, a "-" a bar at their middle, each
    with `gap` before the next; a " " parts two numbers, widening that gap by the digits' height."""
    strokes = []
    for item in items:
        if item == " ":
            x += height - gap  # the gap after it makes it a height wider than the others
        elif item in (".", ":"):
            strokes.append([(x, y + height - 6), (x + 3, y + height - 4)])
            if item == ":":
                strokes.append([(x, y + 0.45 * height), (x + 3, y + 0.45 * height + 2)])
        elif item == ",":
            strokes.append([(x + 6, y + height - 10), (x + 3, y + height + 15), (x - 4, y + height + 35)])
        elif item == "-":
            strokes.append([(x, y + height / 2), (x + 70, y + height / 2 + 4)])
            x += 70
        else:
            strokes += place(STYLES[item[0]][item[1]], x, y, height)
            x += 0.75 * height
        x += gap
    return strokes


def written_number(text: str, rng: np.random.Generator, pad_height: int = 320, gaps=(0.08, 0.5),
                   touch_share: float = 0.25, join_share: float = 0.3, size_change: float = 0.15,
                   baseline_drift: float = 0.08, slant: float = 0.12, tilt: float = 6.0, wobble: float = 0.03,
                   dash_width=(0.25, 0.55), number_gap=(1.0, 2.5)):
    """(strokes, pad size): `text` (digits, and "." "," "-" ":" between them) written on a wide pad (at least 3:1);
    a dash is `dash_width` of the digits' height long; a space parts two numbers side by side ("12 45": a date, a
    phone number, a price list) by a gap drawn from `number_gap` (a share of the digit height).

    Each gap is drawn from `gaps` (a share of the digit height), except that with `touch_share`
    a digit touches the one before (their ink overlaps a little); a touching pair is drawn as one
    stroke (the pen never lifted) with `join_share` when the last stroke ends near where the next
    digit starts.
    """
    height = pad_height * rng.uniform(0.45, 0.7)
    top = (pad_height - height) / 2
    hand_slant = rng.uniform(-slant, slant)
    strokes: list[list[tuple[float, float]]] = []
    x = rng.uniform(0.05, 0.15) * pad_height
    next_gap = None  # after a separator or a space: the gap to the next digit
    for i, char in enumerate(text):
        if char == " ":
            next_gap = rng.uniform(*number_gap) * height
            continue
        if char in ".,-:":
            left = x + rng.uniform(*SEPARATOR_GAPS) * height
            drift = top + rng.uniform(-baseline_drift, baseline_drift) * height
            marks = [_separator(".", rng, height), _separator(".", rng, height, 0.35)] if char == ":" else [
                _separator(char, rng, height, dash_width=dash_width)]
            strokes += [[(u + left, v + drift) for u, v in mark] for mark in marks]
            x, next_gap = _ink_right(strokes[-len(marks):]), rng.uniform(*SEPARATOR_GAPS) * height
            continue
        styles = STYLES[int(char)]
        shape = styles[list(styles)[rng.integers(len(styles))]]
        h = height * rng.uniform(1 - size_change, 1 + size_change)
        y = top + (height - h) / 2 + rng.uniform(-baseline_drift, baseline_drift) * height
        digit = place(_warped(shape, rng, wobble), 0, y, h, slant=hand_slant + rng.uniform(-0.05, 0.05),
                      rotate=rng.uniform(-tilt, tilt))
        digit = [[(u + rng.normal(0, 0.8), v + rng.normal(0, 0.8)) for u, v in s] for s in digit]
        touching = i > 0 and next_gap is None and rng.random() < touch_share
        gap = (next_gap if next_gap is not None else -rng.uniform(0.0, 0.05) * height if touching
               else rng.uniform(*gaps) * height)
        shift = (x + gap if i else x) - _ink_left(digit)
        next_gap = None
        digit = [[(u + shift, v) for u, v in s] for s in digit]
        if touching and rng.random() < join_share and math.dist(strokes[-1][-1], digit[0][0]) < 0.3 * h:
            digit[0] = strokes.pop() + digit[0]  # the pen goes on from the last stroke into this digit's first
        strokes.extend(digit)
        x = max(x, _ink_right(digit))
    width = max(3 * pad_height, math.ceil(x + 0.1 * pad_height))
    return strokes, (width, pad_height)


def _separator(char: str, rng: np.random.Generator, height: float, dot_at: float = 0.95,
               dash_width=(0.25, 0.55)) -> list[tuple[float, float]]:
    """One stroke of a ".", "," or "-" as a hand writes it after a digit of `height`, from x = 0, the digits' top
    at y = 0: a dot is a tap that moves a little (about `dot_at` of the height down; a colon is two), a comma a
    short tail down to the left, a dash a sloping bar `dash_width` of the height long."""
    if char == ".":
        r, y = rng.uniform(0.01, 0.035) * height, rng.uniform(dot_at - 0.05, dot_at + 0.05) * height
        turn = rng.uniform(0, 2 * math.pi)
        return [(r + r * math.cos(turn + a), y + r * math.sin(turn + a)) for a in np.linspace(0, rng.uniform(0, 6), 6)]
    if char == ",":
        top, reach = rng.uniform(0.88, 0.98) * height, rng.uniform(0.2, 0.35) * height
        lean = rng.uniform(0.03, 0.1) * height
        return [(lean * (1 - t * t), top + reach * t) for t in np.linspace(0, 1, 8)]
    width, y = rng.uniform(*dash_width) * height, rng.uniform(0.4, 0.6) * height
    slope = rng.uniform(-0.08, 0.08) * width
    return [(width * t, y + slope * t) for t in np.linspace(0, 1, 10)]


def mnist_ink(image: np.ndarray) -> np.ndarray:
    """An MNIST digit (28x28 uint8) cropped to its ink."""
    rows, cols = np.flatnonzero(image.max(axis=1) > 30), np.flatnonzero(image.max(axis=0) > 30)
    return image[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]


def photographed_number(images, rng: np.random.Generator, digit_height: int = 60, gaps=(0.1, 0.6),
                        touch_share: float = 0.25, size_change: float = 0.15, baseline_drift: float = 0.08,
                        jpeg_quality: int | None = 85) -> Image.Image:
    """A grayscale photo of MNIST digits (28x28 uint8 each) written in a row on paper.

    Uneven gaps, touching pairs, sizes and baseline as in `written_number`; the paper has a light
    gradient and grain, the ink is dark grey, the whole is slightly blurred and JPEG-compressed.
    """
    pieces, x, placements = [], int(rng.uniform(0.3, 0.8) * digit_height), []
    for i, image in enumerate(images):
        ink = mnist_ink(image)
        h = max(8, int(digit_height * rng.uniform(1 - size_change, 1 + size_change)))
        w = max(2, round(ink.shape[1] * h / ink.shape[0]))
        piece = np.asarray(Image.fromarray(ink).resize((w, h), Image.BILINEAR), dtype=np.float32) / 255
        touching = i > 0 and rng.random() < touch_share
        gap = -rng.uniform(0.02, 0.08) * digit_height if touching else rng.uniform(*gaps) * digit_height
        left = int(x + gap) if i else x
        y = int(digit_height * (0.6 + rng.uniform(-baseline_drift, baseline_drift)) + (digit_height - h) / 2)
        placements.append((left, y, piece))
        x = left + w
        pieces.append(piece)
    width, height = int(x + rng.uniform(0.3, 0.8) * digit_height), int(digit_height * 2.2)
    ink = np.zeros((height, width), np.float32)
    for left, y, piece in placements:
        region = ink[y: y + piece.shape[0], left: left + piece.shape[1]]
        np.maximum(region, piece[: region.shape[0], : region.shape[1]], out=region)
    xs = np.linspace(0, 1, width)[None, :]
    ys = np.linspace(0, 1, height)[:, None]
    paper = rng.uniform(0.75, 0.92) + rng.uniform(-0.08, 0.08) * xs + rng.uniform(-0.06, 0.06) * ys
    darkness = rng.uniform(0.55, 0.8)
    photo = paper * (1 - darkness * ink) + rng.normal(0, 0.02, (height, width))
    result = Image.fromarray(np.clip(photo * 255, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    if jpeg_quality:
        buffer = io.BytesIO()
        result.save(buffer, "JPEG", quality=jpeg_quality)
        result = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return result


def pen_photo_number(text: str, rng: np.random.Generator, height_share: float = 0.4, paper: str | None = None,
                     pen_line: str | None = None, line_pitch: float | None = None, **hand) -> Image.Image:
    """A photo of `text` (lines parted by "\n", numbers side by side by " ") written as `written_number` writes it,
    in pen on paper (tests/paper_photos.py): a pen from fine to broad, black, blue or pencil, on white, cream or ruled
    paper under uneven light, grain and JPEG. The writing is at most `height_share` of the photo's height.

    `paper` "ruled" or "squared" is a notebook's: faint lines 0.8-1.2 of the writing's height apart (one line of
    writing), half the time one of them at the digits' foot (written on the line), else anywhere (through them).
    `pen_line` is a straight line drawn with the same pen: "underline" just under the digits, "crossing" through
    them. `line_pitch` is how far below each other lines are written, in shares of the pad `written_number` writes on
    (None: one pad's height, a gap of half to one digit's height between them)."""
    from paper_photos import Look, photo

    from digitpad.core.strokes import render_strokes

    strokes, size, lines = [], (0, 0), text.split("\n")
    for n, line in enumerate(lines):  # lines of writing one below the other, as on a sticky note
        written, (width, height) = written_number(line, rng, **hand)
        below = n * height * (line_pitch or 1.0)
        strokes += [[(x, y + below) for x, y in stroke] for stroke in written]
        size = (max(size[0], width), round(below) + height)
    top, foot = min(y for s in strokes for _, y in s), max(y for s in strokes for _, y in s)
    if pen_line:
        strokes.append(_pen_line(strokes, pen_line, rng))
    ink = render_strokes(strokes, size, pen_width=rng.uniform(0.015, 0.045) * height).astype(np.float32) / 255
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.05), np.flatnonzero(ink.max(axis=0) > 0.05)
    aspect = (cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1)
    width, height = 1000, 420 * len(lines)
    look = Look(size=(width, height), digit_height=min(height_share, 0.85 * width / aspect / height),
                place=(rng.uniform(0.45, 0.55), rng.uniform(0.4, 0.6)), rotation=rng.uniform(-2, 2),
                paper=str(rng.choice(["white", "cream", "white"])), ink=str(rng.choice(["black", "blue", "pencil"])),
                gradient=rng.uniform(0, 0.35), gradient_angle=rng.uniform(0, 360), shadow=rng.uniform(0, 0.3),
                grain=rng.uniform(2, 6), blur=rng.uniform(0, 1.2), jpeg=int(rng.integers(60, 92)),
                lines="ruled" if rng.random() < 0.3 else None)
    if paper:  # where the digits' top and foot land in the photo (the ink is scaled and centred there)
        scale = look.digit_height * height / (rows[-1] - rows[0] + 1)
        middle = (rows[0] + rows[-1]) / 2
        digits = (foot - top) * scale
        on_line = look.place[1] * height + (foot - middle) * scale + rng.uniform(0.0, 0.08) * digits
        look = replace(look, lines=paper, line_spacing=rng.uniform(0.8, 1.2) * digits,
                       line_at=on_line if rng.random() < 0.5 else rng.uniform(0, height))
    return photo(ink, look, rng).convert("L")


def _pen_line(strokes, kind: str, rng: np.random.Generator) -> list[tuple[float, float]]:
    """A straight stroke drawn with the pen across all of the writing: an underline just under its foot, or a line
    through its middle, a little past both ends, slightly sloping and bowed."""
    xs, ys = [x for s in strokes for x, _ in s], [y for s in strokes for _, y in s]
    left, right, top, foot = min(xs), max(xs), min(ys), max(ys)
    tall = foot - top
    y = foot + rng.uniform(0.03, 0.12) * tall if kind == "underline" else top + rng.uniform(0.3, 0.7) * tall
    start, end = left - rng.uniform(0.0, 0.2) * tall, right + rng.uniform(0.0, 0.2) * tall
    slope, bow = rng.uniform(-0.03, 0.03), rng.uniform(-0.04, 0.04) * tall
    return [(x, y + slope * (x - start) + bow * math.sin(math.pi * t))
            for t, x in zip(np.linspace(0, 1, 40), np.linspace(start, end, 40))]
