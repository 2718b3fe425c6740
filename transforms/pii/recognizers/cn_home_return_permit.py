"""Mainland travel permits for Hong Kong and Macao residents (home-return permits)."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


class CnHomeReturnPermitRecognizer(IdentifierRecognizer):
    """Mainland Travel Permit for Hong Kong and Macao Residents (港澳居民来往内地通行证, 回乡证).

    **Format**: `H` (Hong Kong) or `M` (Macao) followed by 8 digits (current card) or 10 digits
    (older booklet). No check digit, so the score stays conservative (0.3) without a context
    word (回乡证, 通行证, 港澳居民来往内地通行证, home return permit). One space or dash may
    follow the first 4 digits: `H1234 5678`.

    **Matches**: `回乡证号码H12345678`, `通行证：M1234567890`, `回乡证H1234-5678`.

    **Does not match**: `H123456789` (9 digits); the pattern inside a longer alphanumeric run.

    **Reference**: 港澳居民来往内地通行证 numbering, National Immigration Administration
    (2013 card).
    """

    ENTITY = "CN_HOME_RETURN_PERMIT"
    PATTERNS = (
        CandidatePattern(
            "cn_home_return_permit_v2",
            r"(?<![0-9A-Za-z])[HM][0-9]{4}[ -]?[0-9]{4}(?:[0-9]{2})?(?![0-9A-Za-z])",
            0.3,
        ),
    )
    CONTEXT = (
        "回乡证",
        "回鄉證",
        "回乡卡",
        "通行证",
        "通行證",
        "来往内地",
        "來往內地",
        "港澳居民",
        "home return permit",
        "home-return permit",
        "travel permit",
    )
    CONTEXT_BOOST = 0.55
    MIN_DIGIT_RUN = 4  # `H1234 5678`
    MIN_GROUPED_DIGITS = 8  # `1234 5678`


RECOGNIZER = CnHomeReturnPermitRecognizer
