"""ONNX Runtime reads as the torch float model does, for every architecture; without it torch reads."""

import os
import sys

import numpy as np
import pytest
import torch
from torch import nn

from digitpad import Predictor
from digitpad.core.models import ARCHITECTURES, build_model, for_inference
from digitpad.core.normalization import Normalization
from digitpad.core.onnx_reader import onnx_reader

pytest.importorskip("onnxruntime")


def test_the_bundled_model_reads_with_onnxruntime_as_torch_does(bundled, mnist):
    assert bundled.engine == "onnxruntime" and not bundled.int8
    images = mnist.test_images[:2000].numpy().astype(np.float32) / 255
    read = bundled.probabilities(images)
    with torch.inference_mode():
        logits = for_inference(bundled.model)(bundled.normalization.apply(torch.from_numpy(images)))
    float_ = torch.softmax(logits, dim=1).numpy()
    assert np.array_equal(read.argmax(1), float_.argmax(1))
    assert np.abs(read - float_).max() < 1e-5
    assert np.array_equal(bundled.probabilities(images[:5], int8=False), read[:5])  # one reader for both


def test_every_architecture_exports_and_reads_alike():
    torch.manual_seed(0)
    x = torch.rand(3, 1, 28, 28)
    for name in ARCHITECTURES:
        folded = for_inference(build_model(name).eval())
        reader = onnx_reader(folded, Normalization())
        assert reader is not None, name
        with torch.inference_mode():
            expected = torch.softmax(folded(Normalization().apply(x)), dim=1).numpy()
        assert np.allclose(reader.probabilities(x.numpy()[:, 0]), expected, atol=1e-5), name


def test_a_model_the_exporter_cannot_take_has_no_reader():
    class Spectrum(nn.Module):  # no ONNX form for a complex FFT
        def forward(self, x):
            return torch.fft.rfft2(x).abs().flatten(1)[:, :10]

    assert onnx_reader(Spectrum().eval(), Normalization()) is None


def test_without_onnxruntime_torch_reads(monkeypatch, mnist):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if it were not installed: importing it fails
    predictor = Predictor.load()
    assert predictor.engine in ("torch int8", "torch")
    images = mnist.test_images[:500].numpy().astype(np.float32) / 255
    assert (predictor.probabilities(images).argmax(1) == mnist.test_labels[:500].numpy()).mean() >= 0.99


def _graphs(folder):
    return sorted(folder.glob("*.onnx"))


def test_a_second_start_reads_the_cached_graph_without_importing_onnx(tmp_path):
    import subprocess

    load = ("import sys; from digitpad import Predictor; p = Predictor.load(device='cpu'); "
            "print(p.engine, 'onnx' in sys.modules, 'scipy' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    first, second = (subprocess.run([sys.executable, "-c", load], env=env, capture_output=True, text=True,
                                    check=True).stdout.split() for _ in range(2))
    assert first == ["onnxruntime", "True", "False"], "the first start exports the graph, which imports onnx"
    assert second == ["onnxruntime", "False", "False"], "the second reads it from the cache"
    # (and no start waits for scipy, which only reading images needs)
    assert len(_graphs(tmp_path / "digitpad" / "onnx")) == 1


def test_a_damaged_or_foreign_cached_graph_is_exported_again(tmp_path, mnist):
    torch.manual_seed(0)
    model, other = (for_inference(build_model("lenet5").eval()) for _ in range(2))
    images = mnist.test_images[:200].numpy().astype(np.float32) / 255
    expected = onnx_reader(model, Normalization(), cache=tmp_path / "fresh").probabilities(images)
    (good,) = _graphs(tmp_path / "fresh")
    onnx_reader(other, Normalization(), cache=tmp_path / "other")
    (foreign,) = _graphs(tmp_path / "other")
    for damage in (b"not a graph", good.read_bytes()[:5000], foreign.read_bytes()):
        cache = tmp_path / "damaged"
        cache.mkdir(exist_ok=True)
        (cache / good.name).write_bytes(damage)
        reader = onnx_reader(model, Normalization(), cache=cache)
        assert np.abs(reader.probabilities(images) - expected).max() < 1e-6
        assert (cache / good.name).read_bytes() == good.read_bytes(), "the bad file was replaced by a good one"


def test_the_cache_keeps_the_most_recent_graphs_and_a_read_only_one_costs_nothing(tmp_path):
    from digitpad.core.onnx_reader import CACHE_KEPT

    torch.manual_seed(0)
    models = [for_inference(build_model("lenet5").eval()) for _ in range(CACHE_KEPT + 2)]
    for model in models:
        onnx_reader(model, Normalization(), cache=tmp_path)
    assert len(_graphs(tmp_path)) == CACHE_KEPT
    blocked = tmp_path / "a file, not a folder"
    blocked.write_bytes(b"")
    assert onnx_reader(models[0], Normalization(), cache=blocked) is not None
