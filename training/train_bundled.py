"""Reproduce the bundled model: the `full` preset on MNIST, seed 0, logged to training/.

    python training/train_bundled.py --data-dir ../shared/data

is the same run as `digitpad train --preset full --seed 0 --out resources/digitnet.pt`;
this script also writes the per-epoch log and the JSON report kept beside it.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from digitpad import __version__
from digitpad.core.config import preset
from digitpad.core.datasets import load_mnist
from digitpad.core.trainer import Epoch, Finished, Message, train

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="folder holding MNIST/raw (default: $DIGITPAD_DATA_DIR)")
    parser.add_argument("--out", default=str(HERE.parent / "resources" / "digitnet.pt"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    config = preset("full", seed=args.seed)
    data = load_mnist(args.data_dir)
    started = time.time()
    with open(HERE / "full-run.log", "w") as log:
        def say(line: str) -> None:
            print(line, flush=True)
            log.write(line + "\n")
            log.flush()

        say(f"digitpad {__version__}, torch {torch.__version__}, {platform.processor() or platform.machine()}, "
            f"{torch.get_num_threads()} threads; config {json.dumps(config.to_dict())}")
        for event in train(config, data, name="digitnet (bundled)"):
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
    report = {"command": "python training/train_bundled.py --data-dir ../shared/data", "seed": args.seed,
              "config": config.to_dict(), "torch": torch.__version__, "digitpad": __version__,
              "wall_seconds": round(time.time() - started, 1),
              "test_accuracy": metrics["accuracy"], "test_loss": metrics["loss"],
              "precision": metrics["precision"], "recall": metrics["recall"], "confusion": metrics["confusion"],
              "history": checkpoint.history}
    (HERE / "full-run.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
