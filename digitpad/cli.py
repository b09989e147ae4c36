"""`digitpad` command line: a thin front on digitpad.core. With no subcommand it opens the GUI.

Errors from bad input end the command with one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from dataclasses import fields
from pathlib import Path

from . import __version__
from .core.config import DEVICES, OPTIMIZERS, PRESETS, SCHEDULES

EXIT_ERROR, EXIT_INTERRUPTED = 1, 130


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder holding MNIST/raw/*-ubyte[.gz] (default: $DIGITPAD_DATA_DIR, "
                                           "else the user data folder)")
    parser.add_argument("--csv", help="a Kaggle-style CSV (label,pixel0..pixel783) to use instead of MNIST")
    parser.add_argument("--download", action="store_true", help="download MNIST first if it is missing")


def _add_device_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="auto", choices=tuple(DEVICES))


def _add_tensorboard_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tensorboard", metavar="DIR", help="also log the run for TensorBoard into DIR/RUN-ID "
                                                             "(needs: pip install 'digitpad[tensorboard]')")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitpad", description="Handwritten digit recognition: "
                                     "run with no command to open the app.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="open the desktop app (the default)")

    predict = commands.add_parser("predict", help="read the digit in image files")
    predict.add_argument("images", nargs="+", metavar="IMAGE")
    predict.add_argument("--model", help="checkpoint file (default: the bundled model)")
    predict.add_argument("--ink", default="auto", choices=("auto", "dark", "light"),
                         help="dark ink on light paper, light on dark, or guess from the border")
    predict.add_argument("--json", action="store_true", help="one JSON object per file")
    predict.add_argument("--number", action="store_true",
                         help="read every digit in a row of writing (an amount, a year, a house number)")
    _add_device_arg(predict)

    train = commands.add_parser("train", help="train a model and save its checkpoint")
    train.add_argument("--out", required=True, help="checkpoint file to write (replaced only on success)")
    train.add_argument("--preset", default="quick", choices=sorted(PRESETS))
    train.add_argument("--arch", help="architecture (see `digitpad info`)")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr", type=float, help="(peak) learning rate")
    train.add_argument("--optimizer", choices=OPTIMIZERS)
    train.add_argument("--schedule", choices=SCHEDULES)
    train.add_argument("--weight-decay", type=float)
    train.add_argument("--dropout", type=float)
    train.add_argument("--augment", type=float, help="augmentation strength, 0 (off) to 2")
    train.add_argument("--elastic", action=argparse.BooleanOptionalAction, help="elastic distortions")
    train.add_argument("--styles", action=argparse.BooleanOptionalAction,
                       help="add slashed 0, flagged 1 and crossed 7 variants")
    train.add_argument("--val-fraction", type=float)
    train.add_argument("--seed", type=int)
    train.add_argument("--limit", type=int, dest="train_limit", help="use only the first N training images")
    train.add_argument("--metrics-csv", help="also write per-epoch metrics to this CSV file")
    _add_tensorboard_arg(train)
    _add_device_arg(train)
    _add_data_args(train)

    evaluate = commands.add_parser("evaluate", help="accuracy, per-class scores and confusion matrix on the test set")
    evaluate.add_argument("model", nargs="?", help="checkpoint file (default: the bundled model)")
    evaluate.add_argument("--json", action="store_true")
    _add_device_arg(evaluate)
    _add_data_args(evaluate)

    export = commands.add_parser("export", help="write a checkpoint as TorchScript or ONNX")
    export.add_argument("model")
    export.add_argument("--format", required=True, choices=("torchscript", "onnx"))
    export.add_argument("--out", help="output file (default: beside the model)")

    explain = commands.add_parser("explain", help="draw what the model does with an image: feature maps, "
                                  "filters, and the ink that made its answer")
    explain.add_argument("image", metavar="IMAGE")
    explain.add_argument("--model", help="checkpoint file (default: the bundled model)")
    explain.add_argument("--out", required=True, help="PNG file to write the figure to")
    explain.add_argument("--why-not", type=int, choices=range(10), metavar="DIGIT",
                         help="the other digit for the 'why not' saliency (default: the runner-up)")
    explain.add_argument("--ink", default="auto", choices=("auto", "dark", "light"),
                         help="dark ink on light paper, light on dark, or guess from the border")
    explain.add_argument("--json", action="store_true",
                         help="also print the layers and their shapes, the answer and the saliency's share on the ink")

    info = commands.add_parser("info", help="versions, devices and the bundled model")
    info.add_argument("--json", action="store_true")

    finetune = commands.add_parser("finetune", help="fine-tune a model on your own digits mixed with MNIST")
    finetune.add_argument("--out", required=True, help="checkpoint file to write (replaced only on success)")
    finetune.add_argument("--personal", help="your digits, a set kept by the app or exported from it "
                                              "(default: yours, in the user data folder)")
    finetune.add_argument("--model", help="the checkpoint to start from (default: the bundled model)")
    finetune.add_argument("--steps", type=int, help="batches of 128 images to train on (default 200)")
    finetune.add_argument("--lr", type=float, help="peak learning rate")
    finetune.add_argument("--holdout", type=float, help="share of each digit's samples held out to check the result")
    finetune.add_argument("--seed", type=int, help="seed of the shuffling and augmentation")
    finetune.add_argument("--force", action="store_true",
                          help="save the model even if it forgot MNIST (test accuracy fell by over 0.3 points)")
    _add_tensorboard_arg(finetune)
    _add_device_arg(finetune)
    _add_data_args(finetune)

    personal = commands.add_parser("personal", help="your own digits kept by the app: stats, export, import")
    personal.add_argument("action", choices=("stats", "export", "import"))
    personal.add_argument("path", nargs="?", help="the file to export to or import from")
    personal.add_argument("--set", dest="personal_set", help="the personal set to use (default: yours, in the "
                                                            "user data folder)")

    download = commands.add_parser("download", help="download MNIST into the data folder")
    download.add_argument("--data-dir")

    runs = commands.add_parser("runs", help="every training run recorded: list, show, compare, delete")
    runs.add_argument("--json", action="store_true", help="the records as JSON")
    runs_commands = runs.add_subparsers(dest="runs_command", metavar="ACTION")
    runs_list = runs_commands.add_parser("list", help="one line per run, newest first (the default)")
    runs_show = runs_commands.add_parser("show", help="a run's settings, epochs and test scores")
    runs_show.add_argument("run", metavar="ID", help="a run's id (or the start of it)")
    for sub in (runs_list, runs_show):
        sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="as JSON")
    runs_compare = runs_commands.add_parser("compare", help="runs' settings and results side by side, "
                                                            "differences first")
    runs_compare.add_argument("runs", nargs="+", metavar="ID")
    runs_delete = runs_commands.add_parser("delete", help="forget runs (their saved models stay)")
    runs_delete.add_argument("runs", nargs="+", metavar="ID")
    return parser


def cmd_predict(args) -> int:
    """One line per file; a file that cannot be read gets a one-line error naming it and the rest go on."""
    from .core.images import ImageError
    from .core.predictor import Predictor

    predictor = Predictor.load(args.model, device=args.device)
    failures = 0
    for name in args.images:
        if args.number:
            failures += _predict_number(predictor, name, args)
            continue
        try:
            reading = predictor.read(name, ink=args.ink)
        except ImageError as e:
            print(f"digitpad: error: {e}", file=sys.stderr)
            failures += 1
            continue
        except (OSError, ValueError, MemoryError) as e:  # anything else one file can do must not stop the batch
            print(f"digitpad: error: {name}: cannot be read ({e or type(e).__name__})", file=sys.stderr)
            failures += 1
            continue
        prediction = reading.prediction
        if args.json:
            row = {"file": name, "digit": None, "confidence": None, "probabilities": None, "box": None,
                   "marks": reading.marks}
            if prediction:
                row.update(digit=prediction.digit, confidence=round(prediction.confidence, 6),
                           probabilities=[round(p, 6) for p in prediction.probabilities], box=list(reading.box))
            print(json.dumps(row))
        elif prediction is None:
            print(f"{name}: no digit found")
        else:
            more = f"; {reading.marks} separate marks, read the largest" if reading.marks > 1 else ""
            print(f"{name}: {prediction.digit} ({prediction.confidence:.1%}{more})")
    return EXIT_ERROR if failures else 0


def _predict_number(predictor, name: str, args) -> int:
    """Print the number read in one file; returns 1 when the file cannot be read."""
    from .core.images import ImageError

    try:
        reading = predictor.read_number(name, ink=args.ink)
    except ImageError as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"file": name, "number": reading.text, "shown": reading.display, "digits": [
            {"digit": d.digit, "confidence": round(d.confidence, 6), "box": list(d.box),
             "candidates": [[c, round(p, 6)] for c, p in d.candidates]} for d in reading.digits]}))
    elif not reading.digits:
        print(f"{name}: blank (no ink found)")
    else:
        sure = ", ".join(f"{d.digit} {d.confidence:.0%}" if not d.unsure else
                         f"{d.candidates[0][0]} or {d.candidates[1][0]}?" for d in reading.digits)
        print(f"{name}: {reading.display} ({sure})")
    return 0


def _with_progress(events):
    """Show a run's progress on stderr (messages, a step bar, a line per epoch) and pass every event on."""
    from tqdm import tqdm

    from .core.trainer import Epoch, Finished, Message, Step

    bar = None
    try:
        for event in events:
            if isinstance(event, Message):
                tqdm.write(event.text, file=sys.stderr)
            elif isinstance(event, Step):
                if bar is None:
                    bar = tqdm(total=event.epochs * event.steps_per_epoch, unit="step", file=sys.stderr,
                               dynamic_ncols=True, mininterval=0.5 if sys.stderr.isatty() else 10)
                bar.set_description(f"epoch {event.epoch}/{event.epochs}", refresh=False)
                bar.set_postfix_str(f"loss {event.loss:.3f}, {event.images_per_second:,.0f} img/s", refresh=False)
                bar.update(1)
            elif isinstance(event, Epoch):
                tqdm.write(f"epoch {event.epoch}/{event.epochs}: train loss {event.train_loss:.4f}, "
                           f"val loss {event.val_loss:.4f}, val accuracy {event.val_accuracy:.2%}", file=sys.stderr)
            elif isinstance(event, Finished) and bar is not None:
                bar.close()
                bar = None
            yield event
    finally:
        if bar is not None:
            bar.close()


