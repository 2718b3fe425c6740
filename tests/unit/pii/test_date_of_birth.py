"""plausible_birth_date: real dates from 1900 to the reference day, in every written order."""

from __future__ import annotations

from datetime import date

import pytest

from tdg.transforms.pii.recognizers.date_of_birth import plausible_birth_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("candidate", "plausible"),
    [
        ("1990年3月12日", True),
        ("1990-03-12", True),
        ("19900312", True),
        ("03/12/1990", True),  # March 12 or 3 December: either way a real date
        ("31/12/1990", True),  # only day-month reads
        ("12/31/1990", True),  # only month-day reads
        ("MARCH 12, 1990", True),
        ("12 MAR 1990", True),
        ("2000-02-29", True),  # leap day
        ("1900-02-29", False),  # 1900 was no leap year
        ("1990年2月30日", False),
        ("2026-11-25", False),  # after the reference day
        ("1899-12-31", False),
        ("19901312", False),
    ],
)
def test_plausible_birth_date(candidate: str, plausible: bool) -> None:
    assert plausible_birth_date(candidate, TODAY) is plausible
