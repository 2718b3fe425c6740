from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii.operators import Encrypt, keeps_anonymized
from tdg.transforms.pii.operators.encrypt import (
    TOKEN_PATTERN,
    UndecryptableTokenError,
    decrypt_tokens,
)

KEY = b"e" * 32


def encrypt(value: str, entity_type: str = "PHONE_NUMBER", key: bytes = KEY) -> str:
    return Encrypt().operate(value, {"key": key, "entity_type": entity_type})


def test_tokens_are_deterministic_findable_and_reversible() -> None:
    token = encrypt("138 1234 5678")
    assert token == encrypt("138 1234 5678")
    assert token.startswith("⟦tdg:enc:v1:PHONE_NUMBER:") and TOKEN_PATTERN.fullmatch(token)
    assert "138" not in token
    text = f"手机{token}，身份证{encrypt('11010519491231002X', 'CN_RESIDENT_ID')}。"
    assert decrypt_tokens(text, KEY) == "手机138 1234 5678，身份证11010519491231002X。"
    assert not keeps_anonymized("encrypt")


def test_wrong_key_or_altered_type_is_refused() -> None:
    token = encrypt("zhang@example.com", "EMAIL_ADDRESS")
    with pytest.raises(UndecryptableTokenError):
        decrypt_tokens(token, b"f" * 32)
    with pytest.raises(UndecryptableTokenError):
        decrypt_tokens(token.replace("EMAIL_ADDRESS", "PERSON"), KEY)


@given(st.text(max_size=40), st.sampled_from(["PERSON", "CN_ADDRESS", "URL"]))
def test_round_trip_any_text(value: str, entity_type: str) -> None:
    assert decrypt_tokens(f"a {encrypt(value, entity_type)} b", KEY) == f"a {value} b"
