"""Taiwan national identification numbers."""

from __future__ import annotations

from tdg.transforms.pii.checksums import tw_id_checksum_ok
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


class TwIdRecognizer(IdentifierRecognizer):
    """Taiwan national ID number (國民身分證統一編號).

    **Format**: a letter for the place of first registration, `1` (male) or `2` (female), and
    8 digits, the last a check digit (letter mapped to a two-digit code, weights
    1 9 8 7 6 5 4 3 2 1 1, sum mod 10 = 0).

    Written in groups, one space or dash splits the digits 3-3-3 or 2-3-4 (letter and first
    digits together): `A123 456 789`, `A12-345-6789`.

    **Matches**: `身分證字號A123456789`, `身分證 A123 456 789`; not `A 123456789` (a separator
    after the letter is not a grouping in use).

    **Does not match**: a failing checksum without a context word; a third character other than
    1 or 2; the pattern inside a longer alphanumeric run (`XA123456789`, `A1234567890`).

    **Reference**: 戶籍法施行細則 / Ministry of the Interior national ID numbering rules.
    """

    ENTITY = "TW_ID"
    PATTERNS = (
        CandidatePattern(
            "tw_id_v2",
            r"(?<![0-9A-Za-z])[A-Z][12]"
            r"(?:[0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{3}|[0-9][ -]?[0-9]{3}[ -]?[0-9]{4})"
            r"(?![0-9A-Za-z])",
            0.85,
        ),
    )
    CONTEXT = (
        "身分證",
        "身份證",
        "身份证",
        "統一編號",
        "统一编号",
        "字號",
        "證號",
        "ID number",
        "ID card",
        "national ID",
    )
    MIN_DIGIT_RUN = 3  # `A123 456 789`
    MIN_GROUPED_DIGITS = 9  # `12-345-6789`

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        return tw_id_checksum_ok(compact_candidate)


RECOGNIZER = TwIdRecognizer