def _use_free_cores() -> None:
    """Train with the cores other work leaves idle (see core.cpu_threads): far faster on a busy machine."""
    from .core.cpu_threads import use_free_cores

    note = use_free_cores()
    if note:
        print(f"digitpad: {note}", file=sys.stderr)


def _check_outputs(*paths: str | None) -> None:
    """Refuse, before any work, an output that is a folder, a device, a link or the bundled model."""
    from .core.atomic_file import check_target
    from .core.errors import UserError

    for path in filter(None, paths):
        try:
            check_target(path)
        except OSError as e:
            raise UserError(f"{path}: cannot be written: {e.strerror}") from None


def _settings_given(args, settings) -> dict:
    """The options given on the command line that set a field of the dataclass `settings` (each option is
    named as the field it sets)."""
    names = {f.name for f in fields(settings)}
    return {k: v for k, v in vars(args).items() if v is not None and k in names}


def cmd_train(args) -> int:
    from .core.config import TrainConfig, preset
    from .core.datasets import load_dataset
    from .core.history_csv import write_history_csv
    from .core.runs import RunRecorder
    from .core.trainer import Finished, train

    _check_outputs(args.out, args.metrics_csv)
    if args.tensorboard:
        from .core.tensorboard_log import summary_writer_class

        summary_writer_class()  # without the extra, say so before anything loads
    overrides = _settings_given(args, TrainConfig)
    if "arch" in overrides and overrides["arch"] != preset(args.preset).arch:
        overrides["arch_args"] = {}
    config = preset(args.preset, **overrides)
    data = load_dataset(args.data_dir, args.csv, args.download)
    _use_free_cores()
    recorder = RunRecorder.for_training(config, name=Path(args.out).stem, tensorboard=args.tensorboard)
    events = recorder.watch(train(config, data, name=Path(args.out).stem), data.source)
    try:
        for event in _with_progress(events):
            if isinstance(event, Finished):
                checkpoint = event.checkpoint
                checkpoint.save(args.out)
                _note_saved(recorder, args.out)
                if args.metrics_csv:
                    write_history_csv(checkpoint.history, args.metrics_csv)
                print(f"test accuracy {checkpoint.accuracy:.2%} on {checkpoint.metrics['count']:,} images; "
                      f"trained in {event.seconds:.0f}s; saved {args.out}")
    except KeyboardInterrupt:
        events.close()  # an interrupt between two events: the record says stopped
        print("digitpad: training stopped; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _note_saved(recorder, path: str) -> None:
    """Add the saved model to the run's record; a record that cannot be updated is only mentioned."""
    from .core.runs import RunRecordError

    try:
        recorder.store.set_checkpoint(recorder.id, path)
    except (OSError, RunRecordError) as e:
        print(f"digitpad: the run record was not updated with the saved model: {e}", file=sys.stderr)


def cmd_evaluate(args) -> int:
    from .core.datasets import load_dataset
    from .core.metrics import evaluate
    from .core.predictor import Predictor

    predictor = Predictor.load(args.model, device=args.device)
    data = load_dataset(args.data_dir, args.csv, args.download)
    result = evaluate(predictor.model, data.test_images, data.test_labels, predictor.normalization)
    if args.json:
        print(json.dumps({"model": str(predictor.path), **result}))
        return 0
    print(f"{predictor.name} on {result['count']:,} test images of {data.source}")
    _print_scores(result)
    return 0


def _print_scores(result: dict) -> None:
    """Accuracy, loss, per-digit precision and recall, and the confusion matrix, as text."""
    print(f"accuracy {result['accuracy']:.2%}  loss {result['loss']:.4f}\n")
    print("digit  precision  recall")
    for digit in range(10):
        print(f"{digit:>5}  {result['precision'][digit]:>9.2%}  {result['recall'][digit]:>6.2%}")
    print("\nconfusion matrix (rows: true digit, columns: predicted)")
    print("     " + "".join(f"{d:>6}" for d in range(10)))
    for digit, row in enumerate(result["confusion"]):
        print(f"{digit:>5}" + "".join(f"{n:>6}" for n in row))


def cmd_export(args) -> int:
    from .core.checkpoint import Checkpoint
    from .core.export import default_export_path, export

    out = args.out or default_export_path(args.model, args.format)
    _check_outputs(out)
    print(f"wrote {export(Checkpoint.load(args.model), args.format, out)}")
    return 0


def cmd_explain(args) -> int:
    import io

    from .core.atomic_file import write_atomically
    from .core.checkpoint import Checkpoint
    from .core.images import ImageError, load_image
    from .core.inside import SALIENCY_METHOD, Probe, ink_fraction
    from .core.inside_figure import render_figure
    from .core.paths import bundled_model_path
    from .core.preprocess import to_mnist

    checkpoint = Checkpoint.load(args.model or bundled_model_path())
    try:
        model_input = to_mnist(load_image(args.image), args.ink)
    except ImageError as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    if model_input is None:
        print(f"digitpad: error: {args.image}: blank (no ink found), nothing to explain", file=sys.stderr)
        return EXIT_ERROR
    reading = Probe.from_checkpoint(checkpoint).read(model_input, args.why_not)
    buffer = io.BytesIO()
    render_figure(reading, f"{Path(args.image).name} read by {checkpoint.display_name}").save(buffer, "PNG")
    try:
        write_atomically(args.out, buffer.getbuffer())
    except OSError as e:
        print(f"digitpad: error: could not write {args.out}: {e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps({
            "file": args.image, "model": checkpoint.display_name, "figure": args.out, "answer": reading.answer,
            "confidence": round(float(reading.probabilities[reading.answer]), 6),
            "probabilities": [round(float(p), 6) for p in reading.probabilities],
            "layers": [{"name": layer.name, "kind": layer.kind, "shape": list(layer.shape)} for layer in reading.layers],
            "saliency": {"method": SALIENCY_METHOD, "share_on_ink": round(reading.saliency_on_ink(), 4),
                         "ink_share_of_image": round(ink_fraction(model_input), 4), "why_not": reading.other},
        }))
    else:
        print(f"{args.image}: {reading.answer} ({reading.probabilities[reading.answer]:.1%}); wrote {args.out}")
    return 0


