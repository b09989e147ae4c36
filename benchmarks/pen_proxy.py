"""How well a model reads pen-drawn digits, and whether its confidence means anything.

The real held-out pen data is kept from us, so this is the proxy: digits drawn by synthetic
writers (`digitpad/core/pen_digits.py`) and rendered as the Draw tab renders strokes.
- `tune`: 200 writers (seed 1001), the set used to compare training ideas;
- `held_out`: 300 other writers (seed 2002), looked at only to report, never to choose;
- `test_designs`: the test suite's 30 stroke designs (tests/digit_strokes.py, a different hand's
  designs, never trained on) each drawn again 20 times by `jittered`;
- `exotic`: seven-segment and boxy designs no model is trained on (`pen_digits.EXOTIC`);
- `non_digits`: 400 dots and short dashes, which should not read as a sure digit: the share the
  model alone reads with confidence 0.6 or more, and the share the Draw tab still shows as a sure
  digit once `strokes.is_mark` has turned the rest away (beside the share with its dot-or-flat rule
  alone, the rule before slanted straight dashes were turned away too); `non_digits_unseen`: 2,000
  others (seed 9), drawn after that rule was made by looking at the first 400;
and expected calibration error on MNIST test and on the held-out writers. The candidate (default:
the bundled model) is compared with a baseline checkpoint in the same run.

Run: python benchmarks/pen_proxy.py [--model M.pt] [--baseline B.pt] [--data-dir ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from digit_strokes import all_styles, jittered  # noqa: E402

from digitpad.core import pen_digits  # noqa: E402
from digitpad.core.calibration import expected_calibration_error  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.number_reading import UNSURE_BELOW  # noqa: E402
from digitpad.core.paths import default_data_root  # noqa: E402
from digitpad.core.predictor import Predictor  # noqa: E402
from digitpad.core.strokes import is_dot_or_flat, is_mark  # noqa: E402

WEAK_SPOTS = [(1, "european"), (0, "slashed"), (4, "open")]


def labelled_drawings(writers: int, seed: int, designs=pen_digits.DESIGNS) -> list[tuple[str, int, np.ndarray]]:
    """(design, digit, model input) for one drawing of every digit by each of `writers` writers."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(writers):
        writer = pen_digits.Writer.random(rng, designs)
        for strokes, digit in pen_digits.writer_digits(writer, 1, rng, designs):
            out.append((writer.styles[digit], digit, pen_digits.model_input(strokes)))
    return out


def test_design_drawings(repeats: int = 20) -> list[tuple[str, int, np.ndarray]]:
    rng = random.Random(4004)
    return [(name, digit, pen_digits.model_input(jittered(strokes, rng)))
            for digit, name, strokes in all_styles() for _ in range(repeats)]


def non_digit_drawings(count: int, seed: int) -> list[tuple[bool, bool, np.ndarray]]:
    """(is_mark, is_dot_or_flat, model input) for dots and dashes."""
    return [(is_mark(strokes, pen_digits.PAD), is_dot_or_flat(strokes, pen_digits.PAD), pen_digits.model_input(strokes))
            for strokes in pen_digits.non_digit_drawings(count, seed)]


def non_digit_scores(predictor: Predictor, drawings: list[tuple[bool, bool, np.ndarray]]) -> dict:
    """How many the Draw tab shows as a sure digit, and how many it would with the dot-or-flat rule alone."""
    probabilities = read(predictor, [image for _, _, image in drawings])
    sure = probabilities.max(1) >= UNSURE_BELOW
    mark, dot_or_flat = (np.array([d[k] for d in drawings]) for k in (0, 1))
    return {"count": len(drawings), "model_alone_sure": round(float(sure.mean()), 4),
            "mean_confidence": round(float(probabilities.max(1).mean()), 4),
            "draw_tab_shows_sure_digit": round(float((sure & ~mark).mean()), 4),
            "with_the_dot_or_flat_rule_alone": round(float((sure & ~dot_or_flat).mean()), 4)}


def read(predictor: Predictor, images) -> np.ndarray:
    return predictor.probabilities(np.stack(images).astype(np.float32) / 255)


def score(predictor: Predictor, drawings: list[tuple[str, int, np.ndarray]], by_design: bool = False) -> dict:
    probabilities = read(predictor, [image for _, _, image in drawings])
    labels = np.array([digit for _, digit, _ in drawings])
    right = probabilities.argmax(1) == labels
    out = {"count": len(labels), "accuracy": round(float(right.mean()), 4),
           "ece": round(expected_calibration_error(probabilities, labels), 4)}
    if by_design:
        designs = sorted({(digit, name) for name, digit, _ in drawings})
        keys = [(digit, name) for name, digit, _ in drawings]
        out["by_design"] = {f"{d} {n}": round(float(np.mean([r for r, k in zip(right, keys) if k == (d, n)])), 3)
                            for d, n in designs}
        out["misread_as"] = {f"{d} {n}": np.bincount(probabilities.argmax(1)[[k == (d, n) for k in keys]],
                                                     minlength=10).tolist() for d, n in WEAK_SPOTS if (d, n) in designs}
    return out


def evaluate(path: str | None, sets: dict, mnist) -> dict:
    predictor = Predictor.load(path, device="cpu")
    mnist_p = predictor.probabilities(mnist.test_images.numpy().astype(np.float32) / 255)
    mnist_y = mnist.test_labels.numpy()
    return {
        "model": path or "bundled", "name": predictor.name,
        "mnist_test": {"accuracy": round(float((mnist_p.argmax(1) == mnist_y).mean()), 4),
                       "ece": round(expected_calibration_error(mnist_p, mnist_y), 4)},
        "tune": score(predictor, sets["tune"]),
        "held_out": score(predictor, sets["held_out"], by_design=True),
        "test_designs": score(predictor, sets["test_designs"]),
        "exotic": score(predictor, sets["exotic"]),
        "non_digits": non_digit_scores(predictor, sets["non_digits"]),
        "non_digits_unseen": non_digit_scores(predictor, sets["non_digits_unseen"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint to measure (default: the bundled model)")
    parser.add_argument("--baseline", help="checkpoint to compare with (default: none)")
    parser.add_argument("--data-dir", default=str(default_data_root()))
    parser.add_argument("--out", default=str(HERE / "pen_proxy.json"))
    args = parser.parse_args()
    sets = {"tune": labelled_drawings(200, seed=1001), "held_out": labelled_drawings(300, seed=2002),
            "test_designs": test_design_drawings(),
            "exotic": labelled_drawings(30, seed=5005, designs=pen_digits.EXOTIC),
            "non_digits": non_digit_drawings(400, seed=3003), "non_digits_unseen": non_digit_drawings(2000, seed=9)}
    mnist = load_mnist(args.data_dir)
    result = {"candidate": evaluate(args.model, sets, mnist)}
    if args.baseline:
        result["baseline"] = evaluate(args.baseline, sets, mnist)
    text = json.dumps(result, indent=1)
    print(text)
    Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
