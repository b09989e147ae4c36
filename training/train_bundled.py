"""Reproduce the bundled model, logged to training/ (full-run.log and full-run.json).

    python training/train_bundled.py --data-dir ../shared/data --width 48 --out /tmp/first.pt

is the `full` preset on MNIST and its style variants, seed 0, at width 48: the bundled model's first stage
(training/README.md has the whole recipe; without `--width`, digitnet's default width 32, the run is
`digitpad train --preset full --seed 0`).
`--stage pen [--start M.pt]` continues a model (default: the bundled one; `PEN_STAGE`) on MNIST
plus digits drawn by synthetic writers and rendered as the Draw tab renders strokes
(`digitpad/core/pen_digits.py`), and dots and dashes with random labels, so a non-digit gets no
confident answer; `--scribbles N` adds N scribbles (zigzags, hatching, crossings-out), random labels too, and
`--doodles N` N letters and doodles (`pen_digits.DOODLES`: A, E, F, H, K, M, N... a house, a sun), as scribbles;
`--long-ones N` adds N European ones whose up-stroke reaches far left, and sevens, half each (the real pen
data's most common misread). `--teacher A.pt B.pt --distill 0.9` trains towards those
models' averaged soft targets (`digitpad/core/distill.py`). `--log` writes the log and report elsewhere
(for trial runs).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

from digitpad import __version__
from digitpad.core.checkpoint import Checkpoint
from digitpad.core.config import preset
from digitpad.core.datasets import load_mnist
from digitpad.core.device import resolve_device
from digitpad.core.distill import soft_targets
from digitpad.core.pen_digits import DESIGNS, digit_set, european_one, pen_stage_set
from digitpad.core.trainer import Epoch, Finished, Message, train

HERE = Path(__file__).resolve().parent
PEN_STAGE = {"epochs": 6, "lr": 1e-3}  # the `full` preset's settings but these, from the first stage's weights
TRAINING_WRITERS_SEED = 0  # benchmarks/pen_proxy.py draws its writers from other seeds
LONG_ONES = {1: {"long-reach european": lambda r: european_one(r, r.uniform(0.25, 0.7), r.uniform(0.4, 0.6))},
             7: DESIGNS[7]}  # the up-strokes the European-ones probe finds misread, beside the sevens they resemble


def pen_extra(count: int, non_digits: int, seed: int, cache: Path | None = None,
              long_ones: int = 0, scribbles: int = 0, doodles: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Pen-drawn digits, plus non-digits with uniformly random labels (the model learns to be unsure of them),
    plus `long_ones` long-reach European ones and sevens, plus `scribbles` scribbles and `doodles` letters and
    doodles (random labels too).

    Drawing them takes minutes on a busy machine: `cache` (an .npz) keeps them for the next run with the same
    counts and seed.
    """
    made = np.array([count, non_digits, long_ones, seed, scribbles, doodles])
    if cache and cache.exists():
        saved = np.load(cache)
        if "made" in saved and np.array_equal(saved["made"], made):
            return torch.from_numpy(saved["images"]), torch.from_numpy(saved["labels"])
    images, labels = pen_stage_set(count, non_digits, seed=TRAINING_WRITERS_SEED + seed, scribbles=scribbles,
                                   doodles=doodles)
    if long_ones:
        ones, ones_labels = digit_set(long_ones, seed=TRAINING_WRITERS_SEED + seed + 2, designs=LONG_ONES)
        images, labels = np.concatenate([images, ones]), np.concatenate([labels, ones_labels])
    if cache:
        np.savez(cache, images=images, labels=labels.astype(np.int64), made=made)
    return torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="folder holding MNIST/raw (default: $DIGITPAD_DATA_DIR)")
    parser.add_argument("--stage", choices=("mnist", "pen"), default="mnist")
    parser.add_argument("--start", help="checkpoint the pen stage continues (default: the bundled model)")
    parser.add_argument("--out", default=str(HERE.parent / "resources" / "digitnet.pt"))
    parser.add_argument("--log", default=str(HERE / "full-run"), help="path stem of the .log and .json written")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, help="override the preset's epochs")
    parser.add_argument("--width", type=int, help="digitnet's width (default 32)")
    parser.add_argument("--lr", type=float, help="override the preset's peak learning rate")
    parser.add_argument("--label-smoothing", type=float, help="override the preset's label smoothing")
    parser.add_argument("--pen", type=int, default=40_000, help="pen-drawn digits for the pen stage")
    parser.add_argument("--non-digits", type=int, default=4_000, help="dots and dashes for the pen stage")
    parser.add_argument("--scribbles", type=int, default=0, help="scribbles (zigzags, hatching...) for the pen stage")
    parser.add_argument("--doodles", type=int, default=0, help="letters and doodles (A, E, a house...), as scribbles")
    parser.add_argument("--long-ones", type=int, default=0, help="long-reach European ones and sevens, half each")
    parser.add_argument("--teacher", nargs="+", default=[], help="checkpoints whose averaged soft targets to learn")
    parser.add_argument("--distill", type=float, help="share of the loss on the teachers' soft targets")
    parser.add_argument("--temperature", type=float, help="softening of the probabilities when distilling")
    parser.add_argument("--cache", type=Path, help="an .npz keeping the drawn pen digits between runs")
    parser.add_argument("--limit", type=int, help="use only the first N MNIST training images (trial runs)")
    args = parser.parse_args()
    overrides = {k: v for k, v in (("epochs", args.epochs), ("lr", args.lr), ("label_smoothing", args.label_smoothing),
                                   ("distill", args.distill), ("temperature", args.temperature),
                                   ("train_limit", args.limit)) if v is not None}
    if args.width:
        overrides["arch_args"] = {"width": args.width}
    config = preset("full", seed=args.seed, **({**PEN_STAGE, **overrides} if args.stage == "pen" else overrides))
    data = load_mnist(args.data_dir)
    started = time.time()
    start = extra = teacher = None
    log_path = Path(args.log)
    with open(log_path.with_suffix(".log"), "w") as log:
        def say(line: str) -> None:
            print(line, flush=True)
            log.write(line + "\n")
            log.flush()

        say(f"digitpad {__version__}, torch {torch.__version__}, {platform.processor() or platform.machine()}, "
            f"{torch.get_num_threads()} threads; stage {args.stage}; config {json.dumps(config.to_dict())}")
        if args.stage == "pen":
            start = Checkpoint.load(args.start or HERE.parent / "resources" / "digitnet.pt")
            extra = pen_extra(args.pen, args.non_digits, args.seed, args.cache, args.long_ones, args.scribbles,
                              args.doodles)
            say(f"continuing {start.display_name} ({start.accuracy:.4f} on MNIST test) with {args.pen:,} pen-drawn "
                f"digits, {args.non_digits:,} dots and dashes, {args.scribbles:,} scribbles, {args.doodles:,} letters "
                f"and doodles and {args.long_ones:,} "
                f"long-reach ones and sevens ({time.time() - started:.0f}s to draw them)")
        if args.teacher:
            teachers = [Checkpoint.load(path) for path in args.teacher]
            teacher = soft_targets(teachers, config.temperature, resolve_device(config.device)[0])
            say("teachers: " + ", ".join(f"{path} ({t.accuracy:.4f})" for path, t in zip(args.teacher, teachers)))
        for event in train(config, data, name="digitnet (bundled)", start=start, extra=extra, teacher=teacher):
            if isinstance(event, Message):
                say(event.text)
            elif isinstance(event, Epoch):
                say(f"epoch {event.epoch:2d}/{event.epochs}  train loss {event.train_loss:.4f} acc "
                    f"{event.train_accuracy:.4f}  val loss {event.val_loss:.4f} acc {event.val_accuracy:.4f}  "
                    f"lr {event.lr:.2e}  {event.elapsed:.0f}s")
            elif isinstance(event, Finished):
                checkpoint = event.checkpoint
                checkpoint.save(args.out, replace_bundled=True)
                metrics = checkpoint.metrics
                say(f"test accuracy {metrics['accuracy']:.4f} on {metrics['count']} MNIST test images; "
                    f"training took {event.seconds:.0f}s; saved {args.out}")
    command = "python training/train_bundled.py " + " ".join(sys.argv[1:])
    report = {"command": command, "stage": args.stage, "seed": args.seed, "config": config.to_dict(),
              "pen_digits": args.pen if args.stage == "pen" else 0,
              "non_digits": args.non_digits if args.stage == "pen" else 0,
              "long_ones": args.long_ones if args.stage == "pen" else 0,
              "scribbles": args.scribbles if args.stage == "pen" else 0,
              "doodles": args.doodles if args.stage == "pen" else 0, "teachers": args.teacher,
              "torch": torch.__version__, "digitpad": __version__, "wall_seconds": round(time.time() - started, 1),
              "test_accuracy": metrics["accuracy"], "test_loss": metrics["loss"],
              "precision": metrics["precision"], "recall": metrics["recall"], "confusion": metrics["confusion"],
              "history": checkpoint.history}
    log_path.with_suffix(".json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
