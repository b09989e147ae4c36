"""Reading digits in photos of paper: read-right before (the old path) and after, per condition, and speed.

The photos are made here (tests/paper_photos.py): MNIST test digits and stroke-drawn digits
(tests/digit_strokes.py) laid on synthetic paper with a light gradient, a soft shadow, grain,
blur, rotation, ink colour, pen width, JPEG quality, digit size and place, paper tint, ruled
and squared lines, the desk beyond the paper's edge, chalk on a board; some at 12 megapixels.
Every photo is written as a JPEG file and read from the file both ways in this one run:
- before: the path digitpad had (the loaded image straight into `preprocess.to_mnist`);
- after: `Predictor.read` (digitpad/core/ink.py), and, beside it, from one view of the ink (its strokes
  normalised, without the ink as found: core.ink.mark_views), as it was read before the two views.
Two sets: "tuning" (seed 0, MNIST test digits 0-4999, the stroke designs as drawn) was looked at
while the ink path was built; "held-out" (seed 1234, MNIST test digits 5000-9999, strokes
jittered as a hand redraws them, two strong conditions stacked per photo) was not.
Also: MNIST test digits saved as PNG (clean scans) before/after; pages with nothing written on
them, twelve kinds (tests/paper_photos.py EMPTY_PAGES), which must answer "no digit found"; and
CPU milliseconds from a 4000x3000 JPEG file on disk to the answer on one torch thread, at the
previous working size (1024) and the current one in the same run; and CPU milliseconds to find the ink on
pages full of handwritten digits, with the marks grouped as now and as before. And how often the answer says the ink
read looks like several digits (core.several_digits.looks_like_several): on photos of one digit, a false hint; on
photos of numbers, one or two lines, the hint the person needs.
Prints one JSON object and saves it beside this script (only when every part ran).

Run: python benchmarks/photo_reading.py [--data-dir ../shared/data] [--per-condition 10] [--scans 500]
     [--big 8] [--empty 10] [--only PART]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from _common import baseline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from digit_strokes import STYLES, jittered  # noqa: E402
from paper_photos import (CONDITIONS, DESKS, EMPTY_PAGES, Look, empty_page, mnist_ink, on_a_desk,  # noqa: E402
                          photo, random_look, save, stroke_ink)
from PIL import Image  # noqa: E402

from digitpad.core import images, ink  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.images import load_image  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.core.predictor import Predictor  # noqa: E402
from digitpad.core.preprocess import to_mnist  # noqa: E402

PARTS = ("tuning", "held_out", "twelve_megapixels", "clean_scans", "no_digit_pages", "busy_pages", "several_digits",
         "on_a_desk")
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


def read_one_view(predictor, path):
    """The digit read (or None) from the stroke-normalised view alone, as before core.ink.mark_views."""
    with baseline(ink, "mark_views", ink.mark_to_mnist):
        reading = predictor.read(path)
    return reading.prediction.digit if reading.prediction else None


def run_set(predictor, mnist, folder, seed, index_range, per_condition, held_out):
    rng = np.random.default_rng(seed)
    rows = {}
    for condition in CONDITIONS:
        counts = {"photos": 0, "before": 0, "after": 0, "after_one_view": 0, "after_no_digit": 0}
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
            counts["after_one_view"] += read_one_view(predictor, path) == label
            counts["after_no_digit"] += after is None
        rows[condition] = {"photos": counts["photos"], "before": round(counts["before"] / counts["photos"], 3),
                           "after": round(counts["after"] / counts["photos"], 3),
                           "after_one_view": round(counts["after_one_view"] / counts["photos"], 3),
                           "after_no_digit": counts["after_no_digit"]}
    total = sum(r["photos"] for r in rows.values())
    return {"photos": total,
            "before": round(sum(r["before"] * r["photos"] for r in rows.values()) / total, 4),
            "after": round(sum(r["after"] * r["photos"] for r in rows.values()) / total, 4),
            "after_one_view": round(sum(r["after_one_view"] * r["photos"] for r in rows.values()) / total, 4),
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
    """Pages with nothing written on them (tests/paper_photos.py EMPTY_PAGES): each must answer "no digit found",
    read from the JPEG file and, "in memory", from the image itself (as `Predictor.read` is given a PIL image or
    an array: not JPEG-compressed, so a faint line's dark end stays a sharp sliver).

    "tuning" (seed 99) was looked at while the ink path's no-digit checks were set; "held_out"
    (seed 4321) was not, until the rule for the ends of faint ruled lines (core/ink.py LINE_END) was made
    looking at its in-memory pages. The old path always guessed a digit.
    """
    result = {}
    for name, seed in (("tuning", 99), ("held_out", 4321)):
        rng = np.random.default_rng(seed)
        kinds, before, in_memory = {}, 0, 0
        for kind in EMPTY_PAGES:
            said = 0
            for k in range(count):
                image, look = empty_page(kind, rng)
                path = folder / f"empty-{seed}-{k}.jpg"
                save(image, path, look)
                b, a, _ = read_both(predictor, path)
                before += b is None
                said += a is None
                in_memory += not predictor.read(image).found
            kinds[kind] = round(said / count, 3)
        pages = count * len(EMPTY_PAGES)
        result[name] = {"pages": pages, "before_no_digit": round(before / pages, 3),
                        "after_no_digit": round(sum(kinds.values()) / len(kinds), 3), "after_by_kind": kinds,
                        "after_no_digit_in_memory": round(in_memory / pages, 3)}
    return result


def twelve_megapixels(predictor, mnist, folder, count, repeats=3):
    """Milliseconds per 4000x3000 photo on one torch thread: JPEG file on disk to the answer, and from pixels.

    CPU milliseconds of this process (what one core spends, less disturbed by the other jobs sharing
    the machine than the wall clock, which is given too), median over photos of the best of `repeats`.
    "before" is the same code at the previous working size (1024 px: JPEG decoded at 1/4 scale, the
    ink found at about 1000x750); "after" is the current one.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    rng = np.random.default_rng(5)
    photos = []
    for k in range(count):
        look = random_look(CONDITIONS[k % len(CONDITIONS)], rng, size=(4000, 3000))
        label, digit = digit_ink(mnist, rng, (0, 5000), jitter=False, pen=look.pen)
        image = photo(digit, look, rng)
        path = folder / f"big-{k}.jpg"
        save(image, path, look)
        photos.append((label, path, np.asarray(image)))
    result = {"photos": count}
    try:
        for name, side in (("before_1024", 1024), ("after", images.WORKING_SIDE)):
            with baseline(ink, "WORKING_SIDE", side):  # files are decoded to images.FINE_SIDE (1024) either way
                file_cpu, file_wall, pixels_cpu, right = [], [], [], 0
                for label, path, pixels in photos:
                    reading = predictor.read(path)  # warm
                    right += bool(reading.prediction) and reading.prediction.digit == label
                    cpu, wall, from_pixels = [], [], []
                    for _ in range(repeats):
                        start, start_wall = time.process_time(), time.perf_counter()
                        predictor.read(path)
                        cpu.append(time.process_time() - start)
                        wall.append(time.perf_counter() - start_wall)
                        start = time.process_time()
                        predictor.read(pixels)
                        from_pixels.append(time.process_time() - start)
                    file_cpu.append(min(cpu) * 1000)
                    file_wall.append(min(wall) * 1000)
                    pixels_cpu.append(min(from_pixels) * 1000)
                result[name] = {"working_side": side, "read_right": round(right / count, 3),
                                "file_to_answer_cpu_ms_median": round(statistics.median(file_cpu), 1),
                                "file_to_answer_cpu_ms_max": round(max(file_cpu), 1),
                                "file_to_answer_wall_ms_median": round(statistics.median(file_wall), 1),
                                "array_to_answer_cpu_ms_median": round(statistics.median(pixels_cpu), 1)}
    finally:
        torch.set_num_threads(threads)
    return result


def restarting_group(components):
    """The baseline for busy pages: `ink._group` as it was before, restarting from the first pair after every
    merge and measuring each group's extent afresh for every pair (about cubic in the number of marks)."""
    def extent(group):
        return (min(c[1] for c in group), min(c[2] for c in group), max(c[3] for c in group), max(c[4] for c in group))

    def belong_together(a, b):
        ax0, ay0, ax1, ay1 = extent(a)
        bx0, by0, bx1, by1 = extent(b)
        overlap_x, narrower = min(ax1, bx1) - max(ax0, bx0), min(ax1 - ax0, bx1 - bx0)
        gap_y, tall = max(by0 - ay1, ay0 - by1, 0), max(ay1 - ay0, by1 - by0)
        if overlap_x >= 0.5 * narrower and gap_y <= 0.6 * tall:
            return True
        gap_x = max(bx0 - ax1, ax0 - bx1, 0)
        low, high = sorted((ay1 - ay0, by1 - by0))
        if low < 0.5 * high and gap_x <= 0.25 * tall and gap_y == 0:
            return True
        small = min(sum(c[5] for c in a), sum(c[5] for c in b)) < 0.1 * max(sum(c[5] for c in a), sum(c[5] for c in b))
        return small and gap_x <= 0.08 * tall and gap_y <= 0.08 * tall

    groups = [[c] for c in sorted(components, key=lambda c: -c[5])]
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if belong_together(groups[i], groups[j]):
                    groups[i] += groups.pop(j)
                    merged = True
                    break
            if merged:
                break
    return groups


def busy_page(mnist, rng, lines: int, pitch: int) -> np.ndarray:
    """A 2000x2600 page of handwritten numbers (MNIST test digits 60 px tall), `lines` lines `pitch` px apart."""
    page = np.full((2600, 2000), 255, np.uint8)
    for line in range(lines):
        x, y = 40 + int(rng.integers(0, 60)), 60 + line * pitch
        while x < 1850:
            for _ in range(int(rng.integers(3, 7))):
                digit = Image.fromarray(255 - mnist.test_images[int(rng.integers(10000))].numpy()).resize((60, 60))
                page[y: y + 60, x: x + 60] = np.minimum(page[y: y + 60, x: x + 60], np.asarray(digit))
                x += 44
                if x > 1880:
                    break
            x += 70
    return page


def busy_pages(mnist, lines=(4, 12, 24)):
    """CPU milliseconds to find the ink on pages full of handwritten numbers (a ledger, a form: what made a
    printed page take minutes), with `ink._group` as now and as before; both must find the same marks."""
    rng = np.random.default_rng(9)
    result = {}
    for count in lines:
        page = busy_page(mnist, rng, count, pitch=100)
        timings = {}
        for name, group in (("before", restarting_group), ("after", ink._group)):
            saved, ink._group = ink._group, group
            try:
                start = time.process_time()
                found = ink.find_ink(page)
                timings[name] = (round((time.process_time() - start) * 1000, 1), [m.box for m in found.marks])
            finally:
                ink._group = saved
        assert timings["before"][1] == timings["after"][1], "the grouping changed"
        result[f"{count}_lines"] = {"marks_found": len(timings["after"][1]),
                                    "before_cpu_ms": timings["before"][0], "after_cpu_ms": timings["after"][0]}
    return result


def several_digits(predictor, mnist, per_condition, numbers=200):
    """How often a photo read as one digit says that its ink looks like several. Single digits (seed 77, MNIST test
    digits and stroke-drawn ones, every condition, half with a second condition stacked as in the held-out set): a
    false hint. Numbers of 2-4 digits, 15% touching (seed 78; tests/written_numbers.py): MNIST digits in a row, pen on
    paper, and two such pen numbers one below the other. "hint" counts the photos whose ink read gets it, "told" those
    told of more than one digit at all (the hint, or several separate marks)."""
    from written_numbers import pen_photo_number, photographed_number

    rng = np.random.default_rng(77)
    singles = []
    for condition in CONDITIONS:
        for k in range(per_condition):
            look = random_look(condition, rng)
            if k % 2:
                other = random_look(str(rng.choice([c for c in CONDITIONS if c not in ("chalkboard", condition)])), rng)
                look = replace(other, **{f: getattr(look, f) for f in _strong_fields(condition)})
            _, ink = digit_ink(mnist, rng, (0, 10000), jitter=bool(k % 2), pen=look.pen)
            singles.append(predictor.read(photo(ink, look, rng)))
    found = [r for r in singles if r.found]
    result = {"single_digits": {"photos": len(singles), "hint": round(sum(r.several for r in found) / len(found), 4),
                                "hinted_by_condition": {c: sum(r.several for r in singles[i * per_condition:
                                                                                          (i + 1) * per_condition])
                                                        for i, c in enumerate(CONDITIONS)}}}
    rng = np.random.default_rng(78)
    images, labels = mnist.test_images.numpy(), mnist.test_labels.numpy()

    def text() -> str:
        return "".join(str(d) for d in rng.integers(0, 10, rng.integers(2, 5)))
    kinds = {"mnist_numbers": lambda: photographed_number(
                 [images[int(rng.choice(np.flatnonzero(labels == int(c))))] for c in text()], rng, touch_share=0.15),
             "pen_numbers": lambda: pen_photo_number(text(), rng, touch_share=0.15),
             "pen_numbers_two_lines": lambda: pen_photo_number(f"{text()}\n{text()}", rng, touch_share=0.15)}
    for kind, make in kinds.items():
        readings = [r for r in (predictor.read(make()) for _ in range(numbers)) if r.found]
        one = [r for r in readings if r.marks == 1]
        result[kind] = {"photos": len(readings), "hint": round(sum(r.several for r in readings) / len(readings), 4),
                        "told": round(sum(r.several or r.marks > 1 for r in readings) / len(readings), 4),
                        "one_mark": len(one), "one_mark_hint": sum(r.several for r in one)}
    return result


def on_a_desk_set(predictor, mnist, per_desk: int) -> dict:
    """Sheets lying on a desk, table or mat (tests/paper_photos.py on_a_desk: DESKS, the sheet turned up to 15 degrees
    and filling 35-85% of the frame's width, a shadow, a lamp): one digit (an MNIST test digit or a stroke-drawn one,
    the page photographed under any condition but chalk and a desk of its own), a number of 2-6 digits in pen
    (tests/written_numbers.py pen_photo_number, read in Number mode) and a sheet with nothing on it, which must answer
    "no digit found". Read as shipped and, in the same run, without core.page_on_desk (the desk left in the photo).
    "first_look" (seed 70, MNIST test digits 0-4999) is the set looked at while the page finder was set (its
    constants were set on a reviewer's 18 photos before either set existed); "held_out" (seed 71, digits
    5000-9999, strokes redrawn by a hand, shakier numbers) was not."""
    from number_reading import common_digits, numbers
    from written_numbers import pen_photo_number

    conditions = [c for c in CONDITIONS if c not in ("chalkboard", "paper edge")]
    out = {}
    for name, seed, index_range, held_out in (("first_look", 70, (0, 5000), False),
                                             ("held_out", 71, (5000, 10000), True)):
        rng = np.random.default_rng(seed)
        rows = {}
        for desk in DESKS:
            digits, texts, number_photos, empty = [], [], [], []
            for _ in range(per_desk):
                look = replace(random_look(str(rng.choice(conditions)), rng), jpeg=None)
                label, ink_cover = digit_ink(mnist, rng, index_range, jitter=held_out, pen=look.pen)
                digits.append((label, on_a_desk(photo(ink_cover, look, rng), rng, desk)))
                text = numbers(rng, 1)[0]
                texts.append(text)
                hand = {"slant": 0.2, "tilt": 9.0, "wobble": 0.045} if held_out else {}
                number_photos.append(on_a_desk(pen_photo_number(text, rng, **hand), rng, desk))
                blank = replace(random_look("clean", rng), jpeg=None)
                empty.append(on_a_desk(photo(np.zeros((112, 112), np.float32), blank, rng), rng, desk))
            row = {}
            for way, context in (("shipped", nullcontext()), ("desk_left", baseline(ink, "page_on_desk",
                                                                                     lambda gray: None))):
                with context:
                    start = time.perf_counter()
                    read = [predictor.read(image) for _, image in digits]
                    seconds = (time.perf_counter() - start) / len(digits)
                    read_numbers = [predictor.read_number(image).text for image in number_photos]
                    row[way] = {
                        "digit_right": round(float(np.mean([r.prediction is not None and r.prediction.digit == label
                                                            for r, (label, _) in zip(read, digits)])), 3),
                        "digit_none_found": sum(r.prediction is None for r in read),
                        "number_right": round(float(np.mean([t == r for t, r in zip(texts, read_numbers)])), 3),
                        "number_digits_found": round(sum(common_digits(t, r) for t, r in zip(texts, read_numbers))
                                                     / sum(len(t) for t in texts), 3),
                        "empty_no_digit": round(float(np.mean([not predictor.read(image).found for image in empty])),
                                                3),
                        "digit_read_ms": round(1000 * seconds, 1)}
            rows[desk] = row
        out[name] = {"per_desk": per_desk, "by_desk": rows,
                     **{way: {key: round(float(np.mean([r[way][key] for r in rows.values()])), 3)
                              for key in ("digit_right", "number_right", "number_digits_found", "empty_no_digit")}
                        for way in ("shipped", "desk_left")}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--per-condition", type=int, default=30)
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--big", type=int, default=8)
    parser.add_argument("--empty", type=int, default=10, help="pages of each empty kind per set")
    parser.add_argument("--only", choices=PARTS, help="run one part only (while working on it; nothing is saved)")
    args = parser.parse_args()
    mnist = load_mnist(args.data_dir or default_data_root())
    predictor = Predictor.load(device="cpu")
    result = {"model": predictor.name, "cpu_threads_for_speed": 1, "load_average": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        parts = {
            "tuning": lambda: run_set(predictor, mnist, folder, 0, (0, 5000), args.per_condition, held_out=False),
            "held_out": lambda: run_set(predictor, mnist, folder, 1234, (5000, 10000), args.per_condition,
                                        held_out=True),
            "twelve_megapixels": lambda: twelve_megapixels(predictor, mnist, folder, args.big),
            "clean_scans": lambda: clean_scans(predictor, mnist, folder, args.scans),
            "no_digit_pages": lambda: no_digit_pages(predictor, folder, args.empty),
            "busy_pages": lambda: busy_pages(mnist),
            "several_digits": lambda: several_digits(predictor, mnist, args.per_condition),
            "on_a_desk": lambda: on_a_desk_set(predictor, mnist, args.per_condition),
        }
        for name in [args.only] if args.only else PARTS:
            result[name] = parts[name]()
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=1))
    if args.only is None:
        (Path(__file__).with_suffix(".json")).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
