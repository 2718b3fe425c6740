"""Hong Kong identity card numbers."""

from __future__ import annotations

from tdg.transforms.pii.checksums import hk_id_check_char
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


def hk_id_valid(value: str) -> bool:
    """`value` is compact: 1-2 letters, 6 digits, check character (parentheses removed)."""
    letters = 2 if value[1].isalpha() else 1
    if len(value) != letters + 7 or not value[letters : letters + 6].isdigit():
        return False
    return hk_id_check_char(value[:letters], value[letters : letters + 6]) == value[-1]


class HkIdRecognizer(IdentifierRecognizer):
    """Hong Kong identity card number (香港身份證號碼).

    **Format**: 1-2 letters, 6 digits and a check character `0-9A` computed mod 11, usually
    written in parentheses: `A123456(3)`; also seen without them. With the parentheses, one
    space or dash may follow the letters, split the digits 3-3 and precede the check
    character: `A123 456(3)`, `A123456 (3)`, `A-123456-(3)`.

    **Matches**: `身份證號碼A123456(3)`, `A1234563`, `A123456（3）` (full-width brackets fold),
    `身份證 A123 456(3)`.

    **Does not match**: a wrong check character without a context word; the pattern inside a
    longer alphanumeric run; separators without the parentheses (`A123 4563`: too like other
    codes).

    **Reference**: Registration of Persons Regulations (Cap. 177A) card number format; check
    character mod 11 as used by the Immigration Department.
    """

    ENTITY = "HK_ID"
    PATTERNS = (
        CandidatePattern(
            "hk_id_v2",
            r"(?<![0-9A-Za-z])[A-Z]{1,2}"
            r"(?:[0-9]{6}[0-9A]|[ -]?[0-9]{3}[ -]?[0-9]{3}[ -]?\([0-9A]\))"
            r"(?![0-9A-Za-z])",
            0.85,
        ),
    )
    CONTEXT = (
        "身份證",
        "身份证",
        "香港身份",
        "身分證",
        "證件",
        "证件",
        "HKID",
        "HK ID",
        "identity card",
        "ID card",
    )
    MIN_DIGIT_RUN = 3  # `A123 456(3)`
    MIN_GROUPED_DIGITS = 6  # `123 456` in `A123 456(3)`

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        return hk_id_valid(compact_candidate)


RECOGNIZER = HkIdRecognizer
