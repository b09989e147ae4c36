"""Read a whole number: split the ink into digits, read them all in one batch, cut touching digits
where the model reads best.

The ink comes as "marks": pen strokes on a pad, or blobs of ink in an image. Marks that overlap
horizontally belong to one digit (a 4 or a 5 in two strokes, a crossed 7, a 1 with a base); a mark
much shorter than the writing joins the digit it reaches into, or alone is a speck and ignored.
A group much wider than the line's usual digit may hold touching digits: it is cut in two at each
candidate place (between its marks, or at the columns where its ink is thinnest, straight or bending
around the ink as a seam where the prior asks for seams), every side of
every cut is read by the model in one batch, and the cut whose sides read best (and look most
like digits) wins over reading the group whole. Sides still too wide are cut again next round.
What "looks like a digit" means is a `Prior`: the pad's and a photo's differ.
Writing on several lines (a sticky note, an address) is read line by line, top to bottom, each with its own scale,
also where lines close together or sloping run into each other's heights (a digit wholly above another parts them).
A speck between two digits of a line is kept as a separator when it has one's shape and place: a dot or a comma
at the foot of the digits ("12.50", "1,250"), a dash at their middle ("555-1234"), a dot above a dot ("12:30").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple, Protocol

import numpy as np

from .preprocess import shown_view, view_count

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels (right and bottom exclusive)
Seam = tuple[float, ...]  # an edge that bends: its column in each row of the marks' window (image ink only)
Boundary = float | Seam  # a piece's edge: a column, or a seam
DigitBox = tuple[int, int, int, int]  # x, y, width, height (as core.ink reports boxes)

UNSURE_BELOW = 0.6  # a digit read with less confidence is shown as "?" here, and as unsure on the Draw tab
OVERLAP_SHARE = 0.5  # marks belong together when they overlap by this share of the narrower one's width
INSIDE_MARGIN = 0.1  # and the narrower one's middle is this share of the wider one's width inside it
JOIN_GAP = 0.05  # a short mark this close (share of the writing's height) to a digit belongs to it
SPLIT_WIDTH = 1.3  # a group wider than this share of the usual digit width may hold touching digits
CUT_MARGIN = 0.35  # cuts through the ink stay this share of the usual digit width away from a group's ends
NARROW_ASPECT = 0.3  # groups narrower than this times their height (ones) are left out of the usual width
USUAL_ASPECT = 0.6  # a digit's usual width for its height, where a line has too few digits to tell
NARROW_CUT_MARGIN = 0.2  # ...or this share of its own width for a piece no wider than a digit (cut by `several`)
SEVERAL_CUT = 0.5  # a piece no wider than a digit is tried cut when it is not one whole digit with this chance
MAX_CUT_COLUMNS = 3  # thinnest columns tried as cuts per wide group
MAX_PARTITION_MARKS = 8  # groups with more marks are cut at columns only
MAX_ROUNDS = 3  # a group is cut at most this many times over (a chain of up to 2**3 touching digits)
SHORT_HEIGHT = 0.45  # a digit shorter than this share of the writing's height is unlikely
STACKED_HEIGHT = 0.6  # marks at least this share of a band's usual height, one wholly above the other, are two lines
# of writing (the pieces of one digit broken by faint ink are never both so tall with paper between them)
SAME_ROW = 0.5  # a mark's neighbour on its line of writing shares this share of the shorter one's height
# Separators, in shares of their two neighbouring digits' height: a dot is at most DOT_SIZE across with its middle
# within FOOT of the digits' foot (above or below it); a comma is a dot's width, narrow and COMMA_TALL tall
# (a dot is seldom more than 0.1), starts in the digits' lower half and reaches below their foot by COMMA_DROP to half
# their height; a dash is DASH_WIDTH wide, at most DASH_FLAT of its width tall, with its middle in the band MIDDLE.
DOT_SIZE = 0.3
DOT_ROUND = (3, 0.05)  # and no longer than 3 times its shorter side (on a pad, where a tap's box is a point, taken
# as at least 0.05): a bar is no dot
FOOT = 0.3
COMMA_TALL = (0.12, 0.5)
COMMA_DROP = 0.05
COMMA_NARROW = 1.5  # and at least this many times taller than wide (a dot written with a broad pen is round)
PEN_SHARE = 0.8
DASH_WIDTH = (0.12, 1.2)  # people draw a dash short (benchmarks/short_dashes.py: 0.2 missed half of them)
DASH_FLAT = 0.5
MIDDLE = (0.25, 0.75)
MINUS_GAP = 0.8  # a minus sign before a number ends at most this share of its first digit's height left of it
COLON_TOP = (0.1, 0.75)  # where a colon's upper dot has its middle (its lower one is a dot at the foot); its
COLON_PEN_SHARE = 0.5  # partner vouches for it, so it may be thinner than a lone separator (a quick tap)
EDGE_BANDS = (0.05, 0.15)  # a separator lies beside its digits' ink near its own height: the nearest of these
# bands (shares of the writing's height above and below it) that holds ink (a slanted stroke leans over a foot)
WORDS_UNSURE = 3  # a reading with at least this many digits shown "?", and WORDS_SHARE of its digits, is likely words:
WORDS_SHARE = 0.15  # a page of handwritten text shows 3 or more (often a third of its digits), a number seldom 2
# (benchmarks/number_reading.py "words": of photos of text, lists, notes and labels, 84% / 83% told, of single words
# 7% / 16%; of 440 photos of numbers 0 / 2; on the set it was set on / a held-out one. 2 "?" would tell 90% / 91%,
# single words 29% / 40%, and 0 / 3 numbers: 3 keeps a margin for a number written badly, whose "?" show anyway)
# Two numbers side by side on a line ("12 45", "07 12 2026") are parted by a gap wider than any within a number,
# measured between the digits' boxes (a 1's taken as wide as the line's usual digit) against their median height.
NUMBER_GAP = 0.9  # a gap at least this share of the height parts two numbers... (set on benchmarks/number_reading.py
# "side by side", seed 71: 0.8 parts 3 more of its 450 numbers; the widest gap within a number in 300 written by the
# development hand was 0.54, by the held-out hand's settings on other seeds 0.72)
NUMBER_GAP_USUAL = 2.0  # ...and this many times the line's gaps within numbers (their median): writing spaced out
# widely parts less readily (same seed: 2.5 parts 6 fewer of 450); a gap holding ink ("555 - 1234") never parts
# The widest each digit's ink is for its height, 0 to 9: 98% of MNIST's training digits are narrower.
DIGIT_WIDEST = (1.33, 0.9, 1.54, 1.18, 1.18, 1.67, 1.11, 1.18, 1.11, 1.0)


@dataclass(frozen=True)
class Prior:
    """Log-score costs of a reading's shape: what is known of a number's digits besides the model's reading.

    The defaults are the pad's, set on the development numbers of benchmarks/number_reading.py;
    photos have their own (image_marks.PHOTO_PRIOR).
    """

    wide_share: float = 1.3  # a digit is seldom wider than this share of the usual width;
    wide_cost: float = 1.0  # cost per unit beyond it
    short_cost: float = 8.0  # cost per unit below SHORT_HEIGHT of the writing's height
    aspect_cost: float = 0.0  # cost per unit of a digit's width/height beyond its DIGIT_WIDEST, relative to it
    cut_cost: float = 0.6  # each cut splits one reading into two (on the pad any cost 0.5-0.8 reads the development
    # and held-out numbers alike, 98.3% / 99.3%; 0.6 leaves a margin for a "00" written in one stroke)
    cut_step: float = 0.0  # above 0: every column this share of the usual digit width apart is tried as a cut,
    # not only the MAX_CUT_COLUMNS thinnest (a photo's touching digits seldom meet at the thinnest column)
    long_share: float = math.inf  # a digit's strokes are seldom longer than this many times the writing's height
    long_cost: float = 0.0  # cost per height beyond it (asks the ink for Ink.stroke_length)
    several_cost: float = 0.0  # times -log(1 - p), p a reading's chance of not being one whole digit (`several`)
    seam_reach: float = 0.0  # above 0: each cut column is also tried as a seam that bends up to this share of the usual
    # digit width either way around the ink (asks the ink for Ink.cuts): touching digits often overlap, a straight
    # column through both gives each a piece of the other
    seam_cost: float = 0.0  # what a seam cut costs on top of cut_cost (it can also carve one digit's parts apart)


@dataclass(frozen=True)
class Piece:
    """Part of the ink read as one digit: some marks, optionally only their ink between two columns (or seams)."""

    marks: tuple[int, ...]
    columns: tuple[Boundary, Boundary] | None = None


class Ink(Protocol):
    """Where the marks come from (a pad's strokes, an image's ink) and how a piece of them is shown to the model."""

    boxes: list[Box]  # one per mark
    specks: list[Box]  # ink too small to be a mark (never read as a digit), asked only whether it is a separator
    pen_width: float  # how wide the ink's strokes are in the boxes (0 where the boxes leave the pen out: a pad)
    separate_strokes: bool  # each mark is a stroke drawn on its own (a pad's): a dot is one, not a piece of a digit
    # (in a photo faint ink breaks apart, and a piece under a digit's overhang looks like a point written there)

    def piece_box(self, piece: Piece) -> Box | None:
        """The box of the ink in the piece (None when a cut leaves none)."""

    def model_input(self, piece: Piece) -> np.ndarray | None:
        """The piece's 28x28 model input (MNIST-like, white ink on black), or (V, 28, 28) views of it whose answers
        the reader's `probabilities` averages (the first is shown and asked by `several`); None when it holds no
        ink."""

    def column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
        """How much ink the marks have in each column from left to right."""

    def row_extent(self, marks: Sequence[int], top: float, bottom: float) -> tuple[float, float] | None:
        """The leftmost and rightmost x of the marks' ink between heights top and bottom (None: it has none); asked
        only where `separate_strokes`."""

    def solid(self, box: Box) -> bool:
        """Whether the ink in the box fills it as a written point does (a bit of a thin curve does not)."""

    def stroke_length(self, piece: Piece) -> float:
        """How long the piece's strokes are, in pixels, all together (asked only by a prior with a long_cost)."""

    def cuts(self, piece: Piece, xs: list[float], reach: int) -> list[tuple[Boundary, bool]]:
        """The edges to cut the piece along near each column of xs, in turn, each True when it is a seam: the
        column, and the path from the top of the piece's ink to its bottom that crosses the least ink within
        `reach` pixels of it (left out when it is the column itself; a path down one other column is a straight
        cut). All are held within the piece's own edges, and an edge that leaves one side without ink is left
        out (asked only by a prior with a seam_reach)."""


