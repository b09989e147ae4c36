"""The one training loop, shared by `digitpad train` and the GUI's Train tab.

`train()` is a generator of progress events, so any front end can drive it: the CLI draws a
progress bar, the GUI runs it in a worker thread and forwards events to its charts. Stop and
pause requests (`TrainControl`) are honoured between steps, and within the longer stretches between them (style
variants, validation, the test), so a Stop ends a run within a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

from .augment import augment
from .checkpoint import Checkpoint
from .config import TrainConfig, TrainingError
from .datasets import DigitData
from .device import resolve_device
from .distill import Teacher, distillation_loss
from .inside import first_layer_filters
from .metrics import predict_logits, recording_accuracy, scores, test_results
from .models import build_model, parameter_count
from .normalization import Normalization
from .styles import style_variants

if TYPE_CHECKING:
    from .finetune import FinetuneReport

MIN_ONECYCLE_STEPS = 8
SCORING_CHUNK = 1000  # images scored between two checks for a stop (validation, the test, a fine-tune's checks)


class TrainControl:
    """Thread-safe stop/pause requests that the loop checks between steps and within its longer stretches, and a
    clock that stands still while paused, so a run's speed, ETA and duration leave the pause out."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._finish = threading.Event()  # end training now and keep the model: scored and finished as it is
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._paused_at: float | None = None  # perf_counter() when the pause under way began
        self._paused_for = 0.0  # seconds of the pauses ended

    def stop(self) -> None:
        with self._lock:
            self._end_pause()
            self._stop.set()
            self._running.set()

    def finish_now(self) -> None:
        """End the training at the next step and keep the model as it is then: it is tested and the run finishes,
        with the epochs done so far (a stop discards it)."""
        with self._lock:
            self._end_pause()
            self._finish.set()
            self._running.set()

    @property
    def finishing(self) -> bool:
        return self._finish.is_set()

    def pause(self) -> None:
        with self._lock:
            if self._stop.is_set() or self._finish.is_set():  # a run asked to end ends; paused, it would wait
                return
            if self._paused_at is None:
                self._paused_at = time.perf_counter()
            self._running.clear()

    def resume(self) -> None:
        with self._lock:
            self._end_pause()
            self._running.set()

    def _end_pause(self) -> None:
        if self._paused_at is not None:
            self._paused_for += time.perf_counter() - self._paused_at
            self._paused_at = None

    def clock(self) -> float:
        """time.perf_counter() less every second spent paused (from pause() to resume() or stop())."""
        with self._lock:
            now = time.perf_counter()
            return now - self._paused_for - (now - self._paused_at if self._paused_at is not None else 0.0)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def should_stop(self) -> bool:
        """Block while paused; True once a stop was requested."""
        self._running.wait()
        return self._stop.is_set()


@dataclass
class Message:
    text: str


@dataclass
class Step:
    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    loss: float
    accuracy: float
    lr: float
    images_per_second: float
    elapsed: float
    eta: float

    @property
    def progress(self) -> float:
        return ((self.epoch - 1) * self.steps_per_epoch + self.step) / (self.epochs * self.steps_per_epoch)


@dataclass
class Epoch:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    lr: float
    elapsed: float
    eta: float
    filters: np.ndarray | None = field(default=None, repr=False, compare=False)  # first conv's weights, for pictures

    def as_history(self) -> dict:
        """The epoch as kept in checkpoints and run records: its numbers, without the filters' pictures."""
        return {k: v for k, v in asdict(self).items() if k != "filters"}


@dataclass
class Finished:
    checkpoint: Checkpoint
    seconds: float
    finetune: FinetuneReport | None = None  # a fine-tune's before and after (core.finetune)


@dataclass
class Stopped:
    epoch: int
    step: int

    def where(self, steps_per_epoch: int | None, epochs_done: int, epochs: int) -> str:
        """Where the run stopped, in words: "in epoch 2 after step 40", or what it was doing between the steps."""
        if self.epoch == 0:
            return "before training began"
        if epochs_done >= epochs:
            return "while scoring the test set"
        if steps_per_epoch and self.step >= steps_per_epoch:  # every step of the epoch done, its check not
            return f"at the end of epoch {self.epoch}, while scoring its validation images"
        return f"in epoch {self.epoch} after step {self.step}"


