"""Measured annotation accuracy with a Wilson score interval (Interim Measures Art. 8).

Wilson (1927), 95%: with p̂ = x/n and z = 1.959964,
    centre = (p̂ + z²/2n) / (1 + z²/n),  half = z·sqrt(p̂(1−p̂)/n + z²/4n²) / (1 + z²/n).
Unlike the normal (Wald) interval it stays inside [0, 1] and is sensible for p̂ = 1 and small n,
which is exactly the case of a good annotation batch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0.0, 1.0) when n == 0."""
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # p = 0 or 1 make one bound exact; clamp rounding noise.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Reviewed labels of one group (a batch, an annotator): correct out of reviewed."""

    reviewed: int = 0
    correct: int = 0
    incorrect: int = 0
    harmful: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(
            self.reviewed + other.reviewed,
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.harmful + other.harmful,
        )

    @classmethod
    def of_verdict(cls, verdict: str) -> Accuracy:
        return cls(
            reviewed=1,
            correct=int(verdict == "correct"),
            incorrect=int(verdict == "incorrect"),
            harmful=int(verdict == "harmful"),
        )

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.reviewed if self.reviewed else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.correct, self.reviewed)

    def as_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {
            "reviewed": self.reviewed,
            "correct": self.correct,
            "incorrect": self.incorrect,
            "harmful": self.harmful,
            "accuracy": None if self.accuracy is None else round(self.accuracy, 6),
            "wilson_low": round(low, 6),
            "wilson_high": round(high, 6),
        }


def sum_accuracy(parts: list[Accuracy]) -> Accuracy:
    total = Accuracy()
    for part in parts:
        total = total + part
    return total
