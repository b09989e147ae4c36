"""The shipped model: accurate on MNIST's test set, small, and findable."""

import json

from digitpad.core.checkpoint import Checkpoint
from digitpad.core.metrics import evaluate
from digitpad.core.paths import bundled_model_path

TARGET = 0.996


def test_bundled_model_reaches_the_target_on_all_10000_test_images(bundled, mnist):
    result = evaluate(bundled.model, mnist.test_images, mnist.test_labels, bundled.normalization)
    assert result["count"] == 10000
    assert result["accuracy"] >= TARGET
    assert result["accuracy"] == bundled.accuracy, "the accuracy stored in the checkpoint is the real one"
    assert min(result["recall"]) > 0.99


def test_bundled_model_is_small_and_documented():
    """training/ records how the shipped file was made: the first stage, the pen stage, the scribble stage (scribbles,
    letters and doodles) that continued it, and the blend of the last two."""
    path = bundled_model_path()
    assert path.stat().st_size < 3_000_000
    checkpoint = Checkpoint.load(path)
    records = path.parent.parent / "training"
    first, pen, scribbles, blend = (json.loads((records / name).read_text())
                                    for name in ("full-run.json", "pen-run.json", "scribbles-run.json", "bundled.json"))
    assert first["stage"] == "mnist" and pen["stage"] == scribbles["stage"] == "pen"
    assert scribbles["scribbles"] > 0 and scribbles["doodles"] > 0
    assert scribbles["config"]["epochs"] == checkpoint.train_config["epochs"]
    assert checkpoint.arch == "digitnet" and checkpoint.train_config["seed"] == scribbles["seed"]
    assert blend["test_accuracy"] == checkpoint.accuracy
    assert checkpoint.train_config["blend"]["share_of_second"] == blend["share_of_second"]
    assert (blend["first"]["test_accuracy"], blend["second"]["test_accuracy"]) == (pen["test_accuracy"],
                                                                                   scribbles["test_accuracy"])
