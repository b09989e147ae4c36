"""The person's own digits: what they drew, what the model read, and what it really was.

Each sample keeps the strokes as drawn (so they can be rendered again at other pen widths and
sizes), the 28x28 model input, the true label and the model's reading at the time. The set is
one numpy .npz file in the user data folder (plain arrays, read with allow_pickle=False, so the
app reads it before torch loads), every value's type and range checked, so a hostile set never
reaches fine-tuning, and written atomically; `edit` changes it under a lock shared by the app and
the CLI. Importing a foreign or broken file changes nothing. Sets of the first format (a torch
file, personal.pt) still open, through `torch.load(weights_only=True)`, and are written back in
the new one, beside the old file, at their first change (`edit`).
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .atomic_file import write_atomically
from .errors import UserError
from .number_reading import is_unsure
from .paths import user_data_dir
from .plain_values import is_int, is_real
from .preprocess import to_uint8
from .stored_zip import read_stored_zip
from .strokes import in_heights

FORMAT = "digitpad-personal"
FORMAT_VERSION = 2  # 1: a torch.save'd dict of samples; 2: numpy arrays in an .npz
ARRAYS = {  # name -> (dtype kind, dimensions): version 2's arrays; n samples, s strokes, p points
    "format": ("U", 0), "format_version": ("i", 0),
    "labels": ("i", 1), "predicted": ("i", 1),  # (n,), predicted -1 when the model read nothing
    "sizes": ("i", 2), "model_inputs": ("u", 3), "created": ("U", 1),  # (n, 2), (n, 28, 28) uint8, (n,)
    "strokes": ("i", 1), "points": ("i", 1), "xy": ("f", 2),  # strokes per sample (n,), points per stroke (s,), (p, 2)
}
MIN_SAMPLES = 2  # one to learn from and one more, held out to check the result when its digit is kept twice


SAMPLE_KEYS = ("strokes", "size", "label", "predicted", "model_input", "created")
MAX_PAD = 4096  # the largest pad side a sample may claim (fine-tuning renders at this size)
MAX_COORDINATE = 100_000.0  # stroke points may leave the pad, but not by more than this
MAX_POINTS = 100_000  # points in one drawing
MAX_CREATED = 64  # characters in a creation time (ISO times take 32): the file stores every one at the longest's width
LOCK_WAIT_S = 30.0


def _is_digit(value) -> bool:
    return is_int(value) and 0 <= value <= 9


def _checked_strokes(raw, where: str) -> list[list[tuple[float, float]]]:
    if not isinstance(raw, (list, tuple)) or not all(isinstance(s, (list, tuple)) for s in raw):
        raise PersonalSetError(f"{where}: its strokes are not a list of lists of points")
    if sum(len(s) for s in raw) > MAX_POINTS:
        raise PersonalSetError(f"{where}: more than {MAX_POINTS:,} stroke points")
    if not all(isinstance(p, (list, tuple)) and len(p) == 2 and all(
            is_real(v) and abs(v) <= MAX_COORDINATE for v in p) for s in raw for p in s):
        raise PersonalSetError(f"{where}: stroke points must be pairs of finite numbers within "
                               f"±{MAX_COORDINATE:,.0f}")
    return [[(float(x), float(y)) for x, y in stroke] for stroke in raw]


class PersonalSetError(UserError):
    """A personal set cannot be read or written; the message names the file and the problem."""


def default_path() -> Path:
    return user_data_dir() / "personal.npz"


def _home(path: str | os.PathLike | None) -> Path:
    """Where the set named `path` is written: a first-format name (mine.pt) means the .npz beside it (mine.npz)."""
    path = Path(path or default_path())
    return path.with_suffix(".npz") if path.suffix == ".pt" else path


def export_path(path: str | os.PathLike) -> Path:
    """Where an export named `path` goes: a name ending .npz, as its content is (mine.pt, mine: mine.npz)."""
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_suffix(".npz") if path.suffix == ".pt" else \
        path.with_name(path.name + ".npz")


def _first_format_file(path: str | os.PathLike | None) -> Path | None:
    """The set's first-format file, read while its .npz does not exist: personal.pt for the default set, or the
    .pt named."""
    path = Path(path or default_path())
    return path.with_suffix(".pt") if path == default_path() else path if path.suffix == ".pt" else None


def stored_at(path: str | os.PathLike | None = None) -> Path:
    """The file that holds the set named `path` (None: the person's own) now: its .npz, or its first-format .pt
    until the first change writes the .npz."""
    home, old = _home(path), _first_format_file(path)
    return old if old is not None and not home.exists() and old.exists() else home


@dataclass
class Sample:
    strokes: list[list[tuple[float, float]]]
    size: tuple[int, int]  # the pad's (width, height) the strokes were drawn on
    label: int
    predicted: int | None
    model_input: np.ndarray  # 28x28 uint8, white ink on black
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).isoformat())
    unsure: bool = False  # the reading was shown as "?" (`predicted` is then the likeliest digit)

    @classmethod
    def of_reading(cls, strokes: list[list[tuple[float, float]]], size: tuple[int, int], label: int,
                   prediction, read: int | None = None, unsure: bool | None = None) -> Sample:
        """A drawing kept with its true `label`, the model input `prediction` (a core.predictor Prediction) was
        read from, and the reading: `read`, else the prediction's digit, shown as "?" when `unsure` (else when the
        prediction is)."""
        return cls(strokes, size, label, prediction.digit if read is None else read,
                   to_uint8(prediction.model_input),
                   unsure=is_unsure(prediction.probabilities) if unsure is None else unsure)

    def key(self) -> tuple:
        """What makes two samples the same sample: label, time kept and points (for merging imports)."""
        return self.label, self.created, self.points()

    def points(self) -> tuple:
        """Every point drawn, in order."""
        return tuple(tuple(point) for stroke in self.strokes for point in stroke)

    def drawing(self) -> tuple:
        """Every point drawn, in shares of the pad's height to a millionth: the same for a drawing kept, brought
        back with Undo and kept again, though the pad was resized in between (its points scaled with it)."""
        return in_heights(self.strokes, self.size[1], 6)

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
                and all(is_int(v) and 1 <= v <= MAX_PAD for v in size)):
            raise PersonalSetError(f"{where}: the pad size must be two whole numbers from 1 to {MAX_PAD}")
        strokes = _checked_strokes(raw["strokes"], where)
        if not (isinstance(model_input, np.ndarray) and model_input.dtype == np.uint8
                and model_input.shape == (28, 28)):
            raise PersonalSetError(f"{where}: the model input must be a 28x28 uint8 image")
        if not (isinstance(created, str) and len(created) <= MAX_CREATED and created.isprintable()):
            raise PersonalSetError(f"{where}: its creation time must be text of at most {MAX_CREATED} printable "
                                   "characters")
        unsure = raw.get("unsure", False)
        if not isinstance(unsure, bool):
            raise PersonalSetError(f"{where}: whether its reading was shown as \"?\" must be true or false")
        return cls(strokes, (size[0], size[1]), label, predicted, model_input.copy(), created, unsure)


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

    def fine_tuning_problems(self) -> list[str]:
        """Why this set cannot be fine-tuned on, as sentences (empty when it can)."""
        n = len(self.samples)
        if n == 0:
            return ["you have kept no digits yet: draw on the Draw tab and answer \"Was it right?\""]
        if n < MIN_SAMPLES:
            return [f"you have kept {n} digit; fine-tuning needs at least {MIN_SAMPLES} (a digit kept twice or "
                    "more can also be held out, to check the result)"]
        return []

    def arrays(self) -> dict[str, np.ndarray]:
        """The set as the plain arrays of its file (format version 2)."""
        strokes = [stroke for s in self.samples for stroke in s.strokes]
        return {
            "format": np.array(FORMAT), "format_version": np.array(FORMAT_VERSION),
            "labels": np.array([s.label for s in self.samples], np.int64),
            "predicted": np.array([-1 if s.predicted is None else s.predicted for s in self.samples], np.int64),
            "sizes": np.array([s.size for s in self.samples], np.int64).reshape(-1, 2),
            "model_inputs": np.array([s.model_input for s in self.samples], np.uint8).reshape(-1, 28, 28),
            "created": np.array([s.created for s in self.samples], str),
            "strokes": np.array([len(s.strokes) for s in self.samples], np.int64),
            "points": np.array([len(stroke) for stroke in strokes], np.int64),
            "xy": np.array([point for stroke in strokes for point in stroke], np.float64).reshape(-1, 2),
            "unsure": np.array([s.unsure for s in self.samples], bool),  # (n,), since Round 28: optional, see below
        }

    def save(self, path: str | os.PathLike | None = None) -> Path:
        path = Path(path or default_path())
        buffer = io.BytesIO()
        np.savez(buffer, **self.arrays())
        try:
            return write_atomically(path, buffer.getbuffer())
        except OSError as e:
            kept = "; the previous file is untouched" if path.exists() else ""
            raise PersonalSetError(f"Could not save your digits to {path}: {e.strerror or e}{kept}") from None

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, missing_ok: bool = False) -> PersonalSet:
        """Read a set; with missing_ok an absent file is an empty set (a person who has kept nothing yet)."""
        path = stored_at(path) if path is None or Path(path) == default_path() else Path(path)
        if missing_ok and not path.exists():
            return cls()
        raw = read_stored_zip(path, "a digitpad personal set", PersonalSetError,
                              lambda f, entries: _read_zip(f, entries, path))
        if isinstance(raw, dict) and "state_dict" in raw:
            raise PersonalSetError(f"{path}: not a digitpad personal set (it is a model checkpoint)")
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("samples"), list):
            raise PersonalSetError(f"{path}: not a digitpad personal set")
        version = raw.get("format_version", FORMAT_VERSION)
        if not is_int(version) or version < 1:
            raise PersonalSetError(f"{path}: its format_version {version!r} is not a positive whole number")
        if version > FORMAT_VERSION:
            raise PersonalSetError(f"{path}: written by a newer digitpad (format {version}); upgrade to read it")
        return cls([Sample.from_dict(s, f"{path}, sample {i + 1}") for i, s in enumerate(raw["samples"])])


def _read_zip(f: BinaryIO, entries: list[zipfile.ZipInfo], path: Path) -> dict:
    """The set's contents as a dict of sample dicts, from either format (torch's zip holds a data.pkl)."""
    if any(e.filename.endswith("/data.pkl") for e in entries):
        return _first_format(f)
    archive = zipfile.ZipFile(f)
    for entry in entries:  # each array's header, checked before numpy reads (and allocates) the array
        with archive.open(entry) as part:
            version = np.lib.format.read_magic(part)
            shape, _, dtype = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)(part)
            if dtype.hasobject:
                raise PersonalSetError(f"{path}: refused; it holds Python objects, which digitpad never loads")
            if math.prod(shape) * dtype.itemsize > entry.file_size:
                raise PersonalSetError(f"{path}: not a digitpad personal set ({entry.filename} is truncated)")
    f.seek(0)
    with np.load(f, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return _samples_from_arrays(arrays, path)


def _first_format(f: BinaryIO) -> dict:
    """A set saved with torch.save (format 1), its model inputs as numpy arrays (torch loads only here)."""
    import torch

    raw = torch.load(f, map_location="cpu", weights_only=True)
    for sample in raw.get("samples", []) if isinstance(raw, dict) and isinstance(raw.get("samples"), list) else []:
        image = sample.get("model_input") if isinstance(sample, dict) else None
        if (isinstance(image, torch.Tensor) and image.layout == torch.strided and image.dtype == torch.uint8
                and image.shape == (28, 28) and image.untyped_storage().nbytes() >= 28 * 28 and image.is_contiguous()):
            sample["model_input"] = image.numpy()
    return raw


def _samples_from_arrays(arrays: dict[str, np.ndarray], path: Path) -> dict:
    """Format 2's arrays as format 1's dict of samples, so both go through the same checks."""
    for name, (kind, ndim) in ARRAYS.items():
        array = arrays.get(name)
        if array is None or array.dtype.kind != kind or array.ndim != ndim:
            raise PersonalSetError(f"{path}: not a digitpad personal set (its {name} are missing or of a wrong kind)")
    if str(arrays["format"]) != FORMAT:
        raise PersonalSetError(f"{path}: not a digitpad personal set")
    n = len(arrays["labels"])
    strokes, points, xy = arrays["strokes"], arrays["points"], arrays["xy"]
    if (any(len(arrays[k]) != n for k in ("predicted", "sizes", "model_inputs", "created", "strokes"))
            or arrays["sizes"].shape[1:] != (2,) or arrays["model_inputs"].shape[1:] != (28, 28)
            or xy.shape[1:] != (2,) or (strokes < 0).any() or (points < 0).any()
            or (strokes > len(points)).any() or (points > len(xy)).any()  # so the sums below cannot wrap
            or strokes.sum() != len(points) or points.sum() != len(xy)):
        raise PersonalSetError(f"{path}: not a digitpad personal set (its arrays do not agree in length)")
    unsure = arrays.get("unsure", np.zeros(n, bool))  # a set from before Round 28: every reading was shown as a digit
    if unsure.dtype.kind != "b" or unsure.shape != (n,):
        raise PersonalSetError(f"{path}: not a digitpad personal set (its unsure are of a wrong kind)")
    stroke_ends = np.cumsum(strokes)
    point_ends = np.cumsum(points)
    samples = []
    for i in range(n):
        first = stroke_ends[i] - strokes[i]
        bounds = point_ends[first: stroke_ends[i]]
        starts = bounds - points[first: stroke_ends[i]]
        if points[first: stroke_ends[i]].sum() > MAX_POINTS:
            raise PersonalSetError(f"{path}, sample {i + 1}: more than {MAX_POINTS:,} stroke points")
        samples.append({"strokes": [xy[a:b].tolist() for a, b in zip(starts, bounds)],
                        "size": arrays["sizes"][i].tolist(), "label": int(arrays["labels"][i]),
                        "predicted": None if arrays["predicted"][i] == -1 else int(arrays["predicted"][i]),
                        "model_input": arrays["model_inputs"][i], "created": str(arrays["created"][i]),
                        "unsure": bool(unsure[i])})
    return {"format": FORMAT, "format_version": int(arrays["format_version"]), "samples": samples}


def edit(path: str | os.PathLike | None, change: Callable[[PersonalSet], object]) -> tuple[object, PersonalSet]:
    """Read the set named `path` (empty when missing), apply `change`, write it back, all under a lock shared by
    every digitpad process (the app and the CLI), so two changes at once both land. Returns what `change`
    returned and the set as written. An unreadable set raises before anything is written.

    A set still in its first format is written as the .npz beside it (mine.pt: mine.npz), never as npz content
    under a .pt name; the default set's personal.pt is then renamed personal.pt.converted (kept, but no longer
    read, so deleting personal.npz to start over does not bring the old digits back)."""
    home = _home(path)
    from filelock import FileLock, Timeout  # 20 ms of imports the app's start-up does without

    lock = FileLock(home.with_name(f".{home.name}.lock"), timeout=LOCK_WAIT_S)
    try:
        home.parent.mkdir(parents=True, exist_ok=True)
        with lock:
            source = stored_at(path)
            personal = PersonalSet.load(source, missing_ok=True)
            result = change(personal)
            personal.save(home)
            if source != home and source == default_path().with_suffix(".pt"):
                _set_aside(source)
    except Timeout:
        raise PersonalSetError(f"{home}: another digitpad kept it busy for {LOCK_WAIT_S:.0f} s; "
                               "nothing was changed, try again") from None
    except OSError as e:
        raise PersonalSetError(f"could not change your digits in {home}: {e.strerror or e}; "
                               "the previous file is untouched") from None
    return result, personal


def _set_aside(first_format: Path) -> None:
    """Rename the default set's personal.pt once personal.npz holds its digits (one atomic rename)."""
    try:
        os.replace(first_format, first_format.with_name(first_format.name + ".converted"))
    except OSError:
        pass  # personal.npz is read first anyway; the old file staying under its name loses nothing
