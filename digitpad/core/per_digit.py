"""Per-digit precision and recall as they are shown, where a share with nothing to count is no share at all."""

from __future__ import annotations


def per_digit_shares(metrics: dict) -> list[tuple[float | None, float | None]]:
    """(precision, recall) of each digit from a test's scores (core.metrics.scores); None for the precision of a
    digit nothing was read as, and for the recall of a digit with no test image. The scores hold 0.0 there, which
    shown as 0.0% said the model always erred on that digit."""
    confusion = metrics["confusion"]
    return [(metrics["precision"][digit] if sum(row[digit] for row in confusion) else None,
             metrics["recall"][digit] if sum(confusion[digit]) else None) for digit in range(10)]
