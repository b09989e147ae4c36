"""Whether a model's confidence means what it says: expected calibration error (ECE)."""

from __future__ import annotations

import numpy as np


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """The confidence-weighted gap between how sure the model is and how often it is right.

    Predictions are grouped by their top probability into `bins` equal-width bins; the ECE is the
    mean over bins of |accuracy - mean confidence|, weighted by the share of predictions in each.
    0 is perfectly calibrated; a model 99% sure and right half the time scores 0.49.
    """
    probabilities, labels = np.asarray(probabilities, dtype=np.float64), np.asarray(labels)
    if not len(labels):
        return 0.0
    confidence, right = probabilities.max(axis=1), probabilities.argmax(axis=1) == labels
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    gaps = [abs(right[which == b].mean() - confidence[which == b].mean()) * np.count_nonzero(which == b)
            for b in range(bins) if np.any(which == b)]
    return float(sum(gaps) / len(labels))
