"""Photos of handwritten words, not numbers, for the tests and benchmarks of what Number mode says of them.

Two hands. A handwriting font (benchmarks/handwriting_fonts.py fetches Google Fonts' handwriting families): a
person's hand digitised by a type designer, shapes no one here designed, each line of `lines` at its own indent,
slant and size (`font_photo`). And letters drawn as pen strokes (digitpad.core.pen_digits' DOODLES letters, A E F H K
M N R W Y e h k m n r w), each redrawn by a wobbly hand, for tests that cannot fetch fonts (`letters_photo`). Both are
photographed as pen on paper (tests/paper_photos.py): a pen from fine to broad, black, blue or pencil, on white, cream
or ruled paper under uneven light, grain and JPEG.
"""

from __future__ import annotations

import math

import numpy as np
from digit_strokes import place
from paper_photos import Look, photo
from PIL import Image, ImageDraw, ImageFont
from written_numbers import _warped

from digitpad.core.pen_digits import DOODLES
from digitpad.core.strokes import render_strokes

WORDS = ("milk eggs bread butter apples cheese rice tea coffee soap onions carrots pasta beans flour sugar dear thank "
         "you for the lovely flowers see soon love call me tomorrow meeting with anna about garden please remember "
         "to water plants back at noon dinner friday shopping list notes ideas paint door kitchen letter from "
         "grandma happy birthday weekend trip beach hello world quick brown fox jumps over lazy dog").split()
SHORT_LETTERS = set("emnrw")  # the DOODLES lowercase letters that stand at x-height (h and k reach up)


def text_lines(kind: str, rng: np.random.Generator) -> list[str]:
    """What a person writes that is not a number: "list" (a shopping list, one or two words a line), "sentences"
    (a note or a letter), "capitals" (a heading or a label), "word" (one word), "with numbers" (a list whose lines
    hold a number beside words: "Milk 2", "Room 12")."""
    def words(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS, rng.integers(low, high + 1)))
    lines = int(rng.integers(2, 6))
    if kind == "list":
        return [words(1, 2).capitalize() for _ in range(lines)]
    if kind == "sentences":
        return [words(2, 4) for _ in range(lines)]
    if kind == "capitals":
        return [words(1, 2).upper() for _ in range(int(rng.integers(1, 3)))]
    if kind == "word":
        return [str(rng.choice(WORDS))]
    return [f"{words(1, 1).capitalize()} {rng.integers(1, 100)}" for _ in range(lines)]


TEXT_KINDS = ("list", "sentences", "capitals", "word", "with numbers")


def font_photo(lines: list[str], font_path, rng: np.random.Generator) -> Image.Image:
    """A photo of `lines` written in the handwriting font at `font_path`, each line at its own indent and size,
    the hand slanted a little."""
    size = 64
    rendered = []
    for line in lines:
        font = ImageFont.truetype(str(font_path), round(size * rng.uniform(0.9, 1.1)))
        left, top, right, bottom = font.getbbox(line)
        indent = round(rng.uniform(0, 0.6) * size)
        canvas = Image.new("L", (right - left + indent + 20, round(1.7 * size)), 0)
        ImageDraw.Draw(canvas).text((indent + 10 - left, round(0.3 * size)), line, fill=255, font=font)
        slant = rng.uniform(-0.1, 0.2)
        canvas = canvas.transform(canvas.size, Image.AFFINE, (1, slant, -slant * canvas.height / 2, 0, 1, 0),
                                  Image.BILINEAR)
        rendered.append(np.asarray(canvas, np.float32) / 255)
    width = max(r.shape[1] for r in rendered)
    return _photographed(np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1]))) for r in rendered]), rng)


def letters_photo(lines: list[str], rng: np.random.Generator) -> Image.Image:
    """A photo of `lines` (words of the DOODLES letters) written letter by letter with a pen, a wobbly hand
    redrawing each one."""
    height, strokes = 100.0, []
    for n, line in enumerate(lines):
        x, foot = 20.0, (n + 1) * 1.6 * height
        for char in line:
            if char == " ":
                x += 0.5 * height
                continue
            tall = height * (0.6 if char in SHORT_LETTERS else 1.0) * rng.uniform(0.9, 1.1)
            letter = place(_warped(DOODLES[char](rng), rng, 0.03), x, foot - tall, tall, slant=rng.uniform(0, 0.15))
            strokes += letter
            x = max(px for s in letter for px, _ in s) + rng.uniform(0.1, 0.3) * height
    size = (math.ceil(max(px for s in strokes for px, _ in s) + 20), math.ceil((len(lines) + 0.6) * 1.6 * height))
    ink = render_strokes(strokes, size, pen_width=rng.uniform(0.04, 0.1) * height).astype(np.float32) / 255
    return _photographed(ink, rng)


def _photographed(ink: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """The ink (coverage 0..1) photographed as pen on paper, as large as the page allows (a line of writing at
    least a tenth of the photo's height)."""
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.05), np.flatnonzero(ink.max(axis=0) > 0.05)
    aspect = (cols[-1] - cols[0] + 1) / (rows[-1] - rows[0] + 1)
    width, height = 1000, 750
    look = Look(size=(width, height), digit_height=min(rng.uniform(0.3, 0.8), 0.85 * width / aspect / height),
                place=(rng.uniform(0.45, 0.55), rng.uniform(0.4, 0.6)), rotation=rng.uniform(-2, 2),
                paper=str(rng.choice(["white", "cream", "white"])), ink=str(rng.choice(["black", "blue", "pencil"])),
                gradient=rng.uniform(0, 0.35), gradient_angle=rng.uniform(0, 360),
                shadow=rng.uniform(0, 0.3), grain=rng.uniform(2, 6), blur=rng.uniform(0, 1.2),
                jpeg=int(rng.integers(60, 92)), lines="ruled" if rng.random() < 0.3 else None)
    return photo(ink, look, rng).convert("L")