Event = Message | Step | Epoch | Finished | Stopped


def _optimizer(config: TrainConfig, model: torch.nn.Module) -> torch.optim.Optimizer:
    params = model.parameters()
    if config.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    return torch.optim.SGD(params, lr=config.lr, momentum=0.9, nesterov=True, weight_decay=config.weight_decay)


def _scheduler(config: TrainConfig, optimizer, steps_per_epoch: int):
    """A per-step schedule (or None)."""
    total = config.epochs * steps_per_epoch
    if config.schedule == "onecycle" and total >= MIN_ONECYCLE_STEPS:  # fewer steps leave no warm-up phase
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=total, pct_start=0.25)
    if config.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, total // 3), gamma=0.1)
    return None


def split_validation(data: DigitData, config: TrainConfig):
    """Seeded split of the training images into (train, validation); the test set stays untouched."""
    images, labels = data.train_images, data.train_labels
    if config.train_limit:
        images, labels = images[: config.train_limit], labels[: config.train_limit]
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(config.seed)).to(images.device)
    n_val = config.split_sizes(len(labels))[1]
    val, train = order[:n_val], order[n_val:]
    return images[train], labels[train], images[val], labels[val]


def score_in_chunks(model: torch.nn.Module, images: torch.Tensor, norm: Normalization,
                    control: TrainControl) -> torch.Tensor | None:
    """Logits for many images, checking for a stop between chunks; None when stopped."""
    chunks = []
    for first in range(0, len(images), SCORING_CHUNK):
        if control.should_stop():
            return None
        chunks.append(predict_logits(model, images[first: first + SCORING_CHUNK], norm))
    return torch.cat(chunks) if chunks else torch.empty(0, 10, device=images.device)


