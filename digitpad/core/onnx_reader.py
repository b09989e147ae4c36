"""Read drawings with ONNX Runtime on the CPU: the same float model, a one-drawing forward pass 2-5x faster.

For one 28x28 image torch spends most of its forward pass getting to each of the model's operators, not in
them: ONNX Runtime runs the same graph (BatchNorm folded) in 0.47 ms where torch's int8 copy takes 0.89 ms and
the float model 2.6 ms on one thread of this project's 2-core machine (benchmarks/predict_latency.json). It reads
in float, so its answers are the float model's (to about 1e-6 in the probabilities), unlike the int8 copy's. The
graph takes the [0, 1] images and gives probabilities, normalisation and softmax inside, so a read makes no torch
call. torch exports it in memory the first time a model is read (0.07 s, and 0.6-2 s more to import the onnx
package its exporter needs) and it is kept in the user's cache folder, named by a hash of the model, so later
starts read it from there without onnx at all. A graph from the cache must read a fixed input as the torch model
does, or it is exported again. Where onnx or onnxruntime is not installed, or the model does not export, there
is no reader and torch reads (core.quantized's int8 copy, or the float model): so in the PyInstaller bundle,
which leaves both out (packaging/digitpad.spec says why).
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .atomic_file import write_atomically
from .export import NormalizedModel
from .normalization import Normalization
from .paths import cache_dir

THREADS = 1  # one drawing is too little work to share out; the Draw tab's reads must not take the UI's core
CACHE_KEPT = 8  # graphs kept in the cache, the most recently read (about 1.3 MB each for the bundled model)
SAME_READING = 1e-4  # how far a graph's probabilities may be from the torch model's on the check input


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


def onnx_reader(model: nn.Module, normalization: Normalization, cache: Path | None = None) -> OnnxReader | None:
    """An ONNX Runtime reader for an eval-mode CPU model, or None when one cannot be made here. Its graph is
    taken from `cache` (default: the user's cache folder) when a good one is there, else exported and stored."""
    try:
        import onnxruntime
    except ImportError:
        return None
    wrapped = _Probabilities(model, normalization).eval()
    path = (cache_dir() / "onnx" if cache is None else cache) / f"{_graph_key(wrapped)}.onnx"
    try:
        session = _session(onnxruntime, path.read_bytes(), wrapped)
    except OSError:
        session = None
    if session is not None:
        _mark_used(path)
        return OnnxReader(session)
    graph = _export(wrapped)
    session = _session(onnxruntime, graph, wrapped) if graph is not None else None
    if session is None:
        return None
    _store(path, graph)
    return OnnxReader(session)


def _graph_key(wrapped: nn.Module) -> str:
    """A hash of what the exported graph holds: the layers, their weights and the normalisation, and torch's
    version (its exporter writes the graph)."""
    digest = hashlib.sha256(f"{torch.__version__}\n{wrapped!r}\n{wrapped.model.mean}/{wrapped.model.std}".encode())
    for name, tensor in wrapped.state_dict().items():
        digest.update(f"{name}{tuple(tensor.shape)}{tensor.dtype}".encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:32]


def _export(wrapped: nn.Module) -> bytes | None:
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter warns about its own future
            torch.onnx.export(wrapped, (torch.zeros(1, 1, 28, 28),), buffer,
                              input_names=["image"], output_names=["probabilities"],
                              dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}}, dynamo=False)
    except Exception:  # noqa: BLE001 - an architecture the exporter cannot take: torch reads instead
        return None
    return buffer.getvalue()


def _session(onnxruntime, graph: bytes, wrapped: nn.Module):
    """A session for `graph` if it reads a fixed input as `wrapped` does, else None (a damaged or foreign file,
    or a graph the runtime cannot take)."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = THREADS
    options.log_severity_level = 4  # none: a damaged cached file is expected to fail here, and is made again
    check = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    try:
        session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        read = session.run(None, {"image": check})[0]
    except Exception:  # noqa: BLE001 - onnxruntime raises its own exception types for bad graphs
        return None
    with torch.inference_mode():
        expected = wrapped(torch.from_numpy(check)).numpy()
    return session if read.shape == expected.shape and np.abs(read - expected).max() <= SAME_READING else None


def _mark_used(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _store(path: Path, graph: bytes) -> None:
    """Keep the graph for the next start, and only the CACHE_KEPT most recently read. The cache only saves time:
    a folder that cannot be written (full, read-only) is no error."""
    try:
        write_atomically(path, graph)
        kept = sorted(path.parent.glob("*.onnx"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_KEPT:]:
            old.unlink()
    except OSError:
        pass
