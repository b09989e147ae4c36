"""Batch-wise data augmentation on the training device: one random transform per sample, no PIL.

It covers what separates pen-drawn digits from MNIST: slant and rotation, imperfect size and
centring, thicker and thinner strokes, and (optionally) wobbly elastic shapes.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _uniform(n: int, low: float, high: float, device) -> torch.Tensor:
    return torch.empty(n, device=device).uniform_(low, high)


def random_thickness(x: torch.Tensor, strength: float) -> torch.Tensor:
    """Thicken about a third of the digits and thin about a sixth, by a random amount each."""
    n = x.shape[0]
    thick = F.max_pool2d(x, 3, 1, 1)
    thin = -F.max_pool2d(-x, 3, 1, 1)
    choice = torch.rand(n, 1, 1, 1, device=x.device)
    amount = torch.rand(n, 1, 1, 1, device=x.device) * strength
    target = torch.where(choice < 0.35, thick, torch.where(choice < 0.5, thin, x))
    return x + amount.clamp(max=1.0) * (target - x)


def random_affine_grid(n: int, strength: float, elastic: bool, device) -> torch.Tensor:
    """Sampling grids for rotation, slant, scale, aspect and shift (plus smooth warps if elastic)."""
    angle = _uniform(n, -15, 15, device) * strength * math.pi / 180
    shear = _uniform(n, -0.3, 0.3, device) * strength
    scale = torch.exp(_uniform(n, -0.15, 0.15, device) * strength)
    aspect = torch.exp(_uniform(n, -0.12, 0.12, device) * strength)
    shift = _uniform(2 * n, -2.5 / 14, 2.5 / 14, device).view(n, 2) * strength
    cos, sin = torch.cos(angle), torch.sin(angle)
    sx, sy = 1 / (scale * aspect), aspect / scale
    theta = torch.zeros(n, 2, 3, device=device)
    theta[:, 0, 0] = cos * sx
    theta[:, 0, 1] = (-sin + shear * cos) * sy
    theta[:, 1, 0] = sin * sx
    theta[:, 1, 1] = (cos + shear * sin) * sy
    theta[:, :, 2] = shift
    grid = F.affine_grid(theta, (n, 1, 28, 28), align_corners=False)
    if elastic:
        coarse = torch.empty(n, 2, 4, 4, device=device).uniform_(-1, 1) * (1.5 / 14) * strength
        grid = grid + F.interpolate(coarse, size=(28, 28), mode="bicubic", align_corners=False).permute(0, 2, 3, 1)
    return grid


def augment(images: torch.Tensor, strength: float = 1.0, elastic: bool = False) -> torch.Tensor:
    """Randomly transform a float batch (N, 1, 28, 28) in [0, 1]; strength 0 returns it unchanged."""
    if strength <= 0:
        return images
    x = random_thickness(images, strength)
    grid = random_affine_grid(x.shape[0], strength, elastic, x.device)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False).clamp_(0, 1)
