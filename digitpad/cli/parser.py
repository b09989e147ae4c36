"""The command line's options: built without torch, so `digitpad --help` and the GUI start at once."""

from __future__ import annotations

import argparse

from .. import __version__
from ..core.config import DEVICES, OPTIMIZERS, PRESETS, SCHEDULES


def file_name(text: str) -> str:
    """A file or folder named on the command line. An empty name (an unset shell variable in `--model "$M"`) is
    refused: taken as no option, it silently meant the default, the bundled model or the default data."""
    if not text:
        raise argparse.ArgumentTypeError("an empty name: give a file or folder (is a shell variable unset?)")
    return text


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=file_name,
                        help="folder holding MNIST/raw/*-ubyte[.gz], or that MNIST or raw folder itself (default: "
                             "$DIGITPAD_DATA_DIR, else the user data folder)")
    parser.add_argument("--csv", type=file_name,
                        help="a Kaggle-style CSV (label,pixel0..pixel783) to use instead of MNIST")
    parser.add_argument("--download", action="store_true", help="download MNIST first if it is missing")


def _add_device_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="auto", choices=tuple(DEVICES),
                        help="auto (CUDA when usable, else the CPU; the default), cpu or cuda")


def _add_tensorboard_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tensorboard", type=file_name, metavar="DIR",
                        help="also log the run for TensorBoard into DIR/RUN-ID (needs: pip install "
                             "'digitpad[tensorboard]')")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitpad", description="Handwritten digit recognition: "
                                     "run with no command to open the app.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("gui", help="open the desktop app (the default)")

    predict = commands.add_parser("predict", help="read the digit in image files")
    predict.add_argument("images", type=file_name, nargs="*", metavar="IMAGE",
                         help="an image file; - (or none, with an image piped in) reads one from standard input; a "
                         "CSV of 28x28 digits, one per "
                         "row (Kaggle's test.csv), prints ImageId,Label for each row, as Kaggle takes a submission")
    predict.add_argument("--model", type=file_name, help="checkpoint file (default: the bundled model)")
    predict.add_argument("--ink", default="auto", choices=("auto", "dark", "light"),
                         help="dark ink on light paper, light on dark, or guess from the border")
    predict.add_argument("--json", action="store_true", help="one JSON object per file")
    predict.add_argument("--number", action="store_true",
                         help="read every digit in a row of writing (an amount, a year, a house number)")
    _add_device_arg(predict)

    train = commands.add_parser("train", help="train a model and save its checkpoint")
    train.add_argument("--out", type=file_name, required=True,
                       help="checkpoint file to write (replaced only on success)")
    train.add_argument("--preset", default="quick", choices=sorted(PRESETS),
                       help="the recipe the other options change: quick (LeNet-5, 3 epochs: under a minute on two "
                            "CPU cores; the default) or full (digitnet at width 32, the first stage of the bundled "
                            "model's recipe, 30 epochs: about half an hour; training/README.md has the rest)")
    train.add_argument("--arch", help="architecture (see `digitpad info`)")
    train.add_argument("--epochs", type=int, help="passes over the training images")
    train.add_argument("--batch-size", type=int, help="images per step")
    train.add_argument("--lr", type=float, help="(peak) learning rate")
    train.add_argument("--optimizer", choices=OPTIMIZERS, help="how the weights follow the gradients")
    train.add_argument("--schedule", choices=SCHEDULES,
                       help="the learning rate over the run: onecycle warms up then anneals; step divides it by 10 "
                       "twice; none keeps it")
    train.add_argument("--weight-decay", type=float, help="L2 penalty on the weights, e.g. 5e-4")
    train.add_argument("--dropout", type=float, help="share of activations dropped in training (default: the "
                       "architecture's own)")
    train.add_argument("--augment", type=float, help="augmentation strength, 0 (off) to 2")
    train.add_argument("--elastic", action=argparse.BooleanOptionalAction, help="elastic distortions")
    train.add_argument("--styles", action=argparse.BooleanOptionalAction,
                       help="add slashed 0, flagged 1 and crossed 7 variants")
    train.add_argument("--val-fraction", type=float,
                       help="share of the training images held out to validate after each epoch")
    train.add_argument("--seed", type=int, help="seed of the split, the shuffling and the augmentation")
    train.add_argument("--limit", type=int, dest="train_limit", metavar="N",
                       help="use only the first N training images (validation comes out of them)")
    train.add_argument("--metrics-csv", type=file_name, help="also write per-epoch metrics to this CSV file")
    _add_tensorboard_arg(train)
    _add_device_arg(train)
    _add_data_args(train)

    evaluate = commands.add_parser("evaluate", help="accuracy, per-class scores and confusion matrix on the test set")
    evaluate.add_argument("model", type=file_name, nargs="?", help="checkpoint file (default: the bundled model)")
    evaluate.add_argument("--json", action="store_true", help="the scores as one JSON object")
    _add_device_arg(evaluate)
    _add_data_args(evaluate)

    export = commands.add_parser("export", help="write a checkpoint as TorchScript or ONNX")
    export.add_argument("model", type=file_name, nargs="?",
                        help="checkpoint file to export (default: the bundled model)")
    export.add_argument("--format", choices=("torchscript", "onnx"),
                        help="TorchScript (for torch.jit.load, no digitpad needed) or ONNX (for ONNX Runtime and "
                        "other frameworks); needed unless --out's name says it (.onnx, .torchscript.pt)")
    export.add_argument("--out", type=file_name, help="output file (default: beside the model; the bundled model's "
                        "export goes in the current folder)")

    explain = commands.add_parser("explain", help="draw what the model does with an image: feature maps, "
                                  "filters, and the ink that made its answer")
    explain.add_argument("image", type=file_name, metavar="IMAGE",
                         help="an image file; - reads one from standard input")
    explain.add_argument("--model", type=file_name, help="checkpoint file (default: the bundled model)")
    explain.add_argument("--out", type=file_name, required=True,
                         help="image file to write the figure to: PNG, or JPEG, WebP, BMP or TIFF when so named")
    explain.add_argument("--why-not", type=int, choices=range(10), metavar="DIGIT",
                         help="the other digit for the 'why not' saliency (default: the runner-up)")
    explain.add_argument("--ink", default="auto", choices=("auto", "dark", "light"),
                         help="dark ink on light paper, light on dark, or guess from the border")
    explain.add_argument("--json", action="store_true",
                         help="also print the layers and their shapes, the answer and the saliency's share on the ink")

    info = commands.add_parser("info", help="versions, devices and the bundled model")
    info.add_argument("--json", action="store_true", help="as one JSON object")

    finetune = commands.add_parser("finetune",
                                   help="fine-tune a model on your own digits mixed with MNIST and pen drawings")
    finetune.add_argument("--out", type=file_name, required=True,
                          help="checkpoint file to write (replaced only on success)")
    finetune.add_argument("--personal", type=file_name,
                          help="your digits, a set kept by the app or exported from it (default: yours, in the user "
                               "data folder)")
    finetune.add_argument("--model", type=file_name, help="the checkpoint to start from (default: the bundled model)")
    finetune.add_argument("--steps", type=int, help="batches of 128 images to train on, 10 to 100,000 (default 60)")
    finetune.add_argument("--lr", type=float, help="peak learning rate")
    finetune.add_argument("--holdout", type=float, help="share of each digit's samples held out to check the result")
    finetune.add_argument("--seed", type=int, help="seed of the shuffling and augmentation")
    finetune.add_argument("--force", action="store_true",
                          help="save the model even if it forgot MNIST (test accuracy fell by over 0.3 points) "
                               "or reads fewer of your held-out digits right")
    _add_tensorboard_arg(finetune)
    _add_device_arg(finetune)
    _add_data_args(finetune)

    personal = commands.add_parser("personal", help="your own digits kept by the app: stats, export, import")
    set_help = "the personal set to use (default: yours, in the user data folder)"
    personal.add_argument("--set", type=file_name, dest="personal_set", metavar="SET", help=set_help)
    actions = personal.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action, action_help, file_help in (
            ("stats", "how many of each digit the set holds", None),
            ("export", "write the set to FILE, to back it up or share it", "the file to write (.npz)"),
            ("import", "add FILE's digits to the set (those it holds already are skipped)", "a set exported before")):
        command = actions.add_parser(action, help=action_help)
        if file_help:
            command.add_argument("path", type=file_name, metavar="FILE", help=file_help)
        # --set after the action too (`personal export FILE --set S`); SUPPRESS keeps one given before it
        command.add_argument("--set", type=file_name, dest="personal_set", metavar="SET", default=argparse.SUPPRESS,
                             help=set_help)

    download = commands.add_parser("download", help="download MNIST into the data folder")
    download.add_argument("--data-dir", type=file_name,
                          help="folder to put MNIST/raw in (default: $DIGITPAD_DATA_DIR, else the user data folder)")

    runs = commands.add_parser("runs", help="every training run recorded: list, show, compare, delete")
    runs.add_argument("--json", action="store_true", help="the records as JSON")
    runs_commands = runs.add_subparsers(dest="runs_command", metavar="ACTION")
    runs_list = runs_commands.add_parser("list", help="one line per run, newest first (the default)")
    runs_show = runs_commands.add_parser("show", help="a run's settings, epochs and test scores")
    runs_show.add_argument("run", metavar="ID", help="a run's id (or the start of it)")
    runs_compare = runs_commands.add_parser("compare", help="runs' settings and results side by side, "
                                                            "differences first")
    runs_compare.add_argument("runs", nargs="+", metavar="ID", help="two or more runs' ids (or their starts)")
    for sub in (runs_list, runs_show, runs_compare):
        sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="as JSON")
    runs_delete = runs_commands.add_parser("delete", help="forget runs (their saved models stay)")
    runs_delete.add_argument("runs", nargs="+", metavar="ID", help="runs' ids (or their starts)")
    return parser
