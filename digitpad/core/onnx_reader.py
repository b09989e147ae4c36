"""Read drawings with ONNX Runtime on the CPU: the same float model, a one-drawing forward pass 2-5x faster.

For one 28x28 image torch spends most of its forward pass getting to each of the model's operators, not in
them: ONNX Runtime runs the same graph (BatchNorm folded) in 0.47 ms where torch's int8 copy takes 0.89 ms and
the float model 2.6 ms on one thread of this project's 2-core machine (benchmarks/predict_latency.json). It reads
in float, so its answers are the float model's (to about 1e-6 in the probabilities), unlike the int8 copy's. The
graph takes the [0, 1] images and gives probabilities, normalisation and softmax inside, so a read makes no torch
call. It is exported in memory when a checkpoint is loaded: 0.07 s, and 1-2 s more the first time, to import the
onnx package torch's exporter needs. Where onnx or onnxruntime is not installed, or the model does not export,
there is no reader and torch reads (core.quantized's int8 copy, or the float model): so in the PyInstaller
bundle, which leaves both out (packaging/digitpad.spec says why).
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import torch
from torch import nn

from .export import NormalizedModel
from .normalization import Normalization

THREADS = 1  # one drawing is too little work to share out; the Draw tab's reads must not take the UI's core


class OnnxReader:
    """[0, 1] float images (N, 28, 28), white ink on black -> class probabilities (N, 10), as the torch model."""

    def __init__(self, session):
        self.session = session

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        images = np.ascontiguousarray(inputs, dtype=np.float32).reshape(-1, 1, 28, 28)
        return self.session.run(None, {"image": images})[0]


class _Probabilities(nn.Module):
    def __init__(self, model: nn.Module, normalization: Normalization):
        super().__init__()
        self.model = NormalizedModel(model, normalization)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(x), dim=1)


def onnx_reader(model: nn.Module, normalization: Normalization) -> OnnxReader | None:
    """An ONNX Runtime reader for an eval-mode CPU model, or None when one cannot be made here."""
    try:
        import onnxruntime
    except ImportError:
        return None
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter warns about its own future
            torch.onnx.export(_Probabilities(model, normalization).eval(), (torch.zeros(1, 1, 28, 28),), buffer,
                              input_names=["image"], output_names=["probabilities"],
                              dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, dynamo=False)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = THREADS
        options.log_severity_level = 3  # errors only: it reports its own graph optimisations as warnings
        session = onnxruntime.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
    except Exception:  # noqa: BLE001 - an architecture the exporter or the runtime cannot take: torch reads instead
        return None
    return OnnxReader(session)
