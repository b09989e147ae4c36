import numpy as np
import pytest
from digit_strokes import STYLES, place
from PIL import Image

from digitpad import Prediction, Predictor
from digitpad.core.strokes import render_strokes


def test_bundled_model_loads_and_reads_mnist_digits(bundled, mnist):
    images = mnist.test_images[:50].numpy()
    predictions = bundled.predict(images)
    assert len(predictions) == 50 and all(isinstance(p, Prediction) for p in predictions)
    correct = sum(p.digit == int(label) for p, label in zip(predictions, mnist.test_labels[:50]))
    assert correct >= 49
    first = predictions[0]
    assert abs(sum(first.probabilities) - 1) < 1e-5 and len(first.probabilities) == 10
    assert first.confidence == max(first.probabilities) and first.model_input.shape == (28, 28)


def test_blank_returns_none_and_batches_mix(bundled):
    blank = np.zeros((200, 200), np.uint8)
    seven = render_strokes(place(STYLES[7]["plain"], 40, 20, 160), (200, 200))
    assert bundled.predict(blank) is None
    out = bundled.predict([blank, seven, Image.fromarray(255 - seven)])
    assert out[0] is None and out[1].digit == 7 and out[2].digit == 7


def test_file_paths_are_read(bundled, mnist, tmp_path):
    Image.fromarray(255 - mnist.test_images[3].numpy()).save(tmp_path / "d.png")
    assert bundled.predict(str(tmp_path / "d.png")).digit == int(mnist.test_labels[3])
    assert bundled.predict([tmp_path / "d.png"])[0].digit == int(mnist.test_labels[3])


def test_auto_device_is_cpu_here_and_cuda_falls_back(bundled):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert str(bundled.device) == "cpu" and bundled.device_note is None
    fallback = Predictor.load(device="cuda")
    assert str(fallback.device) == "cpu" and "CUDA" in fallback.device_note


def test_predict_from_worker_threads(bundled):
    from concurrent.futures import ThreadPoolExecutor

    images = [render_strokes(place(STYLES[d][next(iter(STYLES[d]))], 30, 20, 200), (260, 260)) for d in range(10)]
    with ThreadPoolExecutor(4) as pool:
        digits = list(pool.map(lambda image: bundled.predict(image).digit, images * 3))
    assert digits == list(range(10)) * 3


@pytest.mark.parametrize("digit,style", [(0, "slashed"), (1, "flag"), (1, "flag and base"), (7, "crossbar")])
def test_todays_styles_are_read(bundled, digit, style):
    """Styles MNIST barely has, drawn large, small in a corner, thin, thick and slanted."""
    strokes = STYLES[digit][style]
    variants = [render_strokes(place(strokes, 60, 20, 240), (320, 320)),
                render_strokes(place(strokes, 5, 230, 80), (320, 320)),
                render_strokes(place(strokes, 60, 20, 240), (320, 320), pen_width=8),
                render_strokes(place(strokes, 60, 20, 240), (320, 320), pen_width=40),
                render_strokes(place(strokes, 60, 30, 230, slant=0.3), (320, 320)),
                render_strokes(place(strokes, 60, 30, 230, rotate=12), (320, 320))]
    assert [p.digit for p in bundled.predict(variants)] == [digit] * len(variants)


def test_a_lone_dot_or_dash_on_the_pad_is_no_digit_to_the_predictor_itself(bundled):
    """The rule that turns dots and dashes away (strokes.is_mark) lived in the Draw tab: a script reading a pad's
    strokes with the Predictor got the confident digit the model alone gives."""
    from digitpad.core import pen_digits
    from digitpad.core.strokes import drawing_input, is_mark

    rng = np.random.default_rng(5)
    marks = [pen_digits.hand_drawn(pen_digits.NON_DIGITS[kind](rng), pen_digits.Writer.random(rng), rng)
             for kind in ("dot", "dash") * 60]
    alone = bundled.classify([drawing_input(m, pen_digits.PAD) for m in marks])
    assert sum(p.confidence >= 0.6 for p in alone) >= 10, "the model alone is sure of many"
    seven = place(STYLES[7]["plain"], 40, 20, 200)
    read = bundled.predict_drawings([(m, pen_digits.PAD) for m in marks] + [(seven, pen_digits.PAD)])
    turned_away = [is_mark(m, pen_digits.PAD) for m in marks]
    assert [r is None for r in read[:-1]] == turned_away and sum(turned_away) >= 100 and read[-1].digit == 7
    sure = sum(r is not None and r.confidence >= 0.6 for r in read[:-1])
    assert sure <= 3, f"{sure} of the {len(marks)} marks shown as a sure digit"  # 3: dashes the rule lets through
