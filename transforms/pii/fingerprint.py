"""Keyed fingerprints of identifier values: find a data subject's records without storing values.

The pipeline stores `(entity_type, fingerprint(...))` for each direct or sensitive identifier of a
record; an erasure request computes the same fingerprint over the identifier the subject gives us
and looks it up. HMAC-SHA256 with the `fingerprint` key (kept apart from the dataset, GB/T 35273
6.2) over the normalized value, so spellings of one number agree and nobody without the key can
test a guess.
"""

from __future__ import annotations

import hashlib
import hmac

from tdg.transforms.pii.value_normalization import normalize_value

# Domain separation: a fingerprint is never equal to a pseudonym digest under the same key.
FINGERPRINT_DOMAIN = b"tdg-fingerprint-v1"


def fingerprint(entity_type: str, value: str, key: bytes) -> str:
    """Hex HMAC-SHA256 of the entity type and the normalized value."""
    message = b"\x1f".join(
        (
            FINGERPRINT_DOMAIN,
            entity_type.encode(),
            normalize_value(entity_type, value).encode("utf-8", "surrogatepass"),
        )
    )
    return hmac.new(key, message, hashlib.sha256).hexdigest()
