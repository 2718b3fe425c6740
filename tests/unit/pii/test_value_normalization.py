"""normalize_value: one canonical spelling per identifier (pseudonyms, fingerprints)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii.value_normalization import normalize_value

NORMALIZED_TYPES = [
    "PHONE_NUMBER",
    "CN_RESIDENT_ID",
    "PERSON",
    "EMAIL_ADDRESS",
    "URL",
    "IP_ADDRESS",
    "HK_ID",
]
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
FULL_WIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789+-X"}


def _spelled(digits: str, separator: str, groups: tuple[int, ...]) -> str:
    parts, i = [], 0
    for size in groups:
        parts.append(digits[i : i + size])
        i += size
    return separator.join(parts)


def test_the_three_spellings_from_the_brief_are_one_phone_number() -> None:
    spellings = ["138 1234 5678", "+86-138-1234-5678", "１３８１２３４５６７８"]
    assert {normalize_value("PHONE_NUMBER", s) for s in spellings} == {"13812345678"}


@given(
    MOBILE,
    st.sampled_from(["", "+86", "+86 ", "0086", "86", "+86-", "(+86) "]),
    st.sampled_from(["", " ", "-", ".", "\u200b", "\u3000"]),
    st.booleans(),
)
def test_mobile_spellings_normalize_to_the_eleven_digits(
    mobile: str, prefix: str, separator: str, wide: bool
) -> None:
    text = prefix + _spelled(mobile, separator, (3, 4, 4))
    if wide:
        text = text.translate(FULL_WIDTH)
    assert normalize_value("PHONE_NUMBER", text) == mobile


def test_landline_with_and_without_country_code_agree() -> None:
    domestic = normalize_value("PHONE_NUMBER", "010-1234 5678")
    assert domestic == "01012345678"
    assert normalize_value("PHONE_NUMBER", "+86 10 1234 5678") == domestic
    assert normalize_value("PHONE_NUMBER", "+86 (0)10 1234 5678") == domestic


def test_identifiers_fold_case_width_and_separators() -> None:
    assert normalize_value("CN_RESIDENT_ID", "110105 1949-1231 002x") == "11010519491231002X"
    assert (
        normalize_value("CN_RESIDENT_ID", "１１０１０５１９４９１２３１００２ｘ")
        == "11010519491231002X"
    )
    assert normalize_value("CREDIT_CARD", "6200.0000.0000.0005") == "6200000000000005"
    assert normalize_value("HK_ID", "a123456(3)") == "A1234563"
    assert normalize_value("CN_LICENSE_PLATE", "京a·12345") == "京A12345"


def test_emails_are_lower_case_and_names_ignore_case_and_cjk_spacing() -> None:
    assert normalize_value("EMAIL_ADDRESS", " Zhang.San＠Example.COM ") == "zhang.san@example.com"
    assert normalize_value("PERSON", "张 三") == normalize_value("PERSON", "张三")
    assert normalize_value("PERSON", "John  SMITH") == normalize_value("PERSON", "john smith")
    assert normalize_value("IP_ADDRESS", "2001:DB8:0:0::1") == "2001:db8::1"


@given(st.sampled_from(NORMALIZED_TYPES), st.text())
def test_normalization_is_idempotent(entity_type: str, value: str) -> None:
    once = normalize_value(entity_type, value)
    assert normalize_value(entity_type, once) == once
