"""Small stray marks on the single-digit pad: how many are turned away as "no digit" (`strokes.is_mark`) or shown
"?", and how many digits the same rule turns away, with the smallest ink counted a mark at 0.08 of the pad's
shorter side (the tree) and at 0.10 (considered, not shipped), in one run, as JSON.

A review found a comma-like hook 20 x 40 px in a corner of a 497 px pad read as "7, over 99.9% sure", and short
straight ticks as a sure 1: scaled up to MNIST's 20 px box, any small mark looks like a digit to the model.
- `marks`: 2,000 ticks (a short straight stroke at any angle), hooks (a comma-like curl), checks and
  squiggles, each by another pen writer (`pen_digits`), spanning 3-10% of the pad, and the same marks at 10-15%
  (what the rule leaves to the model);
- `digits`: one drawing of every digit by each of 300 held-out pen writers (seed 2002, as `pen_proxy.py`'s
  `held_out`), at the sizes they draw (0.15-0.92 of the pad's height), and the same drawings shrunk to span 8-10%
  and 10-15% of the pad: digits written that small are what the rule costs.
A drawing counts as read right only when it is not turned away and its likeliest digit is its label; a mark is
"shown as a sure digit" when it is not turned away and the model is at least UNSURE_BELOW sure.

What it showed (Round 35): at 0.10, no mark under 10% of the pad is shown as a sure digit (13.6% at 0.08), but
every digit written at 8-10% of the pad is turned away (99.7% read right at 0.08), and marks of 10-15% are still
shown as sure digits 45% of the time: the rule only moves the line between a mark and a small digit, so it stays.

Run: python benchmarks/stray_marks.py [--model M.pt]   (prints JSON and saves it beside this file)
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from _common import load_average, report

from digitpad.core import pen_digits, strokes
from digitpad.core.number_reading import UNSURE_BELOW
from digitpad.core.predictor import Predictor

HERE = Path(__file__).resolve().parent
CONSIDERED = 0.10
PAD = pen_digits.PAD


def _tick(r):
    angle = r.uniform(0, math.pi)
    return [[(0.5 - 0.5 * math.cos(angle), 0.5 - 0.5 * math.sin(angle)),
             (0.5 + 0.5 * math.cos(angle), 0.5 + 0.5 * math.sin(angle))]]


def _hook(r):  # the review's comma: across, then down and back
    return [[(0.0, 0.0), (1.0, r.uniform(-0.1, 0.1)), (r.uniform(0.3, 0.7), 1.0)]]


def _check(r):
    return [[(0.0, r.uniform(0.4, 0.7)), (r.uniform(0.25, 0.45), 1.0), (1.0, 0.0)]]


def _squiggle(r):
    t = np.linspace(0, 1, 12)
    return [[(float(x), float(0.5 + 0.5 * math.sin(2 * math.pi * r.uniform(1, 2) * x))) for x in t]]


MARKS = {"tick": _tick, "hook": _hook, "check": _check, "squiggle": _squiggle}


def resized(drawing: list, low: float, high: float, rng: np.random.Generator) -> list:
    """The drawing scaled to span `low`-`high` of the pad's shorter side, somewhere on the pad."""
    every = np.concatenate([np.asarray(stroke) for stroke in drawing])
    start, extent = every.min(0), max(float((every.max(0) - every.min(0)).max()), 1e-6)
    scale = rng.uniform(low, high) * min(PAD) / extent
    size = (every.max(0) - start) * scale
    offset = 4 + rng.uniform(0, 1, 2) * np.maximum(np.array(PAD) - size - 8, 1)
    return [[tuple(map(float, (np.asarray(point) - start) * scale + offset)) for point in stroke] for stroke in drawing]


def readings(predictor: Predictor, drawings: list, mark_fraction: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(turned away by is_mark, likeliest digit, its probability) for each drawing on the pad."""
    away = np.array([strokes.is_mark(drawing, PAD, mark_fraction) for drawing in drawings])
    predictions = predictor.classify([strokes.drawing_input(drawing, PAD) for drawing in drawings])  # the model alone
    digit = np.array([p.digit for p in predictions])
    sure = np.array([float(max(p.probabilities)) for p in predictions])
    return away, digit, sure


def shares(predictor: Predictor, mark_sets: dict, digit_sets: dict, mark_fraction: float) -> dict:
    out = {}
    for name, marks in mark_sets.items():
        away, _, confidence = readings(predictor, marks, mark_fraction)
        out[f"marks_{name}"] = {"turned_away": round(float(away.mean()), 4),
                                "shown_as_a_sure_digit": round(float((~away & (confidence >= UNSURE_BELOW)).mean()), 4)}
    for name, (drawings, labels) in digit_sets.items():
        away, digit, _ = readings(predictor, drawings, mark_fraction)
        out[f"digits_{name}"] = {"turned_away": round(float(away.mean()), 4),
                                 "read_right": round(float((~away & (digit == labels)).mean()), 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="checkpoint to read with (default: the bundled model)")
    args = parser.parse_args()
    predictor = Predictor.load(args.model, device="cpu")
    rng = np.random.default_rng(12)
    names = list(MARKS)
    drawn = [pen_digits.hand_drawn(MARKS[names[i % len(names)]](rng), pen_digits.Writer.random(rng), rng)
             for i in range(2000)]
    mark_sets = {"at_3_to_10_percent": [resized(d, 0.03, 0.10, rng) for d in drawn],
                 "at_10_to_15_percent": [resized(d, 0.10, 0.15, rng) for d in drawn]}
    writers = np.random.default_rng(2002)
    natural, labels = [], []
    for _ in range(300):
        writer = pen_digits.Writer.random(writers)
        for drawing, digit in pen_digits.writer_digits(writer, 1, writers):
            natural.append(drawing)
            labels.append(digit)
    labels = np.array(labels)
    sizes = np.random.default_rng(3)
    digit_sets = {"as_drawn": (natural, labels),
                  "at_8_to_10_percent": ([resized(d, 0.08, 0.10, sizes) for d in natural], labels),
                  "at_10_to_15_percent": ([resized(d, 0.10, 0.15, sizes) for d in natural], labels)}
    result = {"mark_fraction": strokes.MARK_FRACTION, "pad": list(PAD), "marks": len(drawn),
              "digits": len(labels), "load_average": load_average(),
              "tree": shares(predictor, mark_sets, digit_sets, strokes.MARK_FRACTION),
              f"considered_{CONSIDERED}": shares(predictor, mark_sets, digit_sets, CONSIDERED)}
    report(result, HERE / "stray_marks.json")


if __name__ == "__main__":
    main()
