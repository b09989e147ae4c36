"""Colour the numbers of a `Reading` as pictures, shared by the Inside tab and `digitpad explain`.

Feature maps use one scale per layer (its strongest activation is the brightest), so a dim map is
one that responds weakly, not one that was stretched to look busy. Signed values (filters, saliency)
use a diverging scale centred on zero: warm for positive, blue for negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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


def _diverging_table() -> np.ndarray:
    t = (np.arange(-LEVELS, LEVELS + 1, dtype=np.float32) / LEVELS)[:, None]
    return (ZERO + (np.where(t >= 0, WARM, COLD) - ZERO) * np.abs(t)).astype(np.uint8)


LEVELS = 255  # steps from zero to full strength on either scale
# Every colour a picture of numbers uses, as a lookup table: the heat scale, then the diverging one.
# Colouring is then one indexing step, and a view may keep the table in its own pixel format.
PALETTE = np.concatenate([_heat_table(LEVELS + 1), _diverging_table()])
DIVERGING_ZERO = LEVELS + 1 + LEVELS  # the palette index of zero on the diverging scale


def heat_levels(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Non-negative values as palette indices on the heat scale; `top` (default: the largest value) is brightest."""
    return np.clip(values * (LEVELS / (top or _peak(values))), 0, LEVELS).astype(np.uint16)


def diverging_levels(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Signed values as palette indices: dark at zero, warm for positive, blue for negative, full at ±top."""
    scaled = np.clip(values * (LEVELS / (top or _peak(values))), -LEVELS, LEVELS)
    return (DIVERGING_ZERO + np.rint(scaled)).astype(np.uint16)


def activation_levels(values: np.ndarray) -> np.ndarray:
    """A layer's activations as palette indices, one scale for the whole layer (diverging if any is negative)."""
    return diverging_levels(values) if values.size and values.min() < 0 else heat_levels(values)


def colors(levels: np.ndarray) -> np.ndarray:
    """Palette indices as RGB (..., 3) uint8."""
    return np.take(PALETTE, levels, axis=0)


def diverging(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Signed values as RGB (..., 3) uint8 on the diverging scale (see `diverging_levels`)."""
    return colors(diverging_levels(values, top))


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
    """Maps (n, h, w, ...) enlarged to `cell` pixels (square pixels) in a grid with `gap`-pixel gutters.

    Any per-pixel value works (RGB triples, packed 32-bit colours); `background` fills the gutters.
    The picture is one gather through a layout computed once per grid geometry.
    """
    n, h, w = maps.shape[:3]
    pixel = maps.shape[3:]
    flat = np.concatenate([maps.reshape(n * h * w, *pixel), np.asarray(background, maps.dtype).reshape(1, *pixel)])
    return flat[_mosaic_sources(n, h, w, cell, gap, columns)]


@lru_cache(maxsize=64)
def _mosaic_sources(count: int, height: int, width: int, cell: int, gap: int, columns: int | None) -> np.ndarray:
    """For each pixel of a grid picture, the map pixel it shows (index into count*h*w; count*h*w: a gutter)."""
    rows, columns = grid_shape(count, columns)
    step = cell + gap
    row, y = np.divmod(np.arange(rows * step - gap), step)
    column, x = np.divmod(np.arange(columns * step - gap), step)
    index = row[:, None] * columns + column[None, :]
    sources = index * (height * width) + (y * height // cell)[:, None] * width + (x * width // cell)[None, :]
    sources[(y[:, None] >= cell) | (x[None, :] >= cell) | (index >= count)] = count * height * width
    sources.setflags(write=False)
    return sources


@dataclass(frozen=True)
class ReadingPictures:
    """A Reading's pictures: feature maps and units as palette indices (see `colors`), the rest as RGB uint8."""

    levels: tuple[np.ndarray | None, ...]  # per layer: (n, h, w) for conv and pool, (units,) for dense, else None
    filters: np.ndarray  # (n, k, k, 3)
    saliency: np.ndarray  # (28, 28, 3): the answer's saliency over the input
    contrast: np.ndarray  # (28, 28, 3): answer rather than the other digit, over the input


def pictures(reading: Reading) -> ReadingPictures:
    levels = tuple(activation_levels(values) if layer.kind in ("conv", "pool", "dense") else None
                   for layer, values in zip(reading.layers, reading.activations))
    return ReadingPictures(levels, filter_colors(reading.filters), saliency_over(reading.model_input, reading.saliency),
                           saliency_over(reading.model_input, reading.contrast))