def info() -> dict:
    import torch

    from .core.checkpoint import Checkpoint
    from .core.datasets import mnist_present
    from .core.device import cuda_unavailable_reason
    from .core.models import ARCHITECTURES, build_model, parameter_count
    from .core.paths import bundled_model_path, default_data_root, user_data_dir

    try:
        import torchvision
        torchvision_version = torchvision.__version__
    except ImportError:
        torchvision_version = None
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:
        pyside_version = None
    bundled = Checkpoint.load(bundled_model_path())
    return {
        "digitpad": __version__, "python": platform.python_version(), "platform": platform.platform(),
        "torch": torch.__version__, "torchvision": torchvision_version, "pyside6": pyside_version,
        "cuda": cuda_unavailable_reason() or f"available: {torch.cuda.get_device_name(0)}",
        "threads": torch.get_num_threads(),
        "bundled_model": {"path": str(bundled_model_path()), "arch": bundled.arch,
                          "test_accuracy": bundled.accuracy, "created": bundled.created,
                          "parameters": parameter_count(bundled.build_model())},
        "architectures": {name: parameter_count(build_model(name)) for name in ARCHITECTURES},
        "user_data": str(user_data_dir()), "data_root": str(default_data_root()),
        "mnist_present": mnist_present(),
    }


def cmd_info(args) -> int:
    facts = info()
    if args.json:
        print(json.dumps(facts, indent=1))
        return 0
    model = facts.pop("bundled_model")
    for key, value in facts.items():
        if key == "architectures":
            value = ", ".join(f"{name} ({n:,} parameters)" for name, n in value.items())
        print(f"{key:>14}: {value}")
    accuracy = f"{model['test_accuracy']:.2%}" if model["test_accuracy"] is not None else "unknown"
    print(f"{'bundled model':>14}: {model['arch']} ({model['parameters']:,} parameters), MNIST test accuracy "
          f"{accuracy}, {model['path']}")
    return 0


