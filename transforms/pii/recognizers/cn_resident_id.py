"""Mainland China resident identity card numbers (GB 11643-1999)."""

from __future__ import annotations

from datetime import date

from tdg.transforms.pii.checksums import resident_id_checksum_ok
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

# First two digits of GB/T 2260 administrative division codes: provinces, Taiwan (71),
# Hong Kong (81), Macao (82) and 83 (resident permits for HK/Macao/Taiwan residents, since 2018).
PROVINCE_CODES = frozenset(
    (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)
_EARLIEST_BIRTH = date(1900, 1, 1)


def birth_date(yyyymmdd: str) -> date | None:
    """The date, or None when the digits are not a real calendar date."""
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def resident_id_plausible(value: str, latest_birth: date) -> bool:
    """Region, birth date and (for 18 characters) the MOD 11-2 check; `value` is compact."""
    if len(value) == 18:
        born = birth_date(value[6:14])
        checksum_ok = resident_id_checksum_ok(value)
    elif len(value) == 15 and value.isdigit():
        born = birth_date("19" + value[6:12])
        checksum_ok = True  # the legacy form has no check character
    else:
        return False
    return (
        checksum_ok
        and value[:2].isdigit()
        and int(value[:2]) in PROVINCE_CODES
        and born is not None
        and _EARLIEST_BIRTH <= born <= latest_birth
    )


class CnResidentIdRecognizer(IdentifierRecognizer):
    """Resident identity card number of mainland China (居民身份证号码).

    **Format**: 6-digit region code, birth date `YYYYMMDD`, 3-digit sequence (odd: male), check
    character `0-9X` by ISO 7064 MOD 11-2; digits may be grouped 6-4-4-4, 6-8-4 or 4-4-4-4-2
    by spaces or dashes. Legacy 15-digit form: region, `YYMMDD`, sequence, no check character
    (lower score), grouped 6-6-3.

    **Matches**: `身份证号11010519491231002X。`, `110105 1949 1231 002X`,
    `1101 0519 4912 3100 2X`, `110105 491231 002`, a full-width or
    zero-width-split form once folded by `NormalizedView`; with a context word, also a number
    whose check character or date is wrong (low score).

    **Does not match**: 18 digits inside a longer digit run; a number with a wrong check
    character, impossible date or unknown province and no context word.

    **Reference**: GB 11643-1999 §4-§8 (structure, birth date, check character); province codes
    from GB/T 2260.
    """

    ENTITY = "CN_RESIDENT_ID"
    PATTERNS = (
        CandidatePattern(
            "cn_resident_id_18_v2",
            r"(?<![0-9A-Za-z])"
            r"(?:[0-9]{6}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{3}"
            r"|[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9])[0-9Xx]"
            r"(?![0-9A-Za-z])",
            0.9,
        ),
        CandidatePattern(
            "cn_resident_id_15_v1",
            r"(?<![0-9A-Za-z])[0-9]{6}[ -]?[0-9]{6}[ -]?[0-9]{3}(?![0-9A-Za-z])",
            0.6,
        ),
    )
    CONTEXT = (
        "身份证",
        "身份證",
        "身分證",
        "公民身份号码",
        "证件号",
        "證件號",
        "身份号码",
        "ID card",
        "ID No",
        "ID number",
        "identity card",
        "resident ID",
    )
    MIN_DIGIT_RUN = 4  # `1101 0519 4912 3100 2X`
    MIN_GROUPED_DIGITS = 15  # the legacy 15 digits, however grouped

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language)
        self._latest_birth = date.today()

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        return resident_id_plausible(compact_candidate, self._latest_birth)


RECOGNIZER = CnResidentIdRecognizer
