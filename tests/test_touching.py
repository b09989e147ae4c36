"""Runs of touching digits: wider than any one digit, both sources present, and repeatable with their seed."""

import numpy as np

from digitpad.core import pen_digits, touching
from digitpad.core.preprocess import INK_THRESHOLD


def _ink_size(image: np.ndarray) -> tuple[int, int]:
    ink = image > INK_THRESHOLD * 255
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1


def _median_aspect(images) -> float:
    return float(np.median([width / height for width, height in map(_ink_size, images)]))


def test_runs_are_wide_blobs_from_mnist_and_pen_writers(mnist):
    train = mnist.train_images[:2000].numpy()
    runs = touching.run_set(train, 200, seed=3)
    assert runs.shape == (200, 28, 28) and runs.dtype == np.uint8
    again = touching.run_set(train, 200, seed=3)
    assert np.array_equal(runs, again) and not np.array_equal(runs, touching.run_set(train, 200, seed=4))
    # the first half from MNIST digits, the rest from pen writers: each far wider for its height than one digit
    assert _median_aspect(runs[:100]) > 1.4 * _median_aspect(train[:200])
    assert _median_aspect(runs[100:]) > 1.4 * _median_aspect(pen_digits.digit_set(200, seed=3)[0])


def test_an_mnist_run_keeps_every_digits_ink_touching():
    one = np.zeros((28, 28), dtype=np.uint8)
    one[4:24, 13:16] = 255  # a bare upright stroke
    rng = np.random.default_rng(0)
    for _ in range(20):
        image = touching.mnist_run([one, one, one], rng)
        columns = (image > INK_THRESHOLD).any(axis=0)
        ink = np.flatnonzero(columns)
        assert not (columns[ink[0]: ink[-1] + 1] == 0).any()  # they touch: no empty column inside the run
        width, height = _ink_size((image * 255).astype(np.uint8))
        assert height == 20 and 5 <= width <= 10  # three strokes side by side, none lying on another
