"""Checkpoints that rebuild their own model: weights, architecture, normalisation, config and metrics.

Loading uses ``torch.load(weights_only=True)`` only, so a file can never run code; saving writes a
temporary file beside the target and renames it, so the previous file survives any failure.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from .. import __version__
from .atomic_file import torch_save_atomically
from .dataset_files import CSV_SOURCE, MNIST_FILES, source_location
from .errors import UserError
from .models import ARCHITECTURES, build_model
from .normalization import Normalization
from .plain_values import is_int, is_real
from .torch_file import read_torch_zip

FORMAT = "digitpad-checkpoint"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("format", "arch", "arch_args", "state_dict", "normalization")
MAX_UNITS = 65_536  # the largest width, hidden size or filter count a checkpoint may declare
NAME_SHOWN = 80  # characters of a checkpoint's name shown at most: it is written in the file, by anyone
WEIGHT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64,
                 torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)
MIN_STD, MAX_NORM = 1e-6, 1e6
OPTIONAL_FIELDS = {"train_config": {}, "metrics": {}, "history": [], "name": "", "digitpad_version": "?",
                   "created": "?"}


class CheckpointError(UserError):
    """A checkpoint cannot be saved or loaded; the message says which file and why."""


@dataclass
class Checkpoint:
    arch: str
    arch_args: dict
    state_dict: dict
    normalization: Normalization = field(default_factory=Normalization)
    train_config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    name: str = ""
    digitpad_version: str = __version__
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def from_model(cls, model: nn.Module, arch: str, arch_args: dict, **fields) -> Checkpoint:
        state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        return cls(arch=arch, arch_args=dict(arch_args), state_dict=state, **fields)

    @property
    def accuracy(self) -> float | None:
        return self.metrics.get("accuracy")

    @property
    def accuracy_note(self) -> str | None:
        """Its test accuracy and what it was measured on, as the window says it: a model scored on a subset of
        MNIST test or on a CSV's test split must not look like one scored on all 10,000."""
        if self.accuracy is None:
            return None
        count, source = self.metrics.get("count"), self.metrics.get("dataset")
        if isinstance(source, str) and (source_location(source) or ("", ""))[0] == CSV_SOURCE:
            return f"{self.accuracy:.2%} on {f'{count:,} test images of ' if count else ''}a CSV"
        if count is not None and count < MNIST_FILES["test"][2]:
            return f"{self.accuracy:.2%} on {count:,} MNIST test images"
        return f"{self.accuracy:.2%} on MNIST test"

    @property
    def display_name(self) -> str:
        """The name to show: the one saved (its architecture when none), anything not printable in it (a terminal's
        escape codes, a new line) as a space, and at most NAME_SHOWN characters: a file may come from anyone."""
        name = "".join(c if c.isprintable() else " " for c in (self.name or self.arch))
        return name if len(name) <= NAME_SHOWN else name[:NAME_SHOWN - 1] + "…"

    def build_model(self) -> nn.Module:
        """The model with these weights, in eval mode on the CPU; the architecture is checked against the
        weights on the meta device first, so a wrong or huge declaration allocates nothing."""
        check_arch_args(self.arch, self.arch_args)
        try:
            with torch.device("meta"):
                expected = build_model(self.arch, **self.arch_args).state_dict()
        except (ValueError, TypeError, RuntimeError):
            raise CheckpointError(f"cannot build architecture {self.arch!r} with the settings "
                                  f"{_short(self.arch_args)}") from None
        missing = [k for k in expected if k not in self.state_dict]
        unexpected = [k for k in self.state_dict if k not in expected]
        misshapen = [k for k in expected if k in self.state_dict and (
            self.state_dict[k].shape != expected[k].shape
            or self.state_dict[k].is_floating_point() != expected[k].is_floating_point())]
        if missing or unexpected or misshapen:
            example = (missing or unexpected or misshapen)[0]
            raise CheckpointError(f"its weights do not match the {self.arch!r} architecture ({len(missing)} missing, "
                                  f"{len(unexpected)} unexpected, {len(misshapen)} of the wrong shape or kind, "
                                  f"e.g. {_short(example)})")
        model = build_model(self.arch, **self.arch_args)
        model.load_state_dict(self.state_dict, strict=True)
        return model.eval()

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "arch": self.arch, "arch_args": self.arch_args,
            "state_dict": self.state_dict, "normalization": self.normalization.to_dict(),
            "train_config": self.train_config, "metrics": self.metrics, "history": self.history,
            "name": self.name, "digitpad_version": self.digitpad_version, "created": self.created,
        }

    def save(self, path: str | os.PathLike, replace_bundled: bool = False) -> Path:
        """Write atomically (see atomic_file): a failed save never damages the previous file. Only the
        script that trains the bundled model passes replace_bundled."""
        try:
            return torch_save_atomically(self.to_dict(), path, replace_bundled=replace_bundled)
        except OSError as e:
            raise CheckpointError(f"could not save the model to {path}: {e.strerror or e}; "
                                  "any previous file there is untouched") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> Checkpoint:
        """Load and fully check a checkpoint; any problem raises CheckpointError naming the file."""
        path = Path(path)
        raw = read_torch_zip(path, "a readable PyTorch checkpoint", CheckpointError)
        checkpoint = cls.from_dict(raw, path)
        try:
            model = checkpoint.build_model()  # verify the weights fit the architecture now, not later in the UI
        except CheckpointError as e:
            raise CheckpointError(f"{path}: {e}") from None
        with torch.inference_mode():  # weights near the float limit overflow: every answer would be NaN
            answers = model(checkpoint.normalization.apply(torch.stack([torch.zeros(28, 28), torch.ones(28, 28)])))
        if not torch.isfinite(answers).all():
            raise CheckpointError(f"{path}: its weights give no finite answer (they overflow): the file is damaged "
                                  "or was not made by training")
        return checkpoint

    @classmethod
    def from_dict(cls, raw, path: Path | str = "<memory>") -> Checkpoint:
        """A Checkpoint from a loaded dict, every field's type and value checked first."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            hint = (" (it looks like a bare state dict: digitpad checkpoints also record their architecture)"
                    if isinstance(raw, dict) and raw and all(isinstance(v, torch.Tensor) for v in raw.values())
                    else " (it is digitpad's several-digits gate, which helps read photos, not a model of digits)"
                    if isinstance(raw, dict) and raw.get("kind") == _gate_kind() else "")
            raise CheckpointError(f"{path}: not a digitpad checkpoint{hint}")
        missing = [k for k in REQUIRED_KEYS if k not in raw]
        if missing:
            raise CheckpointError(f"{path}: checkpoint is missing {', '.join(missing)}")
        try:
            fields = _checked_fields(raw)
        except CheckpointError as e:
            raise CheckpointError(f"{path}: {e}") from None
        return cls(**fields)


def _kind(value) -> str:
    """What a value is, in words."""
    kinds = ((bool, "true or false"), (str, "text"), ((int, float), "a number"), (dict, "a table of named values"),
             ((list, tuple), "a list"), (torch.Tensor, "a tensor"))
    return next((words for kind, words in kinds if isinstance(value, kind)), "something else")


def _short(value) -> str:
    """A value as it would be written, cut short: a hostile file may hold megabytes in one field."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_arch_args(arch: str, arch_args: dict) -> None:
    """Every declared argument must be one the architecture takes, of its type, within sane bounds."""
    factory = ARCHITECTURES.get(arch)
    if factory is None:
        raise CheckpointError(f"unknown architecture {_short(arch)} (known: {', '.join(sorted(ARCHITECTURES))})")
    defaults = {name: p.default for name, p in inspect.signature(factory).parameters.items()}
    for name, value in arch_args.items():
        if name not in defaults:
            raise CheckpointError(f"architecture {arch!r} has no setting {_short(name)}")
        if isinstance(defaults[name], int):
            if not (is_int(value) and 1 <= value <= MAX_UNITS):
                raise CheckpointError(f"architecture setting {name} = {_short(value)} is not a whole number from 1 to "
                                      f"{MAX_UNITS:,}")
        elif not (is_real(value) and 0 <= value <= 1):
            raise CheckpointError(f"architecture setting {name} = {_short(value)} is not a number from 0 to 1")


