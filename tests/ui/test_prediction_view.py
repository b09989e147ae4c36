import numpy as np

from digitpad.core.number_reading import percent
from digitpad.ui.prediction_view import PredictionPanel, verdict


def test_confident_answer():
    assert verdict((0.0,) * 7 + (0.97,) + (0.01, 0.02)) == ("7", "97.0% sure")
    assert verdict((0.9995,) + (0.00005,) * 9)[1] == "over 99.9% sure"


def test_a_bar_and_the_command_line_say_what_the_caption_says_of_a_near_certainty():
    """The caption said "over 99.9% sure", the bar and `digitpad predict` "100.0%"."""
    assert percent(0.9995) == ">99.9%" and percent(1.0) == ">99.9%"
    assert percent(0.999) == "99.9%" and percent(0.0004) == "0.0%" and percent(0.5) == "50.0%"


def test_unsure_answer_says_so_and_names_both_candidates():
    big, caption = verdict((0.0, 0.0, 0.0, 0.0, 0.45, 0.0, 0.0, 0.0, 0.0, 0.55))
    assert big == "?" and caption == "Not sure: 9 (55%) or 4 (45%)"


def test_panel_shows_prompt_then_answer(qtbot, bundled, mnist):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    assert panel.caption.text() == panel.PROMPT and panel.model_input.image() is None
    prediction = bundled.predict(mnist.test_images[0].numpy())
    panel.show_prediction(prediction)
    assert panel.digit_label.text() == "7" and panel.bars.probabilities() == prediction.probabilities
    assert np.array_equal(panel.model_input.image(), prediction.model_input)
    assert "7: " in panel.bars.toolTip()
    panel.show_prediction(None)
    assert panel.digit_label.text() == "–" and panel.bars.probabilities() is None


def test_the_correction_row_says_an_8(qtbot):
    from digitpad.ui.correction_row import CorrectionRow

    row = CorrectionRow()
    qtbot.addWidget(row)
    row.set_predicted(8)
    assert row.right_button.text() == "Right, an 8"
    row.set_predicted(7)
    assert row.right_button.text() == "Right, a 7"
    assert [b.accessibleName() for b in row.digit_buttons][7:9] == ["No, it was a 7", "No, it was an 8"]
