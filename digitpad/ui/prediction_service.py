"""Runs predictions off the UI thread, latest request wins.

While the pen moves, requests may arrive faster than answers; only the newest waiting one is
kept, so the answer shown is at most one inference behind the pen and the queue never grows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

Job = Callable[[], object]  # returns a Prediction or None; may raise


class _Worker(QObject):
    finished = Signal(int, object, float)
    failed = Signal(int, str)

    @Slot(int, object)
    def run(self, request_id: int, job: Job) -> None:
        start = time.perf_counter()
        try:
            result = job()
        except Exception as e:  # the job reads user files; any failure is reported, never raised into Qt
            self.failed.emit(request_id, str(e) or type(e).__name__)
            return
        self.finished.emit(request_id, result, time.perf_counter() - start)


class PredictionService(QObject):
    """`submit(job)`; `predicted(result, seconds)` or `failed(message)` comes back on the UI thread."""

    predicted = Signal(object, float)
    failed = Signal(str)
    _run = Signal(int, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("digitpad-predict")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._run.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)  # never leave the thread running
        self._next_id = 0
        self._in_flight: int | None = None
        self._pending: Job | None = None

    def submit(self, job: Job) -> None:
        if self._in_flight is not None:
            self._pending = job
            return
        self._next_id += 1
        self._in_flight = self._next_id
        self._run.emit(self._next_id, job)

    def busy(self) -> bool:
        return self._in_flight is not None or self._pending is not None

    def _send_pending(self) -> None:
        self._in_flight = None
        if self._pending is not None:
            job, self._pending = self._pending, None
            self.submit(job)

    @Slot(int, object, float)
    def _on_finished(self, request_id: int, result: object, seconds: float) -> None:
        self._send_pending()
        self.predicted.emit(result, seconds)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        self._send_pending()
        self.failed.emit(message)

    def shutdown(self) -> None:
        """Stop the worker thread and wait for it (the running inference takes milliseconds)."""
        self._pending = None
        self._thread.quit()
        self._thread.wait()
