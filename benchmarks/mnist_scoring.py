"""Scoring MNIST's 10,000 test images: the batch size of `metrics.predict_logits`, old (128) against new (64).

Every fine-tune scores the test set twice (before and after) and 5,000 other images twice or more (the guard
against forgetting), and every training run scores its validation images each epoch and the test set at the
end; on this 2-core CPU scoring was over half of a 60-step fine-tune. A batch of 1,000 digits makes the first
convolution's output about 90 MB, far beyond the CPU's caches; 128 (the size before, 11 MB) did better, and
64 (5.5 MB) better still. The logits are
the same to the bit (checked here). Both sizes are timed in turn, `--rounds` times, on 1 and 2 threads:
wall and process CPU seconds, minimum and median, with the load average.

Run: python benchmarks/mnist_scoring.py [--rounds 3] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import load_average, report

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.datasets import load_mnist
from digitpad.core.metrics import predict_logits
from digitpad.core.paths import bundled_model_path, default_data_root

HERE = Path(__file__).resolve().parent
SIZES = {"before_128": 128, "now_64": 64}


def spread(seconds: list[float]) -> dict:
    return {"min": round(min(seconds), 2), "median": round(float(np.median(seconds)), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", default=str(default_data_root()))
    args = parser.parse_args()
    data = load_mnist(args.data_dir)
    checkpoint = Checkpoint.load(bundled_model_path())
    model = checkpoint.build_model().eval()
    result = {"images": len(data.test_labels), "load_average": load_average()}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in SIZES}
        logits = {}
        for _ in range(args.rounds):
            for name, size in SIZES.items():
                wall, cpu = time.perf_counter(), time.process_time()
                logits[name] = predict_logits(model, data.test_images, checkpoint.normalization, batch_size=size)
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        result[f"{threads}_threads"] = {name: {"wall_s": spread([w for w, _ in t]), "cpu_s": spread([c for _, c in t])}
                                        for name, t in times.items()}
        result[f"{threads}_threads"]["same_logits"] = bool(torch.equal(*logits.values()))
    result["load_average_after"] = load_average()
    report(result, HERE / "mnist_scoring.json")


if __name__ == "__main__":
    main()
