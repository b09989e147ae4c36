"""Two or three digits pushed together until they touch: no one digit, so the model should be unsure of them.

The number reader (core.number_reading) reads a wide blob of ink whole and cut in two, and keeps
the cut only when its sides read better than the whole. A model never shown touching digits reads
a "00" or a "39" pressed together as one confident digit, and the cut loses: the number drops a
digit. Trained on these with uniformly random labels (as dots and dashes are), the model learns
that such a blob is none of the ten.

Two sources, as the reader meets them: MNIST digits side by side (photographed numbers) and
pen-drawn digits of one writer (numbers on the pad, or written on paper and photographed).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .pen_digits import DESIGNS, Writer, hand_drawn, model_input
from .preprocess import INK_THRESHOLD, to_mnist, to_uint8

PEN_PAD = (720, 280)  # room on the pad for a run of digits as tall as pen_digits draws one
PARTS = (2, 3)
PARTS_SHARE = (0.8, 0.2)


def _ink_columns(image: np.ndarray) -> np.ndarray:
    """The image cut to the columns holding ink (all rows kept, so digits keep their own baseline)."""
    cols = np.flatnonzero((image > INK_THRESHOLD).any(axis=0))
    return image[:, cols[0]: cols[-1] + 1] if len(cols) else image[:, :0]


def mnist_run(digits: list[np.ndarray], rng: np.random.Generator) -> np.ndarray | None:
    """MNIST digits (28x28, white on black) set left to right, each overlapping the one before by 1-4 px but at
    most a third of the narrower, a little higher or lower and bigger or smaller: the model
    input of the blob (28x28 floats)."""
    canvas = np.zeros((40, 28 * len(digits)), dtype=np.float32)
    right = width = 0
    for n, digit in enumerate(digits):
        part = _ink_columns(digit.astype(np.float32) / (255 if digit.dtype == np.uint8 else 1))
        if part.shape[1] == 0:
            return None
        scale = rng.uniform(0.85, 1.15)
        size = (max(1, round(part.shape[1] * scale)), round(28 * scale))
        part = np.asarray(Image.fromarray(part, mode="F").resize(size, Image.BILINEAR))
        top = min(max(0, round((40 - size[1]) / 2 + rng.uniform(-3, 3))), 40 - size[1])
        overlap = max(1, min(int(rng.integers(1, 5)), min(width, size[0]) // 3))
        left = 0 if n == 0 else max(0, right - overlap)
        window = canvas[top: top + size[1], left: left + size[0]]
        np.maximum(window, part[:, : window.shape[1]], out=window)
        right, width = left + size[0], size[0]
    return to_mnist(canvas[:, :right], ink="light")


def _unit_box_run(labels: list[int], writer: Writer, rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """One writer's digits in unit-box strokes, each moved right until it overlaps the one before by 0-15% of the
    height (so their ink touches once drawn with the pen)."""
    strokes: list[list[tuple[float, float]]] = []
    right = 0.0
    for n, label in enumerate(labels):
        design = DESIGNS[label][writer.styles[label]](rng)
        xs = [x for stroke in design for x, _ in stroke]
        shift = 0.0 if n == 0 else right - min(xs) - rng.uniform(0.0, 0.15)
        lift, size = rng.uniform(-0.08, 0.08), rng.uniform(0.9, 1.1)
        strokes += [[(shift + min(xs) + (x - min(xs)) * size, 0.5 + (y - 0.5) * size + lift) for x, y in stroke]
                    for stroke in design]
        right = shift + min(xs) + (max(xs) - min(xs)) * size
    return strokes


def run_set(images: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` touching runs (uint8 N x 28 x 28): the first half of MNIST digits from `images` (uint8 N x 28 x 28,
    training images only), the rest drawn by random pen writers."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        parts = int(rng.choice(PARTS, p=PARTS_SHARE))
        if len(out) < count // 2:
            image = mnist_run([images[i] for i in rng.integers(0, len(images), parts)], rng)
        else:
            writer = Writer.random(rng)
            strokes = hand_drawn(_unit_box_run(list(rng.integers(0, 10, parts)), writer, rng), writer, rng, PEN_PAD)
            image = model_input(strokes, PEN_PAD)
            image = None if image is None else image.astype(np.float32) / 255
        if image is not None:
            out.append(to_uint8(image))
    return np.stack(out)
