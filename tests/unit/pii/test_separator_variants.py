"""Identifiers written with Unicode spaces or dashes between digit groups, or straight after a
phone label, are found through the whole Detector, at exact offsets into the original text.

All numbers are synthetic: 138 1234 5678-style mobiles, the standard example resident ID and
Luhn-valid test card numbers.
"""

from __future__ import annotations

import re

import pytest

from tdg.transforms.pii.engine import Detector, Finding, _joinable, _matching
from tdg.transforms.pii.recognizers.base import IdentifierRecognizer, class_led, scan_matches
from tdg.transforms.pii.recognizers.cn_landline import CnLandlineRecognizer
from tdg.transforms.pii.recognizers.cn_mobile import CnMobileRecognizer
from tests.detectors import fast_detector

SEPARATORS = {
    "nbsp": "\u00a0",
    "thin-space": "\u2009",
    "narrow-nbsp": "\u202f",
    "ideographic-space": "\u3000",
    "hyphen": "\u2010",
    "en-dash": "\u2013",
    "em-dash": "\u2014",
    "minus": "\u2212",
    "small-hyphen-minus": "\ufe63",
    "full-width-hyphen": "\uff0d",
}


@pytest.fixture(scope="module")
def fast() -> Detector:
    return fast_detector()


def spans(text: str, findings: list[Finding]) -> set[tuple[str, str]]:
    return {(text[f.start : f.end], f.entity_type) for f in findings}


def _assert_found_exactly(detector: Detector, prefix: str, value: str, entity: str) -> None:
    text = f"{prefix}{value}，谢谢"
    findings = [f for f in detector.detect(text) if f.entity_type == entity]
    assert [(f.start, f.end) for f in findings] == [(len(prefix), len(prefix) + len(value))]


@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_mobile_with_separator(fast: Detector, sep: str) -> None:
    _assert_found_exactly(fast, "手机 ", f"138{sep}1234{sep}5678", "PHONE_NUMBER")


@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_resident_id_with_separator(fast: Detector, sep: str) -> None:
    _assert_found_exactly(fast, "身份证号 ", f"110105{sep}19491231{sep}002X", "CN_RESIDENT_ID")


@pytest.mark.parametrize("sep", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_bank_card_with_separator(fast: Detector, sep: str) -> None:
    card = sep.join(["6222", "0212", "3456", "7894"])
    _assert_found_exactly(fast, "银行卡号 ", card, "CREDIT_CARD")
    card19 = sep.join(["6217", "0000", "0000", "0000", "012"])
    _assert_found_exactly(fast, "卡号：", card19, "CREDIT_CARD")


def test_separators_mixed_with_zero_width_and_full_width(fast: Detector) -> None:
    _assert_found_exactly(fast, "联系 ", "１３８\u00a0\u200b1234\u2013５６７８", "PHONE_NUMBER")


def test_em_dashes_in_prose_create_no_number(fast: Detector) -> None:
    text = "他说——这件事——我们明天再谈。2013年——2014年间，第3——5章。"
    assert fast.detect(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Tel13812345678", "13812345678"),
        ("TEL13812345678", "13812345678"),
        ("Mobile13812345678", "13812345678"),
        ("mob13812345678", "13812345678"),
        ("Cell13812345678", "13812345678"),
        ("Phone13812345678", "13812345678"),
        ("Telephone13812345678", "13812345678"),
        ("Ph.13812345678", "13812345678"),
        ("Fax13812345678", "13812345678"),
        ("No13812345678", "13812345678"),
        ("联系方式Tel+8613812345678", "+8613812345678"),
        ("Tel010-62345678", "010-62345678"),
        ("TEL:010-62345678", "010-62345678"),
        ("Fax02162345678", "02162345678"),
        ("Tel.075523456789", "075523456789"),
        ("Phone(0571)87654321", "(0571)87654321"),
    ],
)
def test_number_right_after_phone_label(fast: Detector, text: str, value: str) -> None:
    assert spans(text, fast.detect(text)) == {(value, "PHONE_NUMBER")}


@pytest.mark.parametrize(
    "text",
    [
        "AB13812345678",
        "订单ABC13812345678",
        "Hotel13812345678",
        "SNO13812345678",
        "AB010-62345678",
        "批号X02162345678",
    ],
)
def test_number_inside_alphanumeric_token_is_not_a_phone(fast: Detector, text: str) -> None:
    assert [f for f in fast.detect(text) if f.entity_type == "PHONE_NUMBER"] == []


def test_batch_scan_finds_label_prefixed_numbers_as_single_texts_do(fast: Detector) -> None:
    texts = [
        "Tel13812345678",
        "AB13812345678",
        "备注：无",
        "Fax02162345678",
        "订单ABC13812345678",
        "Hotel13812345678",
        "Mobile13912345678 / TEL:010-62345678",
        "手机 138\u00a01234\u00a05678",
    ] * 3
    batch = fast.detect_batch([(t, None) for t in texts])
    assert batch == [fast.detect(t) for t in texts]
    assert [bool(found) for found in batch[:8]] == [
        True,
        False,
        False,
        True,
        False,
        False,
        True,
        True,
    ]


@pytest.mark.parametrize("recognizer", [CnMobileRecognizer, CnLandlineRecognizer])
def test_label_lookbehinds_keep_the_engine_fast_paths(
    recognizer: type[IdentifierRecognizer],
) -> None:
    """The engine scans joined texts and class-led rewrites; the new lookbehinds must allow
    both, and the rewrite must find what a plain scan finds."""
    text = "Tel13812345678 AB13812345678 Fax.010-62345678 x0106234567 电话021 62345678"
    for pattern in recognizer.PATTERNS:
        regex = re.compile(pattern.regex)
        assert _joinable(regex)
        assert class_led(regex) is not None
        plain = [m.span() for m in regex.finditer(text)]
        assert [m.span() for m in scan_matches(regex, text)] == plain
        pieces = text.split(" ")
        assert _matching(regex, pieces, list(range(len(pieces)))) == [
            i for i, piece in enumerate(pieces) if regex.search(piece)
        ]
