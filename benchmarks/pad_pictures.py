"""Digits read from the pad's picture of them (`DrawingCanvas.to_array` read by `Predictor.read`, as
tests/ui/test_canvas.py reads it) and from other images drawn on a computer: read right with the ink of such an
image read whole, as the pad reads its own drawing (the tree: core.digital_drawing), and through the photo path
(before), in one run, beside the pad's own path from the strokes (`Predictor.predict_drawings`), as JSON.

- `pen_writers_held_out`: one drawing of every digit by each of 300 pen writers (`pen_digits`, seed 2002, as
  pen_proxy.py's `held_out`) on a 320 px pad (the canvas's own size), pictured as `DrawingCanvas.to_array` does;
- `pen_writers_held_out_as_seen`: the same drawings pictured as the pad shows them (`DrawingCanvas.to_image`: dark on
  white, the pen slider's default 22 px);
- `pen_writers_tuning`: 200 others (seed 1001, pen_proxy.py's `tune`), the same way as the first;
- `test_designs`: the test suite's 30 stroke designs (tests/digit_strokes.py), each drawn again 20 times by
  `jittered`, pictured the same way;
- `mnist_png`: 1,000 MNIST test digits as they are (white on black), `scan_png` the same as a scan (dark on
  white, 5x), both read from PNG files as photo_reading.py's clean scans are;
- `photos_taken_for_drawings`: of photo_reading.py's photos of paper (20 in every condition, its tuning seed 0) and
  of its photos of empty pages (10 of every kind), how many the tree takes for a drawing (it must be none: the photo
  path reads them, as before);
- `small_digits_on_a_large_canvas`: 1,000 of the held-out writers' digits drawn 35-70 px tall with a 3-12 px pen,
  dark on white, somewhere on a 1152x648 canvas (a drawing app's default), read by the tree, by the tree without its
  dot-and-dash rule, and through the photo path: the rule must not take them for dots;
- `dots_and_dashes`: 400 lone dots and dashes drawn by pen writers (`pen_digits.NON_DIGITS`, seed 5), pictured both
  ways: how many are read as no digit and how many as a sure digit, by the tree, by the tree without its dot-and-dash
  rule for drawings (`digital_drawing._is_mark`, Round 36), and from their strokes (the pad's rule, strokes.is_mark);
- `read_one_pad_picture_ms`: wall milliseconds to read one pad picture on one thread, the tree, the tree without the
  dot-and-dash rule, and the photo path.

Every `pictured_*` row also reads the pictures by the tree without that rule (`pictured_tree_without_mark_rule`): a
digit it takes for a dot or dash is read right there and not in `pictured_tree`.

Run: python benchmarks/pad_pictures.py [--data-dir ../shared/data]   (prints JSON and saves it beside this file)
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from _common import baseline, latency_ms, load_average, report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from digit_strokes import all_styles, jittered  # noqa: E402
from paper_photos import CONDITIONS, EMPTY_PAGES, empty_page, photo, random_look, save, stroke_ink  # noqa: E402
from PIL import Image  # noqa: E402

from digitpad.core import digital_drawing, pen_digits, predictor  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.images import opened  # noqa: E402
from digitpad.core.number_reading import UNSURE_BELOW  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.core.strokes import render_strokes  # noqa: E402
from digitpad.ui.canvas import DEFAULT_PEN_WIDTH  # noqa: E402

PAD = (320, 320)  # DrawingCanvas's size when nothing resizes it


def without_mark_rule():
    """The tree with no dot-and-dash rule for drawings (digital_drawing._is_mark, Round 36)."""
    return baseline(digital_drawing, "_is_mark", lambda ink, side: False)


def through_the_photo_path():
    """Before Round 35: every picture read through the photo path."""
    return baseline(predictor, "read_drawn", lambda picture, ink="auto": None)


def writers(count: int, seed: int) -> tuple[list, np.ndarray]:
    rng = np.random.default_rng(seed)
    drawings, labels = [], []
    for _ in range(count):
        writer = pen_digits.Writer.random(rng)
        for digit in sorted(pen_digits.DESIGNS):
            drawings.append(pen_digits.hand_drawn(pen_digits.DESIGNS[digit][writer.styles[digit]](rng), writer, rng,
                                                  PAD))
            labels.append(digit)
    return drawings, np.array(labels)


def test_designs(repeats: int = 20) -> tuple[list, np.ndarray]:
    rng = random.Random(4004)
    scale = PAD[0] / 280  # jittered draws on its 280 px pad
    pairs = [(digit, [[(x * scale, y * scale) for x, y in stroke] for stroke in jittered(strokes, rng)])
             for digit, _, strokes in all_styles() for _ in range(repeats)]
    return [strokes for _, strokes in pairs], np.array([digit for digit, _ in pairs])


def share_right(readings, labels: np.ndarray) -> float:
    digits = np.array([-1 if r.prediction is None else r.prediction.digit for r in readings])
    return round(float((digits == labels).mean()), 4)


def pictured(reader: predictor.Predictor, drawings: list, labels: np.ndarray, seen_pen: float | None = None) -> dict:
    """Read right from the strokes, and from the pad's picture read whole (tree) and through the photo path (before):
    its picture for the model (`to_array`), or with `seen_pen` its picture as seen, dark on white (`to_image`)."""
    pictures = [render_strokes(strokes, PAD) if seen_pen is None else 255 - render_strokes(strokes, PAD, seen_pen)
                for strokes in drawings]
    strokes = reader.predict_drawings([(s, PAD) for s in drawings])
    row = {"drawings": len(labels),
           "from_the_strokes": round(float(np.mean([p is not None and p.digit == y for p, y in zip(strokes, labels)])),
                                     4),
           "pictured_tree": share_right(reader.read(pictures), labels)}
    with without_mark_rule():
        row["pictured_tree_without_mark_rule"] = share_right(reader.read(pictures), labels)
    with through_the_photo_path():
        row["pictured_before"] = share_right(reader.read(pictures), labels)
    return row


CANVAS = (1152, 648)


def on_a_large_canvas(reader: predictor.Predictor, drawings: list, labels: np.ndarray) -> dict:
    rng = np.random.default_rng(9)
    pictures = []
    for strokes in drawings:
        points = np.concatenate([np.asarray(stroke, float) for stroke in strokes if len(stroke)])
        low, extent = points.min(0), max(float(np.ptp(points, axis=0).max()), 1.0)
        size, pen, offset = rng.uniform(35, 70), rng.uniform(3, 12), rng.uniform((50, 50), (1000, 550))
        placed = [[tuple((np.asarray(point) - low) / extent * size + offset) for point in stroke] for stroke in strokes]
        pictures.append(255 - render_strokes(placed, CANVAS, pen))
    row = {"drawings": len(labels), "tree": share_right(reader.read(pictures), labels)}
    with without_mark_rule():
        row["tree_without_mark_rule"] = share_right(reader.read(pictures), labels)
    with through_the_photo_path():
        row["photo_path"] = share_right(reader.read(pictures), labels)
    return row


def dots_and_dashes(reader: predictor.Predictor, count: int = 400) -> dict:
    rng = np.random.default_rng(5)
    kinds = list(pen_digits.NON_DIGITS)
    marks = [pen_digits.hand_drawn(pen_digits.NON_DIGITS[kinds[i % len(kinds)]](rng), pen_digits.Writer.random(rng),
                                   rng, PAD) for i in range(count)]

    def shares(predictions) -> dict:
        return {"no_digit": round(float(np.mean([p is None for p in predictions])), 4),
                "sure_digit": round(float(np.mean([p is not None and p.confidence >= UNSURE_BELOW
                                                   for p in predictions])), 4)}

    row = {"marks": count, "from_the_strokes": shares(reader.predict_drawings([(m, PAD) for m in marks]))}
    for name, pen in (("pictured", None), ("pictured_as_seen", DEFAULT_PEN_WIDTH)):
        pictures = [render_strokes(m, PAD) if pen is None else 255 - render_strokes(m, PAD, pen) for m in marks]
        row[f"{name}_tree"] = shares([r.prediction for r in reader.read(pictures)])
        with without_mark_rule():
            row[f"{name}_tree_without_mark_rule"] = shares([r.prediction for r in reader.read(pictures)])
    return row


def read_time(reader: predictor.Predictor, drawings: list) -> dict:
    """Wall milliseconds to read one pad picture (Predictor.read, one thread), the tree's path against the photo path,
    alternating picture by picture so both see the same machine."""
    torch.set_num_threads(1)
    pictures = [render_strokes(strokes, PAD) for strokes in drawings]
    times: dict[str, list[float]] = {"tree": [], "tree_without_mark_rule": [], "before": []}
    for picture in pictures:
        start = time.perf_counter()
        reader.read(picture)
        times["tree"].append(time.perf_counter() - start)
        with without_mark_rule():
            start = time.perf_counter()
            reader.read(picture)
            times["tree_without_mark_rule"].append(time.perf_counter() - start)
        with through_the_photo_path():
            start = time.perf_counter()
            reader.read(picture)
            times["before"].append(time.perf_counter() - start)
    return {name: latency_ms(seconds) for name, seconds in times.items()}


def pngs(reader: predictor.Predictor, folder: Path, images: np.ndarray, labels: np.ndarray, scan: bool) -> dict:
    paths = []
    for i, image in enumerate(images):
        picture = Image.fromarray(255 - image).resize((140, 140), Image.BILINEAR) if scan else Image.fromarray(image)
        paths.append(folder / f"{'scan' if scan else 'mnist'}-{i}.png")
        picture.save(paths[-1])
    row = {"images": len(labels), "tree": share_right(reader.read(paths), labels)}
    with through_the_photo_path():
        row["before"] = share_right(reader.read(paths), labels)
    return row


def photos_taken_for_drawings(folder: Path, per_condition: int) -> dict:
    rng = np.random.default_rng(0)
    designs = list(all_styles())
    counts = {"photos": 0, "taken_for_drawings": 0, "empty_pages": 0, "empty_pages_taken": 0}
    for condition in CONDITIONS:
        for k in range(per_condition):
            look = random_look(condition, rng)
            _, _, strokes = designs[int(rng.integers(len(designs)))]
            path = folder / f"photo-{condition}-{k}.jpg"
            save(photo(stroke_ink(strokes, look.pen), look, rng), path, look)
            counts["taken_for_drawings"] += digital_drawing.read_drawn(opened(str(path))) is not None
            counts["photos"] += 1
    for kind in EMPTY_PAGES:
        for k in range(per_condition // 2):
            page, look = empty_page(kind, rng)
            path = folder / f"empty-{kind}-{k}.jpg"
            save(page, path, look)
            counts["empty_pages_taken"] += digital_drawing.read_drawn(opened(str(path))) is not None
            counts["empty_pages"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="folder holding MNIST/raw (default: digitpad's data folder)")
    args = parser.parse_args()
    reader = predictor.Predictor.load(None, device="cpu")
    mnist = load_mnist(args.data_dir or default_data_root(), splits=("test",))
    images, labels = mnist.test_images[:1000].numpy(), mnist.test_labels[:1000].numpy()
    result = {"pad": list(PAD), "load_average": load_average(),
              "pen_writers_held_out": pictured(reader, *writers(300, 2002)),
              "pen_writers_held_out_as_seen": pictured(reader, *writers(300, 2002), seen_pen=DEFAULT_PEN_WIDTH),
              "pen_writers_tuning": pictured(reader, *writers(200, 1001)),
              "test_designs": pictured(reader, *test_designs()),
              "small_digits_on_a_large_canvas": on_a_large_canvas(reader, *writers(100, 2002)),
              "dots_and_dashes": dots_and_dashes(reader)}
    with tempfile.TemporaryDirectory() as folder:
        result["mnist_png"] = pngs(reader, Path(folder), images, labels, scan=False)
        result["scan_png"] = pngs(reader, Path(folder), images, labels, scan=True)
        result["photos_taken_for_drawings"] = photos_taken_for_drawings(Path(folder), per_condition=20)
    result["read_one_pad_picture_ms"] = read_time(reader, writers(30, 2002)[0])
    result["load_average_after"] = load_average()
    report(result, HERE / "pad_pictures.json")


if __name__ == "__main__":
    main()
