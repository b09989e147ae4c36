"""Fine-tuning on a few dozen of a person's digits: how long it takes and what it changes.

The person is simulated with the test suite's stroke designs: 24 boxy (seven-segment) 8s, which
the bundled model reads as 0, and 12 ordinary digits it reads right, each drawn with a different
size, place, slant and shaky pen. Two runs in this one process, from the bundled model:
- digitpad: `FinetuneConfig()` as the Train tab and `digitpad finetune` use it (a MNIST subset mixed
  with the person's digits);
- baseline: the same, but as many steps as one whole MNIST epoch (55,000 images) would take with the
  person's share, the obvious way to do it (573 steps; since the pen drawings, fewer of its images are MNIST's).
For each: wall time from the call to the fine-tuned, evaluated model (rendering, scoring before and
after included), accuracy on the held-out digits, on 50 fresh boxy 8s and on the MNIST test set,
before and after, and whether the model would be withheld (it forgot MNIST or reads the held-out digits worse).
The drawings are kept at a fixed time, so every run holds out the same ones. Prints one JSON object and saves it
(finetune_speed.json beside this script unless `--out` says otherwise).

Run: python benchmarks/finetune_speed.py [--data-dir ../shared/data] [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from digit_strokes import BOXY_EIGHT, STYLES, jittered, place  # noqa: E402

from digitpad.core.config import FinetuneConfig  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.finetune import finetune  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.core.personal import PersonalSet  # noqa: E402
from digitpad.core.predictor import Predictor  # noqa: E402
from digitpad.core.trainer import Finished  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import kept_sample, report  # noqa: E402

PAD = (280, 280)
ORDINARY = [(0, "oval"), (1, "flag"), (2, "curved"), (4, "open"), (5, "two strokes"), (6, "curl"), (7, "crossbar"),
            (8, "two circles"), (9, "straight stem"), (3, "round"), (7, "plain"), (1, "stick")]


def person(predictor: Predictor) -> PersonalSet:
    rng = random.Random(2026)
    drawings = [(jittered(BOXY_EIGHT, rng), 8) for _ in range(24)]
    drawings += [(place(STYLES[d][style], rng.uniform(20, 80), rng.uniform(10, 40), rng.uniform(180, 240)), d)
                 for d, style in ORDINARY]
    samples = []
    for strokes, label in drawings:
        p = predictor.predict_drawings([(strokes, PAD)])[0]
        samples.append(kept_sample(strokes, PAD, label, p))
    return PersonalSet(samples)


def share_read_as_eight(predictor: Predictor, drawings: list) -> float:
    return sum(p.digit == 8 for p in predictor.predict_drawings(drawings)) / len(drawings)


def run(name: str, predictor: Predictor, personal: PersonalSet, data, config: FinetuneConfig, fresh: list) -> dict:
    start = time.perf_counter()
    for event in finetune(predictor.checkpoint, personal, data, config):
        if isinstance(event, Finished):
            finished = event
    wall = time.perf_counter() - start
    report = finished.finetune
    tuned = Predictor(finished.checkpoint, device="cpu")
    print(f"{name}: {wall:.1f} s", file=sys.stderr)
    return {"steps": config.steps, "epochs": config.epochs, "wall_seconds": round(wall, 1),
            "train_seconds": round(finished.seconds, 1), "train_images": finished.checkpoint.metrics["train_images"],
            "held_out": len(report.held_out_labels), "held_out_before": report.personal_before,
            "held_out_after": report.personal_after, "fresh_boxy_8s_before": share_read_as_eight(predictor, fresh),
            "fresh_boxy_8s_after": share_read_as_eight(tuned, fresh), "mnist_before": report.mnist_before,
            "mnist_after": report.mnist_after, "forgot": report.forgot,
            "reads_yours_worse": report.reads_yours_worse, "withheld": report.withheld}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(default_data_root()))
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "finetune_speed.json"))
    args = parser.parse_args()
    predictor = Predictor.load(device="cpu")
    personal = person(predictor)
    data = load_mnist(args.data_dir)
    rng = random.Random(7)
    fresh = [(jittered(BOXY_EIGHT, rng), PAD) for _ in range(50)]
    config = FinetuneConfig(device="cpu")
    full_epoch = math.ceil(len(data.train_labels) * (11 / 12) / (config.batch_size * (1 - config.personal_share)))
    result = {
        "machine": {"threads": torch.get_num_threads(), "torch": torch.__version__},
        "person": {"samples": len(personal.samples), "counts": personal.counts(),
                   "misread_by_bundled_model": sum(s.predicted != s.label for s in personal.samples)},
        "digitpad": run("digitpad", predictor, personal, data, config, fresh),
        "baseline_full_mnist_epoch": run("baseline", predictor, personal, data,
                                         replace(config, steps=full_epoch, epochs=1), fresh),
    }
    result["speedup"] = round(result["baseline_full_mnist_epoch"]["wall_seconds"]
                              / result["digitpad"]["wall_seconds"], 2)
    report(result, args.out)


if __name__ == "__main__":
    main()
