from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from presidio_anonymizer.entities import InvalidParamError

from tdg.transforms.pii.operators import KeyedPseudonym, keeps_anonymized

KEY = b"k" * 32


def pseudonym(value: str, entity_type: str = "PHONE_NUMBER", key: bytes = KEY) -> str:
    return KeyedPseudonym().operate(value, {"key": key, "entity_type": entity_type})


def test_token_format_and_consistency_across_spellings() -> None:
    token = pseudonym("138 1234 5678")
    assert re.fullmatch(r"<PHONE_NUMBER_[bcdfghjkmnpqrstv]{12}>", token)
    assert pseudonym("+86-138-1234-5678") == token == pseudonym("１３８１２３４５６７８")
    assert pseudonym("138 1234 5679") != token
    assert not keeps_anonymized("keyed_pseudonym")


def test_another_key_gives_another_token() -> None:
    assert pseudonym("张三", "PERSON") != pseudonym("张三", "PERSON", b"j" * 32)


def test_key_is_required_and_checked() -> None:
    with pytest.raises(InvalidParamError):
        KeyedPseudonym().validate({"entity_type": "PERSON"})
    with pytest.raises(InvalidParamError):
        KeyedPseudonym().validate({"key": b"short"})
    with pytest.raises(InvalidParamError):
        KeyedPseudonym().validate({"key": KEY, "token_chars": 4})


@given(st.text(min_size=1, max_size=30))
def test_token_never_contains_the_value(value: str) -> None:
    token = pseudonym(value, "PERSON")
    assert token.startswith("<PERSON_") and token == pseudonym(value, "PERSON")
