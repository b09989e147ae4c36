"""Synthetic variants of MNIST digits in the styles people write today but MNIST barely has.

A zero slashed at any angle from diagonal to vertical (like ϕ), a seven with a crossbar, a one
with a flag and/or a base or with the long up-stroke of European ones: each is an MNIST digit of
that class with an anti-aliased pen stroke added where a writer would put it, then re-normalised
the MNIST way (the added stroke changes the ink's bounding box).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .preprocess import INK_THRESHOLD, to_mnist

DEFAULT_FRACTIONS = {0: 0.4, 1: 0.6, 7: 0.4}
STOP_CHECK = 256  # images styled between two questions whether to stop (about 0.08 s)


def draw_segment(image: np.ndarray, start: tuple[float, float], end: tuple[float, float], width: float) -> None:
    """Draw an anti-aliased round-capped segment (x, y points) into a float image in place."""
    ys, xs = np.indices(image.shape, dtype=np.float32)
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length2 = max(dx * dx + dy * dy, 1e-6)
    t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / length2, 0, 1)
    distance = np.hypot(xs - (x0 + t * dx), ys - (y0 + t * dy))
    np.maximum(image, np.clip(width / 2 + 0.5 - distance, 0, 1), out=image)


def _ink_x(image: np.ndarray, row: int) -> float:
    """The ink's mean column in a row (and its neighbours), where a stroke crosses it."""
    band = image[max(row - 1, 0): row + 2]
    weights = band.sum(axis=0)
    return float((weights * np.arange(image.shape[1])).sum() / max(weights.sum(), 1e-6))


def add_style(image: np.ndarray, digit: int, rng: np.random.Generator) -> np.ndarray | None:
    """A copy of a white-on-black float digit with a style stroke for its class, re-normalised."""
    image = image.copy()
    ink = image > INK_THRESHOLD
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if len(rows) < 5:
        return None
    top, bottom, left, right = rows[0], rows[-1], cols[0], cols[-1]
    height = bottom - top + 1
    width = rng.uniform(1.8, 2.8)
    if digit == 0:
        reach = rng.uniform(-1.0, 2.0)
        centre, lean = (left + right) / 2, rng.choice([1.0, rng.uniform(0.2, 0.6), rng.uniform(-0.1, 0.1)])
        half = lean * (right - left) / 2
        draw_segment(image, (centre + half + reach, top - reach), (centre - half - reach, bottom + reach), width)
    elif digit == 7:
        row = int(top + rng.uniform(0.45, 0.62) * height)
        centre, half, tilt = _ink_x(image, row), rng.uniform(0.18, 0.3) * height, rng.uniform(-1.0, 1.0)
        draw_segment(image, (centre - half, row + tilt), (centre + half, row - tilt), width)
    elif digit == 1:
        kind = rng.choice(["flag", "flag+base", "base", "european"], p=[0.35, 0.25, 0.1, 0.3])
        if "flag" in kind or kind == "european":
            long = kind == "european"  # a long up-stroke from far down the left, no base
            x_top = _ink_x(image, top + 1)
            length = (rng.uniform(0.45, 0.7) if long else rng.uniform(0.22, 0.42)) * height
            angle = np.radians(rng.uniform(22, 65) if long else rng.uniform(25, 60))  # from the horizontal
            draw_segment(image, (x_top, top + 0.5), (x_top - length * np.cos(angle), top + length * np.sin(angle)),
                         width)
        if "base" in kind:
            x_bottom, half = _ink_x(image, bottom - 1), rng.uniform(0.15, 0.28) * height
            draw_segment(image, (x_bottom - half, bottom - 0.5), (x_bottom + half, bottom - 0.5), width)
    else:
        raise ValueError(f"no style variant for digit {digit}")
    return to_mnist(image, ink="light")


def variant_share(labels: torch.Tensor, fractions: dict[int, float] = DEFAULT_FRACTIONS) -> float:
    """About how many images `style_variants` adds per image with these labels (a digit too small gets none)."""
    counts = torch.bincount(labels.cpu(), minlength=10).double()
    return float(sum(fraction * counts[digit] for digit, fraction in fractions.items()) / max(1, len(labels)))


def style_variants(images: torch.Tensor, labels: torch.Tensor, seed: int = 0,
                   fractions: dict[int, float] = DEFAULT_FRACTIONS,
                   stopped: Callable[[], bool] = lambda: False) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Extra uint8 training samples: for each styled digit, that fraction of its images with the style added.

    All of MNIST's take seconds (8,180 variants, 2.5 s on one core), so `stopped` is asked every STOP_CHECK images
    and, once it says True, None is returned: a Stop pressed meanwhile is not kept waiting for the rest."""
    rng = np.random.default_rng(seed)
    out_images, out_labels = [], []
    array, label_array = images.cpu().numpy(), labels.cpu().numpy()  # uint8: each image made float when styled
    for digit, fraction in fractions.items():
        indices = np.flatnonzero(label_array == digit)
        chosen = rng.choice(indices, size=int(len(indices) * fraction), replace=False)
        for n, i in enumerate(chosen):
            if n % STOP_CHECK == 0 and stopped():
                return None
            styled = add_style(array[i].astype(np.float32) / 255.0, digit, rng)
            if styled is not None:
                out_images.append(styled)
                out_labels.append(digit)
    if not out_images:
        return images[:0], labels[:0]
    stacked = torch.from_numpy(np.round(np.stack(out_images) * 255).astype(np.uint8))
    return stacked.to(images.device), torch.tensor(out_labels, dtype=torch.int64, device=labels.device)
