"""`digitpad` command line: a thin front on digitpad.core. With no subcommand it opens the GUI.

Errors from bad input end the command with one clear line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

from . import __version__

EXIT_ERROR, EXIT_INTERRUPTED = 1, 130


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder holding MNIST/raw/*-ubyte[.gz] (default: $DIGITPAD_DATA_DIR, "
                                           "else the user data folder)")
    parser.add_argument("--csv", help="a Kaggle-style CSV (label,pixel0..pixel783) to use instead of MNIST")
    parser.add_argument("--download", action="store_true", help="download MNIST first if it is missing")


def _add_device_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))


def build_parser() -> argparse.ArgumentParser:
    from .core.config import OPTIMIZERS, PRESETS, SCHEDULES

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
    _add_device_arg(finetune)
    _add_data_args(finetune)

    personal = commands.add_parser("personal", help="your own digits kept by the app: stats, export, import")
    personal.add_argument("action", choices=("stats", "export", "import"))
    personal.add_argument("path", nargs="?", help="the file to export to or import from")
    personal.add_argument("--set", dest="personal_set", help="the personal set to use (default: yours, in the "
                                                            "user data folder)")

    download = commands.add_parser("download", help="download MNIST into the data folder")
    download.add_argument("--data-dir")
    return parser


def cmd_predict(args) -> int:
    """One line per file; a file that cannot be read gets a one-line error naming it and the rest go on."""
    from .core.images import ImageError
    from .core.predictor import Predictor

    predictor = Predictor.load(args.model, device=args.device)
    failures = 0
    for name in args.images:
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


def _refuse_bundled(out: str) -> None:
    """The bundled model is never overwritten: a new model must go to a file of its own."""
    from .core.paths import is_bundled_model

    if is_bundled_model(out):
        raise ValueError(f"{out} is the bundled model, which is never overwritten; choose another file")


def cmd_train(args) -> int:
    from .core.config import preset
    from .core.datasets import load_dataset
    from .core.history_csv import write_history_csv
    from .core.trainer import Finished, train

    _refuse_bundled(args.out)
    overrides = {k: v for k, v in vars(args).items() if v is not None and k in (
        "arch", "epochs", "batch_size", "lr", "optimizer", "schedule", "weight_decay", "dropout", "augment",
        "elastic", "styles", "val_fraction", "seed", "device", "train_limit")}
    if "arch" in overrides and overrides["arch"] != preset(args.preset).arch:
        overrides["arch_args"] = {}
    config = preset(args.preset, **overrides)
    data = load_dataset(args.data_dir, args.csv, args.download)
    try:
        for event in _with_progress(train(config, data, name=Path(args.out).stem)):
            if isinstance(event, Finished):
                checkpoint = event.checkpoint
                checkpoint.save(args.out)
                if args.metrics_csv:
                    write_history_csv(checkpoint.history, args.metrics_csv)
                print(f"test accuracy {checkpoint.accuracy:.2%} on {checkpoint.metrics['count']:,} images; "
                      f"trained in {event.seconds:.0f}s; saved {args.out}")
    except KeyboardInterrupt:
        print("digitpad: training stopped; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


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
    print(f"accuracy {result['accuracy']:.2%}  loss {result['loss']:.4f}\n")
    print("digit  precision  recall")
    for digit in range(10):
        print(f"{digit:>5}  {result['precision'][digit]:>9.2%}  {result['recall'][digit]:>6.2%}")
    print("\nconfusion matrix (rows: true digit, columns: predicted)")
    print("     " + "".join(f"{d:>6}" for d in range(10)))
    for digit, row in enumerate(result["confusion"]):
        print(f"{digit:>5}" + "".join(f"{n:>6}" for n in row))
    return 0


def cmd_export(args) -> int:
    from .core.checkpoint import Checkpoint
    from .core.export import default_export_path, export

    out = args.out or default_export_path(args.model, args.format)
    print(f"wrote {export(Checkpoint.load(args.model), args.format, out)}")
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
    from dataclasses import replace

    from .core.checkpoint import Checkpoint
    from .core.config import FinetuneConfig, TrainingError
    from .core.datasets import load_dataset
    from .core.finetune import FineTuned, finetune
    from .core.paths import bundled_model_path
    from .core.personal import PersonalSet
    from .core.trainer import Finished

    _refuse_bundled(args.out)
    personal = PersonalSet.load(args.personal, missing_ok=args.personal is None)  # nothing kept: said below
    start = Checkpoint.load(args.model or bundled_model_path())
    settings = {k: v for k, v in vars(args).items() if v is not None and k in ("steps", "lr", "holdout", "seed")}
    config = replace(FinetuneConfig(), device=args.device, **settings)
    data = load_dataset(args.data_dir, args.csv, args.download)
    report = finished = None
    try:
        for event in _with_progress(finetune(start, personal, data, config, name=Path(args.out).stem)):
            if isinstance(event, FineTuned):
                report = event.report
            elif isinstance(event, Finished):
                finished = event
    except KeyboardInterrupt:
        print("digitpad: fine-tuning stopped; nothing was saved", file=sys.stderr)
        return EXIT_INTERRUPTED
    print("\n".join(report.lines()))
    if report.forgot and not args.force:
        raise TrainingError(f"the model was not saved to {args.out}; --force saves it anyway")
    finished.checkpoint.save(args.out)
    print(f"trained for {finished.seconds:.0f}s; saved {args.out}")
    return 0


def cmd_personal(args) -> int:
    from .core.personal import PersonalSet, PersonalSetError, default_path

    mine = PersonalSet.load(args.personal_set, missing_ok=True)
    if args.action == "stats":
        counts = mine.counts()
        print(f"{sum(counts)} digits in {args.personal_set or default_path()}")
        print("  ".join(f"{digit}: {n}" for digit, n in enumerate(counts)))
        return 0
    if not args.path:
        raise PersonalSetError(f"`digitpad personal {args.action}` needs a file")
    if args.action == "export":
        print(f"exported {len(mine.samples)} digits to {mine.save(args.path)}")
        return 0
    added = mine.merge(PersonalSet.load(args.path))  # a bad file raises here, before anything is written
    mine.save(args.personal_set)
    print(f"imported {added} new digits; {len(mine.samples)} in all")
    return 0


def cmd_download(args) -> int:
    from .core.datasets import download_mnist

    print(f"MNIST is in {download_mnist(args.data_dir)}")
    return 0


COMMANDS = {"predict": cmd_predict, "train": cmd_train, "finetune": cmd_finetune, "evaluate": cmd_evaluate,
            "export": cmd_export, "info": cmd_info, "personal": cmd_personal, "download": cmd_download}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from .ui.app import run

        return run()
    from .core.checkpoint import CheckpointError
    from .core.config import TrainingError
    from .core.datasets import DatasetError
    from .core.export import ExportError
    from .core.personal import PersonalSetError

    try:
        return COMMANDS[args.command](args)
    except (CheckpointError, DatasetError, TrainingError, ExportError, PersonalSetError, FileNotFoundError,
            ValueError) as e:
        print(f"digitpad: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("digitpad: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
