"""`digitpad train` and `digitpad finetune`: the one training loop (core.trainer), with progress on stderr."""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.config import FinetuneConfig, TrainConfig, TrainingError, preset
from ..core.errors import UserError
from ..core.history_csv import write_history_csv
from ..core.paths import bundled_model_path
from ..core.personal import PersonalSet, stored_at
from ..core.runs import RunRecorder
from ..core.tensorboard_log import summary_writer_class
from .common import (
    EXIT_INTERRUPTED,
    check_folder,
    check_outputs,
    ctrl_c_stops,
    save_model,
    settings_given,
    training_inputs,
    use_free_cores,
    with_progress,
)


def stopped(what: str, status: int = EXIT_INTERRUPTED) -> int:
    """Say that a run was stopped before it saved anything; returns `status`, the exit status of the command
    interrupted (by Ctrl+C unless told)."""
    print(f"digitpad: {what} stopped; nothing was saved", file=sys.stderr)
    return status


def refuse_early(problems: list[str]) -> None:
    """Settings that cannot run are refused before the data loads and a run is recorded (the loop would refuse
    them too, after both)."""
    if problems:
        raise TrainingError("; ".join(problems))


def cmd_train(args) -> int:
    from ..core.datasets import load_dataset
    from ..core.trainer import Finished, Stopped, TrainControl, train

    check_outputs(args.out, args.metrics_csv, inputs=training_inputs(args))
    if args.metrics_csv is not None and Path(args.metrics_csv).resolve() == Path(args.out).resolve():
        raise UserError(f"{args.out}: named for both the model and the metrics CSV; the CSV would replace the model")
    if args.tensorboard:
        summary_writer_class()  # without the extra, say so before anything loads
        check_folder(args.tensorboard)
    overrides = settings_given(args, TrainConfig)
    if "arch" in overrides and overrides["arch"] != preset(args.preset).arch:
        overrides["arch_args"] = {}
    config = preset(args.preset, **overrides)
    refuse_early(config.problems())
    data = load_dataset(args.data_dir, args.csv, args.download)
    use_free_cores()
    recorder = RunRecorder.for_training(config, name=Path(args.out).stem, tensorboard=args.tensorboard)
    control = TrainControl()
    events = recorder.watch(train(config, data, control, name=Path(args.out).stem), data.source)
    progress = with_progress(events)
    try:
        with ctrl_c_stops(control) as interruption:
            for event in progress:
                if isinstance(event, Stopped):
                    return stopped("training", interruption.exit_status)
                if not isinstance(event, Finished):
                    continue
                checkpoint = event.checkpoint
                save_model(recorder, checkpoint, args.out)
                if args.metrics_csv:
                    write_history_csv(checkpoint.history, args.metrics_csv)
                print(f"test accuracy {checkpoint.accuracy:.2%} on {checkpoint.metrics['count']:,} images; "
                      f"trained in {event.seconds:.0f}s; saved {args.out}")
    except KeyboardInterrupt:
        progress.close()  # the bar ends before the message, which is not drawn over
        events.close()  # an interrupt between two events: the record says stopped
        return stopped("training")
    return 0


def cmd_finetune(args) -> int:
    from ..core.checkpoint import Checkpoint
    from ..core.datasets import load_dataset
    from ..core.finetune import finetune
    from ..core.trainer import Finished, Stopped, TrainControl

    check_outputs(args.out, inputs=(args.model, stored_at(args.personal), *training_inputs(args)))
    if args.tensorboard:
        summary_writer_class()  # without the extra, say so before anything loads
        check_folder(args.tensorboard)
    personal = PersonalSet.load(stored_at(args.personal), missing_ok=args.personal is None)  # nothing kept: said below
    start = Checkpoint.load(args.model or bundled_model_path())
    config = FinetuneConfig(**settings_given(args, FinetuneConfig))
    refuse_early(personal.fine_tuning_problems() + config.problems())
    data = load_dataset(args.data_dir, args.csv, args.download)
    use_free_cores()
    finished = None
    recorder = RunRecorder.for_finetune(config, start.display_name, start.arch, name=Path(args.out).stem,
                                        tensorboard=args.tensorboard)
    control = TrainControl()
    events = recorder.watch(finetune(start, personal, data, config, control, name=Path(args.out).stem), data.source)
    progress = with_progress(events)
    try:
        with ctrl_c_stops(control) as interruption:
            for event in progress:
                if isinstance(event, Stopped):
                    return stopped("fine-tuning", interruption.exit_status)
                if isinstance(event, Finished):
                    finished = event
    except KeyboardInterrupt:
        progress.close()  # the bar ends before the message, which is not drawn over
        events.close()  # an interrupt between two events: the record says stopped
        return stopped("fine-tuning")
    report = finished.finetune
    print("\n".join(report.lines()))
    if report.withheld and not args.force:
        raise TrainingError(f"the model was not saved to {args.out}; --force saves it anyway")
    save_model(recorder, finished.checkpoint, args.out)
    print(f"trained for {finished.seconds:.0f}s; saved {args.out}")
    return 0
