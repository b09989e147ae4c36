"""Look inside a digit classifier: every stage's activations, the first layer's filters, and saliency.

The stages are found by module type with forward hooks, so any architecture in the registry (and
any checkpoint trained from one) works without naming its layers by hand. A stage starts at a
convolution, a pooling layer or a dense (Linear) layer and takes in the shape-keeping modules that
follow it (BatchNorm, ReLU, Dropout), so a "conv" stage shows what the next stage reads: the
feature maps after normalisation and activation. Padding and Flatten end a stage. The last dense
layer, whose outputs are the ten logits, is the "output" stage.

Saliency is gradient × input with black paper as the baseline: each pixel's brightness times the
gradient of a score with respect to it. It needs one forward and one backward pass (a few
milliseconds, so it can follow the pen), and it credits only ink, which is what a person drew.
For a ReLU network it is the score's first-order split among the pixels. It cannot show ink that
is missing (integrated gradients or occlusion would, at 30 to 200 times the cost).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_weights

from .checkpoint import Checkpoint
from .normalization import Normalization
from .preprocess import INK_THRESHOLD, SIZE

CONV = (nn.Conv2d,)
POOL = (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveMaxPool2d, nn.AdaptiveAvgPool2d, nn.LPPool2d, nn.FractionalMaxPool2d)
DENSE = (nn.Linear,)
SALIENCY_METHOD = "gradient × input"


@dataclass(frozen=True)
class Layer:
    """One stage: its name ("conv1"), kind ("conv", "pool", "dense" or "output"), output shape, modules."""

    name: str
    kind: str
    shape: tuple[int, ...]  # (channels, height, width) or (units,)
    modules: tuple[str, ...]  # e.g. ("Conv2d 3×3", "BatchNorm2d", "ReLU")

    @property
    def title(self) -> str:
        """ "conv1 · 32 × 26 × 26" """
        return f"{self.name} · {' × '.join(str(n) for n in self.shape)}"


@dataclass(frozen=True)
class Reading:
    """What the model did with one 28x28 input."""

    model_input: np.ndarray  # 28x28 float in [0, 1], white ink on black
    layers: tuple[Layer, ...]
    activations: tuple[np.ndarray, ...]  # one per layer, shaped like layer.shape
    probabilities: np.ndarray  # (10,)
    answer: int
    other: int  # the digit of "why not?": the runner-up unless one was chosen
    saliency: np.ndarray  # 28x28: ink for (> 0) and against (< 0) the answer's score
    contrast: np.ndarray  # 28x28: ink for the answer rather than `other` (> 0), or for `other` (< 0)
    filters: np.ndarray  # (filters, k, k): the first convolution's weights

    def saliency_on_ink(self) -> float:
        return share_on_ink(self.saliency, self.model_input)


def _describe(module: nn.Module) -> str:
    name = type(module).__name__
    if isinstance(module, CONV):
        kernel = "×".join(str(k) for k in module.kernel_size)
        stride = f" stride {module.stride[0]}" if max(module.stride) > 1 else ""
        return f"{name} {kernel}{stride}"
    if isinstance(module, POOL) and hasattr(module, "kernel_size"):
        size = module.kernel_size
        return f"{name} {size if isinstance(size, int) else '×'.join(map(str, size))}"
    return name


def _kind(module: nn.Module) -> str | None:
    if isinstance(module, CONV):
        return "conv"
    if isinstance(module, POOL):
        return "pool"
    if isinstance(module, DENSE):
        return "dense"
    return None


def first_layer_filters(model: nn.Module) -> np.ndarray:
    """The first convolution's weights as (filters, kh, kw), averaged over input channels; (0, 1, 1) if none."""
    for module in model.modules():
        if isinstance(module, CONV):
            return module.weight.detach().float().mean(dim=1).cpu().numpy()
    return np.zeros((0, 1, 1), dtype=np.float32)


def share_on_ink(saliency: np.ndarray, image: np.ndarray) -> float:
    """The share of the saliency's total magnitude on ink pixels (brighter than INK_THRESHOLD)."""
    magnitude = np.abs(saliency)
    total = float(magnitude.sum())
    return float(magnitude[image > INK_THRESHOLD].sum()) / total if total > 0 else 0.0


def ink_fraction(image: np.ndarray) -> float:
    """The share of the image's pixels that are ink: what `share_on_ink` would be if saliency were uniform."""
    return float((image > INK_THRESHOLD).mean())


