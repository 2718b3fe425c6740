"""Encrypt: a reversible token, `⟦tdg:enc:v1:PHONE_NUMBER:<base64url>⟧`, for key holders only.

AES-256-SIV (RFC 5297) is deterministic: one value gives one ciphertext in every record and
run, so joins and counts still work on the encrypted corpus, and the entity type is
authenticated as associated data. The 64-byte SIV key is derived from the `encryption` key with
HKDF-SHA256. The exact original text is encrypted (not its normalized form), so `decrypt_tokens`
restores the text byte for byte. The brackets U+27E6/U+27E7 survive NFKC and rarely occur in
natural text, so `TOKEN_PATTERN` finds tokens reliably. Output stays personal information.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from presidio_anonymizer.operators import Operator, OperatorType

from tdg.transforms.pii.operators.keyed_digest import entity_type_param, key_param

TOKEN_PREFIX = "⟦tdg:enc:v1:"
TOKEN_SUFFIX = "⟧"
TOKEN_PATTERN = re.compile(r"⟦tdg:enc:v1:([A-Z][A-Z0-9_]*):([A-Za-z0-9_-]+)⟧")
_HKDF_INFO = b"tdg-encrypt-v1 aes-256-siv"


class UndecryptableTokenError(ValueError):
    """A token that does not decrypt with this key: wrong key, or the token was altered."""

    def __init__(self, offset: int, entity_type: str) -> None:
        super().__init__(
            f"{entity_type} token at offset {offset} does not decrypt with this encryption key"
        )
        self.offset = offset
        self.entity_type = entity_type


@lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESSIV:
    siv_key = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_HKDF_INFO).derive(key)
    return AESSIV(siv_key)


def encrypt_value(entity_type: str, value: str, key: bytes) -> str:
    """The token for one value; deterministic per key, entity type and exact text."""
    sealed = _cipher(key).encrypt(value.encode("utf-8", "surrogatepass"), [entity_type.encode()])
    body = base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")
    return f"{TOKEN_PREFIX}{entity_type}:{body}{TOKEN_SUFFIX}"


def decrypt_tokens(text: str, key: bytes) -> str:
    """Replace every encryption token in `text` by its original value.

    Raises UndecryptableTokenError (offset and entity type, never content) for a token that
    this key did not make.
    """
    cipher = _cipher(key)

    def restore(match: re.Match[str]) -> str:
        entity_type, body = match.group(1), match.group(2)
        try:
            sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = cipher.decrypt(sealed, [entity_type.encode()])
        except (InvalidTag, ValueError):
            raise UndecryptableTokenError(match.start(), entity_type) from None
        return plain.decode("utf-8", "surrogatepass")

    return TOKEN_PATTERN.sub(restore, text)


def count_tokens(text: str) -> int:
    return sum(1 for _ in TOKEN_PATTERN.finditer(text))


class Encrypt(Operator):
    """params: `key` (bytes, the `encryption` key, injected), `entity_type` (set by the engine)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return encrypt_value(entity_type_param(params), text, key_param(params))

    def validate(self, params: dict[str, Any] | None = None) -> None:
        key_param(params)

    def operator_name(self) -> str:
        return "encrypt"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
