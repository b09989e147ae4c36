"""Export a checkpoint for use outside digitpad, with its input normalisation built in.

The exported model takes float images (N, 1, 28, 28) in [0, 1], white ink on black, already
preprocessed like `to_mnist` output, and returns logits (N, 10).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import torch
from torch import nn

from .checkpoint import Checkpoint
from .normalization import Normalization

FORMATS = ("torchscript", "onnx")
SUFFIXES = {"torchscript": ".torchscript.pt", "onnx": ".onnx"}


class ExportError(Exception):
    """The export could not be written; the message says why."""


class NormalizedModel(nn.Module):
    """A model that normalises its [0, 1] input itself, so users of the export need no constants."""

    def __init__(self, model: nn.Module, norm: Normalization):
        super().__init__()
        self.model = model
        self.mean, self.std = norm.mean, norm.std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean) / self.std)


def default_export_path(model_path: str | os.PathLike, fmt: str) -> Path:
    path = Path(model_path)
    return path.with_name(path.name.removesuffix(".pt") + SUFFIXES[fmt])


def export(checkpoint: Checkpoint, fmt: str, out: str | os.PathLike) -> Path:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose {' or '.join(FORMATS)})")
    out = Path(out)
    model = NormalizedModel(checkpoint.build_model(), checkpoint.normalization).eval()
    example = torch.rand(1, 1, 28, 28)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit and the ONNX exporter warn about their own futures
            if fmt == "torchscript":
                torch.jit.save(torch.jit.trace(model, example), str(tmp))
            else:
                torch.onnx.export(model, (example,), str(tmp), input_names=["image"], output_names=["logits"],
                                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
        os.replace(tmp, out)
    except OSError as e:
        raise ExportError(f"could not write {out}: {e.strerror or e}") from None
    except ImportError as e:
        raise ExportError(f"exporting to {fmt} needs a package that is missing: {e}") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
