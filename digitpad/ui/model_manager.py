"""Owns the model the Draw tab uses: loads checkpoints in the background and swaps them in whole.

A failed load leaves the current model in place and reports one clear message. A load that takes a while
says so each second (`still_loading`): the first one imports PyTorch, and a first start here once took 38 s.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, QTimer, Signal
from superqt.utils import create_worker

from .latest_request import LatestRequest


def _load(source, device: str):
    """A Predictor from a checkpoint file (None: the bundled model) or from a Checkpoint in memory."""
    from ..core.checkpoint import Checkpoint
    from ..core.device import cuda_unavailable_reason  # torch loads here, in the worker, not at startup
    from ..core.predictor import Predictor

    if isinstance(source, Checkpoint):
        return Predictor(source, device=device), cuda_unavailable_reason()
    return Predictor.load(source, device=device), cuda_unavailable_reason()


def _source_of(predictor):
    """What reloads a predictor: its checkpoint file, or its checkpoint itself when it was never saved."""
    return predictor.checkpoint if predictor.path is None else str(predictor.path)


def _same_source(a, b) -> bool:
    return a is b or (isinstance(a, str) and isinstance(b, str) and os.path.realpath(a) == os.path.realpath(b))


class ModelManager(QObject):
    """Signals: `changed(predictor)` after a swap, `failed(message)` when a load fails, `loading(text)` when one
    starts, and `still_loading(text)` each second once two have passed, with the seconds in the text."""

    changed = Signal(object)
    failed = Signal(str)
    loading = Signal(str)
    still_loading = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.predictor = None
        self.device = "auto"
        self.cuda_unavailable: str | None = "checking..."
        self._latest = LatestRequest()  # a load, a move or `use`; an older load finishing later is ignored
        self._source = None  # what the newest request is for: a checkpoint path, None (bundled) or a Checkpoint
        self.previous = None  # (source, shown name) of the model in use before the last change of model: `back`
        self._pending = False
        self._loading_text = ("", "")  # what is loading, and a note shown after the seconds
        self._load_started = 0.0
        self._seconds_timer = QTimer(self)
        self._seconds_timer.setInterval(1000)
        self._seconds_timer.timeout.connect(self._count_seconds)

    def load(self, path: str | os.PathLike | None = None, device: str | None = None) -> None:
        """Load a checkpoint (None: the bundled model) on a device in the background."""
        self._start(None if path is None else str(path), device or self.device,
                    f"Loading {'the bundled model' if path is None else os.path.basename(path)}")

    @property
    def busy(self) -> bool:
        """True while the newest request is still loading: the model in use is about to change."""
        return self._pending

    def set_device(self, device: str) -> None:
        """Put the model asked for last on another device (also one trained here and never saved)."""
        self._start(self._source, device, f"Moving the model to {device.upper()}")

    def _start(self, source, device: str, message: str) -> None:
        request = self._latest.new()
        self._source, self._pending = source, True
        note = " (PyTorch's first start can take a minute)" if self.predictor is None else ""
        self._loading_text, self._load_started = (message, note), time.monotonic()
        self._seconds_timer.start()
        self.loading.emit(f"{message}...{note}")
        create_worker(_load, source, device,
                      _connect={"returned": lambda result: self._loaded(result, device, request),
                                "errored": lambda error: self._load_failed(error, request)})

    def _count_seconds(self) -> None:
        seconds = int(time.monotonic() - self._load_started)
        if seconds >= 2:
            message, note = self._loading_text
            self.still_loading.emit(f"{message}... {seconds} s{note}")

    def use(self, predictor) -> None:
        """Hot-swap to an already built predictor (e.g. one just trained); loads still under way are dropped."""
        self._latest.new()
        self._source = _source_of(predictor)
        self._swap(predictor)

    def back(self) -> None:
        """Load the model in use before the last change of model (a fine-tune's start, the file loaded before), on
        the device in use now."""
        if self.previous is not None:
            source, name = self.previous
            self._start(source, self.device, f"Going back to {name}")

    def _swap(self, predictor) -> None:
        self._pending = False
        self._seconds_timer.stop()
        old = self.predictor
        if old is not None and not _same_source(_source_of(old), _source_of(predictor)):  # not a device's move
            self.previous = _source_of(old), old.shown_name()
        self.predictor = predictor
        self.changed.emit(predictor)

    def _loaded(self, result, device: str, request: int) -> None:
        if not self._latest.is_current(request):
            return
        predictor, self.cuda_unavailable = result
        self.device = device
        self._swap(predictor)

    def _load_failed(self, error: Exception, request: int) -> None:
        if self._latest.is_current(request):
            self._pending = False
            self._seconds_timer.stop()
            if self.predictor is not None:  # the model in use stays, so does what a device change moves
                self._source = _source_of(self.predictor)
            self.failed.emit(str(error) or type(error).__name__)
