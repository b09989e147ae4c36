"""Latency of reading one 280x280 drawing: render + preprocess + predict, p50/p95 in ms.

Measured with 1 torch thread and with torch's default thread count, for the bundled model, plus
the bare one-image forward pass of every architecture; prints one JSON object.
Run: python benchmarks/predict_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from digit_strokes import all_styles, place  # noqa: E402

from digitpad import Predictor  # noqa: E402
from digitpad.core.models import ARCHITECTURES, build_model, parameter_count  # noqa: E402
from digitpad.core.preprocess import to_mnist  # noqa: E402
from digitpad.core.strokes import render_strokes  # noqa: E402


def percentiles(samples: list[float]) -> dict:
    ms = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


def measure(predictor: Predictor, drawings: list, repeats: int) -> dict:
    stages = {"render": [], "preprocess": [], "predict": [], "total": []}
    for _ in range(repeats):
        for strokes in drawings:
            t0 = time.perf_counter()
            image = render_strokes(strokes, (280, 280))
            t1 = time.perf_counter()
            model_input = to_mnist(image)
            t2 = time.perf_counter()
            predictor.probabilities(model_input[None])
            t3 = time.perf_counter()
            for name, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t3 - t0)):
                stages[name].append(value)
    return {name: percentiles(values) for name, values in stages.items()}


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
        out[name] = {"parameters": parameter_count(model), **percentiles(times)}
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
    results["target_p95_ms"] = 5
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
