"""The ink of an image as the marks of a number (core.number_reading): its connected blobs of ink.

The paper is taken from the image's border (core.preprocess.ink_on_black), the ink is what stands
clearly above it, and each 8-connected blob is one mark. A piece of marks is shown to the model as
its own ink (the blobs' pixels with a 1 px fringe for the anti-aliased edge) through `to_mnist`.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .number_reading import Box, Piece
from .preprocess import Ink, ink_on_black, to_float_gray, to_mnist

INK_LEVEL = 0.25  # share of the strongest ink above which a pixel is ink


class ImageMarks:
    def __init__(self, image, ink: Ink = "auto"):
        gray = ink_on_black(to_float_gray(image), ink)
        peak = float(gray.max()) if gray.size else 0.0
        self.gray = gray / peak if peak > 0 else gray
        self.labels, count = ndimage.label(self.gray > INK_LEVEL, structure=np.ones((3, 3)))
        self.slices = ndimage.find_objects(self.labels) if count else []
        self.boxes: list[Box] = [(s[1].start, s[0].start, s[1].stop, s[0].stop) for s in self.slices]

    def _mask(self, piece: Piece) -> tuple[np.ndarray, int, int]:
        """The piece's ink mask within the marks' box, and that box's left and top."""
        left = min(self.boxes[i][0] for i in piece.marks)
        top = min(self.boxes[i][1] for i in piece.marks)
        right = max(self.boxes[i][2] for i in piece.marks)
        bottom = max(self.boxes[i][3] for i in piece.marks)
        mask = np.isin(self.labels[top:bottom, left:right], np.asarray(piece.marks) + 1)
        if piece.columns is not None:
            columns = np.arange(left, right) + 0.5
            mask &= ((columns >= piece.columns[0]) & (columns < piece.columns[1]))[None, :]
        return mask, left, top

    def piece_box(self, piece: Piece) -> Box | None:
        mask, left, top = self._mask(piece)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if not len(rows):
            return None
        return left + int(cols[0]), top + int(rows[0]), left + int(cols[-1]) + 1, top + int(rows[-1]) + 1

    def model_input(self, piece: Piece) -> np.ndarray | None:
        mask, left, top = self._mask(piece)
        fringe = ndimage.binary_dilation(mask, iterations=1)
        if piece.columns is not None:  # the fringe must not reach back over the cut
            columns = np.arange(left, left + mask.shape[1]) + 0.5
            fringe &= ((columns >= piece.columns[0]) & (columns < piece.columns[1]))[None, :]
        ink = self.gray[top: top + mask.shape[0], left: left + mask.shape[1]] * fringe
        return to_mnist(ink, ink="light")

    def column_ink(self, marks: tuple[int, ...], left: int, right: int) -> np.ndarray:
        mask, mask_left, _ = self._mask(Piece(marks))
        return mask[:, left - mask_left: right - mask_left].sum(axis=0, dtype=np.float64)