def cmd_finetune(args) -> int:
    from .core.checkpoint import Checkpoint
    from .core.config import FinetuneConfig, TrainingError
    from .core.datasets import load_dataset
    from .core.finetune import finetune
    from .core.paths import bundled_model_path
    from .core.personal import PersonalSet
    from .core.runs import RunRecorder
    from .core.trainer import Finished

    _check_outputs(args.out)
    if args.tensorboard:
        from .core.tensorboard_log import summary_writer_class

        summary_writer_class()  # without the extra, say so before anything loads
    personal = PersonalSet.load(args.personal, missing_ok=args.personal is None)  # nothing kept: said below
    start = Checkpoint.load(args.model or bundled_model_path())
    config = FinetuneConfig(**_settings_given(args, FinetuneConfig))
    data = load_dataset(args.data_dir, args.csv, args.download)
    _use_free_cores()
    finished = None
    recorder = RunRecorder.for_finetune(config, start.display_name, start.arch, name=Path(args.out).stem,
                                        tensorboard=args.tensorboard)
    events = recorder.watch(finetune(start, personal, data, config, name=Path(args.out).stem), data.source)
    try:
        for event in _with_progress(events):
            if isinstance(event, Finished):
                finished = event
    except KeyboardInterrupt:
        events.close()  # an interrupt between two events: the record says stopped
        print("digitpad: fine-tuning stopped; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    report = finished.finetune
    print("\n".join(report.lines()))
    if report.forgot and not args.force:
        raise TrainingError(f"the model was not saved to {args.out}; --force saves it anyway")
    finished.checkpoint.save(args.out)
    _note_saved(recorder, args.out)
    print(f"trained for {finished.seconds:.0f}s; saved {args.out}")
    return 0


def cmd_personal(args) -> int:
    from .core.personal import PersonalSet, PersonalSetError, default_path, edit

    if args.action == "stats":
        counts = PersonalSet.load(args.personal_set, missing_ok=True).counts()
        print(f"{sum(counts)} digits in {args.personal_set or default_path()}")
        print("  ".join(f"{digit}: {n}" for digit, n in enumerate(counts)))
        return 0
    if not args.path:
        raise PersonalSetError(f"`digitpad personal {args.action}` needs a file")
    if args.action == "export":
        _check_outputs(args.path)
        mine = PersonalSet.load(args.personal_set, missing_ok=True)
        print(f"exported {len(mine.samples)} digits to {mine.save(args.path)}")
        return 0
    incoming = PersonalSet.load(args.path)  # a bad file raises here, before anything is written
    added, mine = edit(args.personal_set, lambda personal: personal.merge(incoming))
    print(f"imported {added} new digits; {len(mine.samples)} in all")
    return 0


def cmd_download(args) -> int:
    from .core.datasets import download_mnist

    print(f"MNIST is in {download_mnist(args.data_dir, _print_download_progress)}")
    return 0


def _print_download_progress(name: str, received: int, total: int | None) -> None:
    """One line per file on stderr, redrawn in place on a terminal."""
    if received != total and not sys.stderr.isatty():
        return
    size = f"{received / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"{received / 1e6:.1f} MB"
    end = "\n" if received and received == total else "\r"
    print(f"downloading {name}.gz: {size}", end=end, file=sys.stderr, flush=True)


def cmd_runs(args) -> int:
    from .core.runs import RunStore, compare

    store = RunStore()
    action = args.runs_command or "list"
    if action == "delete":
        for run_id in args.runs:
            record = store.delete(run_id)
            kept = f"; its model {record.checkpoint} stays" if record.checkpoint else ""
            print(f"deleted run {record.id}{kept}")
        return 0
    if action == "show":
        record = store.find(args.run)
        if args.json:
            print(json.dumps(record.to_dict(), indent=1))
            return 0
        _print_run(record)
        return 0
    if action == "compare":
        records = [store.find(run_id) for run_id in args.runs]
        rows = compare(records)
        width = max(len(key) for key, _, _ in rows)
        columns = [max(len(r.id), *(len(values[i]) for _, values, _ in rows)) for i, r in enumerate(records)]
        print(f"{'run':<{width}}  " + "  ".join(f"{r.id:<{w}}" for r, w in zip(records, columns)))
        differ = True
        for key, values, differs in rows:
            if differ and not differs:
                print("-- the same in every run --")
            differ = differs
            print(f"{key:<{width}}  " + "  ".join(f"{v:<{w}}" for v, w in zip(values, columns)))
        return 0
    records, notes = store.records()
    for note in notes:
        print(f"digitpad: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps([r.to_dict() for r in records], indent=1))
        return 0
    if not records:
        print(f"no runs recorded yet in {store.folder}")
        return 0
    for r in records:
        accuracy = f"{r.accuracy:.2%}" if r.accuracy is not None else "-"
        print(f"{r.id}  {r.started[:16].replace('T', ' ')}  {r.arch:<10} {r.settings_summary():<24} "
              f"{r.data_summary():<20} {r.epochs_done}/{r.epochs} epochs  {accuracy:>7}  {r.seconds:6.1f}s  "
              f"{r.status_text()}")
    return 0


def _print_run(record) -> None:
    print(f"run {record.id} ({record.kind}, from the {record.front}): {record.status_text()}")
    for key, value in (("name", record.name), ("started", record.started), ("ended", record.ended),
                       ("data", record.data), ("device", record.device), ("architecture", record.arch),
                       ("settings", record.settings_summary()), ("seconds", f"{record.seconds:.1f}"),
                       ("saved model", record.checkpoint), ("tensorboard", record.tensorboard)):
        if value:
            print(f"{key:>13}: {value}")
    print("\nsettings: " + ", ".join(f"{k}={v}" for k, v in record.config.items()))
    if record.history:
        print("\nepoch  train loss  val loss  train acc  val acc        lr")
        for e in record.history:
            print(f"{e['epoch']:>5}  {e['train_loss']:>10.4f}  {e['val_loss']:>8.4f}  {e['train_accuracy']:>9.2%}  "
                  f"{e['val_accuracy']:>7.2%}  {e.get('lr', 0):>8.2g}")
    if record.metrics:
        print(f"\ntest set: {record.metrics['count']:,} images")
        _print_scores(record.metrics)


COMMANDS = {"predict": cmd_predict, "train": cmd_train, "finetune": cmd_finetune, "evaluate": cmd_evaluate,
            "export": cmd_export, "info": cmd_info, "personal": cmd_personal, "download": cmd_download,
            "explain": cmd_explain, "runs": cmd_runs}


def _quiet_stdout() -> None:
    """The reader of our output went away (`digitpad personal stats | head -1`): print nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from .ui.app import run

        return run()
    from .core.errors import UserError

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # file names that are not UTF-8 print, escaped
    try:
        status = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not as a warning when Python exits
        return status
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_ERROR
    except UserError as e:  # bad input or a fixable problem (a bad file, a diverged run); anything else is a bug
        print(f"digitpad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:  # a file or folder the command needed (not found, not allowed, disk full)
        where = f"{e.filename}: " if e.filename else ""
        print(f"digitpad: error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("digitpad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
