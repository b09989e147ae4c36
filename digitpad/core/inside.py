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
PADDING = (nn.ZeroPad2d, nn.ConstantPad2d, nn.ReflectionPad2d, nn.ReplicationPad2d)
SHAPE_KEEPING = (nn.BatchNorm2d, nn.ReLU, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Dropout,
                 nn.Dropout2d, nn.Identity)
SALIENCY_METHOD = "gradient × input"


@dataclass(frozen=True)
class Layer:
    """One stage: its name ("conv1"), kind ("conv", "pool", "dense" or "output"), output shape, modules."""

    name: str
    kind: str
    shape: tuple[int, ...]  # (channels, height, width) or (units,)
    modules: tuple[str, ...]  # e.g. ("Conv2d 3×3", "BatchNorm2d", "ReLU")
    # (left, top, width, height) of the input, in its pixels, that a feature map's pixels are centred over: an
    # unpadded 3×3 convolution's 26×26 maps lie over the 28×28 input's inner 26×26. None: not a map, or not known
    extent: tuple[float, float, float, float] | None = None

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


def _geometry(module: nn.Module, geometry: tuple | None, size_out: tuple[int, ...]) -> tuple | None:
    """Where a module's output pixels lie over the input: ((start_y, start_x), (step_y, step_x)), the centre of its
    first pixel and the distance between its pixels' centres, in input pixels; None once not known. A convolution
    or pooling window moves the centre by half its span less its padding; shape-keeping modules leave it. An
    output shaped otherwise than the window says (a branch, an adaptive pool) ends what is known."""
    if geometry is not None and isinstance(module, PADDING):  # (left, right, top, bottom) pixels put round it
        (starts, steps), sizes = geometry
        left, right, top, bottom = module.padding
        return ((starts[0] - top * steps[0], starts[1] - left * steps[1]), steps), (sizes[0] + top + bottom,
                                                                                    sizes[1] + left + right)
    if geometry is None or not isinstance(module, (*CONV, nn.MaxPool2d, nn.AvgPool2d)):
        return geometry if isinstance(module, SHAPE_KEEPING) else None
    def pair(value) -> tuple:
        return tuple(value) if isinstance(value, (tuple, list)) else (value, value)

    kernel, dilation = pair(module.kernel_size), pair(getattr(module, "dilation", 1))
    stride = pair(module.stride or module.kernel_size)
    padding = module.padding
    if isinstance(padding, str):  # "valid", or "same" (stride 1)
        padding = tuple((d * (k - 1)) // 2 for k, d in zip(kernel, dilation)) if padding == "same" else (0, 0)
    padding = pair(padding)
    (starts, steps), sizes = geometry
    out = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                for n, p, d, k, s in zip(sizes, padding, dilation, kernel, stride))
    if out != tuple(size_out[-2:]):
        return None
    return ((tuple(a + (d * (k - 1) / 2 - p) * j for a, d, k, p, j in zip(starts, dilation, kernel, padding, steps)),
             tuple(j * s for j, s in zip(steps, stride))), out)


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
        groups: list[list] = []  # [kind, call index of the last module, shape, module descriptions, extent]
        current = None
        geometry = (((0.5, 0.5), (1.0, 1.0)), (SIZE, SIZE))  # the input's: its pixels' centres, 1 apart
        for index, (module, shape_in, shape_out) in enumerate(calls):
            geometry = _geometry(module, geometry, shape_out)
            kind = _kind(module)
            if kind is not None:
                extent = None
                if geometry is not None and len(shape_out) == 4:
                    ((y, x), (step_y, step_x)), (height, width) = geometry
                    extent = (x - step_x / 2, y - step_y / 2, width * step_x, height * step_y)
                current = [kind, index, shape_out, [_describe(module)], extent]
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
        for kind, _, shape, described, extent in groups:
            counts[kind] = counts.get(kind, 0) + 1
            name = "output" if kind == "output" else f"{kind}{counts[kind]}"
            layers.append(Layer(name, kind, tuple(shape[1:]), tuple(described), extent))
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
