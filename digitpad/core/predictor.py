"""Read digits from images with a checkpointed model: the API behind the GUI, the CLI and scripts."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np
import torch

from .checkpoint import Checkpoint
from .device import resolve_device
from .images import load_image
from .paths import bundled_model_path
from .preprocess import Ink, to_mnist


@dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probabilities: tuple[float, ...]
    model_input: np.ndarray  # the 28x28 float image the model saw, white ink on black


class Predictor:
    """A loaded model on a device. `predict` is safe to call from any thread."""

    def __init__(self, checkpoint: Checkpoint, device: str = "auto", path: str | os.PathLike | None = None):
        self.checkpoint = checkpoint
        self.path = path
        self.device, self.device_note = resolve_device(device)
        self.model = checkpoint.build_model().to(self.device)
        self.normalization = checkpoint.normalization
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, device: str = "auto") -> Predictor:
        """Load a checkpoint (the bundled model when path is None); raises CheckpointError on a bad file."""
        path = path or bundled_model_path()
        return cls(Checkpoint.load(path), device=device, path=path)

    @property
    def name(self) -> str:
        return self.checkpoint.display_name

    @property
    def accuracy(self) -> float | None:
        return self.checkpoint.accuracy

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        """Class probabilities (N, 10) for preprocessed inputs (N, 28, 28) in [0, 1]."""
        x = self.normalization.apply(torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32)))
        with self._lock, torch.inference_mode():
            logits = self.model(x.to(self.device))
        return torch.softmax(logits.float(), dim=1).cpu().numpy()

    def predict(self, image, ink: Ink = "auto"):
        """A Prediction for one image (None when blank); for a list or an (N, H, W) array, a list of them.

        An image is a file path, a PIL image or a 2-D array; a bad file raises ImageError.
        """
        if isinstance(image, (list, tuple)) or (isinstance(image, np.ndarray) and image.ndim == 3
                                                 and image.shape[-1] not in (3, 4)):
            return self._predict_many(list(image), ink)
        return self._predict_many([image], ink)[0]

    def _predict_many(self, images: list, ink: Ink) -> list[Prediction | None]:
        inputs = [to_mnist(load_image(image) if isinstance(image, (str, os.PathLike)) else image, ink)
                  for image in images]
        present = [i for i, x in enumerate(inputs) if x is not None]
        results: list[Prediction | None] = [None] * len(images)
        if not present:
            return results
        probabilities = self.probabilities(np.stack([inputs[i] for i in present]))
        for i, p in zip(present, probabilities):
            digit = int(p.argmax())
            results[i] = Prediction(digit, float(p[digit]), tuple(float(v) for v in p), inputs[i])
        return results

    def read_number(self, image, ink: Ink = "auto"):
        """A NumberReading of every digit in one row of writing in an image (a file path, a PIL image or an
        array); a bad file raises ImageError."""
        from .image_marks import ImageMarks
        from .number_reading import read_marks

        image = load_image(image) if isinstance(image, (str, os.PathLike)) else image
        return read_marks(ImageMarks(image, ink), self.probabilities)

    def read_number_strokes(self, strokes, size: tuple[int, int]):
        """A NumberReading of the digits written on a pad: strokes are lists of (x, y) pad pixels, size its
        (width, height). Each digit keeps its own strokes (`.strokes`), e.g. to keep it as a personal sample."""
        from .number_reading import read_marks
        from .stroke_marks import StrokeMarks

        marks = StrokeMarks(strokes, size)
        return read_marks(marks, self.probabilities, marks.digit_strokes)
