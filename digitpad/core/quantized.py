"""An int8 copy of a model for reading digits on the CPU: a one-image forward pass about twice as fast.

Post-training static quantisation in torch's eager mode (x86 kernels, fbgemm/oneDNN): the model with its
BatchNorm folded (models.for_inference), each convolution or dense layer fused with the ReLU after it,
weights quantised per channel, and each activation's range chosen from its histogram (which clips rare
outliers: minimum-maximum ranges read MNIST worse) over drawings made the pad's way
(core.pen_digits' designs through core.strokes.drawing_input): the inputs the Draw tab reads, available
wherever the app runs, unlike MNIST. The checkpoint stays float; the copy is made when a model is loaded.
When the machine or the torch build has no x86 quantised kernels, the architecture has a layer eager mode
cannot quantise, or the copy reads its calibration drawings differently from the float model, there is
no copy and the float model reads. The first convolution (one input channel: little work, and the layer
whose rounding every later one inherits) stays float: that halves the copy's disagreements with the float
model, and is no slower.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import torch
from torch import nn

from .normalization import Normalization

ENGINE = "x86"
CALIBRATION_SIZES = (250, 180, 120)  # pad pixels: each design drawn at these heights...
CALIBRATION_SLANTS = (0.0, 0.25)  # ...upright and slanted
MIN_AGREEMENT = 0.97  # of the calibration drawings read the same as the float model reads them, or no copy
_QUANTISABLE = (nn.Conv2d, nn.Linear, nn.ReLU, nn.MaxPool2d, nn.AvgPool2d, nn.Flatten, nn.ZeroPad2d)


class Int8Reader(nn.Module):
    """float normalised input (N, 1, 28, 28) -> float logits (N, 10): `head` in float, then `layers` in int8."""

    def __init__(self, head: list[nn.Module], layers: list[nn.Module]):
        super().__init__()
        from torch.ao.quantization import DeQuantStub, QuantStub

        self.head, self.layers = nn.Sequential(*head), nn.Sequential(*layers)
        self.quant, self.dequant = QuantStub(), DeQuantStub()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dequant(self.layers(self.quant(self.head(x))))


def calibration_inputs(normalization: Normalization) -> torch.Tensor:
    """Normalised model inputs (N, 1, 28, 28): every digit design of core.pen_digits drawn on the pad."""
    from .pen_digits import DESIGNS
    from .strokes import drawing_input

    rng = np.random.default_rng(0)
    images = []
    for designs in DESIGNS.values():
        for design in designs.values():
            unit = design(rng)
            for size in CALIBRATION_SIZES:
                for slant in CALIBRATION_SLANTS:
                    strokes = [[(15 + size * (0.75 * x + slant * (1 - y)), 15 + size * y) for x, y in stroke]
                               for stroke in unit]
                    image = drawing_input(strokes, (280, 280))
                    if image is not None:
                        images.append(image)
    return normalization.apply(torch.from_numpy(np.stack(images)))


def int8_reader(reader: nn.Module, normalization: Normalization) -> Int8Reader | None:
    """An int8 copy of `reader` (an eval-mode nn.Sequential, BatchNorm folded), or None when there can be none."""
    if ENGINE not in torch.backends.quantized.supported_engines or not isinstance(reader, nn.Sequential):
        return None
    layers = [layer for layer in reader if not isinstance(layer, (nn.Identity, nn.Dropout))]
    if not all(isinstance(layer, _QUANTISABLE) for layer in layers):
        return None
    try:
        with warnings.catch_warnings():  # torch marks eager-mode quantisation deprecated; it is all it offers here
            warnings.simplefilter("ignore")
            return _quantised(layers, reader, calibration_inputs(normalization))
    except Exception:  # noqa: BLE001 - any failure leaves the float model reading, which is always right
        return None


def _quantised(layers: list[nn.Module], reader: nn.Module, inputs: torch.Tensor) -> Int8Reader | None:
    from torch.ao import quantization as tq

    torch.backends.quantized.engine = ENGINE
    layers = copy.deepcopy(layers)
    first_relu = next((i for i, layer in enumerate(layers) if isinstance(layer, nn.ReLU)), -1)
    model = Int8Reader(layers[:first_relu + 1], layers[first_relu + 1:]).eval()
    body = model.layers
    pairs = [[str(i), str(i + 1)] for i in range(len(body) - 1)
             if isinstance(body[i], (nn.Conv2d, nn.Linear)) and isinstance(body[i + 1], nn.ReLU)]
    tq.fuse_modules(model.layers, pairs, inplace=True)
    model.qconfig = tq.QConfig(activation=tq.HistogramObserver.with_args(reduce_range=True),
                               weight=tq.default_per_channel_weight_observer)
    model.head.qconfig = None
    tq.prepare(model, inplace=True)
    with torch.inference_mode():
        model(inputs)
    tq.convert(model, inplace=True)
    with torch.inference_mode():
        agreement = (model(inputs).argmax(1) == reader(inputs).argmax(1)).float().mean().item()
    return model if agreement >= MIN_AGREEMENT else None
