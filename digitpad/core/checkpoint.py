"""Checkpoints that rebuild their own model: weights, architecture, normalisation, config and metrics.

Loading uses ``torch.load(weights_only=True)`` only, so a file can never run code; saving writes a
temporary file beside the target and renames it, so the previous file survives any failure.
"""

from __future__ import annotations

import datetime as _dt
import os
import pickle
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from .. import __version__
from .atomic_file import torch_save_atomically
from .models import build_model
from .normalization import Normalization

FORMAT = "digitpad-checkpoint"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("format", "arch", "arch_args", "state_dict", "normalization")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


class CheckpointError(Exception):
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
    def display_name(self) -> str:
        return self.name or self.arch

    def build_model(self) -> nn.Module:
        """The model with these weights, in eval mode on the CPU."""
        try:
            model = build_model(self.arch, **self.arch_args)
        except (ValueError, TypeError) as e:
            raise CheckpointError(f"cannot rebuild architecture {self.arch!r} with {self.arch_args}: {e}") from None
        expected = model.state_dict()
        missing = [k for k in expected if k not in self.state_dict]
        unexpected = [k for k in self.state_dict if k not in expected]
        misshapen = [k for k in expected if k in self.state_dict and self.state_dict[k].shape != expected[k].shape]
        if missing or unexpected or misshapen:
            example = (missing or unexpected or misshapen)[0]
            raise CheckpointError(f"its weights do not match the {self.arch!r} architecture ({len(missing)} missing, "
                                  f"{len(unexpected)} unexpected, {len(misshapen)} wrongly shaped tensors, "
                                  f"e.g. {example!r})")
        model.load_state_dict(self.state_dict, strict=True)
        return model.eval()

    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "arch": self.arch, "arch_args": self.arch_args,
            "state_dict": self.state_dict, "normalization": self.normalization.to_dict(),
            "train_config": self.train_config, "metrics": self.metrics, "history": self.history,
            "name": self.name, "digitpad_version": self.digitpad_version, "created": self.created,
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write atomically (see atomic_file): a failed save never damages the previous file."""
        try:
            return torch_save_atomically(self.to_dict(), path)
        except OSError as e:
            raise CheckpointError(f"could not save the model to {path}: {e.strerror or e}; "
                                  "any previous file there is untouched") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> Checkpoint:
        """Load and fully check a checkpoint; any problem raises CheckpointError naming the file."""
        path = Path(path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # foreign pickles make torch warn before it refuses them
                raw = torch.load(path, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise CheckpointError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CheckpointError(f"{path}: is a folder, not a checkpoint file") from None
        except pickle.UnpicklingError:
            raise CheckpointError(f"{path}: refused; it holds objects other than plain data and weights "
                                  "(possibly code), so it was not loaded") from None
        except Exception as e:  # a foreign file can make the unpickler fail in any way (IndexError, KeyError...)
            raise CheckpointError(f"{path}: not a readable PyTorch checkpoint (corrupt, truncated or another "
                                  f"kind of file: {_first_line(e)})") from None
        checkpoint = cls.from_dict(raw, path)
        try:
            checkpoint.build_model()  # verify the weights fit the architecture now, not later in the UI
        except CheckpointError as e:
            raise CheckpointError(f"{path}: {e}") from None
        return checkpoint

    @classmethod
    def from_dict(cls, raw, path: Path | str = "<memory>") -> Checkpoint:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            hint = (" (it looks like a bare state dict: digitpad checkpoints also record their architecture)"
                    if isinstance(raw, dict) and raw and all(isinstance(v, torch.Tensor) for v in raw.values()) else "")
            raise CheckpointError(f"{path}: not a digitpad checkpoint{hint}")
        missing = [k for k in REQUIRED_KEYS if k not in raw]
        if missing:
            raise CheckpointError(f"{path}: checkpoint is missing {', '.join(missing)}")
        if raw.get("format_version", 0) > FORMAT_VERSION:
            raise CheckpointError(f"{path}: written by a newer digitpad (format {raw['format_version']}); upgrade")
        state = raw["state_dict"]
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise CheckpointError(f"{path}: its state_dict is not a mapping of tensors")
        bad = [k for k, v in state.items() if v.is_floating_point() and not torch.isfinite(v).all()]
        if bad:
            raise CheckpointError(f"{path}: weights contain NaN or infinite values (in {', '.join(bad[:3])})")
        if not isinstance(raw["arch_args"], dict) or not isinstance(raw["normalization"], dict):
            raise CheckpointError(f"{path}: arch_args and normalization must be mappings")
        try:
            normalization = Normalization(**raw["normalization"])
        except TypeError as e:
            raise CheckpointError(f"{path}: bad normalization ({e})") from None
        if not normalization.std > 0:
            raise CheckpointError(f"{path}: normalization std must be positive")
        try:
            return cls(arch=str(raw["arch"]), arch_args=raw["arch_args"], state_dict=state,
                       normalization=normalization, train_config=raw.get("train_config") or {},
                       metrics=raw.get("metrics") or {}, history=raw.get("history") or [],
                       name=str(raw.get("name", "")), digitpad_version=str(raw.get("digitpad_version", "?")),
                       created=str(raw.get("created", "?")))
        except Exception as e:  # an odd value in a foreign file must still give one clear line
            raise CheckpointError(f"{path}: malformed checkpoint ({e})") from None
