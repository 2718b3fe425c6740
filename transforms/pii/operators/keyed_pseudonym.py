"""Keyed pseudonym: `<PERSON_dkqbmtrgsvhp>`, the same for one value in every record and run.

HMAC-SHA256 with the `pseudonym` key over the normalized value (value_normalization), so
`138 1234 5678` and `+86 138-1234-5678` get one token; another key gives unrelated tokens.
Whoever holds the key can test a guess, so the output is de-identified, not anonymized
(PIPL Art. 73). 12 hex digits (48 bits) by default: among ten million distinct values of one
type about 0.2 pairs collide; raise `token_chars` where that matters.

The digest is written in 16 consonants, not hex: a hex token such as `f13166746525` holds a
digit run that reads as a mobile number to any raw-identifier scan downstream.
"""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.entities import InvalidParamError
from presidio_anonymizer.operators import Operator, OperatorType

from tdg.transforms.pii.operators.keyed_digest import entity_type_param, key_param, keyed_digest
from tdg.transforms.pii.value_normalization import normalize_value

PSEUDONYM_DOMAIN = b"tdg-pseudonym-v1"
DEFAULT_TOKEN_CHARS = 12
TOKEN_ALPHABET = "bcdfghjkmnpqrstv"  # one letter per 4 bits; no digits, no vowels
_HEX_TO_TOKEN = str.maketrans("0123456789abcdef", TOKEN_ALPHABET)


def pseudonym_token(entity_type: str, value: str, key: bytes, token_chars: int) -> str:
    digest = keyed_digest(key, PSEUDONYM_DOMAIN, entity_type, normalize_value(entity_type, value))
    return f"<{entity_type}_{digest.hex()[:token_chars].translate(_HEX_TO_TOKEN)}>"


class KeyedPseudonym(Operator):
    """params: `key` (bytes, injected), `entity_type` (set by the engine), `token_chars`."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        params = params or {}
        return pseudonym_token(
            entity_type_param(params),
            text,
            key_param(params),
            int(params.get("token_chars", DEFAULT_TOKEN_CHARS)),
        )

    def validate(self, params: dict[str, Any] | None = None) -> None:
        key_param(params)
        chars = (params or {}).get("token_chars", DEFAULT_TOKEN_CHARS)
        if not isinstance(chars, int) or not 8 <= chars <= 64:
            raise InvalidParamError("keyed_pseudonym: token_chars must be 8..64")

    def operator_name(self) -> str:
        return "keyed_pseudonym"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
