import numpy as np
import pytest
import torch
from torch import nn

from digitpad import Predictor
from digitpad.core.models import ARCHITECTURES, build_model, for_inference
from digitpad.core.normalization import Normalization
from digitpad.core.quantized import ENGINE, int8_reader


def test_an_int8_copy_of_the_bundled_model_reads_as_the_float_model_does(bundled, mnist):
    """The copy reads where onnxruntime is missing (core.onnx_reader; test_onnx_reader checks the fallback)."""
    if ENGINE not in torch.backends.quantized.supported_engines:
        pytest.skip(f"this torch has no {ENGINE} quantised kernels: the float model reads")
    folded = for_inference(bundled.model)
    copy = int8_reader(folded, bundled.normalization)
    assert copy is not None
    images = mnist.test_images[:2000].numpy().astype(np.float32) / 255
    x = bundled.normalization.apply(torch.from_numpy(images))
    with torch.inference_mode():
        int8, float_ = torch.softmax(copy(x), dim=1).numpy(), torch.softmax(folded(x), dim=1).numpy()
    assert (int8.argmax(1) == float_.argmax(1)).mean() >= 0.998
    assert np.percentile(np.abs(int8 - float_).max(1), 99) < 0.05, "confidences move by a few hundredths at most"
    labels = mnist.test_labels[:2000].numpy()
    assert (int8.argmax(1) == labels).mean() >= (float_.argmax(1) == labels).mean() - 0.001


def test_int8_copies_of_every_architecture_read():
    if ENGINE not in torch.backends.quantized.supported_engines:
        pytest.skip(f"this torch has no {ENGINE} quantised kernels")
    torch.manual_seed(0)
    x = torch.rand(3, 1, 28, 28)
    copies = {name: int8_reader(for_inference(build_model(name).eval()), Normalization()) for name in ARCHITECTURES}
    assert copies["digitnet"] is not None
    with torch.inference_mode():  # (untrained models may read the calibration drawings too unlike their float selves)
        assert all(copy(x).shape == (3, 10) for copy in copies.values() if copy is not None)


def test_a_model_int8_cannot_run_stays_float():
    odd = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Sigmoid())  # no quantised sigmoid in eager mode
    assert int8_reader(odd.eval(), Normalization()) is None
    assert int8_reader(nn.Identity(), Normalization()) is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")
def test_cuda_keeps_the_float_model():
    predictor = Predictor.load(device="cuda")
    assert not predictor.int8 and predictor.engine == "torch"
