"""Wilson score interval against published values, and accuracy tallies."""

import pytest

from tdg.transforms.annotation_stats import Accuracy, wilson_interval


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),  # Newcombe (1998) table I style values
        (10, 10, 0.7225, 1.0),
        (1, 10, 0.0179, 0.4042),
        (5, 10, 0.2366, 0.7634),
        (29, 29, 0.8830, 1.0),
        (81, 263, 0.2553, 0.3662),  # Wikipedia, "Binomial proportion confidence interval"
    ],
)
def test_wilson_known_values(successes: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson_interval(successes, n)
    assert lo == pytest.approx(low, abs=5e-4)
    assert hi == pytest.approx(high, abs=5e-4)


def test_wilson_symmetry_and_bounds() -> None:
    for n in (1, 7, 50):
        for x in range(n + 1):
            lo, hi = wilson_interval(x, n)
            assert 0.0 <= lo <= x / n <= hi <= 1.0
            lo2, hi2 = wilson_interval(n - x, n)
            assert lo == pytest.approx(1 - hi2) and hi == pytest.approx(1 - lo2)


def test_wilson_empty_and_invalid() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_accuracy_counts_verdicts() -> None:
    acc = Accuracy()
    for verdict in ("correct", "correct", "incorrect", "harmful"):
        acc = acc + Accuracy.of_verdict(verdict)
    assert (acc.reviewed, acc.correct, acc.incorrect, acc.harmful) == (4, 2, 1, 1)
    assert acc.accuracy == 0.5
    d = acc.as_dict()
    assert d["wilson_low"] < 0.5 < d["wilson_high"]
