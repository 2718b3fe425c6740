"""fingerprint: keyed, spelling-independent, type-separated, hex."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii.fingerprint import fingerprint

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_spellings_of_one_identifier_share_a_fingerprint() -> None:
    a = fingerprint("PHONE_NUMBER", "138 1234 5678", KEY)
    assert a == fingerprint("PHONE_NUMBER", "+86-138-1234-5678", KEY)
    assert a == fingerprint("PHONE_NUMBER", "１３８１２３４５６７８", KEY)
    assert len(a) == 64 and int(a, 16) >= 0


def test_key_and_entity_type_change_the_fingerprint() -> None:
    a = fingerprint("CN_RESIDENT_ID", "11010519491231002X", KEY)
    assert a != fingerprint("CN_RESIDENT_ID", "11010519491231002X", OTHER_KEY)
    assert a != fingerprint("CREDIT_CARD", "11010519491231002X", KEY)
    assert a == fingerprint("CN_RESIDENT_ID", "11010519491231002x", KEY)


@given(
    st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True),
    st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True),
)
def test_different_identifiers_differ(a: str, b: str) -> None:
    same = fingerprint("CN_RESIDENT_ID", a, KEY) == fingerprint("CN_RESIDENT_ID", b, KEY)
    assert same == (a == b)


def test_value_never_appears_in_the_fingerprint() -> None:
    assert "13812345678" not in fingerprint("PHONE_NUMBER", "13812345678", KEY)
