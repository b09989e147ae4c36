"""Colour the numbers of a `Reading` as RGB pictures, shared by the Inside tab and `digitpad explain`.

Feature maps use one scale per layer (its strongest activation is the brightest), so a dim map is
one that responds weakly, not one that was stretched to look busy. Signed values (filters, saliency)
use a diverging scale centred on zero: warm for positive, blue for negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .inside import Reading

# A magma-like scale for non-negative activations: black, purple, pink, orange, pale yellow.
HEAT = np.array([(0, 0, 4), (81, 18, 124), (183, 55, 121), (252, 137, 97), (252, 253, 191)], dtype=np.float32)
WARM = np.array((232, 65, 44), dtype=np.float32)  # for: pushes the score up
COLD = np.array((44, 127, 232), dtype=np.float32)  # against: pushes it down
ZERO = np.array((24, 24, 24), dtype=np.float32)


def _peak(values: np.ndarray) -> float:
    peak = float(np.abs(values).max()) if values.size else 0.0
    return peak if peak > 0 else 1.0


def _heat_table(steps: int = 256) -> np.ndarray:
    t = np.linspace(0, len(HEAT) - 1, steps)
    return np.stack([np.interp(t, np.arange(len(HEAT)), HEAT[:, c]) for c in range(3)], axis=1).astype(np.uint8)


HEAT_TABLE = _heat_table()  # a lookup table: colouring a layer is one indexing step


def heat(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Non-negative values as heat colours (..., 3) uint8; `top` (default: the largest value) is brightest."""
    scale = (len(HEAT_TABLE) - 1) / (top or _peak(values))
    return HEAT_TABLE[np.clip(values * scale, 0, len(HEAT_TABLE) - 1).astype(np.uint8)]


def diverging(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Signed values (..., 3) uint8: dark at zero, warm for positive, blue for negative, full at ±top."""
    t = np.clip(values / (top or _peak(values)), -1, 1)[..., None]
    colour = np.where(t >= 0, WARM, COLD)
    return (ZERO + (colour - ZERO) * np.abs(t)).astype(np.uint8)


def activation_colors(values: np.ndarray) -> np.ndarray:
    """A layer's activations coloured on one scale for the whole layer (diverging if any is negative)."""
    return diverging(values) if values.size and values.min() < 0 else heat(values)


def filter_colors(filters: np.ndarray) -> np.ndarray:
    """First-layer filters (n, k, k) on one diverging scale: the pattern each one looks for."""
    return diverging(filters)


def saliency_over(image: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """The input (dimmed gray) tinted warm where ink pushed the score up and blue where it pulled it down."""
    gray = (np.clip(image, 0, 1) * 110 + 20)[..., None] * np.ones(3, dtype=np.float32)
    t = np.clip(saliency / _peak(saliency), -1, 1)[..., None]
    colour = np.where(t >= 0, WARM, COLD)
    strength = np.sqrt(np.abs(t))  # small contributions stay visible next to the strongest one
    return (gray + (colour - gray) * strength).astype(np.uint8)


def grid_shape(count: int, columns: int | None = None) -> tuple[int, int]:
    """(rows, columns) for `count` maps: `columns` a row, or by default up to 16, at most about four rows."""
    columns = min(count, columns or max(16, -(-count // 4)))
    return -(-count // max(columns, 1)), columns


def mosaic(maps: np.ndarray, cell: int, gap: int, background, columns: int | None = None) -> np.ndarray:
    """RGB maps (n, h, w, 3) enlarged to `cell` pixels (square pixels) in a grid with `gap`-pixel gutters."""
    n, h, w, _ = maps.shape
    rows, columns = grid_shape(n, columns)
    # Nearest-neighbour enlargement by repeating rows and columns (far faster than fancy indexing).
    big = np.repeat(maps, np.bincount(np.arange(cell) * h // cell, minlength=h), axis=1)
    big = np.repeat(big, np.bincount(np.arange(cell) * w // cell, minlength=w), axis=2)
    step = cell + gap
    tiles = np.empty((rows * columns, step, step, 3), dtype=np.uint8)
    tiles[:] = background
    tiles[:n, :cell, :cell] = big
    picture = tiles.reshape(rows, columns, step, step, 3).transpose(0, 2, 1, 3, 4).reshape(rows * step, columns * step, 3)
    return np.ascontiguousarray(picture[: rows * step - gap, : columns * step - gap])


@dataclass(frozen=True)
class ReadingPictures:
    """A Reading's pictures as RGB uint8 arrays."""

    maps: tuple[np.ndarray | None, ...]  # per layer: (n, h, w, 3) for conv and pool, (units, 3) for dense, else None
    filters: np.ndarray  # (n, k, k, 3)
    saliency: np.ndarray  # (28, 28, 3): the answer's saliency over the input
    contrast: np.ndarray  # (28, 28, 3): answer rather than the other digit, over the input


def pictures(reading: Reading) -> ReadingPictures:
    maps = tuple(activation_colors(values) if layer.kind in ("conv", "pool", "dense") else None
                 for layer, values in zip(reading.layers, reading.activations))
    return ReadingPictures(maps, filter_colors(reading.filters), saliency_over(reading.model_input, reading.saliency),
                           saliency_over(reading.model_input, reading.contrast))
