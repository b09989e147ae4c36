"""How long Stop takes to end a run of the one training loop, against an earlier revision, in one run, as JSON.

Stop is asked (from a timer thread, as the Train tab's button does) in the middle of the loop's three longest
stretches without a step, and the time from `TrainControl.stop()` to the `Stopped` event is measured:

- making the style variants of all of MNIST (8,180 images styled, 2.5 s), asked 0.5 s after the run began;
- scoring the 5,000 validation images at the end of a full MNIST epoch (0.8 s), asked 0.2 s after its last step;
- a fine-tune's check for forgetting (5,000 training images no fine-tune uses, scored up to five times),
  asked 0.5 s after its last step (by then the small validation is done and the check is under way).

Each tree (this checkout, and BASELINE checked out into a temporary git worktree) runs in a fresh interpreter that
first makes one optimizer, as the Train tab does when it opens (the first imports torch._dynamo, 1-2 s). The
trees take turns, so load on the machine hits both alike. Two threads, the CPU, the default architecture.
Saved beside this script as stop_latency.json.

Run: python benchmarks/stop_latency.py [--baseline REV] [--runs N] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import checkout, load_average, report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = "170458d"  # before the loop asked whether to stop within these stretches

CHILD = r"""
import json, sys, threading, time
import torch
sys.path.insert(0, {benchmarks!r})
torch.set_num_threads(2)
from digitpad.core.config import FinetuneConfig, TrainConfig
from digitpad.core.datasets import load_mnist
from digitpad.core.finetune import finetune
from digitpad.core.personal import PersonalSet
from digitpad.core.predictor import Predictor
from digitpad.core.trainer import Step, Stopped, TrainControl, train
from digitpad.core import pen_digits
import writer_learning
from _common import kept_sample

torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)  # as the Train tab does when it opens
data = load_mnist({data_dir!r})


def stop_latency(events, control, delay, trigger):
    asked = []

    def ask():
        asked.append(time.perf_counter())
        control.stop()

    timer = threading.Timer(delay, ask)
    if trigger is None:  # from the start: the loop's first stretch runs before its first event
        timer.start()
    for event in events:
        if timer.ident is None and trigger(event):  # not started yet
            timer.start()
        if isinstance(event, Stopped):
            timer.join()
            return time.perf_counter() - asked[0]
    raise RuntimeError("the run ended without stopping")


control = TrainControl()
variants = stop_latency(train(TrainConfig(device="cpu", epochs=1), data, control), control, 0.5, None)

control = TrainControl()
config = TrainConfig(device="cpu", epochs=2, styles=False)
validation = stop_latency(train(config, data, control), control, 0.2,
                          lambda e: isinstance(e, Step) and e.step == e.steps_per_epoch)

predictor = Predictor.load(None, device="cpu")
kept, _ = writer_learning.drawings(writer_learning.WRITERS["European 1, crossed 7"], 6003)
readings = predictor.predict_drawings([(s, pen_digits.PAD) for s, _ in kept])
samples = PersonalSet([kept_sample(s, pen_digits.PAD, d, r) for (s, d), r in zip(kept, readings)])
control = TrainControl()
check = stop_latency(finetune(predictor.checkpoint, samples, data, FinetuneConfig(device="cpu"), control), control,
                     0.5, lambda e: isinstance(e, Step) and e.epoch == e.epochs and e.step == e.steps_per_epoch)
print(json.dumps({{"style_variants": variants, "validation": validation, "forgetting_check": check}}))
"""


def measure(tree: Path, data_dir: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD.format(benchmarks=str(HERE), data_dir=data_dir)], cwd=tree,
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "2"})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="the revision to compare with")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--data-dir", default=None, help="MNIST's folder (default: DIGITPAD_DATA_DIR, else "
                        "../shared/data)")
    args = parser.parse_args()
    from digitpad.core.paths import default_data_root

    data_dir = str(args.data_dir or default_data_root())
    result = {"what": "seconds from TrainControl.stop() to the Stopped event", "baseline": args.baseline,
              "runs": args.runs, "load_average": load_average()}
    with checkout(args.baseline) as baseline:
        trees = {"this_checkout": ROOT, "baseline": baseline}
        runs = {name: [] for name in trees}
        for _ in range(args.runs):
            for name, tree in trees.items():
                runs[name].append(measure(tree, data_dir))
    for name, measured in runs.items():
        result[name] = {stretch: {"runs_s": [round(m[stretch], 3) for m in measured],
                                  "median_s": round(statistics.median(m[stretch] for m in measured), 3)}
                        for stretch in measured[0]}
    result["load_average_after"] = load_average()
    report(result, HERE / "stop_latency.json")


if __name__ == "__main__":
    main()