NEAR_CERTAIN = 0.999  # a probability over this is said as over 99.9%: rounded, it read 100.0%, which no model is


def percent(probability: float) -> str:
    """A probability as the app and the command line say it: "97.3%", and ">99.9%" for a near-certainty."""
    return ">99.9%" if probability > NEAR_CERTAIN else f"{probability:.1%}"


def is_unsure(probabilities) -> bool:
    """Whether a reading with these probabilities is shown as "?": its likeliest digit is under UNSURE_BELOW. The Draw
    tab's panel, its correction row and a number's digits all ask this, so they agree."""
    return max(probabilities) < UNSURE_BELOW


def two_likeliest(probabilities) -> tuple[tuple[int, float], tuple[int, float]]:
    """The two likeliest readings, (digit, probability) each, likeliest first: what a "?" names."""
    first, second = np.argsort(probabilities)[::-1][:2]
    return (int(first), probabilities[first]), (int(second), probabilities[second])


@dataclass(frozen=True)
class NumberDigit:
    digit: int
    confidence: float
    box: DigitBox  # where the digit is: pad pixels, or the original image's pixels
    probabilities: tuple[float, ...]
    model_input: np.ndarray  # 28x28 float in [0, 1], white ink on black
    strokes: tuple | None = None  # the pen strokes of this digit (pad pixels) when read from a pad
    line: int = 0  # the line of writing it is on, counted from the top
    views: int = 1  # inputs whose answers were averaged, model_input the first (2 in a photo: core.ink.mark_views)
    number_in_line: int = 0  # which number of its line it is in, counted from the left: a wide gap parts a line into
    # numbers side by side ("12 45" holds 0 and 1)

    @property
    def candidates(self) -> tuple[tuple[int, float], tuple[int, float]]:
        """The two likeliest readings, (digit, probability) each, likeliest first."""
        return two_likeliest(self.probabilities)

    @property
    def unsure(self) -> bool:
        return is_unsure(self.probabilities)


