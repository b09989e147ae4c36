"""Owns the model the Draw tab uses: loads checkpoints in the background and swaps them in whole.

A failed load leaves the current model in place and reports one clear message.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from superqt.utils import create_worker


def _load(path: str | None, device: str):
    from ..core.device import cuda_unavailable_reason  # torch loads here, in the worker, not at startup
    from ..core.predictor import Predictor

    return Predictor.load(path, device=device), cuda_unavailable_reason()


class ModelManager(QObject):
    """Signals: `changed(predictor)` after a swap, `failed(message)` when a load fails, `loading(text)`."""

    changed = Signal(object)
    failed = Signal(str)
    loading = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.predictor = None
        self.device = "auto"
        self.cuda_unavailable: str | None = "checking..."
        self._latest = 0  # the newest load request; an older one finishing later is ignored

    def load(self, path: str | os.PathLike | None = None, device: str | None = None) -> None:
        """Load a checkpoint (None: the bundled model) on a device in the background."""
        device = device or self.device
        self._latest += 1
        request = self._latest
        self.loading.emit(f"Loading {'the bundled model' if path is None else os.path.basename(path)}...")
        create_worker(_load, None if path is None else str(path), device,
                      _connect={"returned": lambda result: self._loaded(result, device, request),
                                "errored": lambda error: self._load_failed(error, request)})

    def set_device(self, device: str) -> None:
        """Reload the current checkpoint on another device."""
        self.load(self.predictor.path if self.predictor else None, device)

    def use(self, predictor) -> None:
        """Hot-swap to an already built predictor (e.g. one just trained)."""
        self.predictor = predictor
        self.changed.emit(predictor)

    def _loaded(self, result, device: str, request: int) -> None:
        if request != self._latest:
            return
        predictor, self.cuda_unavailable = result
        self.device = device
        self.use(predictor)

    def _load_failed(self, error: Exception, request: int) -> None:
        if request == self._latest:
            self.failed.emit(str(error) or type(error).__name__)
