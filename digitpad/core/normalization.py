"""The input normalisation a model was trained with, stored in its checkpoint."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


@dataclass(frozen=True)
class Normalization:
    mean: float = MNIST_MEAN
    std: float = MNIST_STD

    def apply(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 (N, 28, 28) or float (N, [1,] 28, 28) in [0, 1] -> normalised float (N, 1, 28, 28)."""
        x = images.float().div(255) if images.dtype == torch.uint8 else images.float()
        if x.dim() == 3:
            x = x.unsqueeze(1)
        return (x - self.mean) / self.std

    def to_dict(self) -> dict:
        return asdict(self)
