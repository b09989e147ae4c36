"""Evaluation of a model on labelled uint8 digits: accuracy, loss, confusion matrix, per-class scores."""

from __future__ import annotations

import hashlib

import torch
import torch.nn.functional as F
from torch import nn

from .models import for_inference
from .normalization import Normalization

MISCLASSIFIED_KEPT = 100  # (index, true, predicted) of the first misread test digits, for galleries


@torch.inference_mode()
def predict_logits(model: nn.Module, images: torch.Tensor, norm: Normalization, batch_size: int = 64) -> torch.Tensor:
    """Logits for uint8 images (N, 28, 28) on the model's device, in batches, in eval mode.

    Small batches keep a convolution's output near the CPU's caches: on a 2-core CPU, MNIST test scores
    in about 0.6 of the time with batches of 64 as with 128 (and 128 took half the time of 1,000). The
    images are read by a copy with BatchNorm folded into the convolutions, its activations channels-last
    (`models.for_inference`): faster again, the logits equal up to float rounding (benchmarks/mnist_scoring.py).
    """
    model.eval()
    device = next(model.parameters()).device
    reader = for_inference(model).to(memory_format=torch.channels_last)
    chunks = [reader(norm.apply(images[i: i + batch_size].to(device)))
              for i in range(0, len(images), batch_size)]
    return torch.cat(chunks) if chunks else torch.empty(0, 10, device=device)


def scores(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """Accuracy, mean cross-entropy, the 10x10 confusion matrix (rows: true) and per-class precision/recall."""
    labels = labels.to(logits.device)
    predicted = logits.argmax(1)
    confusion = torch.bincount(labels * 10 + predicted, minlength=100).view(10, 10).cpu()
    true_positive = confusion.diag().double()
    precision = true_positive / confusion.sum(0).clamp(min=1)
    recall = true_positive / confusion.sum(1).clamp(min=1)
    return {
        "accuracy": float((predicted == labels).double().mean()) if len(labels) else 0.0,
        "loss": float(F.cross_entropy(logits, labels)) if len(labels) else 0.0,
        "count": int(len(labels)),
        "confusion": confusion.tolist(),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
    }


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, norm: Normalization) -> dict:
    return scores(predict_logits(model, images, norm), labels)


def test_results(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """What a checkpoint keeps of its model's test: the scores, and the first MISCLASSIFIED_KEPT misread digits."""
    return {**scores(logits, labels), "misclassified": misclassified(logits, labels, MISCLASSIFIED_KEPT)}


def scoring_key(state_dict: dict, images: torch.Tensor, labels: torch.Tensor) -> str:
    """A content hash of a model's weights and of labelled images: an accuracy recorded under it holds for exactly
    those weights on exactly those images (a copy of the metrics beside other weights, as in a blend, never counts)."""
    digest = hashlib.sha256()
    for name in sorted(state_dict):
        digest.update(name.encode())
        digest.update(state_dict[name].detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    digest.update(images.cpu().contiguous().numpy().tobytes())
    digest.update(labels.cpu().to(torch.int64).numpy().tobytes())
    return digest.hexdigest()[:16]


def recorded_accuracy(metrics: dict, state_dict: dict, images: torch.Tensor, labels: torch.Tensor) -> float | None:
    """The accuracy a checkpoint's `metrics` record for its weights on exactly these images, or None: scoring them
    again would give the same (a fine-tune's start is scored before it, and is often a model just scored)."""
    record = metrics.get("accuracies")
    value = record.get(scoring_key(state_dict, images, labels)) if isinstance(record, dict) else None
    return float(value) if isinstance(value, float) and 0 <= value <= 1 else None


def recording_accuracy(metrics: dict, state_dict: dict, images: torch.Tensor, labels: torch.Tensor,
                       accuracy: float) -> dict:
    """`metrics` with the accuracy of the model with these weights on these images recorded (recorded_accuracy)."""
    record = metrics.get("accuracies")
    return {**metrics, "accuracies": {**(record if isinstance(record, dict) else {}),
                                      scoring_key(state_dict, images, labels): accuracy}}


def misclassified(logits: torch.Tensor, labels: torch.Tensor, limit: int = 100) -> list[tuple[int, int, int]]:
    """(index, true label, predicted label) of the first `limit` wrongly read samples."""
    predicted = logits.argmax(1).cpu()
    wrong = torch.nonzero(predicted != labels.cpu()).flatten()[:limit]
    return [(int(i), int(labels[i]), int(predicted[i])) for i in wrong]
