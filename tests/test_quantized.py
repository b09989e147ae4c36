import numpy as np
import pytest
import torch
from torch import nn

from digitpad import Predictor
from digitpad.core.models import ARCHITECTURES, build_model, for_inference
from digitpad.core.normalization import Normalization
from digitpad.core.quantized import ENGINE, int8_reader


def test_the_bundled_model_reads_in_int8_on_the_cpu_as_the_float_model_does(bundled, mnist):
    assert bundled.int8 == (ENGINE in torch.backends.quantized.supported_engines)
    if not bundled.int8:
        pytest.skip(f"this torch has no {ENGINE} quantised kernels: the float model reads")
    images = mnist.test_images[:2000].numpy().astype(np.float32) / 255
    int8 = bundled.probabilities(images)
    with torch.inference_mode():
        logits = for_inference(bundled.model)(bundled.normalization.apply(torch.from_numpy(images)))
    float_ = torch.softmax(logits, dim=1).numpy()
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
    assert not Predictor.load(device="cuda").int8
