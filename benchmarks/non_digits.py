"""Whether a model says it is unsure of what is not a digit, and stays sure of digits.

The Draw tab shows "?" for a reading under `number_reading.UNSURE_BELOW` (60%). Dots and dashes never reach the model
(`strokes.is_mark` turns them away; `pen_proxy.py` measures them); everything else a person puts on the pad does.
Non-digits, by how far they are from what a model was taught (`pen_digits.SCRIBBLES` and `pen_digits.DOODLES` are
what the bundled model's scribble stage learnt to doubt, training/README.md Rounds 25 and 27):
- `letters`: letters of the 77 handwriting fonts of `handwriting_fonts.py` whose shape is not a digit's (no O, I, S,
  Z, B, g, q...), thinned and drawn on the pad upright and slanted right. No generator of ours drew them, and none
  of these drawings is trained on. `by_group` splits them: `taught` are the letters `pen_digits.DOODLES` draws by
  pen (A, E, F...: the same letters, other hands), `never taught` the rest (C, P, U, V, X, a, c, f, v, x, y);
- `shapes`: ten shapes people doodle, drawn by the pen writers of `pen_digits` and never trained on (star, heart,
  tick, cross, smiley, triangle, square, arrow, plus, spiral). The star, the cross and the plus are straight strokes
  crossing, near the taught "crossing strokes" and grids, and the triangle and the square are near the taught house
  and envelope: those five flatter a model taught them;
- `scribbles`: the scribble kinds themselves, drawings no training set holds (seed 9009): a model taught them is
  flattered here.
Digits, where "unsure" is a doubt shown to a person who wrote well: MNIST test, the fonts' digits (four writers, as
`handwriting_fonts.py` draws them) and the pen proxy's 300 held-out writers (`pen_proxy.py`). For each: read
right, shown unsure, and shown right (read right and not unsure). Candidate and baselines in the same run.

Run: python benchmarks/non_digits.py [--model M.pt] [--baseline B.pt ...] [--fonts DIR] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import handwriting_fonts
import numpy as np
import pen_proxy

from digitpad.core import pen_digits
from digitpad.core.datasets import load_mnist
from digitpad.core.number_reading import UNSURE_BELOW
from digitpad.core.paths import default_data_root
from digitpad.core.predictor import Predictor
from digitpad.core.preprocess import to_uint8

HERE = Path(__file__).resolve().parent
LETTERS = "ACEFHKMNPRUVWXYacefhkmnrvwxy"  # not shaped like a digit in most hands
LETTER_GROUPS = {"taught": {c for c in LETTERS if c in pen_digits.DOODLES},
                 "never taught": {c for c in LETTERS if c not in pen_digits.DOODLES}}
SHAPES_PER_KIND, SCRIBBLES_PER_KIND = 40, 40


def _star(r):
    turn = r.uniform(-10, 10)
    return [[(0.5 + 0.5 * math.cos(math.radians(-90 + k * 144 + turn)),
              0.5 + 0.5 * math.sin(math.radians(-90 + k * 144 + turn))) for k in range(6)]]


def _heart(r):
    return [pen_digits.arc(0.27, 0.27, 0.23, 0.2, 180, 360) + pen_digits.arc(0.73, 0.27, 0.23, 0.2, 180, 360)
            + [(0.5, 1.0), (0.04, 0.3)]]


def _tick(r):
    return [[(0.0, r.uniform(0.45, 0.65)), (r.uniform(0.25, 0.4), 1.0), (1.0, 0.0)]]


def _cross(r):
    return [[(0.0, 0.0), (1.0, 1.0)], [(1.0, r.uniform(-0.05, 0.1)), (r.uniform(-0.05, 0.1), 1.0)]]


def _smiley(r):
    return [pen_digits.arc(0.5, 0.5, 0.5, 0.5, -90, 275), [(0.33, 0.35), (0.34, 0.37)], [(0.67, 0.35), (0.68, 0.37)],
            pen_digits.arc(0.5, 0.55, 0.27, 0.22, 20, 160)]


def _triangle(r):
    return [[(0.5, 0.0), (1.0, 0.9), (0.0, 0.9), (0.5, 0.0)]]


def _square(r):
    return [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]]


def _arrow(r):
    return [[(0.0, 0.5), (1.0, 0.5)], [(0.7, 0.2), (1.0, 0.5), (0.7, 0.8)]]


def _plus(r):
    return [[(0.5, 0.0), (0.5, 1.0)], [(0.0, 0.5), (1.0, 0.5)]]


def _spiral(r):
    turns = r.uniform(2.0, 3.5)
    t = np.linspace(0, turns * 2 * math.pi, int(turns * 24))
    return [[(0.5 + 0.5 * s / t[-1] * math.cos(s), 0.5 + 0.5 * s / t[-1] * math.sin(s)) for s in t]]


SHAPES = {"star": _star, "heart": _heart, "tick": _tick, "cross": _cross, "smiley": _smiley, "triangle": _triangle,
          "square": _square, "arrow": _arrow, "plus": _plus, "spiral": _spiral}


def letter_drawings(folder: Path) -> list[tuple[str, np.ndarray]]:
    """(letter, uint8 model input) for every font in `folder`, letter and the first two writers."""
    writers = dict(list(handwriting_fonts.WRITERS.items())[:2])
    return [(letter, to_uint8(image)) for _, _, letter, image in handwriting_fonts.drawings(folder, LETTERS, writers)]


def drawn(kinds: dict, per_kind: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """(kind, uint8 model input): `per_kind` drawings of each kind, each by another pen writer, drawn as the
    training's non-digits are (`pen_digits.non_digit_drawings`: the kinds in turn)."""
    names = list(kinds)
    drawings = pen_digits.non_digit_drawings(per_kind * len(names), seed, kinds)
    return [(names[i % len(names)], pen_digits.model_input(strokes)) for i, strokes in enumerate(drawings)]