class Probe:
    """A private CPU copy of a model (it takes `model` over) with forward hooks on every leaf module; `read`
    looks inside it.

    One probe serves one thread at a time (its hooks write to the probe). Build one per model.
    """

    def __init__(self, model: nn.Module, normalization: Normalization):
        self.model = model.cpu().eval().requires_grad_(False)  # gradients for the input only: a third less work
        self.normalization = normalization
        self._outputs: list[torch.Tensor] | None = None
        leaves = [m for m in self.model.modules() if not any(True for _ in m.children())]
        for module in leaves:
            module.register_forward_hook(self._record)
        self._calls: list[tuple] | None = []  # (module, input shape, output shape), noted on the first pass only
        with torch.no_grad():
            self._outputs = []
            self.model(torch.zeros(1, 1, SIZE, SIZE))
        calls, self._calls, self._outputs = self._calls, None, None
        self.layers, self._picks = self._stages(calls)
        self.filters = first_layer_filters(self.model)  # the same array in every Reading: the weights never change
        self._fold_batch_norms(calls)

    def _fold_batch_norms(self, calls) -> None:
        """Fold each BatchNorm2d into the convolution called just before it, and call a hooked Identity in its
        place: the same activations (to float rounding) for a tenth less time in each read."""
        parents = {child: (parent, name) for parent in self.model.modules() for name, child in parent.named_children()}
        uses: dict[nn.Module, int] = {}
        for module, _, _ in calls:
            uses[module] = uses.get(module, 0) + 1
        for (conv, _, shape_out), (norm, shape_in, _) in zip(calls, calls[1:]):
            if not (isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d) and shape_out == shape_in
                    and norm.running_var is not None and uses[conv] == uses[norm] == 1 and norm in parents):
                continue
            conv.weight, conv.bias = fuse_conv_bn_weights(conv.weight, conv.bias, norm.running_mean, norm.running_var,
                                                          norm.eps, norm.weight, norm.bias)
            identity = nn.Identity()
            identity.register_forward_hook(self._record)
            parent, name = parents[norm]
            setattr(parent, name, identity)

    @classmethod
    def from_checkpoint(cls, checkpoint: Checkpoint) -> Probe:
        return cls(checkpoint.build_model(), checkpoint.normalization)

    def _record(self, module: nn.Module, inputs, output) -> None:
        if self._outputs is None or not isinstance(output, torch.Tensor):
            return
        if self._calls is not None:
            self._calls.append((module, tuple(inputs[0].shape) if inputs else (), tuple(output.shape)))
        self._outputs.append(output)

    @staticmethod
    def _stages(calls) -> tuple[tuple[Layer, ...], tuple[int, ...]]:
        """Group the leaf-module calls into stages; returns the layers and, for each, the call whose output it is."""
        groups: list[list] = []  # [kind, call index of the last module, shape, module descriptions]
        current = None
        for index, (module, shape_in, shape_out) in enumerate(calls):
            kind = _kind(module)
            if kind is not None:
                current = [kind, index, shape_out, [_describe(module)]]
                groups.append(current)
            elif current is not None and shape_in == shape_out == current[2]:
                current[1] = index
                current[3].append(_describe(module))
            else:
                current = None  # padding, Flatten: what follows is a new stage
        if groups and groups[-1][0] == "dense" and groups[-1][1] == len(calls) - 1:
            groups[-1][0] = "output"
        counts: dict[str, int] = {}
        layers = []
        for kind, _, shape, described in groups:
            counts[kind] = counts.get(kind, 0) + 1
            name = "output" if kind == "output" else f"{kind}{counts[kind]}"
            layers.append(Layer(name, kind, tuple(shape[1:]), tuple(described)))
        return tuple(layers), tuple(group[1] for group in groups)

    def read(self, model_input: np.ndarray, other: int | None = None) -> Reading:
        """Activations, probabilities and saliency for one 28x28 input; `other` is the "why not?" digit."""
        # Two copies of the input in one batch: the answer's gradient from the first, the contrast's from the second.
        x = torch.from_numpy(np.array(model_input, dtype=np.float32)).reshape(1, 1, SIZE, SIZE)  # a writable copy
        x = x.repeat(2, 1, 1, 1).requires_grad_(True)
        self._outputs = []
        try:
            with torch.enable_grad():
                logits = self.model(self.normalization.apply(x))
                outputs = self._outputs
        finally:
            self._outputs = None
        probabilities = torch.softmax(logits[0].detach(), dim=0).numpy()
        ranked = np.argsort(probabilities)[::-1]
        answer = int(ranked[0])
        if other is None or other == answer or not 0 <= other < len(probabilities):
            other = int(ranked[1])
        scores = torch.zeros_like(logits)  # which logits each copy's gradient is of: answer; answer - other
        scores[:, answer] = 1
        scores[1, other] = -1
        (gradient,) = torch.autograd.grad(logits, x, grad_outputs=scores)
        attribution = (gradient * x).detach()[:, 0].numpy()
        activations = tuple(outputs[i][0].detach().numpy().copy() for i in self._picks)
        return Reading(np.asarray(model_input, dtype=np.float32), self.layers, activations, probabilities, answer,
                       other, attribution[0], attribution[1], self.filters)
