"""One training or fine-tuning run in a worker thread, reported to the UI thread as signals.

The worker is a superqt GeneratorWorker because `core.trainer.train` (and `core.finetune.finetune`,
which drives it) is a generator: every event it yields crosses to the UI thread as a queued signal,
and nothing heavy (loading the data, training, scoring the test set) runs on the UI thread. Stop
and pause go through the trainer's own TrainControl, which the loop checks between steps and within
its longer stretches, so they take effect within a second and also wake a paused run.

This module imports torch; the Train tab imports it only once torch is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from superqt.utils import create_worker

from ..core.checkpoint import Checkpoint
from ..core.config import TrainingError
from ..core.datasets import DigitData
from ..core.errors import UserError
from ..core.finetune import FinetuneReport
from ..core.runs import RunRecorder
from ..core.trainer import Epoch, Finished, Message, Step, Stopped, TrainControl
from .dataset_choice import DatasetChoice

GALLERY_SIZE = 48

# What a run does once its data is loaded: `train` or `finetune` with their settings bound.
Job = Callable[[DigitData, TrainControl], Iterator]


@dataclass
class Misread:
    image: np.ndarray  # 28x28 uint8, white ink on black
    true: int
    predicted: int


@dataclass
class Outcome:
    """A finished run: the evaluated checkpoint, the first test digits it misread, and a fine-tune's report."""

    checkpoint: Checkpoint
    seconds: float
    misread: list[Misread]
    finetune: FinetuneReport | None = None


def find_misread(checkpoint: Checkpoint, data: DigitData, limit: int = GALLERY_SIZE) -> list[Misread]:
    """The test digits the trainer's final scoring found misread, with their images."""
    return [Misread(data.test_images[index].numpy(), true, predicted)
            for index, true, predicted in checkpoint.metrics["misclassified"][:limit]]


class _DownloadStopped(Exception):
    """Stop was pressed while MNIST was downloading (raised through the download's progress callback)."""


def _download_progress(control: TrainControl, say: Callable[[str], None]):
    """The download's progress callback: a message at every quarter of each file; a pressed Stop ends it."""
    shown = {}

    def progress(name: str, received: int, total: int | None) -> None:
        if control.stop_requested:
            raise _DownloadStopped
        quarter = received * 4 // total if total else 0
        if shown.get(name) != quarter:
            shown[name] = quarter
            size = f"{received / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"{received / 1e6:.1f} MB"
            say(f"Downloading {name}.gz: {size}")

    return progress


def _run_events(job: Job, dataset: DatasetChoice, test_limit: int | None, control: TrainControl,
                began: threading.Event, done: threading.Event, say: Callable[[str], None],
                recorder: RunRecorder | None):
    """The worker's generator: load (or first download) the data, run the job (recorded by `recorder`), find
    the misread test digits.

    superqt's GeneratorWorker swallows a RuntimeError from the generator (it takes it for a deleted
    Qt object), and torch raises RuntimeError for many real failures, so those become TrainingError.
    """
    began.set()
    try:
        if control.stop_requested:  # stopped before the thread got going
            yield Stopped(0, 0)
            return
        yield Message("Loading the data...")
        try:
            data = dataset.load(_download_progress(control, say)).subset(test=test_limit)
        except _DownloadStopped:
            yield Stopped(0, 0)
            return
        yield Message(f"{data.source}: {len(data.train_labels):,} training images in all (the run's subset and "
                      f"validation split follow), {len(data.test_labels):,} test images to score on")
        events = job(data, control)
        if recorder is not None:
            events = recorder.watch(events, data.source)
        for event in events:
            if isinstance(event, Finished):
                event = Outcome(event.checkpoint, event.seconds, find_misread(event.checkpoint, data), event.finetune)
            yield event
    except RuntimeError as e:
        raise TrainingError(f"{type(e).__name__}: {e}") from e
    finally:
        done.set()


class TrainingRun(QObject):
    """Runs a training or fine-tuning job once in a worker; signals arrive on the UI thread, `ended` last, always.

    Pause, resume and stop go through `control`, the trainer's own TrainControl. A `recorder` keeps
    the run's record (core.runs) from the same events, from the moment the data is loaded.
    """

    message = Signal(str)
    step = Signal(object)  # core.trainer.Step
    epoch = Signal(object)  # core.trainer.Epoch
    finished = Signal(object)  # Outcome
    stopped = Signal(object)  # core.trainer.Stopped
    failed = Signal(str)
    ended = Signal()

    def __init__(self, job: Job, dataset: DatasetChoice, test_limit: int | None = None,
                 recorder: RunRecorder | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.recorder = recorder
        self.control = TrainControl()
        self.running = False
        self._began, self._done = threading.Event(), threading.Event()
        self._worker = create_worker(
            _run_events, job, dataset, test_limit, self.control, self._began, self._done, self.message.emit, recorder,
            _start_thread=False,
            _connect={"yielded": self._dispatch, "errored": self._on_error, "finished": self._on_finished})

    def start(self) -> None:
        self.running = True
        self._worker.start()

    def join(self, timeout: float) -> bool:
        """Stop and wait until the worker's generator has returned; True when it has (or never began)."""
        self.control.stop()
        return not self._began.is_set() or self._done.wait(timeout)

    def _dispatch(self, event) -> None:
        if isinstance(event, Step):
            self.step.emit(event)
        elif isinstance(event, Epoch):
            self.epoch.emit(event)
        elif isinstance(event, Message):
            self.message.emit(event.text)
        elif isinstance(event, Outcome):
            self.finished.emit(event)
        elif isinstance(event, Stopped):
            self.stopped.emit(event)

    def _on_error(self, error: Exception) -> None:
        expected = isinstance(error, UserError)  # a bad file, a diverged run: its message says it all
        self.failed.emit(str(error) if expected else f"{type(error).__name__}: {error}")

    def _on_finished(self) -> None:
        self.running = False
        self.ended.emit()
