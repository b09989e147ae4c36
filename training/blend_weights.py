"""Blend two checkpoints of one architecture weight by weight: (1 - share) x first + share x second.

Why: the pen stage (train_bundled.py --stage pen) reads pen-drawn digits better but loses about 0.1
point of MNIST; both models start from the same weights, so a straight line between them keeps most
of each (weight-space ensembling, "WiSE-FT", Wortsman et al. 2022) at no cost when reading. The
result is scored on MNIST test and saved as a normal checkpoint with those metrics; `--log` writes
a record of the blend beside it (the bundled model's is training/bundled.json).
Run: python training/blend_weights.py FIRST.pt SECOND.pt --share 0.3 --data-dir ../shared/data --out OUT.pt
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from digitpad.core.checkpoint import Checkpoint  # noqa: E402
from digitpad.core.datasets import load_mnist  # noqa: E402
from digitpad.core.metrics import evaluate, recording_accuracy  # noqa: E402


def blend(first: Checkpoint, second: Checkpoint, share: float) -> Checkpoint:
    """`second`'s settings and history with weights part way from `first`'s (counters are taken from `second`)."""
    same_shape = first.state_dict.keys() == second.state_dict.keys()
    if (first.arch, first.arch_args) != (second.arch, second.arch_args) or not same_shape:
        raise SystemExit("blend_weights: the two checkpoints are not the same architecture")
    weights = {name: (1 - share) * first.state_dict[name] + share * value if value.is_floating_point() else value
               for name, value in second.state_dict.items()}
    config = {**second.train_config, "blend": {"share_of_second": share}}
    return dataclasses.replace(second, state_dict=weights, train_config=config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--share", type=float, default=0.3, help="the second checkpoint's share of each weight")
    parser.add_argument("--data-dir", help="folder holding MNIST/raw (default: $DIGITPAD_DATA_DIR)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--log", help="a .json file to record the blend in")
    args = parser.parse_args()
    first, second = Checkpoint.load(args.first), Checkpoint.load(args.second)
    blended = blend(first, second, args.share)
    data = load_mnist(args.data_dir)
    scored = evaluate(blended.build_model().eval(), data.test_images, data.test_labels, blended.normalization)
    metrics = {k: v for k, v in blended.metrics.items() if k not in ("misclassified", "accuracies")}  # the first's
    metrics = recording_accuracy({**metrics, **scored}, blended.state_dict, data.test_images, data.test_labels,
                                 scored["accuracy"])
    blended = dataclasses.replace(blended, metrics=metrics)
    blended.save(args.out, replace_bundled=True)
    print(f"{args.share:.0%} of {args.second} blended into {args.first}: MNIST test {scored['accuracy']:.4f}; "
          f"saved {args.out}")
    if args.log:
        record = {"command": "python training/blend_weights.py " + " ".join(sys.argv[1:]), "share_of_second": args.share,
                  "first": {"file": args.first, "test_accuracy": first.accuracy},
                  "second": {"file": args.second, "test_accuracy": second.accuracy},
                  "test_accuracy": scored["accuracy"], "test_loss": scored["loss"], "precision": scored["precision"],
                  "recall": scored["recall"], "confusion": scored["confusion"]}
        Path(args.log).write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
