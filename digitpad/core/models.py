"""Registry of digit-classifier architectures, so a checkpoint can rebuild its model by name.

Every model takes a float batch of shape (N, 1, 28, 28), already normalised, and returns logits (N, 10).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from itertools import pairwise

from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

ARCHITECTURES: dict[str, Callable[..., nn.Module]] = {}


def register(name: str):
    def add(factory: Callable[..., nn.Module]) -> Callable[..., nn.Module]:
        ARCHITECTURES[name] = factory
        return factory

    return add


def build_model(arch: str, **arch_args) -> nn.Module:
    """Build an architecture by registry name; unknown names raise ValueError listing the known ones."""
    try:
        factory = ARCHITECTURES[arch]
    except KeyError:
        known = ", ".join(sorted(ARCHITECTURES))
        raise ValueError(f"unknown architecture {arch!r} (known: {known})") from None
    return factory(**arch_args)


def for_inference(model: nn.Module) -> nn.Module:
    """An eval-mode copy with each BatchNorm folded into the convolution just before it, for reading digits.

    Same outputs up to float rounding; digitnet's one-image forward pass is about a fifth faster. Folded with
    torch.nn.utils.fusion, not torch.fx's `fuse`: that one imports TorchScript code which compiles from torch's
    .py sources, and the PyInstaller bundle ships none (every model load failed there).
    """
    reader = copy.deepcopy(model).eval()
    for container in list(reader.modules()):
        if not isinstance(container, nn.Sequential):
            continue
        for (conv_name, conv), (norm_name, norm) in pairwise(list(container.named_children())):
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                setattr(container, conv_name, fuse_conv_bn_eval(conv, norm))
                setattr(container, norm_name, nn.Identity())
    return reader


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _conv_bn(cin: int, cout: int, kernel: int, stride: int = 1, padding: int = 0) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, kernel, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


@register("simple")
def simple(dropout: float = 0.0, hidden: int = 100) -> nn.Module:
    """The Keras tutorial's CNN: one 32@3x3 convolution, max-pool, a dense layer."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(32 * 13 * 13, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, 10),
    )


@register("lenet5")
def lenet5(dropout: float = 0.2) -> nn.Module:
    """LeNet-5 (6 and 16 5x5 filters, 120/84 dense) on 32x32-padded input, with ReLU, max-pool and dropout."""
    return nn.Sequential(
        nn.ZeroPad2d(2),
        nn.Conv2d(1, 6, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(inplace=True), nn.Dropout(dropout),
        nn.Linear(120, 84), nn.ReLU(inplace=True), nn.Dropout(dropout), nn.Linear(84, 10),
    )


@register("lenet-avg")
def lenet_avg(dropout: float = 0.3, filters: int = 36) -> nn.Module:
    """The LeNet variant with 36 5x5 filters, average pooling and 0.3 dropout on 32x32-padded input."""
    return nn.Sequential(
        nn.ZeroPad2d(2),
        nn.Conv2d(1, filters, 5), nn.ReLU(inplace=True), nn.AvgPool2d(2),
        nn.Conv2d(filters, filters, 5), nn.ReLU(inplace=True), nn.AvgPool2d(2),
        nn.Flatten(), nn.Dropout(dropout), nn.Linear(filters * 5 * 5, 120), nn.ReLU(inplace=True),
        nn.Dropout(dropout), nn.Linear(120, 84), nn.ReLU(inplace=True), nn.Linear(84, 10),
    )


@register("digitnet")
def digitnet(width: int = 32, dropout: float = 0.25) -> nn.Module:
    """The bundled model: two conv stages with learned stride-2 downsampling, BatchNorm, dropout.

    Shaped after the strongest single CNNs of the Kaggle digit-recogniser ensembles; about 11 M
    multiply-adds per image, so one CPU forward pass stays well under a millisecond.
    """
    w, w2, w4 = width, 2 * width, 4 * width
    return nn.Sequential(
        *_conv_bn(1, w, 3), *_conv_bn(w, w, 3), *_conv_bn(w, w, 5, stride=2, padding=2), nn.Dropout(dropout),
        *_conv_bn(w, w2, 3), *_conv_bn(w2, w2, 3), *_conv_bn(w2, w2, 5, stride=2, padding=2), nn.Dropout(dropout),
        *_conv_bn(w2, w4, 4), nn.Flatten(), nn.Dropout(dropout), nn.Linear(w4, 10),
    )

