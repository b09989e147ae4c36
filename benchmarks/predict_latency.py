"""Latency of reading one 280x280 drawing: render + preprocess + forward, p50/p95 in ms.

Measured with 1 torch thread and with torch's default thread count, for the bundled model, as the
Draw tab reads a drawing: `render_strokes`, `to_mnist`, then `Predictor.probabilities` (the forward
pass with BatchNorm folded into the convolutions, softmax included). Baseline in the same run:
the forward pass of the model as trained (`forward_unfused`). Plus the bare one-image forward pass of
every architecture. The machine is shared: `load_average` says how busy it was. Prints one JSON
object and saves it beside this script.
Run: python benchmarks/predict_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import torch
from _common import latency_ms, report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from digit_strokes import all_styles, place  # noqa: E402

from digitpad import Predictor  # noqa: E402
from digitpad.core.models import ARCHITECTURES, build_model, parameter_count  # noqa: E402
from digitpad.core.preprocess import to_mnist  # noqa: E402
from digitpad.core.strokes import render_strokes  # noqa: E402


def measure(predictor: Predictor, drawings: list, repeats: int) -> dict:
    """Wall-clock percentiles per stage, and the same for this thread's CPU time (what the stage costs
    when the machine is not shared: on a busy machine the wall clock also counts other processes' turns)."""
    names = ("render", "preprocess", "forward", "total", "forward_unfused")
    wall, cpu = {n: [] for n in names}, {n: [] for n in names}
    for _ in range(repeats):
        for strokes in drawings:
            marks = [(time.perf_counter(), time.thread_time())]
            image = render_strokes(strokes, (280, 280))
            marks.append((time.perf_counter(), time.thread_time()))
            model_input = to_mnist(image)
            marks.append((time.perf_counter(), time.thread_time()))
            predictor.probabilities(model_input[None])
            marks.append((time.perf_counter(), time.thread_time()))
            with torch.inference_mode():
                predictor.model(predictor.normalization.apply(torch.from_numpy(model_input[None, None])))
            marks.append((time.perf_counter(), time.thread_time()))
            spans = [(1, 0), (2, 1), (3, 2), (3, 0), (4, 3)]
            for name, (end, start) in zip(names, spans):
                wall[name].append(marks[end][0] - marks[start][0])
                cpu[name].append(marks[end][1] - marks[start][1])
    return {"wall": {n: latency_ms(v) for n, v in wall.items()}, "cpu": {n: latency_ms(v) for n, v in cpu.items()}}


def forward_per_architecture(repeats: int = 300) -> dict:
    """One-image CPU forward pass of every registered architecture (weights do not change the cost)."""
    out = {}
    x = torch.rand(1, 1, 28, 28)
    for name in ARCHITECTURES:
        model = build_model(name).eval()
        with torch.inference_mode():
            for _ in range(20):
                model(x)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                model(x)
                times.append(time.perf_counter() - start)
        out[name] = {"parameters": parameter_count(model), **latency_ms(times)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    predictor = Predictor.load(device="cpu")
    drawings = [place(strokes, 30, 15, 250) for _, _, strokes in all_styles()]
    default_threads = torch.get_num_threads()
    measure(predictor, drawings, 1)  # warm-up
    results = {"model": predictor.name, "drawings": len(drawings) * args.repeats, "image": "280x280"}
    for threads in sorted({1, default_threads}):
        torch.set_num_threads(threads)
        results[f"threads_{threads}"] = measure(predictor, drawings, args.repeats)
    torch.set_num_threads(1)
    results["forward_1_thread_by_architecture"] = forward_per_architecture()
    torch.set_num_threads(default_threads)
    results["target_p95_ms"] = 2.0
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report(results, Path(__file__).resolve().parent / "predict_latency.json")


if __name__ == "__main__":
    main()
