"""Mainland China landline numbers with area code."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_mobile import PHONE_CONTEXT, not_inside_token

# Area codes: 010, 020-029 (three digits with the trunk 0), 03xx-09xx (four).
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LOCAL = r"[2-9][0-9]{6,7}"
# Local numbers are often written in two groups: 3520 4248, 352-0424, 8765 4321.
_LOCAL_GROUPED = r"(?:[2-9][0-9]{6,7}|[2-9][0-9]{2,3}[ -][0-9]{4})"
_EXTENSION = r"(?:[ ]?(?:转|轉|[Ee]xt\.?|[Xx]|-)[ ]?[0-9]{1,5})?"


class CnLandlineRecognizer(IdentifierRecognizer):
    """Mainland China fixed-line number (座机 / 固定电话).

    **Format**: trunk `0` + 2-3 digit area code (`010`, `02x`, `0xxx`), optionally in
    parentheses or followed by a dash or space, then a 7-8 digit local number starting 2-9,
    optionally an extension (`转123`, `ext 123`, `-123`). No check digit: the separated form
    scores higher than a bare digit run, and context words raise both.

    **Matches**: `电话：010-62345678`, `(0755)23456789转801`, `021 62345678`, `075523456789`,
    right after a phone label (`Tel010-62345678`, `Fax.02162345678`).

    **Does not match**: the digits inside a longer run (`1234010623456789`) or after other
    letters (`AB010-62345678`); dates (`2024-03-15`); numbers whose local part starts with 0
    or 1.

    **Reference**: 电信网编号计划 (2017) §4 (area codes, local number length 7-8 digits).
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        CandidatePattern(
            "cn_landline_separated_v2",
            not_inside_token() + rf"(?:\({_AREA}\)[ -]?|{_AREA}[ -]){_LOCAL_GROUPED}{_EXTENSION}"
            r"(?![0-9A-Za-z])",
            0.5,
        ),
        CandidatePattern(
            "cn_landline_compact_v2",
            not_inside_token(".,-") + rf"{_AREA}{_LOCAL}(?![0-9A-Za-z])",
            0.35,
        ),
    )
    CONTEXT = (*PHONE_CONTEXT, "座机", "座機", "固话", "传真", "傳真", "fax", "landline")
    MIN_DIGIT_RUN = 3  # the area code: local numbers are often written in groups of 4
    # The area code every match has, starting with a literal (`re` scans for it fast).
    PREFILTER = r"0(?:10|2[0-9]|[3-9][0-9]{2})"


RECOGNIZER = CnLandlineRecognizer
