"""A record of every training run (Train tab, fine-tune, CLI), kept to compare runs later.

Each run is one small JSON file in the user data folder (`runs_dir()`), written atomically when
the run starts, after every epoch and when it ends, so a stopped run, a crash or even a killed
process leaves a readable record. `RunRecorder.watch` sits between the one training loop and its
front end: it passes every event on untouched and keeps the record (and an optional TensorBoard
log) up to date from them. `RunStore` lists, reads, updates and deletes the records; a damaged
file is skipped with a note and never stops the others from being listed.

No torch import at module level: `digitpad runs` lists records without loading it.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from .atomic_file import write_atomically
from .config import PRESETS, TrainConfig, TrainingError
from .dataset_files import CSV_SOURCE, source_location
from .errors import UserError
from .paths import user_data_dir
from .plain_values import is_int

FORMAT = "digitpad-run"
FORMAT_VERSION = 1
RUNNING, FINISHED, STOPPED, CRASHED = "running", "finished", "stopped", "crashed"
STATUSES = (RUNNING, FINISHED, STOPPED, CRASHED)
TRAIN, FINETUNE = "train", "finetune"
STEP_POINTS_PER_EPOCH = 25  # the training curve keeps this many averaged points per epoch
KEPT_METRICS = ("accuracy", "loss", "count", "confusion", "precision", "recall", "train_seconds", "parameters",
                "device", "dataset", "train_images", "subset_images", "ended_early")


class RunRecordError(UserError):
    """A run record cannot be read or found; the message names the file or the id."""


def runs_dir() -> Path:
    return user_data_dir() / "runs"


def _now() -> str:
    """Local time to the microsecond, so runs started in the same second still sort in order."""
    return _dt.datetime.now().astimezone().isoformat(timespec="microseconds")


def preset_of(config: TrainConfig) -> str:
    """The preset a configuration follows ("custom" when it follows none); device and subset do not count."""
    for name, recipe in PRESETS.items():
        if replace(config, device=recipe.device, train_limit=recipe.train_limit) == recipe:
            return name
    return "custom"


def _process_alive(pid: int) -> bool:
    """True unless the process is known to be gone (only POSIX can tell cheaply and safely)."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _settings_readable(record: RunRecord) -> bool:
    """A fine-tune's settings are a dict; a training's fill a TrainConfig whose checks compare them as numbers."""
    if record.kind == FINETUNE:
        return isinstance(record.config.get("finetune", record.config), dict)
    try:
        TrainConfig.from_dict(record.config).problems()
    except (TypeError, ValueError, AttributeError):
        return False
    return True