def unsure_share(predictor: Predictor, drawings: list[tuple[str, np.ndarray]], groups: dict | None = None) -> dict:
    """The share shown "?", in all, by kind and, when `groups` ({name: kinds}) is given, by group of kinds."""
    confidence = predictor.probabilities(np.stack([image for _, image in drawings]).astype(np.float32) / 255).max(1)
    unsure = confidence < UNSURE_BELOW
    kinds = list(dict.fromkeys(kind for kind, _ in drawings))
    of_kind = np.array([kind for kind, _ in drawings])
    share = {"count": len(drawings), "shown_unsure": round(float(unsure.mean()), 4)}
    if groups:
        share["by_group"] = {name: round(float(unsure[np.isin(of_kind, list(members))].mean()), 4)
                             for name, members in groups.items()}
    return {**share, "by_kind": {kind: round(float(unsure[of_kind == kind].mean()), 3) for kind in kinds}}


def digit_scores(probabilities: np.ndarray, labels: np.ndarray) -> dict:
    right, unsure = probabilities.argmax(1) == labels, probabilities.max(1) < UNSURE_BELOW
    return {"count": len(labels), "read_right": round(float(right.mean()), 4),
            "shown_unsure": round(float(unsure.mean()), 4), "shown_right": round(float((right & ~unsure).mean()), 4)}


def evaluate(path: str | None, sets: dict, mnist) -> dict:
    predictor = Predictor.load(path, device="cpu")
    fonts = predictor.probabilities(sets["font_digits"][0])
    pen = predictor.probabilities(sets["pen_digits"][0].astype(np.float32) / 255)
    mnist_probabilities = predictor.probabilities(mnist.test_images.numpy().astype(np.float32) / 255)
    return {"model": path or "bundled", "name": predictor.name,
            "non_digits": {"letters": unsure_share(predictor, sets["letters"], LETTER_GROUPS),
                           **{name: unsure_share(predictor, sets[name]) for name in ("shapes", "scribbles")}},
            "digits": {"mnist_test": digit_scores(mnist_probabilities, mnist.test_labels.numpy()),
                       "font_digits": digit_scores(fonts, sets["font_digits"][1]),
                       "pen_held_out": digit_scores(pen, sets["pen_digits"][1])}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint to measure (default: the bundled model)")
    parser.add_argument("--baseline", nargs="*", default=[], help="checkpoints to compare with, in the same run")
    parser.add_argument("--fonts", type=Path, default=Path.home() / ".cache" / "digitpad" / "handwriting-fonts",
                        help="the handwriting fonts (fetch them with handwriting_fonts.py --fetch)")
    parser.add_argument("--data-dir", default=str(default_data_root()))
    parser.add_argument("--out", default=str(HERE / "non_digits.json"))
    args = parser.parse_args()
    letters = letter_drawings(args.fonts)
    if not letters:
        raise SystemExit(f"no fonts in {args.fonts}: fetch them with benchmarks/handwriting_fonts.py --fetch")
    font_digits = handwriting_fonts.drawings(args.fonts)
    pen = pen_proxy.labelled_drawings(300, seed=2002)
    sets = {"letters": letters, "shapes": drawn(SHAPES, SHAPES_PER_KIND, seed=7007),
            "scribbles": drawn(pen_digits.SCRIBBLES, SCRIBBLES_PER_KIND, seed=9009),
            "font_digits": (np.stack([image for *_, image in font_digits]).astype(np.float32),
                            np.array([int(digit) for _, _, digit, _ in font_digits])),
            "pen_digits": (np.stack([image for *_, image in pen]), np.array([digit for _, digit, _ in pen]))}
    mnist = load_mnist(args.data_dir, splits=("test",))
    result = {"unsure_below": UNSURE_BELOW, "fonts": len(list(args.fonts.glob("*.woff"))),
              "candidate": evaluate(args.model, sets, mnist),
              "baselines": [evaluate(path, sets, mnist) for path in args.baseline]}
    text = json.dumps(result, indent=1)
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
