"""Reading whole numbers: accuracy on the pad and in photos, and the live read's latency.

Numbers of 2-6 digits are written two ways (tests/written_numbers.py): as pen strokes on a wide
pad (the digit_strokes styles, each redrawn by a wobbly hand, with uneven gaps, touching and
joined pairs, size and baseline changes) and as photos (MNIST test digits on lit, grainy paper,
JPEG-compressed, some touching). Whole-number accuracy counts a number right only if every digit
is; per-digit accuracy counts the digits matched in order (longest common subsequence).

Two variants: "development" (MNIST test images 0-4999, the seeds the constants of
core/number_reading.py were set on) and "held out" (images 5000-9999, other seeds, a more slanted,
shakier hand, smaller photos: never tuned on). The baseline in the same run reads each group of
overlapping marks as one digit, without cutting touching digits.

Latency: one live read of a 6-digit number on a 960x320 pad (strokes with a point every 3 px, as
mouse events come, to NumberReading), one torch thread, p50/p95, with separate digits and with
touching ones, beside one single-digit read on the square pad.
Run: python benchmarks/number_reading.py [--numbers N]   (prints JSON and saves it beside this file)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _common import latency_ms, load_average, report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from digit_strokes import all_styles, jittered  # noqa: E402
from drawing import densify  # noqa: E402
from written_numbers import photographed_number, written_number  # noqa: E402

from digitpad import Predictor  # noqa: E402
from digitpad.core import number_reading  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402

MOUSE_SPACING = 3.0  # px between the points of a live stroke, as mouse events arrive
CUT_WHEN_WIDER = number_reading.SPLIT_WIDTH  # the reader's own setting, restored after the baseline
VARIANTS = {
    "development": {"seed": 1, "images": (0, 5000), "hand": {}, "photo": {"touch_share": 0.15}},
    "held_out": {"seed": 2027, "images": (5000, 10000),
                 "hand": {"slant": 0.2, "tilt": 9.0, "wobble": 0.045, "gaps": (0.05, 0.6), "size_change": 0.2},
                 "photo": {"touch_share": 0.15, "digit_height": 44, "jpeg_quality": 70, "baseline_drift": 0.12}},
}


def common_digits(truth: str, read: str) -> int:
    """How many digits of `truth` were read, in order (longest common subsequence)."""
    table = np.zeros((len(truth) + 1, len(read) + 1), dtype=int)
    for i, a in enumerate(truth):
        for j, b in enumerate(read):
            table[i + 1, j + 1] = table[i, j] + 1 if a == b else max(table[i, j + 1], table[i + 1, j])
    return int(table[-1, -1])


def score(pairs: list[tuple[str, str]]) -> dict:
    digits = sum(len(t) for t, _ in pairs)
    return {"numbers": len(pairs), "whole_number_accuracy": round(sum(t == r for t, r in pairs) / len(pairs), 4),
            "per_digit_accuracy": round(sum(common_digits(t, r) for t, r in pairs) / digits, 4),
            "misread_examples": [f"{t} read as {r}" for t, r in pairs if t != r][:8]}


def numbers(rng: np.random.Generator, count: int) -> list[str]:
    return ["".join(str(d) for d in rng.integers(0, 10, rng.integers(2, 7))) for _ in range(count)]


def accuracy(predictor: Predictor, mnist, variant: dict, count: int) -> dict:
    rng = np.random.default_rng(variant["seed"])
    texts = numbers(rng, count)
    written = [written_number(text, rng, **variant["hand"]) for text in texts]
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()
    low, high = variant["images"]
    photos = []
    for text in texts:
        chosen = [low + int(rng.choice(np.flatnonzero(labels[low:high] == int(c)))) for c in text]
        photos.append(photographed_number([images[i] for i in chosen], rng, **variant["photo"]))
    out = {}
    for name, cut in (("with_cuts", CUT_WHEN_WIDER), ("baseline_no_cuts", float("inf"))):
        number_reading.SPLIT_WIDTH = cut
        try:
            out[name] = {
                "strokes": score([(t, predictor.read_number_strokes(*w).text) for t, w in zip(texts, written)]),
                "photos": score([(t, predictor.read_number(p).text) for t, p in zip(texts, photos)]),
            }
        finally:
            number_reading.SPLIT_WIDTH = CUT_WHEN_WIDER
    return out


def latency(predictor: Predictor, repeats: int) -> dict:
    rng = np.random.default_rng(5)
    out = {}
    for name, touch in (("six_separate_digits", 0.0), ("six_digits_some_touching", 0.4)):
        drawings = [written_number("".join(str(d) for d in rng.integers(0, 10, 6)), rng, touch_share=touch)
                    for _ in range(20)]
        drawings = [([densify(s, MOUSE_SPACING) for s in strokes], size) for strokes, size in drawings]
        for strokes, size in drawings[:3]:
            predictor.read_number_strokes(strokes, size)  # warm-up
        times = []
        for _ in range(repeats):
            for strokes, size in drawings:
                start = time.perf_counter()
                predictor.read_number_strokes(strokes, size)
                times.append(time.perf_counter() - start)
        out[name] = latency_ms(times)
    styles, hand = all_styles(), random.Random(5)
    single = [jittered(styles[i % len(styles)][2], hand, 320) for i in range(20)]
    times = []
    for _ in range(repeats):
        for strokes in single:
            start = time.perf_counter()
            predictor.predict_drawings([(strokes, (320, 320))])
            times.append(time.perf_counter() - start)
    out["single_digit_on_the_square_pad"] = latency_ms(times)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=300, help="numbers per variant and kind")
    parser.add_argument("--repeats", type=int, default=10, help="passes over the 20 latency drawings")
    parser.add_argument("--data-dir", default=os.environ.get("DIGITPAD_DATA_DIR"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    predictor = Predictor.load(device="cpu")
    mnist = load_mnist(args.data_dir)
    result = {"model": predictor.name, "torch_threads": 1, "load_average": load_average(),
              "goals": {"strokes_whole_number": 0.95, "photos_whole_number": 0.90, "live_read_p95_ms": 15}}
    for name, variant in VARIANTS.items():
        result[name] = accuracy(predictor, mnist, variant, args.numbers)
    result["live_read_latency"] = latency(predictor, args.repeats)
    result["load_average_after"] = load_average()
    report(result, HERE / "number_reading.json")


if __name__ == "__main__":
    main()
