import numpy as np

from digit_strokes import all_styles, place

from digitpad.core.strokes import is_mark, model_pen_width, render_strokes


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
                    [[(100, 100), (110, 104)], [(112, 104), (118, 103)]]):
        assert is_mark(strokes, pad), strokes
    for digit, name, strokes in all_styles():
        for where in (dict(x=70, y=30, height=250), dict(x=8, y=200, height=40), dict(x=70, y=40, height=230,
                                                                                       rotate=-15)):
            assert not is_mark(place(strokes, **where), pad), (digit, name, where)
    assert not is_mark([], pad)
