"""Surrogates: same kind and layout, valid check characters, deterministic, never-issued ranges."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii import checksums
from tdg.transforms.pii.operators import Surrogate, keeps_anonymized
from tdg.transforms.pii.operators.surrogate import has_generator, surrogate_value
from tdg.transforms.pii.operators.surrogate_values import (
    UNASSIGNED_PROVINCES,
    Draw,
    _relayout_any,
    content_of,
    relayout,
)
from tdg.transforms.pii.value_normalization import normalize_value

KEY = b"s" * 32


def fake(entity_type: str, value: str, key: bytes = KEY) -> str:
    return Surrogate().operate(value, {"key": key, "entity_type": entity_type})


def _shape(text: str) -> str:
    """Layout signature: digit -> 9, letter -> A/a, full-width digit -> ９, others kept."""
    out = []
    for c in text:
        if "０" <= c <= "９":
            out.append("９")
        elif c.isascii() and c.isdigit():
            out.append("9")
        elif c.isascii() and c.isalpha():
            out.append("A")
        else:
            out.append(c)
    return "".join(out)


RESIDENT_IDS = st.builds(
    lambda body: body + checksums.resident_id_check_char(body),
    st.from_regex(r"11010[0-9]19[5-9][0-9]0[1-9]1[0-9][0-9]{3}", fullmatch=True),
)


@settings(max_examples=60)
@given(RESIDENT_IDS, st.sampled_from(["{}", "{0} {1} {2}", "{0}-{1}-{2}"]))
def test_resident_id_surrogate_is_valid_unassigned_and_in_layout(rid: str, layout: str) -> None:
    original = layout.format(rid[:6], rid[6:14], rid[14:]) if layout != "{}" else rid
    out = fake("CN_RESIDENT_ID", original)
    content = normalize_value("CN_RESIDENT_ID", out)
    assert checksums.resident_id_checksum_ok(content)
    assert content[:2] in UNASSIGNED_PROVINCES
    datetime.strptime(content[6:14], "%Y%m%d")  # a real calendar date
    assert re.sub("[0-9X]", "9", out) == re.sub("[0-9X]", "9", original)
    assert content != normalize_value("CN_RESIDENT_ID", original)


def test_full_width_and_lower_case_layout_is_kept() -> None:
    out = fake("CN_RESIDENT_ID", "１１０１０５１９４９１２３１００２Ｘ")
    assert len(out) == 18 and all("０" <= c <= "９" or c == "Ｘ" for c in out)
    assert checksums.resident_id_checksum_ok(normalize_value("CN_RESIDENT_ID", out))
    legacy = fake("CN_RESIDENT_ID", "110105491231002")
    assert len(legacy) == 15 and legacy[:2] in UNASSIGNED_PROVINCES


@given(st.from_regex(r"62[0-9]{14,17}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_bank_card_surrogate_passes_luhn_in_a_never_issued_range(card: str, sep: str) -> None:
    original = sep.join(card[i : i + 4] for i in range(0, len(card), 4))
    out = fake("CREDIT_CARD", original)
    digits = normalize_value("CREDIT_CARD", out)
    assert checksums.luhn_ok(digits) and digits[0] == "0" and len(digits) == len(card)
    assert _shape(out) == _shape(original)


@pytest.mark.parametrize(
    "original",
    ["138 1234 5678", "+86-138-1234-5678", "１３８１２３４５６７８", "(+86)13812345678"],
)
def test_mobile_surrogate_keeps_layout_and_prefix_and_uses_154(original: str) -> None:
    out = fake("PHONE_NUMBER", original)
    assert _shape(out) == _shape(original)
    assert normalize_value("PHONE_NUMBER", out).startswith("154")
    assert out.startswith(original[: original.index("1") if "+" in original else 0])


def test_spellings_of_one_number_get_the_same_digits() -> None:
    outs = {normalize_value("PHONE_NUMBER", fake("PHONE_NUMBER", s)) for s in
            ["138 1234 5678", "+86-138-1234-5678", "１３８１２３４５６７８"]}  # fmt: skip
    assert len(outs) == 1


def test_landline_and_north_american_numbers() -> None:
    out = fake("PHONE_NUMBER", "010-8765 4321")
    assert out.startswith("010-1") and _shape(out) == "999-9999 9999"
    us = fake("PHONE_NUMBER", "(415) 867-5309")
    assert re.fullmatch(r"\([2-9][0-9]{2}\) 555-01[0-9]{2}", us)
    assert fake("PHONE_NUMBER", "+44 20 7946 0000") == "<PHONE_NUMBER>"


def test_ids_with_checksums() -> None:
    hk = fake("HK_ID", "A123456(3)")
    assert re.fullmatch(r"I[0-9]{6}\([0-9A]\)", hk)
    assert hk[-2] == checksums.hk_id_check_char("I", hk[1:7])
    tw = fake("TW_ID", "A123456789")
    assert checksums.tw_id_checksum_ok(tw) and tw[1] in "34567"
    uscc = fake("CN_USCC", "91350100M000100Y43")
    assert checksums.uscc_checksum_ok(uscc) and uscc[:2] == "91"
    assert uscc[2:4] in UNASSIGNED_PROVINCES
    assert re.fullmatch(r"E[IO][0-9]{7}", fake("CN_PASSPORT", "E12345678"))
    assert re.fullmatch(r"666-[0-9]{2}-[0-9]{4}", fake("US_SSN", "123-45-6789"))


def test_plates_keep_province_and_separator_and_use_a_letter_plates_never_use() -> None:
    out = fake("CN_LICENSE_PLATE", "京A·12345")
    assert out.startswith("京") and out[2] == "·" and len(out) == 8 and "I" in out[3:]
    energy = fake("CN_LICENSE_PLATE", "粤BD12345")
    assert energy.startswith("粤") and energy[2] == "D" and len(energy) == 8 and "I" in energy


def test_emails_urls_and_ips_use_documentation_ranges() -> None:
    email = fake("EMAIL_ADDRESS", "Zhang.San@qq.com")
    assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", email)
    assert fake("URL", "https://shop.cn/u/42").startswith("https://example.com/")
    v4 = ipaddress.ip_address(fake("IP_ADDRESS", "8.8.4.4"))
    assert any(v4 in ipaddress.ip_network(n) for n in
               ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))  # fmt: skip
    assert ipaddress.ip_address(fake("IP_ADDRESS", "2606:4700::1")) in ipaddress.ip_network(
        "2001:db8::/32"
    )


def test_names_keep_script_and_length() -> None:
    cn = fake("PERSON", "张三")
    assert len(cn) == 2 and all("\u4e00" <= c <= "\u9fff" for c in cn) and cn != "张三"
    assert len(fake("PERSON", "欧阳娜娜")) == 4
    en = fake("PERSON", "John Smith")
    assert len(en.split()) == 2 and en != "John Smith"
    assert fake("PERSON", "JOHN").isupper()


def test_deterministic_per_key_and_value() -> None:
    assert fake("PERSON", "张三") == fake("PERSON", "张 三")
    assert fake("CN_RESIDENT_ID", "11010519491231002X") == fake(
        "CN_RESIDENT_ID", "11010519491231002X"
    )
    other = b"t" * 32
    assert fake("CN_RESIDENT_ID", "11010519491231002X") != fake(
        "CN_RESIDENT_ID", "11010519491231002X", other
    )


def test_types_without_generator_and_malformed_values_get_the_placeholder() -> None:
    assert not has_generator("DATE_TIME")
    assert fake("DATE_TIME", "2024-01-01") == "<DATE_TIME>"
    assert fake("CN_RESIDENT_ID", "1101051949") == "<CN_RESIDENT_ID>"
    assert surrogate_value("CREDIT_CARD", "not a card", KEY) == "<CREDIT_CARD>"
    assert not keeps_anonymized("surrogate")


def test_draw_takes_consecutive_words_of_one_shake_stream_past_the_first_block() -> None:
    seed = b"any seed"
    draw = Draw(seed)
    stream = hashlib.shake_256(seed).digest(8 * 40)
    words = [int.from_bytes(stream[i : i + 8], "big") for i in range(0, len(stream), 8)]
    drawn = [draw.below(2**64) for _ in range(15)] + [_ALL.index(c) for c in draw.chars(_ALL, 25)]
    assert drawn == words[:15] + [w % len(_ALL) for w in words[15:40]]


_ALL = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 1000))


@given(st.text(alphabet="0123456789abcXYZ -./()+", max_size=24), st.randoms())
@settings(max_examples=300, deadline=None)
def test_ascii_relayout_equals_the_general_one(original: str, rnd: Any) -> None:
    content = "".join(rnd.choice("0123456789ABCZ") for _ in content_of(original))
    assert relayout(original, content) == _relayout_any(original, content)