@dataclass
class RunRecord:
    """One run: what was asked, what happened epoch by epoch, how it ended."""

    id: str
    kind: str  # TRAIN or FINETUNE
    name: str
    started: str  # ISO 8601 local time
    front: str  # "app" or "cli"
    config: dict  # TrainConfig.to_dict(); a fine-tune's FinetuneConfig, then the effective settings
    arch: str
    preset: str  # a preset's name, "custom", or "fine-tune"
    epochs: int  # planned
    data: str = ""  # the dataset's source
    device: str = ""
    status: str = RUNNING
    history: list = field(default_factory=list)  # core.trainer.Epoch as dicts
    steps: list = field(default_factory=list)  # [fractional epoch, loss, accuracy], averaged over a few steps
    metrics: dict | None = None  # the test set's scores once finished (accuracy, confusion, precision, recall...)
    finetune: dict | None = None  # a fine-tune's before/after summary
    seconds: float = 0.0
    checkpoint: str | None = None  # where the model was saved, if it was
    error: str | None = None  # a crash's message
    stopped_at: str | None = None  # where a stopped run stopped
    tensorboard: str | None = None  # the TensorBoard log folder, if one was written
    pid: int = 0
    ended: str | None = None

    def to_dict(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, raw, path: Path | str = "<memory>") -> RunRecord:
        """Check a record read from disk; any problem raises RunRecordError naming the file."""
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise RunRecordError(f"{path}: not a digitpad run record")
        version = raw.get("format_version", 0)
        if not is_int(version):
            raise RunRecordError(f"{path}: its format version is not a number")
        if version > FORMAT_VERSION:
            raise RunRecordError(f"{path}: written by a newer digitpad (format {version})")
        known = {f.name for f in fields(cls)}
        try:
            record = cls(**{k: v for k, v in raw.items() if k in known})
        except TypeError as e:
            raise RunRecordError(f"{path}: {e}") from None
        problem = record._problem()
        if problem:
            raise RunRecordError(f"{path}: {problem}")
        if isinstance(path, Path) and record.id != path.stem:  # delete and save go by the id: they must find this file
            raise RunRecordError(f"{path}: its id {record.id!r} is not its file's name")
        return record

    def _problem(self) -> str | None:
        """What makes this record unusable by the list, the charts or the results view (None when fine)."""
        texts = ("id", "kind", "name", "started", "front", "arch", "preset", "data", "device")
        if not all(isinstance(getattr(self, name), str) for name in texts):
            return "a text field holds something else"
        if self.status not in STATUSES or self.kind not in (TRAIN, FINETUNE):
            return f"unknown status {self.status!r} or kind {self.kind!r}"
        if not isinstance(self.config, dict) or not is_int(self.epochs) or not _settings_readable(self):
            return "its settings are malformed"
        if not is_int(self.pid) or not 0 <= self.pid < 2 ** 31:  # a process id, as os.kill takes it
            return "its process id is not one"
        if not isinstance(self.seconds, (int, float)):
            return "its duration is not a number"
        numbers = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy")
        if not isinstance(self.history, list) or not all(
                isinstance(e, dict) and all(isinstance(e.get(k), (int, float)) for k in numbers) for e in self.history):
            return "its per-epoch history is malformed"
        if not isinstance(self.steps, list) or not all(
                isinstance(s, list) and len(s) == 3 and all(isinstance(v, (int, float)) for v in s) for s in self.steps):
            return "its training curve is malformed"
        if self.metrics is not None:
            m = self.metrics
            confusion = m.get("confusion") if isinstance(m, dict) else None
            if not (isinstance(confusion, list) and len(confusion) == 10
                    and all(isinstance(row, list) and len(row) == 10 and all(isinstance(n, int) for n in row)
                            for row in confusion)):
                return "its confusion matrix is not 10 x 10 counts"
            for key in ("precision", "recall"):
                if not (isinstance(m.get(key), list) and len(m[key]) == 10
                        and all(isinstance(v, (int, float)) for v in m[key])):
                    return f"its per-digit {key} is malformed"
            if not (all(isinstance(m.get(k), (int, float)) for k in ("accuracy", "loss"))
                    and all(isinstance(m.get(k), int) for k in ("count", "train_images", "parameters"))
                    and isinstance(m.get("device"), str)):
                return "its test scores are malformed"
        summary = self.finetune
        if summary is not None and not (isinstance(summary, dict) and isinstance(summary.get("from"), str) and all(
                isinstance(summary.get(k), (int, float)) for k in ("test_before", "test_after"))):
            return "its fine-tune summary is malformed"
        for name in ("checkpoint", "error", "stopped_at", "tensorboard", "ended"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                return f"its {name} is not text"
        return None

    # --- what people read ---------------------------------------------------------------------------
    @property
    def shown_status(self) -> str:
        """The status, with a run whose process has gone without ending it shown as crashed."""
        if self.status == RUNNING and not _process_alive(self.pid):
            return CRASHED
        return self.status

    @property
    def accuracy(self) -> float | None:
        return self.metrics["accuracy"] if self.metrics else None

    @property
    def epochs_done(self) -> int:
        return len(self.history)

    def started_text(self, year: bool = True, seconds: bool = False) -> str:
        """When the run started, to the minute: "2026-12-07 13:02" ("12-07 13:02" without the year), or to the
        second ("13:02:41"), to tell runs started in the same minute apart."""
        return self.started[0 if year else 5:19 if seconds else 16].replace("T", " ")

    def length_text(self) -> str:
        """How long it trained: epochs done of those planned, or a fine-tune's steps (its epochs only fit them)."""
        steps = (self.config.get("finetune", self.config) or {}).get("steps") if self.kind == FINETUNE else None
        return f"{steps} steps" if isinstance(steps, int) else f"{self.epochs_done}/{self.epochs}"

    def data_summary(self) -> str:
        """The dataset in a few words: "MNIST" or the CSV's name, and the subset trained on."""
        kind, path = source_location(self.data) or ("", "")
        source = Path(path).name if kind == CSV_SOURCE else kind or self.data
        limit = self.config.get("train_limit")
        subset = (self.metrics or {}).get("subset_images")
        if isinstance(subset, int) and isinstance(limit, int) and subset < limit:
            limit = None  # fewer images than the limit: all of them were used
        summary = f"{source}, first {limit:,}" if isinstance(limit, int) else source
        if self.kind != FINETUNE:
            return summary
        # a fine-tune also trains on pen drawings and the person's digits: its results count all of them
        return " + ".join(part for part in (summary, "pen drawings", "your digits") if part)

    def settings_summary(self) -> str:
        """The preset's name, or the settings that make a custom recipe."""
        c = self.config
        if self.kind == FINETUNE:
            settings = c.get("finetune", c)
            return f"fine-tune of {settings.get('from', '?')}: {settings.get('steps', '?')} steps, lr {settings.get('lr', '?')}"
        if self.preset != "custom":
            return self.preset
        return (f"custom: lr {c.get('lr')}, batch {c.get('batch_size')}, {c.get('optimizer')}/{c.get('schedule')}, "
                f"augment {c.get('augment')}")

    def status_text(self) -> str:
        status = self.shown_status
        if status == STOPPED and self.stopped_at:
            return f"stopped {self.stopped_at}"
        if status == CRASHED:
            return f"crashed: {self.error or 'the program ended during the run'}"
        early = (self.metrics or {}).get("ended_early")
        ended = "finished early, as asked" if status == FINISHED and isinstance(early, dict) else status
        return f"{ended}; {self.error}" if status == FINISHED and self.error else ended

    def label(self, seconds: bool = False) -> str:
        """A short name for legends: date (to the second with `seconds`), architecture and test accuracy."""
        accuracy = f", {self.accuracy:.2%}" if self.accuracy is not None else f", {self.shown_status}"
        return f"{self.started_text(year=False, seconds=seconds)} {self.arch}{accuracy}"

    def train_config(self) -> TrainConfig:
        """The settings to train the same way again (a fine-tune's effective training settings)."""
        return TrainConfig.from_dict(self.config)


class RunStore:
    """The run records in a folder (default: `runs_dir()`), one `<id>.json` each."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder else runs_dir()

    def path(self, run_id: str) -> Path:
        return self.folder / f"{run_id}.json"

    def save(self, record: RunRecord) -> Path:
        """Write a record atomically; raises OSError, and then the previous file is untouched."""
        return write_atomically(self.path(record.id), json.dumps(record.to_dict(), indent=1).encode())

    def read(self, path: Path) -> RunRecord:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise RunRecordError(f"{path}: cannot be read ({e})") from None
        return RunRecord.from_dict(raw, path)

    def records(self) -> tuple[list[RunRecord], list[str]]:
        """Every readable record, newest first, and a note for each file skipped."""
        records, notes = [], []
        paths = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        for path in paths:
            try:
                records.append(self.read(path))
            except RunRecordError as e:
                notes.append(f"skipped {e} (`digitpad runs delete {path.stem}` removes it)")
        records.sort(key=lambda r: r.started, reverse=True)
        return records, notes

    def find(self, run_id: str) -> RunRecord:
        """The record with this id, or the only one whose id starts with it (as written: no pattern, no path)."""
        return self.read(self._file_of(run_id))

    def _file_of(self, run_id: str) -> Path:
        kept = sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []
        matches = [p for p in kept if p.stem == run_id] or [p for p in kept if run_id and p.stem.startswith(run_id)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise RunRecordError(f"run {run_id!r} is ambiguous: {', '.join(p.stem for p in matches[:5])}")
        raise RunRecordError(f"no run {run_id!r} in {self.folder} (see `digitpad runs`)")

    def delete(self, run_id: str) -> tuple[str, RunRecord | None]:
        """Remove a record (never the model it saved); returns its id and what it held, None for a damaged file
        (removed too: the list's note about it says so, and it was skipped on every listing)."""
        path = self._file_of(run_id)
        try:
            record = self.read(path)
        except RunRecordError:
            record = None
        path.unlink(missing_ok=True)
        return path.stem, record

    def set_checkpoint(self, run_id: str, checkpoint: str | os.PathLike) -> RunRecord:
        """Note where a run's model was saved (the Train tab saves after the run ended)."""
        record = self.find(run_id)
        record = replace(record, checkpoint=str(Path(checkpoint).resolve()),
                         error=None if record.status == FINISHED else record.error)  # a failed save's note goes
        self.save(record)
        return record

    def keep_model(self, run_id: str, checkpoint, path: str | os.PathLike) -> str | None:
        """Save a run's trained model (a core.checkpoint.Checkpoint, atomically) and note the file in the run's
        record, as `digitpad train` and the Train tab both do. Raises CheckpointError when the model cannot be
        saved; returns why the record could not be updated (None when it was): the model is saved either way. A save
        that fails is noted in the record ("finished; not saved: ..."), where the run read as any other."""
        try:
            checkpoint.save(path)
        except Exception as e:  # noted, and raised on: the caller says it
            try:
                self.save(replace(self.find(run_id), error=f"not saved: {e}"))
            except (OSError, RunRecordError):  # a full disk takes the record's room too
                pass
            raise
        try:
            self.set_checkpoint(run_id, path)
        except (OSError, RunRecordError) as e:
            return str(e)
        return None


def compare(records: list[RunRecord]) -> list[tuple[str, list[str], bool]]:
    """Rows of (setting or result, one value per run, whether they differ), differences first."""
    def flat(prefix: str, values: dict) -> dict:
        out = {}
        for key, value in values.items():
            if isinstance(value, dict):
                out.update(flat(f"{prefix}{key}.", value))
            else:
                out[f"{prefix}{key}"] = value
        return out

    def facts(r: RunRecord) -> dict:
        last = r.history[-1] if r.history else {}
        return {"kind": r.kind, "started": r.started_text(), "status": r.status_text(), "data": r.data,
                "device": r.device, "arch": r.arch, "preset": r.preset, "trained for": r.length_text(),
                "test accuracy": f"{r.accuracy:.2%}" if r.accuracy is not None else "",
                "test loss": f"{r.metrics['loss']:.4f}" if r.metrics else "",
                "final val accuracy": f"{last['val_accuracy']:.2%}" if last else "",
                "final val loss": f"{last['val_loss']:.4f}" if last else "",
                "seconds": f"{r.seconds:.1f}", "saved model": r.checkpoint or "",
                **{f"config.{k}": v for k, v in flat("", r.config).items()}}

    table = [facts(r) for r in records]
    keys = list(dict.fromkeys(k for t in table for k in t))
    rows = []
    for key in keys:
        values = ["" if t.get(key) is None else f"{t[key]:.6g}" if isinstance(t[key], float) else str(t[key])
                  for t in table]  # 1/12 as 0.0833333, not 0.08333333333333333
        rows.append((key, values, len(set(values)) > 1))
    return [row for row in rows if row[2]] + [row for row in rows if not row[2]]


class RunRecorder:
    """Keeps one run's record (and optionally a TensorBoard log) up to date from the trainer's events."""

    def __init__(self, kind: str, config: dict, arch: str, preset: str, epochs: int, *, name: str = "",
                 front: str = "cli", store: RunStore | None = None, tensorboard: str | os.PathLike | None = None):
        self.store = store or RunStore()
        run_id = f"{_dt.datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        self.record = RunRecord(id=run_id, kind=kind, name=name, started=_now(), front=front, config=config,
                                arch=arch, preset=preset, epochs=epochs, pid=os.getpid())
        self.tensorboard_root = Path(tensorboard) if tensorboard else None
        self._log = None
        self._bin: list[tuple[float, float]] = []
        self._steps_per_epoch: int | None = None  # from the run's steps: where a stop came, in words
        self._write_failed = False

    @property
    def recording(self) -> bool:
        """False once the record could not be written (said once, as a message, when it happened)."""
        return not self._write_failed

    @classmethod
    def for_training(cls, config: TrainConfig, **options) -> RunRecorder:
        return cls(TRAIN, config.to_dict(), config.arch, preset_of(config), config.epochs, **options)

    @classmethod
    def for_finetune(cls, config, start_name: str, arch: str, **options) -> RunRecorder:
        """`config` is a FinetuneConfig; its epochs grow to fit the steps once the data is known."""
        return cls(FINETUNE, {**asdict(config), "from": start_name}, arch, "fine-tune", config.epochs, **options)

    @property
    def id(self) -> str:
        return self.record.id

    def watch(self, events: Iterator, data_source: str) -> Iterator:
        """Pass the run's events on, recording each; a stop, a crash or an interrupt is recorded as such."""
        from .device import resolve_device
        from .trainer import Message

        record = self.record
        record.data = data_source
        record.device = str(resolve_device(record.config.get("device", "auto"))[0])
        if self.tensorboard_root is not None:
            from .tensorboard_log import TensorBoardLog

            self._log = TensorBoardLog(self.tensorboard_root / record.id, record.config)
            record.tensorboard = str(self._log.folder)
            yield Message(f"TensorBoard log in {self._log.folder} (view: tensorboard --logdir "
                          f"{self.tensorboard_root})")
        yield from self._saved()
        if self.recording:
            yield Message(f"recording this run as {record.id}")
        try:
            for event in events:
                yield from self._observe(event)
                yield event
        except (GeneratorExit, KeyboardInterrupt):
            self._end(STOPPED, stopped_at="when interrupted")
            raise
        except TrainingError as e:
            self._end(CRASHED, error=str(e))
            raise
        except BaseException as e:
            self._end(CRASHED, error=f"{type(e).__name__}: {e}")
            raise
        finally:
            if record.status == RUNNING:
                self._end(CRASHED, error="the training loop ended without a result")

    def _saved(self) -> Iterator:
        """Write the record; the first failure is reported once as a message, and training goes on."""
        from .trainer import Message

        try:
            self.store.save(self.record)
        except OSError as e:
            if not self._write_failed:
                self._write_failed = True
                yield Message(f"the run record could not be written to {self.store.path(self.record.id)}: "
                              f"{e.strerror or e}; training goes on")

    def _observe(self, event) -> Iterator:
        from .trainer import Epoch, Finished, Step, Stopped

        record = self.record
        if self._log is not None:
            self._log.observe(event)
        if isinstance(event, Step):
            self._steps_per_epoch = event.steps_per_epoch
            self._add_step(event)
            record.seconds = event.elapsed
        elif isinstance(event, Epoch):
            record.history.append(event.as_history())
            record.epochs = event.epochs
            record.seconds = event.elapsed
            yield from self._saved()
        elif isinstance(event, Finished):
            if event.finetune is not None:
                record.finetune = {k: v for k, v in event.finetune.summary().items() if k != "learnt"}
            checkpoint = event.checkpoint
            record.metrics = {k: checkpoint.metrics[k] for k in KEPT_METRICS if k in checkpoint.metrics}
            record.device = str(checkpoint.metrics.get("device", record.device))
            if record.kind == FINETUNE:  # the settings the fine-tune actually trained with
                record.config = {**checkpoint.train_config}
            record.seconds = event.seconds
            self._end(FINISHED)
        elif isinstance(event, Stopped):
            self._end(STOPPED, stopped_at=event.where(self._steps_per_epoch, len(record.history), record.epochs))

    def _add_step(self, step) -> None:
        """Average the training curve over a few steps, so a long run's record stays small."""
        self._bin.append((step.loss, step.accuracy))
        size = max(1, step.steps_per_epoch // STEP_POINTS_PER_EPOCH)
        if len(self._bin) >= size or step.step == step.steps_per_epoch:
            x = step.epoch - 1 + step.step / step.steps_per_epoch
            n = len(self._bin)
            self.record.steps.append([round(x, 5), sum(b[0] for b in self._bin) / n, sum(b[1] for b in self._bin) / n])
            self._bin.clear()

    def _end(self, status: str, error: str | None = None, stopped_at: str | None = None) -> None:
        if self.record.status != RUNNING:
            return
        self.record.status, self.record.error, self.record.stopped_at = status, error, stopped_at
        self.record.ended = _now()
        for _ in self._saved():  # nobody is left to tell at the end; the record keeps its last good state
            pass
        if self._log is not None:
            self._log.close(status)
