"""Fine-tune a model on the person's own digits without forgetting MNIST.

The person's samples are re-rendered from their strokes at other pen widths and sizes, oversampled
to a share of every batch and mixed with MNIST, then trained by the one training loop
(`trainer.train`, started from the model in use). Some samples of each digit are held out, so the
report can say honestly whether the person's style is now read better, and MNIST test accuracy is
measured before and after, so forgetting is caught (`FinetuneReport.forgot`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .checkpoint import Checkpoint
from .config import FinetuneConfig, TrainingError
from .datasets import DigitData
from .device import resolve_device
from .metrics import predict_logits
from .personal import PersonalSet, Sample
from .preprocess import to_mnist
from .strokes import model_pen_width, render_strokes
from .trainer import Event, Finished, Message, Stopped, TrainControl, score_in_chunks, train

MIN_SAMPLES = 2  # one to learn from and one to check
PEN_FACTORS = (0.7, 1.0, 1.4)  # pen widths, relative to the Draw tab's model pen
SCALES = (0.35, 1.0)  # drawing sizes, relative to the size drawn


@dataclass
class FinetuneReport:
    """Before and after: the held-out personal digits and MNIST test accuracy."""

    held_out_images: np.ndarray  # (N, 28, 28) uint8, as the Draw tab shows them to the model
    held_out_labels: list[int]
    before: list[int]  # the start model's readings of the held-out digits
    after: list[int]  # the fine-tuned model's readings
    mnist_before: float
    mnist_after: float
    max_mnist_drop: float
    trained_on: int  # personal samples learnt from
    renderings: int  # distinct images made from them

    @staticmethod
    def _share_right(readings: list[int], labels: list[int]) -> float | None:
        return sum(r == t for r, t in zip(readings, labels)) / len(labels) if labels else None

    @property
    def personal_before(self) -> float | None:
        return self._share_right(self.before, self.held_out_labels)

    @property
    def personal_after(self) -> float | None:
        return self._share_right(self.after, self.held_out_labels)

    @property
    def mnist_drop(self) -> float:
        return self.mnist_before - self.mnist_after

    @property
    def forgot(self) -> bool:
        """True when MNIST test accuracy fell by more than the allowed points: not offered for drawing."""
        return self.mnist_drop > self.max_mnist_drop + 1e-12

    def summary(self) -> dict:
        """Plain numbers for the checkpoint's metrics."""
        return {"held_out": len(self.held_out_labels), "personal_before": self.personal_before,
                "personal_after": self.personal_after, "mnist_before": self.mnist_before,
                "mnist_after": self.mnist_after, "trained_on": self.trained_on, "forgot": self.forgot}

    def lines(self) -> list[str]:
        """The report in sentences, for the CLI and the Train tab."""
        n = len(self.held_out_labels)
        if n:
            right_before = sum(r == t for r, t in zip(self.before, self.held_out_labels))
            right_after = sum(r == t for r, t in zip(self.after, self.held_out_labels))
            personal = (f"Your {n} held-out digits: {right_before} of {n} read right before "
                        f"({self.personal_before:.0%}), {right_after} of {n} after ({self.personal_after:.0%})")
        else:
            personal = "No digits were held out to check the result (keep at least two of a digit)"
        change = self.mnist_after - self.mnist_before
        mnist = (f"MNIST test accuracy: {self.mnist_before:.2%} before, {self.mnist_after:.2%} after "
                 f"({change * 100:+.2f} points)")
        lines = [personal, mnist]
        if self.forgot:
            lines.append(f"MNIST accuracy fell by more than {self.max_mnist_drop * 100:.1f} points: the model "
                         "forgot some of MNIST, so it is not offered for drawing")
        return lines


@dataclass
class FineTuned:
    """Yielded just before `Finished`: the report on the fine-tuned checkpoint."""

    report: FinetuneReport


def problems(personal: PersonalSet) -> list[str]:
    """Why this set cannot be fine-tuned on, as sentences (empty when it can)."""
    n = len(personal.samples)
    if n == 0:
        return ["you have kept no digits yet: draw on the Draw tab and answer \"Was it right?\""]
    if n < MIN_SAMPLES:
        return [f"you have kept {n} digit; fine-tuning needs at least {MIN_SAMPLES} (one to learn from, "
                "one to check the result)"]
    return []


def split_held_out(samples: list[Sample], fraction: float, seed: int) -> tuple[list[Sample], list[Sample]]:
    """(to learn from, held out): a seeded `fraction` of each digit that has at least two samples."""
    rng = np.random.default_rng(seed)
    learn, held = [], []
    for label in range(10):
        group = [s for s in samples if s.label == label]
        order = rng.permutation(len(group))
        k = max(1, int(len(group) * fraction)) if len(group) >= 2 and fraction > 0 else 0
        held += [group[i] for i in order[:k]]
        learn += [group[i] for i in order[k:]]
    return learn, held


