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


# --- North American numbers: one key however written, never merged with a mainland mobile ---

NANP = st.from_regex(r"[2-9][0-8][0-9][2-9][0-9]{6}", fullmatch=True)
NANP_PREFIXES = ["", "1 ", "1-", "1.", "+1", "+1 ", "+1-", "+1.", "001 ", "001-", "(+1) ", "+ 1 "]
NANP_LAYOUTS = [
    "{a}{e}{l}",
    "({a}) {e}-{l}",
    "({a}){e}-{l}",
    "{a}-{e}-{l}",
    "{a}.{e}.{l}",
    "{a} {e} {l}",
]


def _nanp_spelling(ten: str, prefix: str, layout: str) -> str:
    return prefix + layout.format(a=ten[:3], e=ten[3:6], l=ten[6:])


def test_the_four_spellings_from_the_issue_are_one_number() -> None:
    spellings = ["+1 415 555 0134", "1-415-555-0134", "(415) 555-0134", "415.555.0134"]
    assert {normalize_value("PHONE_NUMBER", s) for s in spellings} == {"+14155550134"}
    assert normalize_value("PHONE_NUMBER", "001 (415) 555-0134") == "+14155550134"
    assert normalize_value("PHONE_NUMBER", "１-４１５-５５５-０１３４") == "+14155550134"


@given(
    NANP,
    st.sampled_from(NANP_PREFIXES),
    st.sampled_from(NANP_LAYOUTS),
    st.sampled_from(["", "\u200b"]),
    st.booleans(),
)
def test_nanp_spellings_normalize_to_plus_one_and_ten_digits(
    ten: str, prefix: str, layout: str, invisible: str, wide: bool
) -> None:
    text = _nanp_spelling(ten, prefix, layout).replace(" ", " " + invisible)
    if wide:
        text = text.translate(FULL_WIDTH)
    assert normalize_value("PHONE_NUMBER", text) == "+1" + ten


@given(NANP, NANP, st.sampled_from(NANP_PREFIXES), st.sampled_from(NANP_LAYOUTS))
def test_different_nanp_numbers_stay_different(a: str, b: str, prefix: str, layout: str) -> None:
    same = normalize_value("PHONE_NUMBER", _nanp_spelling(a, prefix, layout)) == normalize_value(
        "PHONE_NUMBER", _nanp_spelling(b, "", "{a}{e}{l}")
    )
    assert same == (a == b)


@given(MOBILE, st.sampled_from(["{0}{1}{2}", "{0} {1} {2}", "{0}-{1}-{2}"]))
def test_a_mainland_mobile_is_never_merged_with_the_nanp_number_of_the_same_digits(
    mobile: str, layout: str
) -> None:
    # 141 5555 0134 (mobile) and +1 415 555 0134 share their eleven digits, not their number.
    as_mobile = normalize_value("PHONE_NUMBER", layout.format(mobile[:3], mobile[3:7], mobile[7:]))
    assert as_mobile == mobile
    assert normalize_value("PHONE_NUMBER", "+" + mobile) != as_mobile
    assert normalize_value("PHONE_NUMBER", "+86 " + mobile) == as_mobile


def test_other_country_codes_are_not_read_as_north_american() -> None:
    # Ten digits after a `+` include their own country code: not a NANP number.
    assert normalize_value("PHONE_NUMBER", "+49 30 123456") == "4930123456"
    assert normalize_value("PHONE_NUMBER", "+20 0200 0000") == "+2002000000"  # not +1 200 ...
    assert normalize_value("PHONE_NUMBER", "+44 20 7946 0958") == "442079460958"


@given(st.text(alphabet="0123456789０１+＋-() .\u200b", max_size=20))
def test_phone_normalization_is_idempotent_on_phone_like_text(value: str) -> None:
    once = normalize_value("PHONE_NUMBER", value)
    assert normalize_value("PHONE_NUMBER", once) == once
