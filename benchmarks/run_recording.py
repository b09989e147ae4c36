"""What recording a run costs: training without a record, with one (core.runs), and with a TensorBoard log too.

The three modes run in this one process, interleaved round by round on the same data and settings
(the quick preset, one epoch on a subset), so a machine busy with other work slows them alike.
Two measures:
- the recorder's own time: the time spent getting each event through `RunRecorder.watch` minus
  the time spent inside the trainer's generator for it, as wall time (which includes waiting for
  the disk, and grows when other work shares the CPU) and as this thread's CPU time (which the
  load does not inflate);
- the training's wall time per mode (the median of the rounds), which the load makes noisy.
Prints one JSON object and saves it beside this script.

Run: python benchmarks/run_recording.py [--data-dir ../shared/data] [--rounds 3] [--images 6000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import torch

from digitpad.core.config import preset
from digitpad.core.datasets import load_mnist
from digitpad.core.paths import default_data_root
from digitpad.core.runs import RunRecorder, RunStore
from digitpad.core.trainer import Step, train

MODES = ("plain", "recorded", "recorded_and_tensorboard")


def timed(events, clock: list[float]):
    """Pass events on, adding the wall time spent getting them to clock[0] and this thread's CPU time to clock[1]."""
    iterator = iter(events)
    while True:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            event = next(iterator)
        except StopIteration:
            return
        finally:
            clock[0] += time.perf_counter() - wall
            clock[1] += time.thread_time() - cpu
        yield event


def one_run(mode: str, config, data, folder: Path) -> dict:
    trainer_clock = [0.0, 0.0]
    events = timed(train(config, data), trainer_clock)
    if mode != "plain":
        recorder = RunRecorder.for_training(config, store=RunStore(folder / "runs"),
                                            tensorboard=folder / "tb" if mode == "recorded_and_tensorboard" else None)
        events = recorder.watch(events, data.source)
    steps = 0
    began = time.perf_counter()
    events_clock = [0.0, 0.0]
    for event in timed(events, events_clock):
        steps += isinstance(event, Step)
    wall = time.perf_counter() - began
    return {"wall_seconds": wall, "recording_seconds": events_clock[0] - trainer_clock[0],
            "recording_cpu_seconds": events_clock[1] - trainer_clock[1], "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--images", type=int, default=6000, help="training images per run")
    args = parser.parse_args()

    data = load_mnist(default_data_root(args.data_dir)).subset(test=2000)
    config = preset("quick", epochs=1, train_limit=args.images, device="cpu")
    results = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in MODES:  # warm-up: first-call costs (imports, TensorBoard's start) belong to no round
            one_run(mode, config, data, Path(tmp))
        for _ in range(args.rounds):
            for mode in MODES:
                results[mode].append(one_run(mode, config, data, Path(tmp)))

    summary = {}
    plain_wall = statistics.median(r["wall_seconds"] for r in results["plain"])
    for mode, runs in results.items():
        wall = statistics.median(r["wall_seconds"] for r in runs)
        recording = statistics.median(r["recording_seconds"] for r in runs)
        recording_cpu = statistics.median(r["recording_cpu_seconds"] for r in runs)
        summary[mode] = {
            "wall_seconds_median": round(wall, 2),
            "wall_seconds_each": [round(r["wall_seconds"], 2) for r in runs],
            "wall_vs_plain_percent": round(100 * (wall / plain_wall - 1), 1),
            "recorder_seconds_median": round(recording, 4) if mode != "plain" else None,
            "recorder_share_of_wall_percent": round(100 * recording / wall, 3) if mode != "plain" else None,
            "recorder_cpu_seconds_median": round(recording_cpu, 4) if mode != "plain" else None,
        }
    report = {
        "torch": torch.__version__, "threads": torch.get_num_threads(), "cpus": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "run": f"quick preset (lenet5), 1 epoch on {args.images:,} images, {results['plain'][0]['steps']} steps, "
               f"scored on 2,000 test images; {args.rounds} interleaved rounds after a warm-up of each mode",
        "modes": summary,
    }
    text = json.dumps(report, indent=1)
    print(text)
    Path(__file__).with_suffix(".json").write_text(text + "\n")


if __name__ == "__main__":
    main()