@dataclass(frozen=True)
class Separator:
    """A mark between two digits that is no digit: "." (a decimal point), ",", "-" or ":"; or a minus sign before
    a line's first digit ("-5")."""

    char: str
    box: DigitBox  # as a digit's box
    line: int
    before: int  # the index of the digit it is written before (the one after it; the one before it is before - 1)


@dataclass(frozen=True)
class NumberReading:
    digits: tuple[NumberDigit, ...]
    newest: int | None = None  # the index of the digit the last stroke is in (pads: the digit being written)
    separators: tuple[Separator, ...] = ()  # left to right, at most one between two digits

    @property
    def text(self) -> str:
        """The best reading of every digit, e.g. "2026" or "12.50"; numbers are parted by a space, on lines of writing
        ("6808 4562") or side by side on one ("12 45")."""
        return self.joined(lambda i, d: str(d.digit))

    @property
    def display(self) -> str:
        """The reading with each unsure digit shown as "?", e.g. "2?26"."""
        return self.joined(lambda i, d: "?" if d.unsure else str(d.digit))

    @property
    def unsure_count(self) -> int:
        """How many of its digits are shown as "?"."""
        return sum(d.unsure for d in self.digits)

    @property
    def looks_like_words(self) -> bool:
        """Whether so many of its marks read as no digit that the writing is likely words, not numbers: a page of
        text is read as lines of "digits", the model sure of its l's and o's as 1s and 0s but of few letters else
        (at least WORDS_UNSURE digits shown "?", and WORDS_SHARE of them all)."""
        return self.unsure_count >= max(WORDS_UNSURE, WORDS_SHARE * len(self.digits))

    @property
    def lines(self) -> int:
        """How many lines of writing hold its digits (each read as its own number: "6808 4562" holds 2)."""
        return len({d.line for d in self.digits})

    @property
    def numbers(self) -> int:
        """How many numbers it holds: each line of writing is one, or more where a wide gap parts it ("12 45")."""
        return len({(d.line, d.number_in_line) for d in self.digits})

    def separator_before(self) -> dict[int, str]:
        """{index of a digit: the separator written just before it}."""
        return {separator.before: separator.char for separator in self.separators}

    def keeping(self, kept: Sequence[int]) -> NumberReading:
        """The reading of only the digits at indices `kept` (ascending), with the separators between two of them that
        were neighbours, and the minus signs of kept first digits; `newest` is left unset."""
        index = {old: new for new, old in enumerate(kept)}
        return NumberReading(tuple(self.digits[i] for i in kept), separators=tuple(
            replace(s, before=index[s.before]) for s in self.separators
            if s.before in index and (s.before - 1 in index or self._starts_line(s.before))))

    def _starts_line(self, index: int) -> bool:
        return index == 0 or self.digits[index - 1].line != self.digits[index].line

    def starts_number(self, index: int) -> bool:
        """Whether the digit at `index` is the first of a number: of a line of writing, or after a wide gap."""
        before, digit = self.digits[index - 1] if index else None, self.digits[index]
        return before is None or (before.line, before.number_in_line) != (digit.line, digit.number_in_line)

    def joined(self, shown: Callable[[int, NumberDigit], str]) -> str:
        """Each digit as `shown(index, digit)` gives it, left to right, with the separators between them; numbers
        parted by a space. (Number mode shows a digit the person corrected as they said it is.)"""
        before = self.separator_before()
        return "".join((" " if i and self.starts_number(i) else "") + before.get(i, "") + shown(i, d)
                       for i, d in enumerate(self.digits))

    def __str__(self) -> str:
        return self.text


def reading_note(reading: NumberReading) -> str:
    """What the Draw tab's caption and `predict --number` say of a reading besides its digits ("" when nothing): that
    it holds several numbers, on lines of writing or parted by wide gaps (a sticky note, a date, a page is no one
    number), and that it may be words when it looks like them (a page of text is otherwise shown as lines of
    numbers)."""
    notes = [_numbers_note(reading),
             f"{reading.unsure_count} marks look like no digit: is it words rather than numbers?"
             if reading.looks_like_words else ""]
    return "; ".join(note for note in notes if note)


def _numbers_note(reading: NumberReading) -> str:
    """How many numbers it holds, and what parts them, when more than one ("" for one)."""
    numbers, lines = reading.numbers, reading.lines
    if numbers == lines:
        return f"{lines} lines of writing, each read as its own number" if lines > 1 else ""
    gaps = "a wide gap" if numbers - lines == 1 else "wide gaps"
    return f"{numbers} numbers side by side, parted by {gaps}" if lines == 1 else (
        f"{numbers} numbers on {lines} lines of writing, parted by the lines and {gaps}")


