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


def heat(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Non-negative values as heat colours (..., 3) uint8; `top` (default: the largest value) is brightest."""
    t = np.clip(values / (top or _peak(values)), 0, 1) * (len(HEAT) - 1)
    low = np.minimum(t.astype(np.int64), len(HEAT) - 2)
    frac = (t - low)[..., None]
    return (HEAT[low] * (1 - frac) + HEAT[low + 1] * frac).astype(np.uint8)


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


def grid_shape(count: int) -> tuple[int, int]:
    """(rows, columns) for `count` maps: up to 16 a row, at most about four rows."""
    columns = min(count, max(16, -(-count // 4)))
    return -(-count // max(columns, 1)), columns


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