def _check_tensor(name: str, tensor) -> None:
    """Real floating point or integer, dense, on the CPU, and no bigger than the storage it claims to use."""
    if not isinstance(tensor, torch.Tensor):
        raise CheckpointError(f"weight {_short(name)} is not a tensor")
    if tensor.layout != torch.strided or tensor.is_quantized or tensor.is_nested or tensor.device.type != "cpu":
        raise CheckpointError(f"weight {_short(name)} is not an ordinary dense tensor (sparse or another layout)")
    if tensor.dtype not in WEIGHT_DTYPES:
        raise CheckpointError(f"weight {_short(name)} has values of type {str(tensor.dtype).removeprefix('torch.')}; "
                              "weights must be real numbers (16, 32 or 64-bit floating point, or whole numbers)")
    available = tensor.untyped_storage().nbytes() - tensor.storage_offset() * tensor.element_size()
    reach = tensor.storage_offset() + sum((n - 1) * abs(step) for n, step in zip(tensor.shape, tensor.stride()))
    if tensor.numel() and (tensor.numel() * tensor.element_size() > available
                           or (reach + 1) * tensor.element_size() > tensor.untyped_storage().nbytes()):
        raise CheckpointError(f"weight {_short(name)} claims {tensor.numel():,} values but the file holds only "
                              f"{max(available, 0) // tensor.element_size():,} for it")
    if tensor.is_floating_point() and not torch.isfinite(tensor).all():
        raise CheckpointError(f"weights contain NaN or infinite values (in {_short(name)})")


