"""Reading digits in photos of paper: read-right before (the old path) and after, per condition, and speed.

The photos are made here (tests/paper_photos.py): MNIST test digits and stroke-drawn digits
(tests/digit_strokes.py) laid on synthetic paper with a light gradient, a soft shadow, grain,
blur, rotation, ink colour, pen width, JPEG quality, digit size and place, paper tint, ruled
and squared lines, the desk beyond the paper's edge, chalk on a board; some at 12 megapixels.
Every photo is written as a JPEG file and read from the file both ways in this one run:
- before: the path digitpad had (the loaded image straight into `preprocess.to_mnist`);
- after: `Predictor.read` (digitpad/core/ink.py).
Two sets: "tuning" (seed 0, MNIST test digits 0-4999, the stroke designs as drawn) was looked at
while the ink path was built; "held-out" (seed 1234, MNIST test digits 5000-9999, strokes
jittered as a hand redraws them, two strong conditions stacked per photo) was not.
Also: MNIST test digits saved as PNG (clean scans) before/after, blank and lined pages without a
digit (must answer "no digit found"), and milliseconds per 12-megapixel photo on one thread.
Prints one JSON object and saves it beside this script.

Run: python benchmarks/photo_reading.py [--data-dir ../shared/data] [--per-condition 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from digit_strokes import STYLES, jittered  # noqa: E402
from paper_photos import CONDITIONS, Look, mnist_ink, photo, random_look, save, stroke_ink  # noqa: E402
from PIL import Image  # noqa: E402

from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.images import load_image  # noqa: E402
from digitpad.core.ink import find_ink, mark_to_mnist  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.core.predictor import Predictor  # noqa: E402
from digitpad.core.preprocess import to_mnist  # noqa: E402

STYLE_LIST = [(digit, strokes) for digit, styles in STYLES.items() for strokes in styles.values()]


def digit_ink(mnist, rng, index_range, jitter: bool, pen: float):
    """(label, ink coverage): an MNIST test digit or a stroke-drawn one, half and half."""
    if rng.random() < 0.5:
        index = int(rng.integers(*index_range))
        return int(mnist.test_labels[index]), mnist_ink(mnist.test_images[index].numpy(), pen)
    digit, strokes = STYLE_LIST[int(rng.integers(len(STYLE_LIST)))]
    if jitter:
        strokes = [[(x / 280, y / 280) for x, y in s] for s in jittered(strokes, _PyRandom(rng), pad=280)]
    return digit, stroke_ink(strokes, pen)


class _PyRandom:
    """digit_strokes.jittered wants random.Random's uniform and gauss; numpy's generator provides them."""

    def __init__(self, rng):
        self.rng = rng

    def uniform(self, a, b):
        return float(self.rng.uniform(a, b))

    def gauss(self, mu, sigma):
        return float(self.rng.normal(mu, sigma))


def read_both(predictor, path):
    """(digit before or None, digit after or None, after's seconds) for one file."""
    before = to_mnist(load_image(path))
    before_digit = predictor.classify([before])[0]
    start = time.perf_counter()
    reading = predictor.read(path)
    seconds = time.perf_counter() - start
    return (before_digit.digit if before_digit else None,
            reading.prediction.digit if reading.prediction else None, seconds)


def run_set(predictor, mnist, folder, seed, index_range, per_condition, held_out):
    rng = np.random.default_rng(seed)
    rows = {}
    for condition in CONDITIONS:
        counts = {"photos": 0, "before": 0, "after": 0, "after_no_digit": 0}
        for k in range(per_condition):
            look = random_look(condition, rng)
            if held_out:  # a second strong condition on top: photos rarely go wrong in only one way
                other = random_look(str(rng.choice([c for c in CONDITIONS if c not in ("chalkboard", condition)])), rng)
                look = replace(other, **{f: getattr(look, f) for f in _strong_fields(condition)})
            label, ink = digit_ink(mnist, rng, index_range, jitter=held_out, pen=look.pen)
            path = folder / f"{seed}-{condition}-{k}.jpg"
            save(photo(ink, look, rng), path, look)
            before, after, _ = read_both(predictor, path)
            counts["photos"] += 1
            counts["before"] += before == label
            counts["after"] += after == label
            counts["after_no_digit"] += after is None
        rows[condition] = {"photos": counts["photos"], "before": round(counts["before"] / counts["photos"], 3),
                           "after": round(counts["after"] / counts["photos"], 3),
                           "after_no_digit": counts["after_no_digit"]}
    total = sum(r["photos"] for r in rows.values())
    return {"photos": total,
            "before": round(sum(r["before"] * r["photos"] for r in rows.values()) / total, 4),
            "after": round(sum(r["after"] * r["photos"] for r in rows.values()) / total, 4),
            "conditions": rows}


def _strong_fields(condition):
    probe = random_look(condition, np.random.default_rng(7))
    base = random_look("clean", np.random.default_rng(7))
    return [f for f in Look.__dataclass_fields__ if getattr(probe, f) != getattr(base, f)
            and f not in ("digit_height", "place", "rotation", "gradient_angle", "grain", "blur", "jpeg", "pen",
                          "ink", "gradient")] + {
        "gradient": ["gradient"], "grain": ["grain"], "blur": ["blur"], "rotation": ["rotation"],
        "low jpeg": ["jpeg"], "thin pen": ["pen"], "marker": ["pen"], "small digit": ["digit_height"],
        "off centre": ["place", "digit_height"], "ink colour": ["ink"], "pencil": ["ink", "ink_strength"],
        "everything": ["gradient", "shadow", "grain", "blur", "rotation", "jpeg", "paper", "ink", "lines", "pen"],
    }.get(condition, [])


def clean_scans(predictor, mnist, folder, count):
    """MNIST test digits as PNG files: as they are (white on black) and as a scan (dark on white, 5x)."""
    result = {}
    for name, make in (("mnist_png", lambda a: Image.fromarray(a)),
                       ("scan_png", lambda a: Image.fromarray(255 - a).resize((140, 140), Image.BILINEAR))):
        before = after = 0
        for i in range(count):
            path = folder / f"{name}-{i}.png"
            make(mnist.test_images[i].numpy()).save(path)
            b, a, _ = read_both(predictor, path)
            label = int(mnist.test_labels[i])
            before += b == label
            after += a == label
        result[name] = {"images": count, "before": round(before / count, 4), "after": round(after / count, 4)}
    return result


def no_digit_pages(predictor, folder, count):
    """Blank, lined and squared pages: each must answer "no digit found"; the old path always guessed."""
    rng = np.random.default_rng(99)
    result = {}
    for lines in (None, "ruled", "squared"):
        before = after = 0
        for k in range(count):
            look = replace(random_look("everything", rng), lines=lines, shadow=rng.uniform(0, 0.4))
            path = folder / f"blank-{lines}-{k}.jpg"
            save(_blank(look, rng), path, look)
            b, a, _ = read_both(predictor, path)
            before += b is None
            after += a is None
        result[lines or "blank"] = {"pages": count, "before_no_digit": before, "after_no_digit": after}
    return result


def _blank(look, rng):
    ink = np.zeros((112, 112), np.float32)
    ink[0, 0] = 0.06  # a speck no one would call a digit, so the page has something to place
    return photo(ink, replace(look, digit_height=0.01), rng)


def twelve_megapixels(predictor, mnist, folder, count):
    """Milliseconds per 4000x3000 photo on one thread: the ink path from pixels, and from the JPEG file."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rng = np.random.default_rng(5)
    ink_ms, file_ms, decode_ms, right, before_right = [], [], [], 0, 0
    try:
        for k in range(count):
            look = random_look(CONDITIONS[k % len(CONDITIONS)], rng, size=(4000, 3000))
            label, ink = digit_ink(mnist, rng, (0, 5000), jitter=False, pen=look.pen)
            image = photo(ink, look, rng)
            path = folder / f"big-{k}.jpg"
            save(image, path, look)
            pixels = np.asarray(image)
            start = time.perf_counter()
            found = find_ink(pixels)
            model_input = mark_to_mnist(found, found.marks[0]) if found.found else None
            ink_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            load_image(path)
            decode_ms.append((time.perf_counter() - start) * 1000)
            before, after, seconds = read_both(predictor, path)
            file_ms.append(seconds * 1000)
            right += after == label
            before_right += before == label
            del model_input
    finally:
        torch.set_num_threads(threads)
    return {"photos": count, "before": round(before_right / count, 3), "after": round(right / count, 3),
            "ink_path_ms_median": round(statistics.median(ink_ms), 1), "ink_path_ms_max": round(max(ink_ms), 1),
            "jpeg_decode_ms_median": round(statistics.median(decode_ms), 1),
            "file_to_answer_ms_median": round(statistics.median(file_ms), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--per-condition", type=int, default=30)
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--big", type=int, default=8)
    parser.add_argument("--only", choices=("tuning", "held-out"), help="run one set only (while working on it)")
    args = parser.parse_args()
    mnist = load_mnist(args.data_dir or default_data_root())
    predictor = Predictor.load(device="cpu")
    result = {"model": predictor.name, "cpu_threads_for_speed": 1}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        if args.only != "held-out":
            result["tuning"] = run_set(predictor, mnist, folder, 0, (0, 5000), args.per_condition, held_out=False)
        if args.only != "tuning":
            result["held_out"] = run_set(predictor, mnist, folder, 1234, (5000, 10000), args.per_condition,
                                         held_out=True)
        if args.only is None:
            result["twelve_megapixels"] = twelve_megapixels(predictor, mnist, folder, args.big)
            result["clean_scans"] = clean_scans(predictor, mnist, folder, args.scans)
            result["no_digit_pages"] = no_digit_pages(predictor, folder, 20)
    print(json.dumps(result, indent=1))
    if args.only is None:
        (Path(__file__).with_suffix(".json")).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
