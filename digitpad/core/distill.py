"""Teaching one model what several know: soft targets from an ensemble of checkpoints (knowledge distillation).

Why: averaging a pen-strong and an MNIST-strong model reads both kinds of handwriting better than
either, but costs a forward pass each; a student trained towards their averaged, softened
probabilities (Hinton et al. 2015) reads in one pass. The trainer calls `soft_targets` on each
augmented batch, so the teachers see exactly what the student sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

from .checkpoint import Checkpoint

Teacher = Callable[[torch.Tensor], torch.Tensor]  # (N, 1, 28, 28) images in [0, 1] -> (N, 10) probabilities


def soft_targets(teachers: Sequence[Checkpoint], temperature: float, device: torch.device | str = "cpu") -> Teacher:
    """The teachers' mean probabilities at `temperature`, each model reading with its own normalisation."""
    models = [(checkpoint.build_model().to(device).eval(), checkpoint.normalization) for checkpoint in teachers]

    @torch.no_grad()
    def targets(images: torch.Tensor) -> torch.Tensor:
        return torch.stack([F.softmax(model(norm.apply(images)) / temperature, dim=1)
                            for model, norm in models]).mean(0)

    return targets


def distillation_loss(logits: torch.Tensor, targets: torch.Tensor, temperature: float) -> torch.Tensor:
    """KL divergence from the softened targets, scaled by T^2 so its gradients match cross-entropy's size."""
    return F.kl_div(F.log_softmax(logits / temperature, dim=1), targets, reduction="batchmean") * temperature ** 2
