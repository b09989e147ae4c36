"""The person's own digits: what they drew, what the model read, and what it really was.

Each sample keeps the strokes as drawn (so they can be rendered again at other pen widths and
sizes), the 28x28 model input, the true label and the model's reading at the time. The set is
one file in the user data folder, read with `torch.load(weights_only=True)` and written
atomically; importing a foreign or broken file changes nothing.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .atomic_file import torch_save_atomically
from .paths import user_data_dir

FORMAT = "digitpad-personal"
FORMAT_VERSION = 1


class PersonalSetError(Exception):
    """A personal set cannot be read or written; the message names the file and the problem."""


def default_path() -> Path:
    return user_data_dir() / "personal.pt"


@dataclass
class Sample:
    strokes: list[list[tuple[float, float]]]
    size: tuple[int, int]  # the pad's (width, height) the strokes were drawn on
    label: int
    predicted: int | None
    model_input: np.ndarray  # 28x28 uint8, white ink on black
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).isoformat())

    def key(self) -> tuple:
        """What makes two samples the same drawing (for merging imports)."""
        return self.label, self.created, tuple(tuple(point) for stroke in self.strokes for point in stroke)

    def to_dict(self) -> dict:
        return {"strokes": [[list(p) for p in s] for s in self.strokes], "size": list(self.size),
                "label": self.label, "predicted": self.predicted, "created": self.created,
                "model_input": torch.from_numpy(np.ascontiguousarray(self.model_input, dtype=np.uint8))}

    @classmethod
    def from_dict(cls, raw, where: str) -> Sample:
        try:
            label, predicted, size = raw["label"], raw["predicted"], raw["size"]
            strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in raw["strokes"]]
            model_input = raw["model_input"]
            created = str(raw["created"])
        except (KeyError, TypeError, ValueError) as e:
            raise PersonalSetError(f"{where}: malformed sample ({type(e).__name__}: {e})") from None
        if not (isinstance(label, int) and 0 <= label <= 9) or not (
                predicted is None or (isinstance(predicted, int) and 0 <= predicted <= 9)):
            raise PersonalSetError(f"{where}: label and reading must be digits 0-9")
        if not all(math.isfinite(v) for stroke in strokes for point in stroke for v in point):
            raise PersonalSetError(f"{where}: stroke points must be finite numbers")
        if not (isinstance(model_input, torch.Tensor) and model_input.shape == (28, 28)
                and model_input.dtype == torch.uint8):
            raise PersonalSetError(f"{where}: the model input must be a 28x28 uint8 image")
        if not (len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size)):
            raise PersonalSetError(f"{where}: the pad size must be two positive whole numbers")
        return cls(strokes, (size[0], size[1]), label, predicted, model_input.numpy().copy(), created)


@dataclass
class PersonalSet:
    samples: list[Sample] = field(default_factory=list)

    def counts(self) -> list[int]:
        """How many samples of each digit 0-9."""
        return np.bincount([s.label for s in self.samples], minlength=10).tolist()

    def merge(self, other: PersonalSet) -> int:
        """Add the samples of `other` not already here; returns how many were added."""
        known = {s.key() for s in self.samples}
        added = [s for s in other.samples if s.key() not in known]
        self.samples.extend(added)
        return len(added)

    def save(self, path: str | os.PathLike | None = None) -> Path:
        path = Path(path or default_path())
        try:
            return torch_save_atomically({"format": FORMAT, "format_version": FORMAT_VERSION,
                                          "samples": [s.to_dict() for s in self.samples]}, path)
        except OSError as e:
            raise PersonalSetError(f"could not save your digits to {path}: {e.strerror or e}; "
                                   "the previous file is untouched") from None

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, missing_ok: bool = False) -> PersonalSet:
        """Read a set; with missing_ok an absent file is an empty set (a person who has kept nothing yet)."""
        path = Path(path or default_path())
        if missing_ok and not path.exists():
            return cls()
        try:
            raw = torch.load(path, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise PersonalSetError(f"{path}: no such file") from None
        except Exception:  # foreign bytes make the unpickler fail in many ways; a pickle with code is refused
            raise PersonalSetError(f"{path}: not a digitpad personal set (unreadable, or holding objects other "
                                   "than plain data, which are never loaded)") from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("samples"), list):
            raise PersonalSetError(f"{path}: not a digitpad personal set")
        if raw.get("format_version", 0) > FORMAT_VERSION:
            raise PersonalSetError(f"{path}: written by a newer digitpad; upgrade to read it")
        return cls([Sample.from_dict(s, f"{path}, sample {i + 1}") for i, s in enumerate(raw["samples"])])
