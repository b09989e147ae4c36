"""Export a checkpoint for use outside digitpad, with its input normalisation built in.

The exported model takes float images (N, 1, 28, 28) in [0, 1], white ink on black, already
preprocessed like `to_mnist` output, and returns logits (N, 10).
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import torch
from torch import nn

from .atomic_file import check_target, write_atomically
from .checkpoint import Checkpoint
from .errors import UserError
from .normalization import Normalization

FORMATS = ("torchscript", "onnx")
SUFFIXES = {"torchscript": ".torchscript.pt", "onnx": ".onnx"}
NAME_ENDINGS = {"onnx": (".onnx",), "torchscript": (".torchscript.pt", ".torchscript", ".ts")}  # that say a format


class ExportError(UserError):
    """The export could not be written; the message says why."""


class NormalizedModel(nn.Module):
    """A model that normalises its [0, 1] input itself, so users of the export need no constants."""

    def __init__(self, model: nn.Module, norm: Normalization):
        super().__init__()
        self.model = model
        self.mean, self.std = norm.mean, norm.std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean) / self.std)


def format_named(out: str | os.PathLike) -> str | None:
    """The export format a file's name says (model.onnx, model.torchscript.pt), or None (a plain .pt is a checkpoint's
    name as much as TorchScript's)."""
    name = Path(out).name.lower()
    return next((fmt for fmt, endings in NAME_ENDINGS.items() if name.endswith(endings)), None)


def default_export_path(model_path: str | os.PathLike, fmt: str) -> Path:
    path = Path(model_path)
    return path.with_name(path.name.removesuffix(".pt") + SUFFIXES[fmt])


def export(checkpoint: Checkpoint, fmt: str, out: str | os.PathLike) -> Path:
    """Write the model to `out` (atomically, see atomic_file); raises ExportError naming the file."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose {' or '.join(FORMATS)})")
    out = Path(out)
    try:
        check_target(out)
    except OSError as e:
        raise ExportError(f"could not write {out}: {e.strerror}") from None
    model = NormalizedModel(checkpoint.build_model(), checkpoint.normalization).eval()
    example = torch.rand(1, 1, 28, 28)
    buffer = io.BytesIO()  # serialised in memory: torch's own file writers abort the process on a full disk
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit and the ONNX exporter warn about their own futures
            if fmt == "torchscript":
                torch.jit.save(torch.jit.trace(model, example), buffer)
            else:
                torch.onnx.export(model, (example,), buffer, input_names=["image"], output_names=["logits"],
                                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
    except (ImportError, torch.onnx.OnnxExporterError) as e:
        missing = e if isinstance(e, ImportError) else e.__cause__  # torch wraps a missing onnx in its own error
        if not isinstance(missing, ImportError):
            raise
        raise ExportError(f"exporting to {fmt} needs a package that is missing: {missing.name or missing} (pip "
                          f"install {missing.name or 'it'}; TorchScript export needs nothing more)") from None
    try:
        return write_atomically(out, buffer.getbuffer())
    except OSError as e:
        raise ExportError(f"could not write {out}: {e.strerror or e}; any previous file there is untouched") from None
