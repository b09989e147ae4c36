import numpy as np
import pytest
from digit_strokes import STYLES, place
from PIL import Image

from digitpad.core.preprocess import to_mnist
from digitpad.core.strokes import render_strokes


def centre_of_mass(image):
    ys, xs = np.indices(image.shape)
    return (ys * image).sum() / image.sum(), (xs * image).sum() / image.sum()


def test_blank_images_give_none():
    assert to_mnist(np.zeros((280, 280), np.uint8)) is None
    assert to_mnist(np.full((280, 280), 255, np.uint8)) is None
    assert to_mnist(Image.new("L", (50, 80), 255)) is None


def test_output_is_mnist_shaped_and_centred():
    image = render_strokes(place(STYLES[7]["plain"], 40, 30, 200), (280, 280))
    out = to_mnist(image)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0 <= out.min() and out.max() <= 1
    cy, cx = centre_of_mass(out)
    assert abs(cy - 14) < 0.75 and abs(cx - 14) < 0.75
    rows = np.flatnonzero((out > 0.1).any(axis=1))
    assert 19 <= rows[-1] - rows[0] + 1 <= 21, "the longer side is scaled to 20 px"


def test_dark_ink_on_light_paper_equals_light_on_dark():
    light = render_strokes(place(STYLES[3]["round"], 50, 40, 180), (280, 280))
    dark = 255 - light
    np.testing.assert_allclose(to_mnist(dark), to_mnist(light), atol=1e-5)
    np.testing.assert_allclose(to_mnist(dark, ink="dark"), to_mnist(light, ink="light"), atol=1e-5)
    assert to_mnist(Image.fromarray(dark)).sum() == pytest.approx(to_mnist(light).sum(), rel=1e-5)


@pytest.mark.parametrize("digit,style", [(2, "curved"), (4, "open"), (8, "two circles"), (1, "flag and base")])
def test_small_in_a_corner_matches_large_in_the_centre(digit, style):
    strokes = STYLES[digit][style]
    large = to_mnist(render_strokes(place(strokes, 50, 20, 240), (280, 280)))
    small = to_mnist(render_strokes(place(strokes, 4, 210, 60), (280, 280)))
    assert np.abs(large - small).mean() < 0.03
    assert np.corrcoef(large.ravel(), small.ravel())[0, 1] > 0.95


def test_stroke_thickness_looks_like_mnist(mnist):
    mnist_ink = (mnist.test_images[:2000].float() / 255).sum((1, 2)).mean().item()
    drawn = [to_mnist(render_strokes(place(s, 40, 30, 200), (280, 280))).sum()
             for styles in STYLES.values() for s in styles.values()]
    assert 0.8 * mnist_ink < np.mean(drawn) < 1.2 * mnist_ink


def test_accepts_common_image_modes():
    base = render_strokes(place(STYLES[5]["one stroke"], 40, 30, 200), (280, 280))
    reference = to_mnist(base)
    rgba = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    rgba.putalpha(Image.fromarray(base))  # black ink painted on a transparent sheet
    sixteen = Image.fromarray((255 - base).astype(np.uint16) * 257)
    palette = Image.fromarray(255 - base).convert("P")
    for image in (rgba, sixteen, palette, np.stack([base] * 3, axis=-1), base.astype(np.float64) / 255, base > 127):
        out = to_mnist(image)
        assert out is not None and np.corrcoef(out.ravel(), reference.ravel())[0, 1] > 0.9


@pytest.mark.parametrize("colour", [(0, 0, 0), (255, 255, 255), (255, 220, 0)], ids=["black", "white", "yellow"])
def test_ink_on_a_transparent_sheet_is_where_the_alpha_is_whatever_its_colour(colour):
    """Drawing apps and web canvases export a white digit on nothing as often as a black one."""
    coverage = render_strokes(place(STYLES[5]["one stroke"], 40, 30, 200), (280, 280))
    reference = to_mnist(coverage)
    layer = Image.new("RGBA", (280, 280), (*colour, 0))
    layer.putalpha(Image.fromarray(coverage))
    grey_and_alpha = np.stack([np.full((280, 280), np.mean(colour) / 255), coverage / 255], axis=-1)
    for image in (layer, layer.convert("LA"), np.asarray(layer).astype(np.float32) / 255, grey_and_alpha):
        np.testing.assert_allclose(to_mnist(image), reference, atol=0.02)


def test_tiny_image():
    out = to_mnist(np.array([[255]], np.uint8), ink="light")
    assert out is not None and out.shape == (28, 28)