def digit_holding(digits: Sequence[NumberDigit], points: np.ndarray) -> int | None:
    """The index of the digit whose box holds most of `points` ((N, 2) x, y), None when no box holds any."""
    xs, ys = points[:, 0], points[:, 1]
    inside = [int(np.sum((xs >= x) & (xs <= x + w) & (ys >= y) & (ys <= y + h)))
              for x, y, w, h in (d.box for d in digits)]
    return int(np.argmax(inside)) if inside and max(inside) > 0 else None


# --- grouping ------------------------------------------------------------------------------------
@dataclass(eq=False)  # two bands are the same only if they are one
class _Band:
    """Marks whose heights overlap, with the box they cover together."""

    top: float
    bottom: float
    left: float
    right: float
    marks: list[int]

    def take(self, other: _Band) -> None:
        self.top, self.bottom = min(self.top, other.top), max(self.bottom, other.bottom)
        self.left, self.right = min(self.left, other.left), max(self.right, other.right)
        self.marks.extend(other.marks)


def lines_of(boxes: Sequence[Box]) -> list[list[int]]:
    """Marks in lines of writing, top to bottom. Marks whose heights overlap, directly or through others, form a
    band (so a mark reaching into the next line joins the two), unless it holds rows of digits one wholly above
    another (`_rows`: lines close together, or sloping); a band under another one (their widths overlap,
    or it lies far below) is a new line, one just beside it is the same line written rising or falling. A line is
    at least SHORT_HEIGHT of the tallest mark's height: a lower band alone between or beside lines (a dot, a bar
    written apart) joins the nearest one."""
    bands: list[_Band] = []  # top to bottom
    for i in sorted(range(len(boxes)), key=lambda i: boxes[i][1]):
        left, top, right, bottom = boxes[i]
        band = _Band(top, bottom, left, right, [i])
        if bands and top < bands[-1].bottom:
            bands[-1].take(band)
        else:
            bands.append(band)
    if not bands:
        return []
    bands = sorted((row for band in bands for row in _rows(band, boxes)), key=lambda band: band.top)
    tallest = max(box[3] - box[1] for box in boxes)
    tall = [band for band in bands if band.bottom - band.top >= SHORT_HEIGHT * tallest]
    lines: list[_Band] = []
    for band in tall:
        last = lines[-1] if lines else None
        beside = last is not None and min(last.right, band.right) <= max(last.left, band.left)
        if beside and band.top - last.bottom < min(last.bottom - last.top, band.bottom - band.top):
            last.take(band)
        else:
            lines.append(band)
    for band in bands:  # the lines keep their own extent: a dot joining one does not move where the next is
        if band not in tall:
            min(lines, key=lambda line: max(line.top - band.bottom, band.top - line.bottom)).marks.extend(band.marks)
    return [sorted(line.marks) for line in lines]


def _rows(band: _Band, boxes: Sequence[Box]) -> list[_Band]:
    """A band as the rows of writing in it: itself, unless it holds tall marks one wholly above the other (lines of
    writing close together, or sloping, whose heights a tall digit or the slope joined). Then each tall mark is joined
    to the nearest one on either side that shares SAME_ROW of their height, and every shorter mark to the row of the
    tall mark nearest it; the band is parted only when two of its rows hold two or more tall marks each (a lone digit
    broken by faint ink into two pieces one above the other is no two lines)."""
    height = {i: boxes[i][3] - boxes[i][1] for i in band.marks}
    tallest = max(height.values())
    usual = float(np.median([h for h in height.values() if h >= SHORT_HEIGHT * tallest]))
    tall = [i for i in band.marks if height[i] >= STACKED_HEIGHT * usual]

    def shared(a: int, b: int) -> float:
        return min(boxes[a][3], boxes[b][3]) - max(boxes[a][1], boxes[b][1])

    def gap(a: int, b: int) -> float:
        return math.hypot(max(boxes[b][0] - boxes[a][2], boxes[a][0] - boxes[b][2], 0),
                          max(boxes[b][1] - boxes[a][3], boxes[a][1] - boxes[b][3], 0))

    if not any(shared(a, b) < 0 and min(boxes[a][2], boxes[b][2]) > max(boxes[a][0], boxes[b][0])
               for n, a in enumerate(tall) for b in tall[n + 1:]):
        return [band]
    row = {i: i for i in tall}

    def root(i: int) -> int:
        while row[i] != i:
            i = row[i]
        return i

    def middle(i: int) -> float:
        return boxes[i][0] + boxes[i][2]

    for a in tall:
        level = [b for b in tall if b != a and shared(a, b) >= SAME_ROW * min(height[a], height[b])]
        for side in ([b for b in level if middle(b) > middle(a)], [b for b in level if middle(b) < middle(a)]):
            if side:
                row[root(min(side, key=lambda b: gap(a, b)))] = root(a)
    rows: dict[int, _Band] = {}
    for i in tall:
        part = _Band(boxes[i][1], boxes[i][3], boxes[i][0], boxes[i][2], [i])
        if root(i) in rows:
            rows[root(i)].take(part)
        else:
            rows[root(i)] = part
    if sum(len(r.marks) >= 2 for r in rows.values()) < 2:
        return [band]
    for i in band.marks:
        if i not in row:
            rows[root(min(tall, key=lambda j: gap(i, j)))].marks.append(i)
    return list(rows.values())


def group_marks(boxes: Sequence[Box]) -> list[tuple[int, ...]]:
    """Marks joined into digit candidates (left to right): each group is the marks overlapping horizontally.

    A group shorter than SHORT_HEIGHT of the tallest is no digit on its own: it joins the digit it overlaps
    or touches (the bar of a 5 written apart, a fragment of faint ink), unless it lies apart in the gap between two
    digits shaped as a separator; or, alone, is a speck and dropped.
    """
    return _grouped(boxes)[0]