def train(config: TrainConfig, data: DigitData, control: TrainControl | None = None, name: str = "",
          start: Checkpoint | None = None, extra: tuple[torch.Tensor, torch.Tensor] | None = None,
          teacher: Teacher | None = None, test: bool = True) -> Iterator[Event]:
    """Train a model, yielding progress events; ends with Finished (the evaluated checkpoint) or Stopped.

    `start` continues from a checkpoint's weights and normalisation (fine-tuning) instead of a new
    model; `extra` images (uint8 N x 28 x 28) and labels join the training split (never validation);
    `teacher` (core.distill.soft_targets) gives the soft targets `config.distill` of the loss is taken on.
    `test=False` leaves the test set unscored (a fine-tune scores the model it keeps, which may be another).
    Raises TrainingError when the configuration is invalid, the loss stops being finite or memory runs out.
    """
    problems = config.problems() + (["distilling needs a teacher"] if config.distill and teacher is None else [])
    if problems:
        raise TrainingError("; ".join(problems))
    control = control or TrainControl()
    device, note = resolve_device(config.device)
    if note:
        yield Message(note)
    torch.manual_seed(config.seed)
    data = data.to(device)
    train_x, train_y, val_x, val_y = split_validation(data, config)
    for warning in config.warnings(len(data.train_labels)):
        yield Message(f"note: {warning}")
    subset = len(train_y) + len(val_y)  # the training images the subset left, before any are added
    if config.styles:
        variants = style_variants(train_x, train_y, seed=config.seed, stopped=control.should_stop)
        if variants is None:
            yield Stopped(0, 0)
            return
        train_x, train_y = torch.cat([train_x, variants[0]]), torch.cat([train_y, variants[1]])
        yield Message(f"added {len(variants[1])} style variants (slashed 0, flagged 1, crossed 7)")
    if extra is not None:
        train_x, train_y = torch.cat([train_x, extra[0].to(device)]), torch.cat([train_y, extra[1].to(device)])
    if start is not None:
        arch, arch_args, norm = start.arch, dict(start.arch_args), start.normalization
        model = start.build_model().to(device)
    else:
        arch, arch_args, norm = config.arch, config.model_args(), Normalization()
        model = build_model(arch, **arch_args).to(device)
    optimizer = _optimizer(config, model)
    batch = min(config.batch_size, len(train_y))
    steps_per_epoch = config.steps_per_epoch(len(train_y))
    scheduler = _scheduler(config, optimizer, steps_per_epoch)
    yield Message(f"{arch}: {parameter_count(model):,} parameters; {len(train_y):,} training and "
                  f"{len(val_y):,} validation images on {device}")

    history: list[dict] = []
    began = control.clock()
    total_steps = config.epochs * steps_per_epoch
    done_steps = 0
    ended_early = None  # (epoch, steps done in it) where control.finish_now() ended the training
    try:
        for epoch in range(1, config.epochs + 1):
            model.train()
            order = torch.randperm(len(train_y), device=device)
            loss_sum = correct = seen = 0.0
            for step in range(1, steps_per_epoch + 1):
                if control.should_stop():
                    yield Stopped(epoch, step - 1)
                    return
                if control.finishing:
                    ended_early = (epoch, step - 1)
                    break
                index = order[(step - 1) * batch: step * batch]
                x = augment(train_x[index].float().div_(255).unsqueeze_(1), config.augment, config.elastic)
                y = train_y[index]
                logits = model(norm.apply(x))
                loss = F.cross_entropy(logits, y, label_smoothing=config.label_smoothing)
                if config.distill:
                    soft = distillation_loss(logits, teacher(x), config.temperature)
                    loss = (1 - config.distill) * loss + config.distill * soft
                loss_value = loss.item()
                if loss_value != loss_value or loss_value in (float("inf"), float("-inf")):
                    raise TrainingError(f"the loss became {loss_value} at epoch {epoch}, step {step}: training "
                                        f"diverged. Try a lower learning rate (it was {config.lr:g}).")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if scheduler:
                    scheduler.step()
                done_steps += 1
                step_correct = int((logits.argmax(1) == y).sum())
                loss_sum += loss_value * len(y)
                correct += step_correct
                seen += len(y)
                elapsed = control.clock() - began
                yield Step(epoch, config.epochs, step, steps_per_epoch, loss_value, step_correct / len(y),
                           optimizer.param_groups[0]["lr"], done_steps * batch / elapsed, elapsed,
                           elapsed / done_steps * (total_steps - done_steps))
            if ended_early:
                break
            val_logits = score_in_chunks(model, val_x, norm, control)  # MNIST's 5,000: 0.8 s on 2 CPU threads
            if val_logits is None:
                yield Stopped(epoch, steps_per_epoch)
                return
            val = scores(val_logits, val_y)
            elapsed = control.clock() - began
            record = Epoch(epoch, config.epochs, loss_sum / seen, correct / seen, val["loss"], val["accuracy"],
                           optimizer.param_groups[0]["lr"], elapsed, elapsed / done_steps * (total_steps - done_steps),
                           first_layer_filters(model))
            history.append(record.as_history())
            yield record
    except torch.OutOfMemoryError:
        raise TrainingError(f"out of memory on {device}: lower the batch size (it was {config.batch_size})") from None

    seconds = control.clock() - began
    metrics = {}
    if test:
        logits = score_in_chunks(model, data.test_images, norm, control)
        if logits is None:
            yield Stopped(config.epochs, steps_per_epoch)
            return
        metrics = test_results(logits, data.test_labels)
        metrics = recording_accuracy(metrics, model.state_dict(), data.test_images, data.test_labels,
                                     metrics["accuracy"])
    metrics.update(train_seconds=round(seconds, 1), parameters=parameter_count(model), device=str(device),
                   dataset=data.source, train_images=len(train_y), subset_images=subset)
    if ended_early:
        metrics["ended_early"] = {"epoch": ended_early[0], "step": ended_early[1], "steps_per_epoch": steps_per_epoch}
    checkpoint = Checkpoint.from_model(model, arch, arch_args, normalization=norm,
                                       train_config=config.to_dict(), metrics=metrics, history=history,
                                       name=name or arch)
    yield Finished(checkpoint, seconds)
