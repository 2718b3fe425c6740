"""Phone surrogates: NANP numbers stay fictional NANP numbers, +86 mobiles stay 154 mobiles.

A `+1 (415) 555-0006` once read as the mainland mobile `141 5555 0006` and became a number in
a real area code; these tests pin the range and the layout over many spellings.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.operators.surrogate import surrogate_value
from tdg.transforms.pii.value_normalization import normalize_value

KEY = b"p" * 32
OTHER_KEYS = (b"q" * 32, b"r" * 32, b"s" * 32)

# NPA-555-0100..0199 in a plausible area code (no N11, no 9 in the middle): fiction only.
FICTIONAL_NANP = re.compile(r"\+1[2-9](?:[02-8][0-9]|1[02-9])55501[0-9]{2}")
NANP = st.from_regex(r"[2-9][0-8][0-9][2-9][0-9]{6}", fullmatch=True)
NANP_PREFIXES = ["", "1 ", "1-", "1.", "+1", "+1 ", "+1-", "001 ", "(+1) ", "+1 ("]
NANP_LAYOUTS = ["{a}{e}{l}", "{a} {e}-{l}", "({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}"]
MOBILE = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
CN_PREFIXES = ["+86", "+86 ", "+86-", "0086", "0086 ", "(+86) ", "(+86)", "86 "]
CN_LAYOUTS = ["{0}{1}{2}", "{0} {1} {2}", "{0}-{1}-{2}", "{0}.{1}.{2}"]
FULL_WIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789+-()."}


def _shape(text: str) -> str:
    """Layout signature: ASCII digit -> 9, full-width digit -> ９, everything else kept."""
    return re.sub("[０-９]", "９", re.sub("[0-9]", "9", text))


def _nanp_spelling(ten: str, prefix: str, layout: str) -> str:
    text = prefix + layout.format(a=ten[:3], e=ten[3:6], l=ten[6:])
    return text.replace("+1 ((", "+1 (")


def _digits_before(text: str, count: int) -> str:
    """The characters of `text` up to and including its `count`-th digit."""
    seen = 0
    for i, c in enumerate(text):
        if seen == count:
            return text[:i]
        seen += c.isdigit()
    return text if seen == count else ""


def test_the_reported_number_gets_a_fictional_number_in_its_layout() -> None:
    out = surrogate_value("PHONE_NUMBER", "+1 (415) 555-0006", KEY)
    assert re.fullmatch(r"\+1 \([2-9][0-9]{2}\) 555-01[0-9]{2}", out)
    assert FICTIONAL_NANP.fullmatch(normalize_value("PHONE_NUMBER", out))


def test_a_sweep_of_one_exchange_with_country_code_stays_fictional() -> None:
    for line in range(0, 10000, 7):
        original = f"+1 (415) 555-{line:04d}"
        out = surrogate_value("PHONE_NUMBER", original, KEY)
        assert FICTIONAL_NANP.fullmatch(normalize_value("PHONE_NUMBER", out)), line
        assert _shape(out) == _shape(original)


@settings(max_examples=300, deadline=None)
@given(
    NANP,
    st.sampled_from(NANP_PREFIXES),
    st.sampled_from(NANP_LAYOUTS),
    st.booleans(),
)
def test_nanp_surrogates_are_fictional_in_layout_and_keep_the_country_code(
    ten: str, prefix: str, layout: str, wide: bool
) -> None:
    original = _nanp_spelling(ten, prefix, layout)
    if wide:
        original = original.translate(FULL_WIDTH)
    out = surrogate_value("PHONE_NUMBER", original, KEY)
    assert FICTIONAL_NANP.fullmatch(normalize_value("PHONE_NUMBER", out)), (original, out)
    assert _shape(out) == _shape(original)
    country = sum(c.isdigit() for c in original) - 10  # the `1` or `001` in front, if any
    assert _digits_before(out, country) == _digits_before(original, country)
    assert surrogate_value("PHONE_NUMBER", original, KEY) == out
    # Every spelling of the number gets the same number back.
    canonical = surrogate_value("PHONE_NUMBER", "+1 " + ten, KEY)
    assert normalize_value("PHONE_NUMBER", out) == normalize_value("PHONE_NUMBER", canonical)


@settings(max_examples=50, deadline=None)
@given(NANP, st.sampled_from(NANP_PREFIXES), st.sampled_from(NANP_LAYOUTS))
def test_nanp_surrogates_depend_on_the_key(ten: str, prefix: str, layout: str) -> None:
    original = _nanp_spelling(ten, prefix, layout)
    outs = {surrogate_value("PHONE_NUMBER", original, key) for key in (KEY, *OTHER_KEYS)}
    assert len(outs) > 1  # 72,000 fictional numbers: four keys all colliding is ~1e-14


@settings(max_examples=300, deadline=None)
@given(MOBILE, st.sampled_from(CN_PREFIXES), st.sampled_from(CN_LAYOUTS), st.booleans())
def test_plus_86_mobiles_stay_154_mobiles_in_layout(
    mobile: str, prefix: str, layout: str, wide: bool
) -> None:
    original = prefix + layout.format(mobile[:3], mobile[3:7], mobile[7:])
    if wide:
        original = original.translate(FULL_WIDTH)
    out = surrogate_value("PHONE_NUMBER", original, KEY)
    normalized = normalize_value("PHONE_NUMBER", out)
    assert re.fullmatch(r"154[0-9]{8}", normalized), (original, out)
    assert _shape(out) == _shape(original)
    assert _digits_before(out, 2) == _digits_before(original, 2)  # the 86 is kept
    assert surrogate_value("PHONE_NUMBER", original, KEY) == out


@given(MOBILE)
def test_eleven_digits_run_together_are_a_mainland_mobile(mobile: str) -> None:
    # `14155550134` could be a NANP number with its trunk 1, but spelled so it is the mobile
    # `141 5555 0134`; its canonical form is unchanged and its surrogate is a 154 number.
    out = surrogate_value("PHONE_NUMBER", mobile, KEY)
    assert re.fullmatch(r"154[0-9]{8}", out)
