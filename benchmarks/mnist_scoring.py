"""Scoring MNIST's 10,000 test images with `metrics.predict_logits`: how it reads them now against before.

Every fine-tune scores the test set twice (before and after) and 5,000 other images twice or more (the guard
against forgetting), and every training run scores its validation images each epoch and the test set at the
end; on this 2-core CPU scoring is over a third of a 60-step fine-tune. Three ways, batch by batch:
- before_128: the model itself in batches of 128 (until Round 3: a batch of 1,000 digits makes the first
  convolution's output about 90 MB, far beyond the CPU's caches; 128 made it 11 MB);
- before_64: the model itself in batches of 64 (5.5 MB; until Round 22);
- now_64: what predict_logits does since Round 22: a copy with BatchNorm folded into the convolutions and its
  activations channels-last (`models.for_inference`), batches of 64.
Each is timed in turn, `--rounds` times, on 1 and 2 threads: wall and process CPU seconds, minimum and median,
with the load average; and whether each gives the same answers as before_64 (and the largest logit difference).

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
WAYS = {"before_128": (False, 128), "before_64": (False, 64), "now_64": (True, 64)}


def spread(seconds: list[float]) -> dict:
    return {"min": round(min(seconds), 2), "median": round(float(np.median(seconds)), 2)}


@torch.inference_mode()
def model_itself(model: torch.nn.Module, images: torch.Tensor, norm, batch_size: int) -> torch.Tensor:
    """The logits as predict_logits gave them before Round 22: the model itself, batch by batch."""
    return torch.cat([model(norm.apply(images[i: i + batch_size])) for i in range(0, len(images), batch_size)])


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
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in WAYS}
        logits = {}
        for _ in range(args.rounds):
            for name, (now, size) in WAYS.items():
                wall, cpu = time.perf_counter(), time.process_time()
                logits[name] = (predict_logits(model, data.test_images, checkpoint.normalization, batch_size=size)
                                if now else model_itself(model, data.test_images, checkpoint.normalization, size))
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        result[f"{threads}_threads"] = {name: {"wall_s": spread([w for w, _ in t]), "cpu_s": spread([c for _, c in t])}
                                        for name, t in times.items()}
        before = logits["before_64"]
        result[f"{threads}_threads"]["same_answers_as_before_64"] = {
            name: bool(torch.equal(x.argmax(1), before.argmax(1))) for name, x in logits.items()}
        result[f"{threads}_threads"]["largest_logit_difference"] = {
            name: float((x - before).abs().max()) for name, x in logits.items()}
    result["load_average_after"] = load_average()
    report(result, HERE / "mnist_scoring.json")


if __name__ == "__main__":
    main()
