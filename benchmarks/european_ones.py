"""Where the model reads a European one as a 7: by the up-stroke's length, steepness and the writer's slant.

European ones (a long up-stroke and no base) are the largest share of the real pen data's misreads
(issue 16) and 80% of them read right in `pen_proxy.py`'s held-out writers. This probe draws them
with fixed proportions (`pen_digits.european_one`: the up-stroke starts `drop` below and `reach` left
of the stem's top, in shares of the height) and reads each on the pad's path. At each of four slants
the same writers (their width, tilt, speed and shakiness random) draw every cell, and also a plain 7
and a stick one, so the cells differ only in the design. `degrees` is the up-stroke's rise from level
as designed: the writer's width (0.4-1.0) and slant change it on the pad. It shows which ones a next
training round should teach, and what a 7 must keep.

It also draws ones whose flag leaves the stem's top nearly level and bends down only at its far end (`level_flag_one`),
by the flag's reach and droop: the handwriting fonts' commonest misread ("1 as 7", `handwriting_fonts.py`) is this
shape, short and curled, not a long up-stroke. The longer and more level the flag, the nearer the shape is to a 7 with
a short bar; the cells show where the model's line between them lies.

Run: python benchmarks/european_ones.py [--model M.pt] [--per-cell 40]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from functools import partial
from pathlib import Path

import numpy as np

from digitpad.core import pen_digits
from digitpad.core.predictor import Predictor

DROPS = (0.25, 0.4, 0.55, 0.7)
REACHES = (0.2, 0.35, 0.55)
SLANTS = (-0.2, 0.1, 0.3, 0.5)  # pen_digits.Writer's range
FLAG_REACHES = (0.15, 0.25, 0.35)
FLAG_DROOPS = (0.05, 0.15, 0.3)
OTHERS = {"stick one": pen_digits.DESIGNS[1]["stick"], "plain 7": pen_digits.DESIGNS[7]["plain"]}


def level_flag_one(r, reach: float, droop: float) -> pen_digits.Strokes:
    """A flag from `reach` left of the stem's top and `droop` below it (shares of the height), leaving the top level
    and bending down at its far end, then the stem: no base."""
    along = np.linspace(0, 1, 8)[::-1]
    return [[(0.55 - reach * t, droop * t ** 2) for t in along] + [(0.55 + r.uniform(-0.04, 0.04), 1.0)]]


def read_as_one(predictor: Predictor, design, writers: list[pen_digits.Writer], seed: int) -> float:
    """The share of the writers' drawings of `design` (one each) that the model reads as 1."""
    rng = np.random.default_rng(seed)
    inputs = [pen_digits.model_input(pen_digits.hand_drawn(design(rng), writer, rng)) for writer in writers]
    probabilities = predictor.probabilities(np.stack(inputs).astype(np.float32) / 255)
    return round(float((probabilities.argmax(1) == 1).mean()), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--per-cell", type=int, default=40)
    args = parser.parse_args()
    predictor = Predictor.load(args.model, device="cpu")
    rng = np.random.default_rng(0)
    writers = {s: [dataclasses.replace(pen_digits.Writer.random(rng), slant=s) for _ in range(args.per_cell)]
               for s in SLANTS}
    cells = []
    for drop in DROPS:
        for reach in REACHES:
            design = partial(pen_digits.european_one, drop=drop, reach=reach)
            cells.append({"drop": drop, "reach": reach, "degrees": round(math.degrees(math.atan2(drop, reach))),
                          "read_as_one_by_slant": {str(s): read_as_one(predictor, design, writers[s], seed)
                                                   for seed, s in enumerate(SLANTS)}})
    flags = [{"reach": reach, "droop": droop,
              "read_as_one_by_slant": {str(s): read_as_one(predictor, partial(level_flag_one, reach=reach, droop=droop),
                                                           writers[s], seed) for seed, s in enumerate(SLANTS)}}
             for reach in FLAG_REACHES for droop in FLAG_DROOPS]
    others = {name: {str(s): read_as_one(predictor, design, writers[s], seed) for seed, s in enumerate(SLANTS)}
              for name, design in OTHERS.items()}
    result = {"model": args.model or "bundled", "per_cell": args.per_cell, "european_ones": cells,
              "level_flags": flags, "same_writers_read_as_one": others}
    text = json.dumps(result, indent=1)
    print(text)
    (Path(__file__).with_suffix(".json")).write_text(text + "\n")


if __name__ == "__main__":
    main()
