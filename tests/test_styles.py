"""Style variants: MNIST digits given the strokes people add today, for training."""

import numpy as np
import torch

from digitpad.core.styles import DEFAULT_FRACTIONS, STOP_CHECK, add_style, style_variants


def test_variants_are_uint8_digits_of_the_styled_classes_in_their_shares(mnist):
    images, labels = mnist.train_images[:2000], mnist.train_labels[:2000]
    extra, extra_labels = style_variants(images, labels, seed=1)
    assert extra.dtype == torch.uint8 and extra.shape[1:] == (28, 28) and extra_labels.dtype == torch.int64
    for digit, fraction in DEFAULT_FRACTIONS.items():
        expected = int((labels == digit).sum() * fraction)
        assert expected - 3 <= int((extra_labels == digit).sum()) <= expected
    assert set(extra_labels.tolist()) == set(DEFAULT_FRACTIONS)
    again, _ = style_variants(images, labels, seed=1)
    assert torch.equal(extra, again)


def test_variants_ask_whether_to_stop_as_they_go_and_end_when_told(mnist):
    images, labels = mnist.train_images[:6000], mnist.train_labels[:6000]
    asked = []

    def stopped(answer: bool) -> bool:
        asked.append(answer)
        return answer

    extra, _ = style_variants(images, labels, seed=1, stopped=lambda: stopped(False))
    assert len(asked) >= len(extra) / STOP_CHECK, "asked at least once every STOP_CHECK images"
    asked.clear()
    assert style_variants(images, labels, seed=1, stopped=lambda: stopped(len(asked) >= 2)) is None
    assert len(asked) == 3, "ended at the first True"


def test_a_zero_gets_a_slash_and_some_ones_a_long_european_up_stroke(mnist):
    zero = mnist.train_images[mnist.train_labels == 0][0].numpy() / 255.0
    one = mnist.train_images[mnist.train_labels == 1][0].numpy() / 255.0
    rng = np.random.default_rng(0)
    for _ in range(10):
        styled = add_style(zero, 0, rng)
        assert styled.shape == (28, 28) and not np.allclose(styled, zero)
        assert styled[12:16, 12:16].max() > 0.5, "the slash crosses the zero's hole"
    widths = [np.ptp(np.flatnonzero((add_style(one, 1, rng) > 0.5).any(axis=0))) for _ in range(40)]
    assert max(widths) >= min(widths) + 4, "some ones get a long up-stroke, some a short flag or a base"
