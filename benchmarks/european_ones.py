"""Where the model reads a European one as a 7: by the up-stroke's length, steepness and the writer's slant.

European ones (a long up-stroke and no base) are the largest share of the real pen data's misreads
(issue 16) and 80% of them read right in `pen_proxy.py`'s held-out writers. This probe draws them
with fixed proportions (`pen_digits.european_one`: the up-stroke starts `drop` below and `reach` left
of the stem's top, in shares of the height) by random writers at four slants, and reads each on the
pad's path; beside them, in the same run, the same writers' plain 7s and stick ones, read as 1.
It shows which ones a next training round should teach, and what a 7 must keep. `degrees` is the
up-stroke's rise from level before the writer's slant and tilt.

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
OTHERS = {"stick one": pen_digits.DESIGNS[1]["stick"], "plain 7": pen_digits.DESIGNS[7]["plain"]}


def _european(drop: float, reach: float, rng: np.random.Generator):
    """A European one of these proportions, its bow and foot random as pen_digits draws them."""
    return pen_digits.european_one(drop, reach, rng.uniform(-0.06, 0.06), rng.uniform(-0.04, 0.04))


def read_as_one(predictor: Predictor, design, slant: float, count: int, rng: np.random.Generator) -> float:
    """The share of `count` drawings of `design` by random writers of this slant that the model reads as 1."""
    inputs = []
    while len(inputs) < count:
        writer = dataclasses.replace(pen_digits.Writer.random(rng), slant=slant)
        image = pen_digits.model_input(pen_digits.hand_drawn(design(rng), writer, rng))
        if image is not None:
            inputs.append(image)
    probabilities = predictor.probabilities(np.stack(inputs).astype(np.float32) / 255)
    return round(float((probabilities.argmax(1) == 1).mean()), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--per-cell", type=int, default=40)
    args = parser.parse_args()
    predictor = Predictor.load(args.model, device="cpu")
    rng = np.random.default_rng(0)
    cells = []
    for drop in DROPS:
        for reach in REACHES:
            design = partial(_european, drop, reach)
            cells.append({"drop": drop, "reach": reach, "degrees": round(math.degrees(math.atan2(drop, reach))),
                          "read_as_one_by_slant": {str(s): read_as_one(predictor, design, s, args.per_cell, rng)
                                                   for s in SLANTS}})
    others = {name: {str(s): read_as_one(predictor, design, s, args.per_cell, rng) for s in SLANTS}
              for name, design in OTHERS.items()}
    result = {"model": args.model or "bundled", "per_cell": args.per_cell, "european_ones": cells,
              "same_writers_read_as_one": others}
    text = json.dumps(result, indent=1)
    print(text)
    (Path(__file__).with_suffix(".json")).write_text(text + "\n")


if __name__ == "__main__":
    main()