def _as_uint8(image: np.ndarray) -> np.ndarray:
    return np.round(image * 255).astype(np.uint8)


def model_inputs(samples: list[Sample]) -> np.ndarray:
    """(N, 28, 28) uint8: each sample rendered and preprocessed exactly as the Draw tab does now."""
    images = [to_mnist(render_strokes(s.strokes, s.size), ink="light") for s in samples]
    return np.stack([_as_uint8(i) if i is not None else s.model_input for i, s in zip(images, samples)]) \
        if samples else np.zeros((0, 28, 28), np.uint8)


def renderings(samples: list[Sample]) -> tuple[torch.Tensor, torch.Tensor]:
    """Each sample's strokes rendered at every pen width and size: uint8 images (N, 28, 28) and labels."""
    images, labels = [], []
    for sample in samples:
        pen = model_pen_width(sample.strokes)
        for scale in SCALES:
            strokes = [[(x * scale, y * scale) for x, y in stroke] for stroke in sample.strokes]
            size = (max(1, round(sample.size[0] * scale)), max(1, round(sample.size[1] * scale)))
            for factor in PEN_FACTORS:
                image = to_mnist(render_strokes(strokes, size, pen * scale * factor), ink="light")
                if image is not None:
                    images.append(_as_uint8(image))
                    labels.append(sample.label)
    if not images:
        return torch.zeros(0, 28, 28, dtype=torch.uint8), torch.zeros(0, dtype=torch.long)
    return torch.from_numpy(np.stack(images)), torch.tensor(labels, dtype=torch.long)


def _readings(model: torch.nn.Module, images: np.ndarray, norm, device) -> list[int]:
    if not len(images):
        return []
    return predict_logits(model, torch.from_numpy(images).to(device), norm).argmax(1).tolist()


def finetune(start: Checkpoint, personal: PersonalSet, data: DigitData, config: FinetuneConfig | None = None,
             control: TrainControl | None = None, name: str = "") -> Iterator[Event | FineTuned]:
    """Fine-tune `start` on `personal` mixed with `data`'s MNIST, yielding the trainer's events.

    Ends with FineTuned then Finished (the checkpoint carries the report's summary in its metrics)
    or with Stopped. Raises TrainingError for an unusable set or configuration.
    """
    config = config or FinetuneConfig()
    reasons = problems(personal) + config.problems()
    if reasons:
        raise TrainingError("; ".join(reasons))
    control = control or TrainControl()
    learn, held = split_held_out(personal.samples, config.holdout, config.seed)
    counts = np.bincount([s.label for s in learn], minlength=10)
    yield Message(f"learning from {len(learn)} of your digits ("
                  + ", ".join(f"{n} × {d}" for d, n in enumerate(counts) if n)
                  + f"); {len(held)} held out to check the result")
    if np.count_nonzero(counts) == 1:
        yield Message(f"all your digits are {int(counts.argmax())}s: the MNIST images in every batch keep "
                      "the other digits from being forgotten")
    images, labels = renderings(learn)

    device, _ = resolve_device(config.device)
    model = start.build_model().to(device)
    norm = start.normalization
    held_images = model_inputs(held)
    before = _readings(model, held_images, norm, device)
    test_labels = data.test_labels.to(device)
    yield Message(f"scoring {start.display_name} on {len(test_labels):,} MNIST test images before fine-tuning...")
    logits = score_in_chunks(model, data.test_images.to(device), norm, control)
    if logits is None:
        yield Stopped(0, 0)
        return
    mnist_before = float((logits.argmax(1) == test_labels).double().mean()) if len(test_labels) else 0.0

    per_epoch = config.steps * config.batch_size / config.epochs
    personal_count = max(1, round(per_epoch * config.personal_share))
    train_config = config.train_config(start.arch, 0)
    mnist_count = math.ceil(per_epoch * (1 - config.personal_share) / (1 - train_config.val_fraction))
    train_config.train_limit = max(20, min(len(data.train_labels), mnist_count))
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(config.seed))
    order = order.repeat(math.ceil(personal_count / len(labels)))[:personal_count]
    yield Message(f"{len(labels)} renderings of your digits (pen widths and sizes), oversampled to "
                  f"{personal_count:,} of every epoch's images, mixed with MNIST")

    for event in train(train_config, data, control, name, start=start, extra=(images[order], labels[order])):
        if isinstance(event, Finished):
            tuned = event.checkpoint.build_model().to(device)
            report = FinetuneReport(held_images, [s.label for s in held], before,
                                    _readings(tuned, held_images, norm, device), mnist_before,
                                    event.checkpoint.accuracy, config.max_mnist_drop, len(learn), len(labels))
            event.checkpoint.metrics["finetune"] = report.summary()
            event.checkpoint.train_config["finetune"] = {**asdict(config), "from": start.display_name}
            yield FineTuned(report)
        yield event
