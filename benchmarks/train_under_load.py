"""Training speed of `digitpad train` (the CLI) beside the Train tab's path, idle and with a CPU hog.

Each runs the same one-epoch slice of the quick preset in a fresh process, one after the other,
in one run of this script:
- cli: `python -m digitpad train --preset quick --epochs 1 --limit N`, as a person types it (it
  trains with the cores other work leaves idle, see digitpad/core/cpu_threads.py);
- cli_all_cores: the same with OMP_NUM_THREADS set to the core count: torch's default, the CLI's
  behaviour before, the baseline;
- app: the Train tab's path, a `TrainingRun` (superqt worker thread) driven by a Qt event loop
  (offscreen), with the same settings, its threads chosen as the app chooses them when it starts
  (`use_free_cores_from_start`, before torch loads: setting them later, beside the Draw tab's reader, is
  not safe).
Then the same again while `--hogs` busy-loop processes (default one) compete for the cores.
Speed is training images per second from each run's checkpoint (`train_images / train_seconds`,
the trainer's own clock, so process start and data loading are left out). The load average seen
before each measurement is recorded: other work on the machine counts as load too.

Run: python benchmarks/train_under_load.py [--data-dir ../shared/data] [--limit 60000] [--hogs 1]
Prints one JSON object and saves it beside this script as train_under_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import busy_loops, report

HERE = Path(__file__).resolve().parent

APP_PATH = r"""
import json, sys
from digitpad.core.cpu_threads import use_free_cores_from_start
use_free_cores_from_start()  # as digitpad.ui.app.run does, before torch loads
from PySide6.QtCore import QCoreApplication
import torch
from digitpad.core.config import preset
from digitpad.core.trainer import train
from digitpad.ui.dataset_choice import FOLDER, DatasetChoice
from digitpad.ui.training_runner import TrainingRun

data_dir, limit = sys.argv[1], int(sys.argv[2])
app = QCoreApplication([])
config = preset("quick", epochs=1, train_limit=limit, device="cpu")
run = TrainingRun(lambda data, control: train(config, data, control), DatasetChoice(FOLDER, data_dir), 1000)
result = {}
run.finished.connect(lambda outcome: result.update(outcome.checkpoint.metrics))
run.failed.connect(lambda message: result.update(error=message))
run.ended.connect(app.quit)
run.start()
app.exec()
print(json.dumps({**{k: result[k] for k in ("train_images", "train_seconds", "error") if k in result},
                  "threads": torch.get_num_threads()}))
"""


def measure_cli(data_dir: str, limit: int, folder: str, threads: int | None = None) -> dict:
    out = os.path.join(folder, "cli.pt")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    done = subprocess.run([sys.executable, "-m", "digitpad", "train", "--data-dir", data_dir, "--device", "cpu",
                           "--out", out, "--preset", "quick", "--epochs", "1", "--limit", str(limit)],
                          check=True, capture_output=True, text=True, env=env)
    from digitpad.core.checkpoint import Checkpoint

    metrics = Checkpoint.load(out).metrics
    notes = [line for line in done.stderr.splitlines() if "threads" in line or "thread," in line]
    return {"train_images": metrics["train_images"], "train_seconds": metrics["train_seconds"],
            "threads_note": notes[0] if notes else "all cores"}


def measure_app(data_dir: str, limit: int) -> dict:
    env = {**{k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", APP_PATH, data_dir, str(limit)], check=True, capture_output=True,
                          text=True, env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "error" in result:
        raise SystemExit(f"the app's training path failed: {result['error']}")
    return result


def speed(result: dict) -> dict:
    return {**result, "images_per_second": round(result["train_images"] / result["train_seconds"])}


def measure_both(data_dir: str, limit: int, folder: str) -> dict:
    load_before = [round(x, 2) for x in os.getloadavg()]
    cli = speed(measure_cli(data_dir, limit, folder))
    all_cores = speed(measure_cli(data_dir, limit, folder, threads=os.cpu_count()))
    app = speed(measure_app(data_dir, limit))
    return {"loadavg_before": load_before, "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            "cli": cli, "cli_all_cores": all_cores, "app": app,
            "cli_over_cli_all_cores": round(cli["images_per_second"] / all_cores["images_per_second"], 2),
            "cli_over_app": round(cli["images_per_second"] / app["images_per_second"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("DIGITPAD_DATA_DIR", str(HERE.parent.parent / "shared"
                                                                                       / "data")))
    parser.add_argument("--limit", type=int, default=60000, help="training images (one epoch): long enough to time")
    parser.add_argument("--hogs", type=int, default=1, help="busy-loop processes for the loaded measurement")
    args = parser.parse_args()
    import torch

    result = {"benchmark": "quick preset, 1 epoch, CPU: CLI vs the Train tab's worker-thread path",
              "cores": os.cpu_count(), "torch_threads_default": torch.get_num_threads(),
              "train_limit": args.limit, "hogs": args.hogs}
    with tempfile.TemporaryDirectory() as folder:
        result["idle"] = measure_both(args.data_dir, args.limit, folder)
        with busy_loops(args.hogs):
            result["loaded"] = measure_both(args.data_dir, args.limit, folder)
    result["note"] = ("'idle' means no hog of ours; the machine may be busy with other work, see loadavg_before "
                      "(1, 5 and 15 minute load averages)")
    report(result, HERE / "train_under_load.json")


if __name__ == "__main__":
    main()
