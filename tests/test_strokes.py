import numpy as np

from digitpad.core.strokes import model_pen_width, render_strokes


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
