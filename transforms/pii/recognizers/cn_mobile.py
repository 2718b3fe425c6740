"""Mainland China mobile phone numbers."""

from __future__ import annotations

import re
from itertools import groupby

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

# Labels people write a phone number straight after, with no space (`Tel13812345678`).
PHONE_LABELS = (
    "tel",
    "telephone",
    "phone",
    "cellphone",
    "mobile",
    "mob",
    "cell",
    "ph",
    "fax",
    "no",
)


def not_inside_token(also_excluded: str = "") -> str:
    """Lookbehind for the start of a number: not after a digit, a letter or a character of
    `also_excluded` (so `AB13812345678` in an order id is no phone number), unless the letter
    or dot ends a phone label that is a word of its own (`Tel13812345678`, `Fax.13812345678`,
    not `Hotel13812345678`).

    Digits come first, in a lookbehind of their own: that rejects the positions inside digit
    runs, where a pattern is tried most often, with one test. `re` lookbehinds are
    fixed-width: one per label length, case-insensitive, each tried only after a character
    that ends a label.
    """
    spellings = sorted({*PHONE_LABELS, *(label + "." for label in PHONE_LABELS)})
    last = sorted({c for s in spellings for c in (s[-1].lower(), s[-1].upper())})
    after_label = "|".join(
        f"(?<=(?<![0-9A-Za-z])(?i:{'|'.join(map(re.escape, same_length))}))"
        for _, same_length in groupby(sorted(spellings, key=len), key=len)
    )
    outer = "0-9" + "".join(re.escape(c) for c in also_excluded if c != ".")
    inner = "A-Za-z" + (r"\." if "." in also_excluded else "")
    return f"(?<![{outer}])(?:(?<![{inner}])|(?<=[{re.escape(''.join(last))}])(?:{after_label}))"


class CnMobileRecognizer(IdentifierRecognizer):
    """Mainland China mobile number (手机号).

    **Format**: `1[3-9]` + 9 digits, optionally after `+86`, `0086` or `86`; groups 3-4-4 may be
    separated by a space or dash. There is no check digit, so the score comes from the digit
    boundaries and from context words (手机, 电话, 联系, 微信, Tel, mobile, phone, ...).

    **Matches**: `手机13812345678`, `138 1234 5678`, `138-1234-5678`, `+86 138 1234 5678`,
    right after a phone label (`Tel13812345678`, `Mobile13812345678`, `Fax.13812345678`).

    **Does not match**: 11 digits inside a longer digit run (`订单号2013812345678`) or after
    other letters (`AB13812345678`); numbers starting `10`, `11` or `12`.

    **Reference**: MIIT numbering plan (YD/T 2304 / 电信网编号计划 2017): mobile prefixes 13x-19x.
    """

    ENTITY = "PHONE_NUMBER"
    PATTERNS = (
        CandidatePattern(
            "cn_mobile_v2",
            not_inside_token("+")
            + r"(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9A-Za-z])",
            0.6,
        ),
    )
    CONTEXT = PHONE_CONTEXT
    MIN_DIGIT_RUN = 4  # 138 1234 5678
    # The prefix digits every match has: a literal first character, which `re` scans for fast.
    PREFILTER = r"1[3-9][0-9]"


RECOGNIZER = CnMobileRecognizer
