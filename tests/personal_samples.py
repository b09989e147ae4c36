"""Kept drawings made the way the Draw tab keeps them, for the personal-set tests."""

import numpy as np
from digit_strokes import STYLES, place

from digitpad.core.personal import Sample
from digitpad.core.strokes import drawing_input


def sample(digit: int, style: str, predicted: int | None = None) -> Sample:
    """The digit drawn in `style` on a 320 px pad and kept as `digit`, with the model input the pad made of it."""
    strokes = place(STYLES[digit][style], 60, 30, 240)
    return Sample(strokes, (320, 320), digit, predicted, (drawing_input(strokes, (320, 320)) * 255).astype(np.uint8))
