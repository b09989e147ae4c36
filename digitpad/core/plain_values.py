"""Checks of the plain values read from files anyone may have written (checkpoints, personal sets, run records), where
True is no number: `isinstance(True, int)` holds."""

from __future__ import annotations

import math


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_real(value) -> bool:
    """A finite int or float."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
