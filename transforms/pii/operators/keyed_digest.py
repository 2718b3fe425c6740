"""The keyed digest shared by keyed pseudonyms and surrogates, and the key parameter check.

Keys reach operators only through `params["key"]` (bytes), set by `Deidentifier` from a
`KeyRing`; never from config. One HMAC-SHA256 per finding; the keyed HMAC state is built once
per key and copied, which halves the cost for short values.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from presidio_anonymizer.entities import InvalidParamError

MIN_KEY_BYTES = 32


def key_param(params: dict[str, Any] | None) -> bytes:
    """The `key` parameter, checked: bytes of at least 32."""
    key = (params or {}).get("key")
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_KEY_BYTES:
        raise InvalidParamError(f"operator needs params['key']: >= {MIN_KEY_BYTES} key bytes")
    return bytes(key)


def entity_type_param(params: dict[str, Any] | None) -> str:
    """The entity type Presidio (or our own pass) adds to params; `ENTITY` if absent."""
    return str((params or {}).get("entity_type") or "ENTITY")


@lru_cache(maxsize=16)
def _keyed_state(key: bytes) -> Any:
    return hmac.new(key, digestmod=hashlib.sha256)


def keyed_digest(key: bytes, domain: bytes, entity_type: str, normalized: str) -> bytes:
    """HMAC-SHA256(key, domain | entity type | normalized value)."""
    state = _keyed_state(key).copy()
    state.update(domain + b"\x1f" + entity_type.encode() + b"\x1f")
    state.update(normalized.encode("utf-8", "surrogatepass"))
    return state.digest()
