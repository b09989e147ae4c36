"""ONNX Runtime reads as the torch float model does, for every architecture; without it torch reads."""

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
