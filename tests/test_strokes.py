import numpy as np
import pytest

from digit_strokes import all_styles, place

from digitpad.core import pen_digits
from digitpad.core.preprocess import to_mnist
from digitpad.core.strokes import drawing_input, is_mark, model_pen_width, render_strokes, stroke_points


def test_render_is_white_on_black_with_round_caps():
    image = render_strokes([[(20, 50), (80, 50)]], (100, 100), pen_width=10)
    assert image.shape == (100, 100) and image.dtype == np.uint8
    assert image[50, 50] == 255 and image[10, 10] == 0
    assert image[50, 16] > 200, "a round cap reaches past the end point"


def test_a_single_click_makes_a_dot():
    assert render_strokes([[(50, 50)]], (100, 100)).max() > 128


def test_model_pen_width_follows_drawing_size():
    assert model_pen_width([[(0, 0), (0, 200)]]) == 2 * model_pen_width([[(0, 0), (0, 100)]])
    assert render_strokes([], (40, 30)).shape == (30, 40)


def test_dots_and_dashes_are_marks_and_every_digit_style_is_not():
    pad = (280, 280)
    for strokes in ([[(140, 140)]], [[(60, 200), (63, 202)]], [[(100, 150), (140, 152)]], [[(20, 30), (250, 60)]],
                    [[(100, 100), (110, 104)], [(112, 104), (118, 103)]],
                    [[(100, 180), (131, 162), (160, 139)]], [[(60, 100), (104, 60)]]):  # dashes at 35° and 42°
        assert is_mark(strokes, pad), strokes
    for digit, name, strokes in all_styles():
        for where in (dict(x=70, y=30, height=250), dict(x=8, y=200, height=40), dict(x=70, y=40, height=230,
                                                                                       rotate=-15)):
            assert not is_mark(place(strokes, **where), pad), (digit, name, where)
    assert not is_mark([], pad) and not is_mark([[]], pad)  # a stroke without points (a personal set may hold one)
    assert is_mark([[], [(60, 100), (104, 60)]], pad)  # a 42° dash beside a stroke without points is still a dash


def difference(image, reference):
    """Mean absolute pixel difference, the image moved by up to a pixel to fit best: the centring rounds the
    ink's centre of mass to a whole pixel, so ink moved by a hundredth of a pixel can land a pixel over."""
    return min(np.abs(np.roll(image, (dy, dx), axis=(0, 1)) - reference).mean() for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def test_drawing_input_is_the_pad_render_made_small(bundled):
    """drawing_input draws the ink straight at a few times the model's size: the model reads what the pad's
    full-size render gave it (small ink pixel for pixel), and the same digit."""
    pad = (280, 280)
    before, after = [], []
    for digit, name, strokes in all_styles():
        for where in (dict(x=30, y=15, height=250), dict(x=100, y=40, height=120), dict(x=60, y=30, height=230,
                                                                                        slant=0.3, rotate=12)):
            placed = place(strokes, **where)
            before.append(to_mnist(render_strokes(placed, pad), ink="light"))
            after.append(drawing_input(placed, pad))
            assert difference(after[-1], before[-1]) < 0.06, (digit, name, where)
        small = place(strokes, 5, 210, 50)
        assert np.array_equal(drawing_input(small, pad), to_mnist(render_strokes(small, pad), ink="light"))
    assert np.mean([np.abs(a - b).mean() for a, b in zip(before, after)]) < 0.02
    read = [[p.digit for p in bundled.classify(images)] for images in (before, after)]
    assert read[0] == read[1]


def test_drawing_input_keeps_to_the_pad():
    assert drawing_input([], (280, 280)) is None
    assert drawing_input([[(-50, -50), (-20, -30)]], (280, 280)) is None, "ink wholly off the pad is no drawing"
    for strokes in ([[(140, -100), (140, 200)]], [[(-60, 100), (200, 120), (150, 400)]]):  # partly off the pad
        on_pad = to_mnist(render_strokes(strokes, (280, 280)), ink="light")
        assert difference(drawing_input(strokes, (280, 280)), on_pad) < 0.03, "cut off as the pad shows it"


def test_no_synthetic_writer_digit_is_a_mark():
    """The slanted-dash rule turns away no digit of 200 synthetic writers (pen_digits, every design)."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        writer = pen_digits.Writer.random(rng)
        for strokes, digit in pen_digits.writer_digits(writer, 1, rng):
            assert not is_mark(strokes, pen_digits.PAD), (digit, writer.styles[digit], strokes)


def test_stroke_points_take_x_y_pairs_in_any_common_form():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    for stroke in ([(1, 2), (3, 4)], ((1, 2), (3, 4)), [[1, 2], [3, 4]], np.array([[1, 2], [3, 4]]),
                   [np.array([1, 2]), np.array([3, 4])], (p for p in [(1, 2), (3, 4)])):
        np.testing.assert_array_equal(stroke_points(stroke), expected)
    assert stroke_points([]).shape == stroke_points(np.zeros((0, 2))).shape == (0, 2)


@pytest.mark.parametrize("stroke", [np.array([[100, 50, 0.5], [100, 250, 0.5]]), [(100, 50, 1), (100, 250, 1)],
                                    np.zeros(4), np.zeros((2, 2, 2))],
                         ids=["array of triples", "list of triples", "flat array", "3-D array"])
def test_points_other_than_x_y_pairs_are_refused(stroke):
    """A tablet's (x, y, pressure) points are refused with a message, not read as other points."""
    with pytest.raises(ValueError, match=r"\(x, y\) pairs"):
        stroke_points(stroke)
