"""Read digits from images with a checkpointed model: the API behind the GUI, the CLI and scripts."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch

from .checkpoint import Checkpoint
from .device import resolve_device
from .digital_drawing import read_drawn
from .images import opened
from .models import for_inference
from .onnx_reader import onnx_reader
from .paths import bundled_model_path, is_bundled_model
from .preprocess import Ink, shown_view, view_count
from .quantized import int8_reader
from .stroke_marks import StrokeMarks, StrokeMemo
from .strokes import NUMBER_DOT_FRACTION, Stroke, drawing_input, is_mark, stroke_points


@dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probabilities: tuple[float, ...]
    model_input: np.ndarray  # the 28x28 float image the model saw, white ink on black
    views: int = 1  # inputs whose answers were averaged, model_input the first (2 for a photo: core.ink.mark_views)


@dataclass(frozen=True)
class Reading:
    """What one image holds: the digit read from its largest mark, or no digit found (never a guess)."""

    prediction: Prediction | None  # None: no digit found
    box: tuple[int, int, int, int] | None  # (x, y, width, height) of the ink read, in the image's own pixels
    marks: int  # separate ink marks found (a number has several; the largest is read)
    size: tuple[int, int]  # the image's (width, height)
    several: bool = False  # the ink read looks like several digits (touching, or lines stacked): several_digits

    @property
    def found(self) -> bool:
        return self.prediction is not None


class Predictor:
    """A loaded model on a device. `predict` is safe to call from any thread."""

    def __init__(self, checkpoint: Checkpoint, device: str = "auto", path: str | os.PathLike | None = None):
        self.checkpoint = checkpoint
        self.path = path
        self.device, self.device_note = resolve_device(device)
        self.model = checkpoint.build_model().to(self.device)
        self.normalization = checkpoint.normalization
        # What `probabilities` runs: BatchNorm folded in and, on the CPU, ONNX Runtime (core.onnx_reader: the same
        # float model, 2.5x faster for one drawing) or, without it, an int8 copy when one can be made (core.quantized:
        # twice as fast as torch's float model, answers differ a little); CUDA keeps the float model.
        self._float_reader = for_inference(self.model)
        self._onnx = onnx_reader(self._float_reader, self.normalization) if self.device.type == "cpu" else None
        quantized = (int8_reader(self._float_reader, self.normalization)
                     if self.device.type == "cpu" and self._onnx is None else None)
        self._reader = quantized or self._float_reader
        self._lock = threading.Lock()
        self._stroke_memo = StrokeMemo()  # what the last pad reads rendered and read: a live read redoes one digit

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, device: str = "auto") -> Predictor:
        """Load a checkpoint (the bundled model when path is None); raises CheckpointError on a bad file."""
        path = path or bundled_model_path()
        return cls(Checkpoint.load(path), device=device, path=path)

    @property
    def name(self) -> str:
        """The name saved in the checkpoint (its architecture when it has none)."""
        return self.checkpoint.display_name

    def shown_name(self, detail: bool = False) -> str:
        """The model as the person knows it: the file they loaded ("mine.pt"), "the bundled model", or the name of
        one never saved. Two files trained alike carry the same name inside; `detail` adds it where it says more
        than the file's name ("copy.pt (mine)")."""
        if self.path is None:
            return self.name
        if is_bundled_model(self.path):
            return "the bundled model"
        file = Path(self.path)
        return f"{file.name} ({self.name})" if detail and self.name != file.stem else file.name

    @property
    def int8(self) -> bool:
        """Whether single drawings are read by the int8 copy (core.quantized) rather than the float model."""
        return self._reader is not self._float_reader

    @property
    def engine(self) -> str:
        """What reads: "onnxruntime" (core.onnx_reader), "torch int8" (core.quantized) or "torch"."""
        return "onnxruntime" if self._onnx is not None else "torch int8" if self.int8 else "torch"

    @property
    def accuracy(self) -> float | None:
        return self.checkpoint.accuracy

    @property
    def accuracy_note(self) -> str | None:
        return self.checkpoint.accuracy_note

    def probabilities(self, inputs: np.ndarray, int8: bool = True) -> np.ndarray:
        """Class probabilities (N, 10) for preprocessed inputs (N, 28, 28) in [0, 1], or their average over each
        input's views for (N, V, 28, 28) (a photographed digit's, core.ink.mark_views).

        `int8=False` reads with the float model where there is an int8 copy: a number's reading weighs
        confidences against each other, and the copy's differences of a few hundredths can flip a cut.
        ONNX Runtime, where it reads, is the float model.
        """
        if inputs.ndim == 4:
            return self.probabilities(inputs.reshape(-1, 28, 28), int8).reshape(*inputs.shape[:2], -1).mean(axis=1)
        if self._onnx is not None:
            with self._lock:
                return self._onnx.probabilities(inputs)
        x = torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32))
        with self._lock, torch.inference_mode():
            logits = (self._reader if int8 else self._float_reader)(self.normalization.apply(x.to(self.device)))
        return torch.softmax(logits.float(), dim=1).cpu().numpy()

    def read_rows(self, images: np.ndarray, batch: int = 1000) -> np.ndarray:
        """Class probabilities (N, 10) for MNIST-format images (N, 28, 28) uint8, white ink on black, centred as
        MNIST's are (a digit CSV's rows): read as they are, a batch at a time, so memory stays small."""
        return np.concatenate([self.probabilities(images[start:start + batch].astype(np.float32) / 255)
                               for start in range(0, len(images), batch)] or [np.zeros((0, 10), np.float32)])

    def classify(self, inputs: list[np.ndarray | None]) -> list[Prediction | None]:
        """Predictions for ready 28x28 model inputs, or (V, 28, 28) views of each (the first is shown); None stays
        None (nothing to read)."""
        present = [i for i, x in enumerate(inputs) if x is not None]
        results: list[Prediction | None] = [None] * len(inputs)
        if not present:
            return results
        probabilities = self.probabilities(np.stack([inputs[i] for i in present]))
        for i, p in zip(present, probabilities):
            digit = int(p.argmax())
            results[i] = Prediction(digit, float(p[digit]), tuple(float(v) for v in p), shown_view(inputs[i]),
                                    view_count(inputs[i]))
        return results

    def predict_drawings(self, drawings: list[tuple[list[Stroke], tuple[int, int]]]) -> list[Prediction | None]:
        """The pad's path: each (strokes, pad size) rendered with the MNIST-like pen, never the photo path. None where
        there is no digit: an empty pad, or a lone dot or dash (strokes.is_mark), which the model alone reads as a
        digit with misplaced confidence. (`classify([drawing_input(...)])` is the model alone.)"""
        return self.classify([None if is_mark(strokes, size) else drawing_input(strokes, size)
                              for strokes, size in drawings])

    def read(self, image, ink: Ink = "auto"):
        """A Reading of one image (a file path, a PIL image or an array); for a list, a list of them.

        An image drawn on a computer is read whole, as the pad reads a drawing (core.digital_drawing); a photo by
        its largest mark (core.ink). A bad file raises ImageError naming it; an image without ink reads as "no digit
        found".
        """
        if isinstance(image, (list, tuple)) or _is_stack(image):
            return self._read_many(list(image), ink)
        return self._read_many([image], ink)[0]

    def predict(self, image, ink: Ink = "auto"):
        """The Prediction for one image (None when no digit is found); for a list or an (N, H, W) array, a list."""
        readings = self.read(image, ink)
        if isinstance(readings, list):
            return [r.prediction for r in readings]
        return readings.prediction

    def _read_many(self, images: list, ink: Ink) -> list[Reading]:
        from .ink import find_ink, largest_mark_views  # scipy's: 0.3 s the Draw tab's start need not wait for
        from .several_digits import bundled_gate, looks_like_several

        pictures = [opened(image) for image in images]
        drawn = [read_drawn(picture, ink) for picture in pictures]  # drawn on a computer: all the ink is the digit
        found = [find_ink(picture, ink) for picture, d in zip(pictures, drawn) if d is None]  # photos
        # Apart: a drawing is read in one view, a photo in two (core.ink.mark_views), which do not stack together
        read_drawings = iter(self.classify([d.model_input for d in drawn if d is not None]))
        read_photos = iter(self.classify([largest_mark_views(f) for f in found]))
        photos = iter(found)
        gate = bundled_gate()
        readings = []
        for d in drawn:
            if d is not None:
                prediction = next(read_drawings)
                readings.append(Reading(prediction, d.box, int(prediction is not None), d.size))
                continue
            f, prediction = next(photos), next(read_photos)
            readings.append(Reading(prediction, f.marks[0].box if f.found else None, len(f.marks), f.size,
                                    prediction is not None and looks_like_several(f, f.marks[0],
                                                                                  prediction.model_input, gate)))
        return readings

    def read_number(self, image, ink: Ink = "auto", gate: bool = True, seams: bool = True):
        """A NumberReading of every digit in one row of writing in an image (a file path, a PIL image or an
        array); a bad file raises ImageError. `gate=False` reads without the several-digits gate
        (core.several_digits), `seams=False` cuts touching digits at straight columns only, as before each
        existed: the baselines they are measured against."""
        from .image_marks import PHOTO_PRIOR, ImageMarks
        from .ink import find_ink
        from .number_reading import read_marks
        from .several_digits import bundled_gate

        marks = ImageMarks(find_ink(opened(image), ink))
        several = bundled_gate() if gate else None
        prior = PHOTO_PRIOR if seams else replace(PHOTO_PRIOR, seam_reach=0.0)
        return read_marks(marks, partial(self.probabilities, int8=False), scale=marks.scale, prior=prior,
                          several=several.not_one_digit if several else None)

    def read_number_strokes(self, strokes, size: tuple[int, int]):
        """A NumberReading of the digits written on a pad: strokes are lists of (x, y) pad pixels, size its
        (width, height). Each digit keeps its own strokes (`.strokes`), e.g. to keep it as a personal sample.
        A digit that is a lone dot or dash (strokes.is_mark, as on the single-digit pad, with a smaller dot: digits
        may be written small on the wide pad) is left out: a tap or a dash on an empty pad is no number, and the
        model would read it as a digit with misplaced confidence. `.newest` is the digit the last stroke is in."""
        from .number_reading import digit_holding, read_marks

        strokes = list(strokes)
        marks = StrokeMarks(strokes, size, self._stroke_memo)
        reading = read_marks(marks, self._stroke_memo.probabilities(partial(self.probabilities, int8=False)),
                             marks.digit_strokes)
        reading = reading.keeping([i for i, d in enumerate(reading.digits)
                                   if not is_mark(d.strokes, size, NUMBER_DOT_FRACTION)])
        last = next((points for points in map(stroke_points, reversed(strokes)) if len(points)), None)
        return replace(reading, newest=digit_holding(reading.digits, last) if last is not None else None)


def _is_stack(image) -> bool:
    """An (N, H, W) or (N, H, W, C) array of images, not one image with channels: (H, W, 1) grey, (H, W, 2)
    grey and alpha, RGB, RGBA."""
    return isinstance(image, np.ndarray) and (image.ndim == 4 or (image.ndim == 3 and image.shape[-1] > 4))
