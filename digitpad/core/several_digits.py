"""Is this piece of a photographed number one whole digit? A small network that answers only that.

The digit model reads two touching digits as one digit, and half of a digit as a digit, both at 0.99: it
was only ever shown whole single digits. So a photographed number lost a digit when two touched, and a cut
through one digit was as believable as the digit. This network sorts a model input (28x28, white ink on
black) into one whole digit, several touching digits, or a part of one digit, and the number reader
(core.number_reading, `several`) scores every reading by its chance of being one whole digit. It is trained
by training/train_several_digits.py and kept in resources/several_digits.pt (46,771 parameters, read by
torch; the pad's numbers do not use it). A photo read as one digit asks it too, to say when what was read looks like
several digits (`looks_like_several`; the words are core.images.LOOKS_LIKE_SEVERAL).
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .ink import InkMap, Mark, empty_band
from .paths import resources_dir
from .torch_file import read_torch_zip

FILE_NAME = "several_digits.pt"
KIND = "several-digits gate"  # what the file says it is
CLASSES = ("one digit", "several digits", "part of a digit")
# A photo's mark read as one digit looks like several when it has rows of ink with paper between them over
# SEVERAL_BAND of its height (two lines of writing grouped into one mark), or the gate gives it over SEVERAL_CHANCE
# of not being one whole digit and it is at least SEVERAL_WIDTH as wide as tall (the gate doubts a few lone thin
# digits, a 7 in a fine pen; touching digits side by side are wider). Set on 753 photos of single digits (3 hinted)
# and 600 of numbers made as benchmarks/photo_reading.py's several_digits part makes its own (other seeds).
SEVERAL_BAND = 0.1
SEVERAL_CHANCE = 0.7
SEVERAL_WIDTH = 0.6


class GateFileError(Exception):
    """The gate's file cannot be read; the message names the file and why."""


def build_gate() -> nn.Module:
    """Three conv blocks and two linear layers: (N, 1, 28, 28) -> logits of CLASSES."""

    def block(cin: int, cout: int) -> list[nn.Module]:
        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]

    return nn.Sequential(*block(1, 16), *block(16, 32), *block(32, 48), nn.Flatten(),
                         nn.Linear(48 * 3 * 3, 64), nn.ReLU(), nn.Linear(64, len(CLASSES)))


class SeveralDigits:
    """The gate, ready to read: `not_one_digit(inputs)` is each input's chance of not being one whole digit."""

    def __init__(self, model: nn.Module, metrics: dict | None = None):
        self.model = model.eval()
        self.metrics = metrics or {}

    def not_one_digit(self, inputs: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32)).reshape(-1, 1, 28, 28)
        with torch.inference_mode():
            return 1 - torch.softmax(self.model(x), dim=1)[:, 0].numpy()

    def save(self, path: str | Path) -> Path:
        from .atomic_file import torch_save_atomically

        state = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        return torch_save_atomically({"kind": KIND, "classes": list(CLASSES), "state_dict": state,
                                      "metrics": self.metrics}, path)

    @classmethod
    def load(cls, path: str | Path) -> SeveralDigits:
        """Read a gate file without running code in it; GateFileError when it is not a good one."""
        path = Path(path)
        raw = read_torch_zip(path, "a digitpad several-digits gate", GateFileError)
        if not isinstance(raw, dict) or raw.get("kind") != KIND or raw.get("classes") != list(CLASSES):
            raise GateFileError(f"{path}: not a digitpad several-digits gate")
        model = build_gate()
        try:
            model.load_state_dict(raw["state_dict"])
        except (KeyError, RuntimeError, TypeError) as e:
            raise GateFileError(f"{path}: its weights do not fit the gate ({str(e).splitlines()[0]})") from None
        return cls(model, raw.get("metrics") if isinstance(raw.get("metrics"), dict) else {})


def looks_like_several(found: InkMap, mark: Mark, shown: np.ndarray, gate: SeveralDigits | None) -> bool:
    """Whether a photo's mark, read as one digit from its model input `shown`, looks like several digits (see
    SEVERAL_BAND); without a gate, by its shape alone."""
    if empty_band(found, mark) >= SEVERAL_BAND:
        return True
    _, _, width, height = mark.working_box
    return gate is not None and width >= SEVERAL_WIDTH * height and bool(gate.not_one_digit(shown)[0] > SEVERAL_CHANCE)


@lru_cache(maxsize=4)
def gate_at(path: Path) -> SeveralDigits | None:
    """The gate in `path` (read once), or None with a warning when it is missing or damaged: numbers are then
    read without it, as before it existed."""
    try:
        return SeveralDigits.load(path)
    except (GateFileError, OSError) as e:
        warnings.warn(f"numbers in photos are read without the several-digits gate: {e}", stacklevel=2)
        return None


def bundled_gate() -> SeveralDigits | None:
    """The gate shipped in resources/ (None when it cannot be read)."""
    return gate_at(resources_dir() / FILE_NAME)