def _grouped(boxes: Sequence[Box], ink: Ink | None = None, members: Sequence[int] = ()) -> tuple[
        list[tuple[int, ...]], list[tuple[tuple[int, ...], Box]]]:
    """group_marks' groups, and the specks it drops with their boxes (left to right), which may be separators.
    Where the `ink` is given (`boxes` are those of its marks `members`), separators are judged by its pen width and
    by where the digits' ink is at their height, not only by the digits' boxes."""
    if not boxes:
        return [], []
    separate = ink is not None and ink.separate_strokes
    extent = (lambda marks, top, bottom: ink.row_extent([members[i] for i in marks], top, bottom)) if separate else None
    parent = list(range(len(boxes)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tallest, pen = max(b[3] - b[1] for b in boxes), ink.pen_width if ink else 0.0
    dots = {i for i, b in enumerate(boxes) if ink is not None and _dot_shaped(b[2] - b[0], b[3] - b[1], tallest, pen)}
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    for n, i in enumerate(order):
        for j in order[n + 1:]:
            if boxes[j][0] >= boxes[i][2]:
                break
            if i not in dots and j not in dots and _belong_together(boxes[i], boxes[j]):
                parent[root(j)] = root(i)  # a dot joins a digit only as a short piece does, below
    groups: dict[int, list[int]] = {}
    for i in range(len(boxes)):
        groups.setdefault(root(i), []).append(i)
    joined = sorted(([sorted(g), union_box([boxes[i] for i in g])] for g in groups.values()), key=lambda gb: gb[1][0])
    line = max(b[3] - b[1] for _, b in joined)
    tall = [gb for gb in joined if gb[1][3] - gb[1][1] >= SHORT_HEIGHT * line]
    specks = []
    short = [box for _, box in joined if box[3] - box[1] < SHORT_HEIGHT * line] + (ink.specks if ink else [])
    for marks, box in joined:  # a short piece (a bar, a fragment of broken ink) joins the digit it reaches into...
        if box[3] - box[1] < SHORT_HEIGHT * line:
            reach = max(tall, key=lambda gb: min(box[2], gb[1][2]) - max(box[0], gb[1][0]))
            overlap = min(box[2], reach[1][2]) - max(box[0], reach[1][0])
            if extent:  # it meets the digit's strokes at its height
                near = _ink_near(box, reach[0], reach[1], line, extent)
                within = min(box[2], near[1]) - max(box[0], near[0]) > 0
            else:  # its middle is in the digit's box
                within = reach[1][0] <= (box[0] + box[2]) / 2 <= reach[1][2]
            if within or (overlap >= -JOIN_GAP * line and not _separator_between(box, tall, short, ink, extent)):
                reach[0].extend(marks)  # ...or is near, unless it lies in the gap shaped as a separator
                reach[1] = union_box([reach[1], box])
            else:
                specks.append((tuple(marks), box))
    return [tuple(sorted(marks)) for marks, _ in tall], specks


def _ink_near(speck: Box, marks, box: Box, line: float, extent) -> tuple[float, float]:
    """Where a digit's ink is (left and right x) near the height of a speck: within the first of EDGE_BANDS (shares
    of the writing's height above and below it) that holds any; its box's sides where no `extent(marks, top,
    bottom)` is given, or it has no ink there."""
    for band in EDGE_BANDS if extent else ():
        if near := extent(marks, speck[1] - band * line, speck[3] + band * line):
            return near
    return box[0], box[2]


def _neighbours(speck: Box, digits: list, extent) -> tuple[int, Box, Box] | None:
    """The digits (marks, box; left to right) on either side of a speck by where their ink is near its height (the
    bar of a 7 or a slanted 1 reaches over a point written at its foot): the index of the right one, and both boxes
    with their facing sides moved to that ink. None when the speck is not between two digits."""
    line = max(box[3] - box[1] for _, box in digits)
    centre = (speck[0] + speck[2]) / 2
    near = [_ink_near(speck, marks, box, line, extent) for marks, box in digits]
    after = next((i for i, (low, _) in enumerate(near) if low >= centre), None)
    if not after or near[after - 1][1] > centre:
        return None
    (_, left), (_, right) = digits[after - 1], digits[after]
    return after, (left[0], left[1], near[after - 1][1], left[3]), (near[after][0], right[1], right[2], right[3])


def _speck_char(speck: Box, digits: list, ink: Ink | None, extent) -> tuple[int, str | None, Box | None, Box | None]:
    """Where a speck stands among a line's digits (marks, box; left to right) and what it is there: the index of
    the digit after it, its character by shape and place (a separator between two digits, "-" for a minus sign
    before the first, None for neither) and the boxes of the two digits either side (None before the first)."""
    sides = _neighbours(speck, digits, extent)
    if sides is None:
        return 0, "-" if digits and _minus_before(speck, digits[0][1], ink) else None, None, None
    after, left, right = sides
    return after, separator_char(speck, left, right, ink), left, right


def _separator_between(speck: Box, tall: list, short: list[Box], ink: Ink | None, extent) -> bool:
    """The speck lies between two of the groups (marks, box) and is shaped and placed as a separator there, or as
    the upper dot of a colon over one of the `short` pieces (or the ink's specks), or is a minus sign before them."""
    _, char, left, right = _speck_char(speck, tall, ink, extent)
    return char is not None or left is not None and any(
        separator_char(point, left, right, ink) == "." and _colon_top(point, [speck], left, right, ink)
        for point in short)


def separator_char(speck: Box, left: Box, right: Box, ink: Ink | None = None) -> str | None:
    """What a speck between two digits (boxes: left, top, right, bottom) is: ".", "," or "-" by its shape and
    place against their height, or None (a stray speck). Where the `ink`'s boxes hold the pen's width, a separator
    is at least PEN_SHARE of it across (a fragment of a thin stroke or grain is thinner than the pen that wrote it),
    and a point is solid ink."""
    pen_width = ink.pen_width if ink else 0.0
    top, bottom = (left[1] + right[1]) / 2, (left[3] + right[3]) / 2
    height = bottom - top
    if height <= 0 or not left[2] <= (speck[0] + speck[2]) / 2 <= right[0]:
        return None
    width, tall, middle = speck[2] - speck[0], speck[3] - speck[1], ((speck[1] + speck[3]) / 2 - top) / height
    if min(width, tall) < PEN_SHARE * pen_width:
        return None
    if width <= DOT_SIZE * height and COMMA_TALL[0] * height <= tall <= COMMA_TALL[1] * height and (
            tall >= COMMA_NARROW * width) and (
            speck[1] >= top + height / 2 and bottom + COMMA_DROP * height <= speck[3] <= bottom + height / 2):
        return ","
    if _dot_shaped(width, tall, height, pen_width) and abs(middle - 1) <= FOOT and (ink is None or ink.solid(speck)):
        return "."
    if DASH_WIDTH[0] * height <= width <= DASH_WIDTH[1] * height and tall <= DASH_FLAT * width and (
            MIDDLE[0] <= middle <= MIDDLE[1]):
        return "-"
    return None


def _minus_before(speck: Box, first: Box, ink: Ink | None = None) -> bool:
    """The speck is a minus sign before a line whose first digit has the box `first`: a dash at that digit's
    mid-height, ending at most MINUS_GAP of its height left of it."""
    gap, height = first[0] - speck[2], first[3] - first[1]
    return 0 <= gap <= MINUS_GAP * height and separator_char(
        speck, (speck[0], first[1], speck[0], first[3]), first, ink) == "-"


def _dot_shaped(width: float, tall: float, height: float, pen_width: float) -> bool:
    """A speck `width` x `tall` is a dot beside digits `height` tall (see DOT_SIZE, DOT_ROUND)."""
    longer, shorter = max(width, tall), max(min(width, tall), 0 if pen_width else DOT_ROUND[1] * height)
    return longer <= min(DOT_SIZE * height, DOT_ROUND[0] * shorter)


def _colon_top(point: Box, specks: list[Box], left: Box, right: Box, ink: Ink | None) -> Box | None:
    """The upper dot of a colon ("12:30") whose lower dot is `point`: a dot among the specks above it, within
    COLON_TOP of the digits on either side (boxes: left, top, right, bottom), None when there is none."""
    top, bottom = (left[1] + right[1]) / 2, (left[3] + right[3]) / 2
    height, pen = bottom - top, ink.pen_width if ink else 0.0
    for speck in specks:
        width, tall = speck[2] - speck[0], speck[3] - speck[1]
        middle, centre = ((speck[1] + speck[3]) / 2 - top) / height, (speck[0] + speck[2]) / 2
        above = abs(centre - (point[0] + point[2]) / 2) <= max(point[2] - point[0], width, 0.1 * height)
        if (COLON_TOP[0] <= middle <= COLON_TOP[1] and left[2] <= centre <= right[0] and above
                and min(width, tall) >= COLON_PEN_SHARE * pen and _dot_shaped(width, tall, height, pen)
                and (ink is None or ink.solid(speck))):
            return speck
    return None


def _belong_together(a: Box, b: Box) -> bool:
    """Two marks of one digit: they overlap by most of the narrower one's width, and its middle lies well inside
    the wider one (a 1 touching the next digit overlaps it only at the edge)."""
    (narrow, wide) = sorted((a, b), key=lambda box: box[2] - box[0])
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    middle, margin = (narrow[0] + narrow[2]) / 2, INSIDE_MARGIN * (wide[2] - wide[0])
    return overlap >= OVERLAP_SHARE * max(1, narrow[2] - narrow[0]) and wide[0] + margin <= middle <= wide[2] - margin


def union_box(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# --- cutting -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    """The writing's scale: its height and the usual width of one digit in it."""

    height: float
    digit_width: float
    prior: Prior

    @classmethod
    def of(cls, boxes: list[Box], prior: Prior) -> _Line:
        height = max(b[3] - b[1] for b in boxes)
        widths = [b[2] - b[0] for b in boxes if b[2] - b[0] >= NARROW_ASPECT * (b[3] - b[1])]
        usual = USUAL_ASPECT * height  # too few digits to tell (one may be two touching)
        return cls(height, float(np.median(widths)) if len(widths) >= 3 else usual, prior)

    def is_wide(self, box: Box) -> bool:
        return box[2] - box[0] > SPLIT_WIDTH * self.digit_width

    def shape_cost(self, box: Box, digit: int, length: float = 0.0) -> float:
        """How unlike one digit of this line a box read as `digit`, its strokes `length` long, is (0 for a usual
        digit)."""
        width, height, prior = box[2] - box[0], box[3] - box[1], self.prior
        return (prior.wide_cost * max(0.0, width / self.digit_width - prior.wide_share)
                + prior.long_cost * max(0.0, length / self.height - prior.long_share)
                + prior.short_cost * max(0.0, SHORT_HEIGHT - height / self.height)
                + prior.aspect_cost * max(0.0, width / max(1, height) / DIGIT_WIDEST[digit] - 1))


def _cut_columns(ink: Ink, piece: Piece, box: Box, line: _Line) -> list[float]:
    """Up to MAX_CUT_COLUMNS x where the piece's ink is thinnest (or every cut_step), away from its ends."""
    left, right = box[0], box[2]
    amount = ink.column_ink(piece.marks, left, right)
    margin = max(1, int(CUT_MARGIN * line.digit_width if line.is_wide(box) else NARROW_CUT_MARGIN * len(amount)))
    if len(amount) <= 2 * margin:
        return []
    if line.prior.cut_step > 0:
        step = max(1, round(line.prior.cut_step * line.digit_width))
        return [left + i + 0.5 for i in range(margin, len(amount) - margin + 1, step)]
    smooth = np.convolve(amount, np.ones(3) / 3, mode="same")
    inner = np.arange(margin, len(amount) - margin)
    minima = [i for i in inner if smooth[i] <= smooth[i - 1] and smooth[i] <= smooth[i + 1]]
    chosen: list[int] = []
    for i in sorted(minima, key=lambda i: (smooth[i], abs(i - len(amount) / 2))):
        if all(abs(i - j) > margin for j in chosen):
            chosen.append(i)
        if len(chosen) == MAX_CUT_COLUMNS:
            break
    return [left + i + 0.5 for i in chosen]


class _Split(NamedTuple):
    """A candidate cut of a piece into a left and a right one; `seam` when it bends around the ink."""

    left: Piece
    right: Piece
    seam: bool = False


def _splits(ink: Ink, piece: Piece, box: Box, line: _Line) -> list[_Split]:
    """Candidate cuts of a piece: between its marks, and through its thinnest columns (each also as a seam, where
    the prior asks)."""
    out: list[_Split] = []
    if piece.columns is None and 1 < len(piece.marks) <= MAX_PARTITION_MARKS:
        by_centre = sorted(piece.marks, key=lambda i: ink.boxes[i][0] + ink.boxes[i][2])
        for k in range(1, len(by_centre)):
            out.append(_Split(Piece(tuple(sorted(by_centre[:k]))), Piece(tuple(sorted(by_centre[k:])))))
    low, high = piece.columns or (-math.inf, math.inf)
    reach = round(line.prior.seam_reach * line.digit_width)
    xs = _cut_columns(ink, piece, box, line)
    for edge, seam in ink.cuts(piece, xs, reach) if reach > 0 and xs else [(x, False) for x in xs]:
        out.append(_Split(Piece(piece.marks, (low, edge)), Piece(piece.marks, (edge, high)), seam))
    return out


@dataclass
class _Reading:
    box: Box
    probabilities: np.ndarray
    model_input: np.ndarray  # the shown view
    views: int
    length: float  # of its strokes (0 when the prior does not weigh it)
    several: float  # its chance of not being one whole digit (0 without a `several` reader)

    def score(self, line: _Line) -> float:
        digit = int(self.probabilities.argmax())
        return (math.log(max(float(self.probabilities[digit]), 1e-9)) - line.shape_cost(self.box, digit, self.length)
                + line.prior.several_cost * math.log(max(1 - self.several, 1e-6)))


def read_marks(ink: Ink, probabilities, strokes_of=None, scale: float = 1.0,
               prior: Prior = Prior(), several=None) -> NumberReading:
    """Read the number in `ink`. `probabilities(inputs (N, 28, 28) or (N, V, 28, 28)) -> (N, 10)` is called once per
    round and line of writing (twice when `several` doubts a piece no wider than a digit).

    `strokes_of(piece)` gives a digit's own strokes for the result (pads only); `scale` turns the
    marks' pixels into the ones reported (an image's original size); `prior` scores the readings' shapes
    and what a cut costs (images pass their own, image_marks.PHOTO_PRIOR). `several(inputs (N, 28, 28)) -> (N,)`,
    where given, is each piece's chance of not being one whole digit (core.several_digits, for photos): it costs
    `prior.several_cost` times -log of the rest, and a piece no wider than a digit is tried cut when it is over
    SEVERAL_CUT (two touching digits are often no wider than a 0).
    """
    digits: list[NumberDigit] = []
    separators: list[Separator] = []
    for members in lines_of(ink.boxes):
        grouped, specks = _grouped([ink.boxes[i] for i in members], ink, members)
        groups = [tuple(members[j] for j in group) for group in grouped]
        if groups:
            line_index = digits[-1].line + 1 if digits else 0  # lines without a digit are not counted
            line, pieces = _read_line(ink, groups, line_index, probabilities, strokes_of, scale, prior, several)
            left_out = [box for _, box in specks] + ink.specks
            separators += _separators(pieces, left_out, ink, scale, line_index, len(digits))
            numbers = _numbers_in_line([box for _, box in pieces], left_out)
            digits += [replace(digit, number_in_line=number) for digit, number in zip(line, numbers)]
    return NumberReading(tuple(digits), separators=tuple(separators))


def _numbers_in_line(boxes: list[Box], specks: list[Box]) -> list[int]:
    """Which number of the line each of its digits (boxes, left to right) is in, counted from the left. A gap starts
    the next number when it is at least NUMBER_GAP of the line's usual digit height and NUMBER_GAP_USUAL times the
    median of its gaps within numbers (the others under NUMBER_GAP), and clear: none of the `specks` (ink left out
    of the digits) is in it. A separator is ("555 - 1234"), found or not, and so are the pieces of a faint digit the
    reader lost, whose place would look like a gap. Three digits or more whose every gap is wide are one number
    spaced out (a form's boxes)."""
    gaps = _gaps(boxes)
    numbers = [0]
    for after, gap in enumerate(gaps, start=1):
        others = [other for i, other in enumerate(gaps, start=1) if i != after]
        within = [max(0.0, other) for other in others if other < NUMBER_GAP]
        parts = gap >= NUMBER_GAP and (
            not others or bool(within) and gap >= NUMBER_GAP_USUAL * float(np.median(within))) and not _holds_ink(
            boxes[after - 1], boxes[after], specks)
        numbers.append(numbers[-1] + parts)
    return numbers


def _holds_ink(left: Box, right: Box, specks: list[Box]) -> bool:
    """Whether a speck lies between two digits (boxes): its middle between theirs (a point tucked under a 7's bar is
    within the 7's box), at their height or within half of it above or below (a point sits at their foot, a comma
    reaches below it)."""
    top, bottom = min(left[1], right[1]), max(left[3], right[3])
    reach = (bottom - top) / 2
    return any(left[0] + left[2] < speck[0] + speck[2] < right[0] + right[2] and speck[1] < bottom + reach
               and speck[3] > top - reach for speck in specks)


def _gaps(boxes: list[Box]) -> list[float]:
    """The gaps between a line's digits (boxes, left to right) as shares of their median height. A narrow digit (a 1)
    counts as wide as the line's usual digit, about its middle: one written in a digit's usual place leaves
    wide-looking gaps beside it."""
    if len(boxes) < 2:
        return []
    height = max(1.0, float(np.median([b[3] - b[1] for b in boxes])))
    narrow = [b[2] - b[0] < NARROW_ASPECT * (b[3] - b[1]) for b in boxes]
    widths = [b[2] - b[0] for b, thin in zip(boxes, narrow) if not thin]
    usual = float(np.median(widths)) if widths else USUAL_ASPECT * height
    sides = [((b[0] + b[2] - usual) / 2, (b[0] + b[2] + usual) / 2) if thin else (b[0], b[2])
             for b, thin in zip(boxes, narrow)]
    return [(right[0] - left[1]) / height for left, right in zip(sides, sides[1:])]


def _separators(pieces: list[tuple[Piece, Box]], specks: list[Box], ink: Ink, scale: float, line_index: int,
                first: int) -> list[Separator]:
    """The specks of one line's digits (pieces with their boxes, left to right; the first is digit `first` of the
    reading) that are separators between two of them or a minus sign before them, at most one in each gap (the
    largest), left to right."""
    def extent(piece: Piece, top: float, bottom: float) -> tuple[float, float] | None:
        return ink.row_extent(piece.marks, top, bottom) if piece.columns is None else None  # a cut piece: its box

    found: dict[int, tuple[float, str, Box]] = {}
    for speck in specks:
        after, char, left, right = _speck_char(speck, pieces, ink, extent if ink.separate_strokes else None)
        if char == "." and (upper := _colon_top(speck, specks, left, right, ink)):
            char, speck = ":", union_box([speck, upper])
        size = (speck[2] - speck[0]) * (speck[3] - speck[1])
        if char and size >= found.get(after, (-1,))[0]:
            found[after] = (size, char, speck)
    return [Separator(char, tuple(round(v * scale) for v in (box[0], box[1], box[2] - box[0], box[3] - box[1])),
                      line_index, first + after) for after, (_, char, box) in sorted(found.items())]


def _read_line(ink: Ink, groups: list[tuple[int, ...]], line_index: int, probabilities, strokes_of, scale: float,
               prior: Prior, several) -> tuple[list[NumberDigit], list[tuple[Piece, Box]]]:
    """The digits of one line of writing, left to right, from its groups of marks (see read_marks), and the pieces
    of ink they were read from with their boxes."""
    line = _Line.of([union_box([ink.boxes[i] for i in g]) for g in groups], prior)
    boxes: dict[Piece, Box | None] = {}
    readings: dict[Piece, _Reading | None] = {}

    def box_of(piece: Piece) -> Box | None:
        if piece not in boxes:
            boxes[piece] = ink.piece_box(piece)
        return boxes[piece]

    def read_all(pieces: list[Piece]) -> None:
        """Read every piece not read yet in one forward pass."""
        found = []
        for piece in dict.fromkeys(pieces):
            if piece in readings:
                continue
            model_input = ink.model_input(piece) if box_of(piece) is not None else None
            readings[piece] = None
            if model_input is not None:
                found.append((piece, model_input))
        if found:
            inputs = np.stack([m for _, m in found])
            batch = probabilities(inputs)
            shown = np.stack([shown_view(m) for _, m in found])
            chances = several(shown) if several is not None else np.zeros(len(found))
            for (piece, views), probs, chance, model_input in zip(found, batch, chances, shown):
                length = ink.stroke_length(piece) if prior.long_cost > 0 else 0.0
                readings[piece] = _Reading(box_of(piece), np.asarray(probs), model_input, view_count(views), length,
                                           float(chance))

    def sides_of(options: dict[Piece, list[_Split]]) -> list[Piece]:
        return [side for splits in options.values() for split in splits for side in (split.left, split.right)]

    final: list[Piece] = []
    pending = [Piece(g) for g in groups]
    for round_number in range(MAX_ROUNDS + 1):
        if not pending:
            break
        cuttable = [piece for piece in pending if round_number < MAX_ROUNDS and box_of(piece) is not None]
        options = {piece: _splits(ink, piece, box_of(piece), line) for piece in cuttable
                   if line.is_wide(box_of(piece))}
        read_all(pending + sides_of(options))  # one forward pass: the pieces and the wide ones' cuts
        doubted = {piece: _splits(ink, piece, box_of(piece), line) for piece in cuttable
                   if piece not in options and readings[piece] is not None and readings[piece].several > SEVERAL_CUT}
        read_all(sides_of(doubted))  # a second only when `several` doubts a piece no wider than a digit
        options |= doubted
        next_pending = []
        for piece in pending:
            whole = readings[piece]
            if whole is None:
                continue
            best_score, best = whole.score(line), None
            for left, right, seam in options.get(piece, ()):
                if readings[left] is None or readings[right] is None:
                    continue
                score = readings[left].score(line) + readings[right].score(line) - prior.cut_cost - (
                    prior.seam_cost if seam else 0.0)
                if score > best_score:
                    best_score, best = score, (left, right)
            if best is None:
                final.append(piece)
            else:
                next_pending.extend(best)
        pending = next_pending
    digits = []
    final = sorted(final, key=lambda p: readings[p].box[0] + readings[p].box[2])
    for piece in final:
        reading = readings[piece]
        digit = int(reading.probabilities.argmax())
        left, top, right, bottom = reading.box
        box = tuple(round(v * scale) for v in (left, top, right - left, bottom - top))
        digits.append(NumberDigit(digit, float(reading.probabilities[digit]), box,
                                  tuple(float(v) for v in reading.probabilities), reading.model_input,
                                  strokes_of(piece) if strokes_of else None, line_index, reading.views))
    return digits, [(piece, readings[piece].box) for piece in final]
