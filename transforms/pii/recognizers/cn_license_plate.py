"""Mainland China motor vehicle licence plates."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # no I or O
_MAX_LETTERS_IN_SERIAL = 2  # GA 36-2018: at most two letters among the five serial characters


def plate_plausible(value: str) -> bool:
    """`value` is compact: province character, authority letter, 5-6 serial characters."""
    serial = value[2:]
    if len(serial) == 6:  # new-energy: D/F first (small cars) or last (large vehicles)
        return serial[0] in "DF" or serial[-1] in "DF"
    letters = sum(1 for c in serial if "A" <= c <= "Z")
    return letters <= _MAX_LETTERS_IN_SERIAL


class CnLicensePlateRecognizer(IdentifierRecognizer):
    """Mainland China vehicle licence plate (机动车号牌).

    **Format**: province abbreviation (京, 粤, ...), issuing-authority letter (not I/O), an
    optional `·` or space, then 5 serial characters (digits and letters without I/O, at most
    two letters; the last may be 挂/学/警/港/澳), or 6 for new-energy vehicles (`D`/`F` first for
    small cars, last for large ones).

    **Matches**: `车牌号粤B12345`, `京A·12345`, `粤B D12345` (new-energy), `沪A12345D`.

    **Does not match**: `粤B1234567` (too long); `京I12345` (I is not used); serials with three
    or more letters without a context word.

    **Reference**: GA 36-2018 (motor vehicle number plates) §5 and Annex A; new-energy plates
    per the 2016 amendment.
    """

    ENTITY = "CN_LICENSE_PLATE"
    PATTERNS = (
        CandidatePattern(
            "cn_license_plate_v1",
            rf"[{PROVINCE_ABBREVIATIONS}][{_LETTER}][·・ ]?"
            rf"(?:[{_LETTER}0-9]{{6}}|[{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警港澳])"
            r"(?![0-9A-Za-z])",
            0.7,
        ),
    )
    CONTEXT = (
        "车牌",
        "車牌",
        "号牌",
        "號牌",
        "牌照",
        "车辆",
        "車輛",
        "车号",
        "license plate",
        "licence plate",
        "plate number",
    )
    CONTEXT_BOOST = 0.25
    PREFILTER = rf"[{PROVINCE_ABBREVIATIONS}][{_LETTER}]"

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        return plate_plausible(compact_candidate)


RECOGNIZER = CnLicensePlateRecognizer
