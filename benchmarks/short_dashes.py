"""Dashes drawn short: numbers with a dash or a minus read with the dash's shortest length at 0.12 of the digits'
height (the tree) against 0.2 (before), in one run, as JSON.

People draw a minus or a phone number's dash short; number_reading.py's separators are 0.25-0.55 of the height
long. Here the same numbers (its generators, its seeds 31 and 41) are written with dashes 0.12-0.25 long, and, as a
check that nothing else moves, with its own dashes and with no separator at all (a shorter dash must not be found in
digits alone). On the pad (the development and the held-out hand) and as pen-on-paper photos; whole-number accuracy.

Run: python benchmarks/short_dashes.py [--numbers N]   (prints JSON and saves it beside this file)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from _common import baseline, load_average, report

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from number_reading import VARIANTS, numbers, score, separated_numbers, signed_numbers  # noqa: E402
from written_numbers import pen_photo_number, written_number  # noqa: E402

from digitpad import Predictor  # noqa: E402
from digitpad.core import number_reading  # noqa: E402

BEFORE = (0.2, 1.2)
SHORT = (0.12, 0.25)


def whole_numbers(predictor: Predictor, texts: list[str], seed: int, dash_width) -> dict:
    """Whole-number accuracy of `texts` written with dashes `dash_width` of the height long."""
    rng = np.random.default_rng(seed)
    held_out = VARIANTS["held_out"]["hand"]
    read = {"pad": [predictor.read_number_strokes(*written_number(t, rng, dash_width=dash_width)).text for t in texts],
            "pad_held_out_hand": [predictor.read_number_strokes(*written_number(t, rng, dash_width=dash_width,
                                                                                **held_out)).text for t in texts],
            "pen_photos": [predictor.read_number(pen_photo_number(t, rng, touch_share=0.15, dash_width=dash_width))
                           .text for t in texts]}
    return {kind: score(list(zip(texts, got)))["whole_number_accuracy"] for kind, got in read.items()}


def measure(predictor: Predictor, count: int) -> dict:
    with_dash = [t for t in separated_numbers(np.random.default_rng(31), 4 * count) if "-" in t][:count]
    minus = signed_numbers(np.random.default_rng(41), count)
    digits = numbers(np.random.default_rng(5), count)
    return {"dashes_short": whole_numbers(predictor, with_dash, 31, SHORT),
            "minus_short": whole_numbers(predictor, minus, 41, SHORT),
            "dashes_as_benchmarked": whole_numbers(predictor, with_dash, 31, (0.25, 0.55)),
            "minus_as_benchmarked": whole_numbers(predictor, minus, 41, (0.25, 0.55)),
            "digits_only": whole_numbers(predictor, digits, 5, (0.25, 0.55))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=100, help="numbers per kind")
    args = parser.parse_args()
    torch.set_num_threads(1)
    predictor = Predictor.load(device="cpu")
    result = {"model": predictor.name, "numbers": args.numbers, "short_dash": list(SHORT),
              "load_average": load_average(), "this_tree": {"dash_width": list(number_reading.DASH_WIDTH)}}
    result["this_tree"].update(measure(predictor, args.numbers))
    with baseline(number_reading, "DASH_WIDTH", BEFORE):
        result["before"] = {"dash_width": list(BEFORE), **measure(predictor, args.numbers)}
    result["load_average_after"] = load_average()
    report(result, HERE / "short_dashes.json")


if __name__ == "__main__":
    main()