def _gate_kind() -> str:
    from .several_digits import KIND  # only to name the file refused: it loads the photo reader

    return KIND


def _checked_fields(raw: dict) -> dict:
    version = raw.get("format_version", FORMAT_VERSION)
    if not is_int(version) or version < 1:
        raise CheckpointError(f"its format_version {_short(version)} is not a positive whole number")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"written by a newer digitpad (format {version}); upgrade")
    if not isinstance(raw["arch"], str):
        raise CheckpointError("its architecture name is not text")
    for key in ("arch_args", "state_dict", "normalization"):
        if not (isinstance(raw[key], dict) and all(isinstance(k, str) for k in raw[key])):
            raise CheckpointError(f"its {key} is not a mapping of names")
    state = raw["state_dict"]
    if not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError("its state_dict is not a mapping of tensors")
    for name, tensor in state.items():
        _check_tensor(name, tensor)
    check_arch_args(raw["arch"], raw["arch_args"])
    norm = raw["normalization"]
    if set(norm) - {"mean", "std"} or not all(is_real(v) for v in norm.values()):
        raise CheckpointError("its input normalisation must be a finite mean and std")
    normalization = Normalization(**{k: float(v) for k, v in norm.items()})
    if not MIN_STD <= normalization.std <= MAX_NORM or abs(normalization.mean) > MAX_NORM:
        raise CheckpointError(f"its input normalisation (mean {normalization.mean}, std {normalization.std}) is "
                              f"out of range (std from {MIN_STD} to {MAX_NORM})")
    fields = {name: raw.get(name, default) for name, default in OPTIONAL_FIELDS.items()}
    for name, default in OPTIONAL_FIELDS.items():
        if fields[name] is None:
            fields[name] = type(default)()
        if not isinstance(fields[name], type(default)):
            raise CheckpointError(f"its {name} should be {_kind(default)} but is {_kind(fields[name])}")
    metrics, history = fields["metrics"], fields["history"]
    accuracy, count = metrics.get("accuracy"), metrics.get("count")
    if not (accuracy is None or (is_real(accuracy) and 0 <= accuracy <= 1)):
        raise CheckpointError(f"its recorded accuracy {_short(accuracy)} is not a number from 0 to 1")
    if not (count is None or (is_int(count) and count >= 0)):
        raise CheckpointError(f"its recorded test image count {_short(count)} is not a whole number")
    if not all(isinstance(row, dict) and all(isinstance(k, str) and (v is None or isinstance(v, (int, float, str)))
                                             for k, v in row.items()) for row in history):
        raise CheckpointError("its training history is not a list of rows of numbers")
    return {"arch": raw["arch"], "arch_args": raw["arch_args"], "state_dict": state,
            "normalization": normalization, **fields}
