"""benchmarks/handwriting_fonts.py draws a font's digits as pen strokes on the pad: the figures it reports rest on that
drawing being a faithful one. Pillow's own typeface (Aileron, a plain sans) stands in for the handwriting fonts, which
are fetched from npm and not kept here."""

import sys
from pathlib import Path

import numpy as np
from PIL import ImageFont

from digitpad.core.pen_digits import PAD
from digitpad.core.strokes import drawing_input

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import handwriting_fonts  # noqa: E402


def test_a_typefaces_digits_drawn_on_the_pad_read_as_themselves(bundled):
    font = ImageFont.load_default(size=handwriting_fonts.GLYPH_SIZE)
    lines = [handwriting_fonts.centre_line(font, str(digit)) for digit in range(10)]
    strokes = handwriting_fonts.as_strokes(lines[8], 0.0, 0.0)
    assert len(strokes) >= len(lines[8]) - 1 and all(len(stroke) == 2 for stroke in strokes)  # one connected line
    height = np.ptp(np.concatenate(strokes)[:, 1])
    assert 0.69 * PAD[1] <= height <= 0.71 * PAD[1]  # placed to fill most of the pad, as a person writes large
    for writer, (slant, degrees) in handwriting_fonts.WRITERS.items():
        images = np.stack([drawing_input(handwriting_fonts.as_strokes(line, slant, degrees), PAD) for line in lines])
        read = bundled.probabilities(images.astype(np.float32)).argmax(1)
        wrong = [(digit, int(got)) for digit, got in enumerate(read) if got != digit]
        # a sans 1 has a flag: slanted right, the bundled model reads it as 7, as it does some fonts' ones
        assert len(wrong) <= (1 if writer == "slanted right" else 0), (writer, wrong)
