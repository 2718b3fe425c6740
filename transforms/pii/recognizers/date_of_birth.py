"""Dates of birth, next to a context word (出生日期, 生日, date of birth, born ...)."""

from __future__ import annotations

import re
from datetime import date

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

_YEAR = r"(?:19|20)[0-9]{2}"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_NUMBER = re.compile("[0-9]+")
_LETTERS = re.compile("[A-Z]+")
_EARLIEST = date(1900, 1, 1)


def _real(year: int, month: int, day: int, latest: date) -> bool:
    try:
        return _EARLIEST <= date(year, month, day) <= latest
    except ValueError:
        return False


def plausible_birth_date(candidate: str, latest: date) -> bool:
    """Whether a candidate (as written, upper-case) is a real date from 1900 to
    `latest`: year-month-day, a month name, or day and month in either order before the year
    (03/12/1990 is valid read either way)."""
    numbers = [int(n) for n in _NUMBER.findall(candidate)]
    name = _LETTERS.search(candidate)
    month_of_name = _MONTHS.get(name.group()[:3]) if name is not None else None
    if month_of_name is not None:
        years = [n for n in numbers if n >= 1000]
        days = [n for n in numbers if n < 1000]
        return (
            len(years) == 1 and len(days) == 1 and _real(years[0], month_of_name, days[0], latest)
        )
    if len(numbers) == 1 and len(str(numbers[0])) == 8:  # 19900312
        digits = str(numbers[0])
        return _real(int(digits[:4]), int(digits[4:6]), int(digits[6:]), latest)
    if len(numbers) != 3:
        return False
    first, second, third = numbers
    if first >= 1000:
        return _real(first, second, third, latest)
    return _real(third, first, second, latest) or _real(third, second, first, latest)


class DateOfBirthRecognizer(IdentifierRecognizer):
    """A date of birth (`DATE_OF_BIRTH`): personal basic information (GB/T 35273 Annex A), and
    with a name or a place the classic quasi-identifier.

    **Format**: `1990年3月12日` (号 or no day mark also), `1990-03-12`, `1990/3/12`, `1990.03.12`,
    `19900312`, `12/03/1990` or `03/12/1990`, `March 12, 1990`, `12 Mar 1990`; a real date
    from 1900 to today. Dates are everywhere, so it is reported only next to a context word
    (出生日期, 出生于, 生日, 生于, date of birth, DOB, born, birthday ...); the digits of a resident
    ID, which hold the birth date, are the resident ID's.

    **Matches**: `出生日期：1990年3月12日`, `生于1985-07-01`, `DOB: 03/12/1990`,
    `born on March 12, 1990`.

    **Does not match**: `会议定于2025年3月12日召开` (no context word); a year alone
    (`出生于1990年`); eight digits inside a longer run (`11010519900312123X`). A date that is
    not real or lies in the future (`出生日期：1990年2月30日`) next to a context word stays a
    candidate at the low score of a mistyped identifier.

    **Reference**: GB/T 35273-2020 Annex A (个人基本资料: 生日); HIPAA 164.514(b)(2) (dates of
    birth among the identifiers to remove).
    """

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = (
        CandidatePattern(
            "date_of_birth_ymd_v1",
            rf"(?<![0-9]){_YEAR}(?:年{_MONTH}月{_DAY}[日号號]?"
            rf"|-{_MONTH}-{_DAY}|/{_MONTH}/{_DAY}|\.{_MONTH}\.{_DAY})(?![0-9])",
            0.85,
        ),
        CandidatePattern(
            "date_of_birth_compact_v1",
            rf"(?<![0-9A-Za-z]){_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?![0-9A-Za-z])",
            0.85,
        ),
        CandidatePattern(
            "date_of_birth_dmy_v1",
            rf"(?<![0-9])(?:{_DAY}-{_DAY}-|{_DAY}/{_DAY}/|{_DAY}\.{_DAY}\.){_YEAR}(?![0-9])",
            0.85,
        ),
        CandidatePattern(
            "date_of_birth_named_month_v1",
            rf"(?<![A-Za-z]){_MONTH_NAME} {_DAY}(?:st|nd|rd|th)?,? {_YEAR}(?![0-9])"
            rf"|(?<![0-9]){_DAY}(?:st|nd|rd|th)? {_MONTH_NAME},? {_YEAR}(?![0-9])",
            0.85,
        ),
    )
    CONTEXT = (
        "出生",
        "生日",
        "生于",
        "生於",
        "诞生",
        "誕生",
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        "DOB",
        "D.O.B",
        "born",
    )
    CONTEXT_REQUIRED = True
    MIN_DIGIT_RUN = 4
    # Case variants spelled out: a case-insensitive scan for `b` and `d` would cost a share of
    # every English pass.
    PREFILTER = "出生|生日|生[于於]|[诞誕]生|[Bb]irth|BIRTH|[Bb]orn|BORN|DOB|D\\.O\\.B|[Dd]ob\\b"

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language)
        self._latest = date.today()

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        # Validated on the match as written: removing separators (the base class's compact
        # form) would run `1990-3-12` together into seven digits.
        score = super().score_candidate(text, match, pattern)
        if score and not plausible_birth_date(match.group().upper(), self._latest):
            return min(score, self.INVALID_WITH_CONTEXT_SCORE)
        return score


RECOGNIZER = DateOfBirthRecognizer
