import numpy as np

from digitpad.core.calibration import expected_calibration_error


def one_hot_like(confidence: float, guesses: list[int]) -> np.ndarray:
    p = np.full((len(guesses), 10), (1 - confidence) / 9)
    p[np.arange(len(guesses)), guesses] = confidence
    return p


def test_a_model_as_right_as_it_is_sure_has_no_calibration_error():
    labels = np.array([3] * 8 + [5] * 2)
    guesses = [3] * 10  # 80% sure, right 8 times in 10
    assert expected_calibration_error(one_hot_like(0.8, guesses), labels) < 1e-9


def test_overconfidence_is_the_gap_between_confidence_and_accuracy():
    labels = np.array([1, 1, 2, 2])
    guesses = [1, 2, 2, 1]  # 99% sure, right half the time
    assert abs(expected_calibration_error(one_hot_like(0.99, guesses), labels) - 0.49) < 1e-9
    assert expected_calibration_error(np.zeros((0, 10)), np.zeros(0)) == 0.0
