"""Mainland China mobile phone numbers."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

PHONE_CONTEXT = (
    "手机",
    "手機",
    "电话",
    "電話",
    "联系",
    "聯繫",
    "致电",
    "来电",
    "微信",
    "短信",
    "号码",
    "Tel",
    "phone",
    "mobile",
    "cell",
    "call",
    "WeChat",
    "contact",
)


class CnMobileRecognizer(IdentifierRecognizer):
    """Mainland China mobile number (手机号).

    **Format**: `1[3-9]` + 9 digits, optionally after `+86`, `0086` or `86`; groups 3-4-4 may be
    separated by a space or dash. There is no check digit, so the score comes from the digit
    boundaries and from context words (手机, 电话, 联系, 微信, Tel, mobile, phone, ...).

    **Matches**: `手机13812345678`, `138 1234 5678`, `138-1234-5678`, `+86 138 1234 5678`.

    **Does not match**: 11 digits inside a longer digit run (`订单号2013812345678`); numbers
    starting `10`, `11` or `12`.

    **Reference**: MIIT numbering plan (YD/T 2304 / 电信网编号计划 2017): mobile prefixes 13x-19x.
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        CandidatePattern(
            "cn_mobile_v1",
            r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}"
            r"(?![0-9A-Za-z])",
            0.6,
        ),
    )
    CONTEXT = PHONE_CONTEXT
    MIN_DIGIT_RUN = 4  # 138 1234 5678
    # The prefix digits every match has: a literal first character, which `re` scans for fast.
    PREFILTER = r"1[3-9][0-9]"


RECOGNIZER = CnMobileRecognizer
