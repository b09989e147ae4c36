"""Pick the torch device a user asked for, falling back to the CPU with a reason when CUDA is absent."""

from __future__ import annotations

import torch

from .config import DEVICES


def cuda_unavailable_reason() -> str | None:
    """Why CUDA cannot be used here, or None when it can."""
    if not torch.backends.cuda.is_built():
        return "this torch build has no CUDA support"
    if not torch.cuda.is_available():
        return "no CUDA GPU was found"
    return None


def resolve_device(name: str = "auto") -> tuple[torch.device, str | None]:
    """The device to use for `name` ("auto", "cpu", "cuda") and a note when the request was not met."""
    if name not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {name!r}")
    reason = cuda_unavailable_reason()
    if name == "cpu" or (name == "auto" and reason):
        return torch.device("cpu"), None
    if reason:
        return torch.device("cpu"), f"CUDA was requested but {reason}; using the CPU"
    return torch.device("cuda"), None
