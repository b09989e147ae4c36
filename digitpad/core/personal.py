"""The person's own digits: what they drew, what the model read, and what it really was.

Each sample keeps the strokes as drawn (so they can be rendered again at other pen widths and
sizes), the 28x28 model input, the true label and the model's reading at the time. The set is
one file in the user data folder, read with `torch.load(weights_only=True)` (every value's type
and range checked, so a hostile set never reaches fine-tuning) and written atomically; `edit`
changes it under a lock shared by the app and the CLI. Importing a foreign or broken file changes
nothing.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from filelock import FileLock, Timeout

from .atomic_file import torch_save_atomically
from .errors import UserError
from .paths import user_data_dir
from .torch_file import read_torch_zip

FORMAT = "digitpad-personal"
FORMAT_VERSION = 1


SAMPLE_KEYS = ("strokes", "size", "label", "predicted", "model_input", "created")
MAX_PAD = 4096  # the largest pad side a sample may claim (fine-tuning renders at this size)
MAX_COORDINATE = 100_000.0  # stroke points may leave the pad, but not by more than this
MAX_POINTS = 100_000  # points in one drawing
LOCK_WAIT_S = 30.0


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_digit(value) -> bool:
    return _is_int(value) and 0 <= value <= 9


def _checked_strokes(raw, where: str) -> list[list[tuple[float, float]]]:
    if not isinstance(raw, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in raw):
        raise PersonalSetError(f"{where}: its strokes are not a list of lists of points")
    if sum(len(s) for s in raw) > MAX_POINTS:
        raise PersonalSetError(f"{where}: more than {MAX_POINTS:,} stroke points")
    if not all(isinstance(p, (list, tuple)) and len(p) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and abs(v) <= MAX_COORDINATE for v in p) for s in raw for p in s):
        raise PersonalSetError(f"{where}: stroke points must be pairs of finite numbers within "
                               f"±{MAX_COORDINATE:,.0f}")
    return [[(float(x), float(y)) for x, y in stroke] for stroke in raw]


class PersonalSetError(UserError):
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
        """A sample from a loaded dict, every value's type and range checked (the file may come from anywhere)."""
        if not isinstance(raw, dict) or not all(k in raw for k in SAMPLE_KEYS):
            raise PersonalSetError(f"{where}: not a sample (it needs {', '.join(SAMPLE_KEYS)})")
        label, predicted, size, model_input, created = (raw[k] for k in ("label", "predicted", "size",
                                                                         "model_input", "created"))
        if not (_is_digit(label) and (predicted is None or _is_digit(predicted))):
            raise PersonalSetError(f"{where}: label and reading must be digits 0-9")
        if not (isinstance(size, (list, tuple)) and len(size) == 2
                and all(_is_int(v) and 1 <= v <= MAX_PAD for v in size)):
            raise PersonalSetError(f"{where}: the pad size must be two whole numbers from 1 to {MAX_PAD}")
        strokes = _checked_strokes(raw["strokes"], where)
        if not (isinstance(model_input, torch.Tensor) and model_input.layout == torch.strided
                and model_input.dtype == torch.uint8 and model_input.shape == (28, 28)
                and model_input.untyped_storage().nbytes() >= 28 * 28 and model_input.is_contiguous()):
            raise PersonalSetError(f"{where}: the model input must be a 28x28 uint8 image")
        if not isinstance(created, str):
            raise PersonalSetError(f"{where}: its creation time is not text")
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
        raw = read_torch_zip(path, "a digitpad personal set", PersonalSetError)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("samples"), list):
            raise PersonalSetError(f"{path}: not a digitpad personal set")
        version = raw.get("format_version", FORMAT_VERSION)
        if not _is_int(version) or version < 1:
            raise PersonalSetError(f"{path}: its format_version {version!r} is not a positive whole number")
        if version > FORMAT_VERSION:
            raise PersonalSetError(f"{path}: written by a newer digitpad (format {version}); upgrade to read it")
        return cls([Sample.from_dict(s, f"{path}, sample {i + 1}") for i, s in enumerate(raw["samples"])])


def edit(path: str | os.PathLike | None, change: Callable[[PersonalSet], object]) -> tuple[object, PersonalSet]:
    """Read the set at `path` (empty when missing), apply `change`, write it back, all under a lock shared by
    every digitpad process (the app and the CLI), so two changes at once both land. Returns what `change`
    returned and the set as written. An unreadable set raises before anything is written."""
    path = Path(path or default_path())
    lock = FileLock(path.with_name(f".{path.name}.lock"), timeout=LOCK_WAIT_S)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with lock:
            personal = PersonalSet.load(path, missing_ok=True)
            result = change(personal)
            personal.save(path)
    except Timeout:
        raise PersonalSetError(f"{path}: another digitpad kept it busy for {LOCK_WAIT_S:.0f} s; "
                               "nothing was changed, try again") from None
    except OSError as e:
        raise PersonalSetError(f"could not change your digits in {path}: {e.strerror or e}; "
                               "the previous file is untouched") from None
    return result, personal
