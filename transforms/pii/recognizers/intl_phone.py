"""International and North American phone numbers by regex (the fast profile's phone check)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_mobile import PHONE_CONTEXT

_EXTENSION = r"(?:[ ]?(?:x|ext\.?|extension)[ ]?[0-9]{1,5})?"
# A date written with separators (2024-03-15, 15.03.2024, 03/15/2024) is not a phone number.
_DATE_SHAPE = re.compile(
    r"(?:19|20)[0-9]{2}[-./][01]?[0-9][-./][0-3]?[0-9]|[0-3]?[0-9][-./][01]?[0-9][-./](?:19|20)[0-9]{2}"
)
# Digit groups that read as something else beside a phone word ("reach", "text", "number"):
# a round quantity with space-separated thousands (10 000 000), or a run of years.
_QUANTITY = re.compile(r"[0-9]{1,3}(?:[ ][0-9]{3})*[ ]000")
_YEARS = re.compile(r"(?:19|20)[0-9]{2}(?:[ ,/-]+(?:19|20)[0-9]{2})+")
MIN_DIGITS = 7
MAX_DIGITS = 15  # ITU-T E.164: at most 15 digits including the country code


class IntlPhoneRecognizer(IdentifierRecognizer):
    """Phone numbers in international (`+CC`) and North American (NANP) notation.

    **Format**: `+` country code then 2-6 digit groups separated by a space, dot or dash,
    optionally with a trunk digit in parentheses (`+44 (0)20 7946 0958`); NANP `(AAA) EEE-NNNN`,
    `AAA-EEE-NNNN`, `AAA.EEE.NNNN`, optionally `+1` (or a country code before the bracket,
    `98(212) 555-0199`) and an extension (`x123`, `ext. 12`); other
    national numbers written as 2 to 6 groups of 2-4 digits need a context word (phone, call,
    tel, mobile, fax, 电话 ...), else they are not reported. 7 to 15 digits in all; dates are
    excluded. This is a regex stand-in for Presidio's PhoneRecognizer (libphonenumber), which
    costs most of the pattern time; the thorough profile keeps Presidio's.

    **Matches**: `call +44 (0)20 7946 0958`, `(212) 555-0199`, `212.555.0100x123`,
    `+1-202-555-0143`, `phone: 030 1234 5678`.

    **Does not match**: `2024-03-15`; `version 1.2.3`; `12345` (too short); digits inside a longer
    alphanumeric token (`AB2125550199`); beside a phone word, a round quantity (`reach 10 000
    000 users`) or a run of years (`text 2019 2020 2021`).

    **Reference**: ITU-T E.164 (international numbering, 15 digits at most) and the North
    American Numbering Plan (area and exchange codes start 2-9).
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        CandidatePattern(
            "intl_phone_plus_v1",
            r"(?<![0-9A-Za-z+])\+[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){2,6}"
            rf"{_EXTENSION}(?![0-9A-Za-z])",
            0.6,
        ),
        CandidatePattern(
            "nanp_phone_v1",
            # a country code may precede the bracketed area code without a plus: 98(212) ...
            r"(?<![0-9A-Za-z+])(?:1[ .-]?|[0-9]{1,3}(?=\())?"
            r"(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}[.-])"
            rf"[2-9][0-9]{{2}}[.-][0-9]{{4}}{_EXTENSION}(?![0-9A-Za-z])",
            0.55,
        ),
        CandidatePattern(
            "grouped_phone_v1",
            r"(?<![0-9A-Za-z.,/-])(?:\(?[0-9]{2,4}\)?[ .-]){1,5}[0-9]{2,4}"
            rf"{_EXTENSION}(?![0-9A-Za-z]|[.,/-][0-9])",
            0.25,
        ),
    )
    CONTEXT = (
        *PHONE_CONTEXT,
        "telephone",
        "tel.",
        "fax",
        "dial",
        "reach",
        "text",
        "whatsapp",
        "number",
        "landline",
    )
    MIN_DIGIT_RUN = 2
    MIN_TOTAL_DIGITS = MIN_DIGITS
    PREFILTER = r"[0-9][ .()-]{0,2}[0-9]{2}"

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        digits = sum(c.isdigit() for c in compact_candidate.split("X", 1)[0])
        return MIN_DIGITS <= digits <= MAX_DIGITS

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language)
        # Any context word anywhere in the casefolded text: one literal alternation, no
        # lookarounds, so `re` scans it quickly.
        words = sorted({w.casefold() for w in self.CONTEXT}, key=lambda w: (-len(w), w))
        self._any_context_word = re.compile("|".join(map(re.escape, words)))

    def patterns_for(self, text: str) -> Sequence[tuple[CandidatePattern, re.Pattern[str]]]:
        """Skips the `+` pattern without a `+`, and grouped digits without any phone word."""
        plus = "+" in text
        worded = self._any_context_word.search(text.casefold()) is not None
        if plus and worded:
            return self._compiled
        return [
            (pattern, regex)
            for pattern, regex in self._compiled
            if (plus or pattern.name != "intl_phone_plus_v1")
            and (worded or pattern.name != "grouped_phone_v1")
        ]

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        context = self.has_context(text, match.start(), match.end())
        if pattern.name == "grouped_phone_v1" and not context:
            return 0.0  # digit groups without a phone word are as likely an order number
        if _DATE_SHAPE.fullmatch(match.group()):
            return 0.0
        if pattern.name == "grouped_phone_v1" and (
            _QUANTITY.fullmatch(match.group()) or _YEARS.fullmatch(match.group())
        ):
            return 0.0
        if not self.validate_candidate(compact(match.group())):
            return 0.0
        score = pattern.score + (self.CONTEXT_BOOST if context else 0.0)
        return min(1.0, score)


def compact(candidate: str) -> str:
    return candidate.replace("ext", "X").replace("x", "X").upper()


RECOGNIZER = IntlPhoneRecognizer
