"""Unified social credit codes of Chinese organisations (GB 32100-2015)."""

from __future__ import annotations

from datetime import date

from tdg.transforms.pii.checksums import uscc_checksum_ok
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_resident_id import PROVINCE_CODES, resident_id_plausible

# Registration management department codes (GB 32100 §4.1): 1-9, A, N, Y.
_REGISTRARS = frozenset("123456789ANY")
_CENTRAL_REGION = 10  # "100000": registered by a central authority


def uscc_plausible(value: str) -> bool:
    """Registrar code, region prefix and the MOD 31 check; `value` is compact."""
    return (
        len(value) == 18
        and value[0] in _REGISTRARS
        and (int(value[2:4]) in PROVINCE_CODES or int(value[2:4]) == _CENTRAL_REGION)
        and uscc_checksum_ok(value)
    )


class CnUsccRecognizer(IdentifierRecognizer):
    """Unified social credit code (统一社会信用代码) of an organisation or individual business.

    **Format**: 18 characters over `0-9 A-H J-N P-R T U W-Y` (no I O Z S V): registrar (1),
    category (1), 6-digit region, 9-character organisation code, MOD 31 check character;
    may be grouped 2-6-10 by spaces (`91 350100 M000100Y43`).

    **Matches**: `统一社会信用代码91350100M000100Y43`; with a context word, also a code with a
    wrong check character (low score).

    **Does not match**: a code with a wrong check character and no context word; an all-digit
    number that is a valid resident ID; 18 characters inside a longer alphanumeric run.

    **Reference**: GB 32100-2015 §4 (structure) and Annex B (check character).
    """

    ENTITY = "CN_USCC"
    PATTERNS = (
        CandidatePattern(
            "cn_uscc_v1",
            r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUW-Y]{2} ?[0-9]{6} ?[0-9A-HJ-NP-RTUW-Y]{10}"
            r"(?![0-9A-Za-z])",
            0.9,
        ),
    )
    CONTEXT = (
        "统一社会信用代码",
        "統一社會信用代碼",
        "信用代码",
        "社会信用代码",
        "纳税人识别号",
        "税号",
        "营业执照",
        "USCC",
        "credit code",
        "tax ID",
    )
    MIN_DIGIT_RUN = 6  # the region code

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language)
        self._latest_birth = date.today()

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        if compact_candidate.isdigit() and resident_id_plausible(
            compact_candidate, self._latest_birth
        ):
            return False  # a resident ID that happens to pass MOD 31 (1 in 31)
        return uscc_plausible(compact_candidate)


RECOGNIZER = CnUsccRecognizer
