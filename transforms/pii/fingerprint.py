"""Keyed fingerprints of identifier values: find a data subject's records without storing values.

The pipeline stores `(entity_type, fingerprint(...))` for each direct or sensitive identifier of a
record; an erasure request computes the same fingerprint over the identifier the subject gives us
and looks it up. HMAC-SHA256 with the `fingerprint` key (kept apart from the dataset, GB/T 35273
6.2) over the normalized value, so spellings of one number agree and nobody without the key can
test a guess.

A fingerprint can only be recomputed, never converted: nobody keeps the values. So every place
that stores fingerprints (the index's Parquet metadata, each suppression entry) records the
scheme they were made under, and a reader refuses fingerprints of another scheme with a clear
error instead of silently finding nothing, which for an erasure or a block would mean a subject
whose data stays in the corpus. Change `FINGERPRINT_DOMAIN` whenever `normalize_value` changes
for a type already fingerprinted (a new type changes no stored fingerprint). The scheme cannot
tell a different `fingerprint` key, which also matches no one: the key must be kept with the
output root for as long as its indexes and suppression list.
"""

from __future__ import annotations

import hashlib
import hmac

from tdg.transforms.errors import UserError
from tdg.transforms.pii.value_normalization import normalize_value

# Domain separation: a fingerprint is never equal to a pseudonym digest under the same key.
FINGERPRINT_DOMAIN = b"tdg-fingerprint-v1"
# The name stored beside fingerprints. Artifacts written before schemes were recorded carry
# none; they were all made under this first scheme.
FINGERPRINT_SCHEME = FINGERPRINT_DOMAIN.decode()
LEGACY_SCHEME = "tdg-fingerprint-v1"
# Parquet schema metadata key of the fingerprint index.
SCHEME_METADATA_KEY = b"tdg_fingerprint_scheme"


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


def check_scheme(scheme: str | None, where: str) -> None:
    """Refuse fingerprints made under another scheme (None: written before schemes were
    recorded, so the first one)."""
    found = LEGACY_SCHEME if scheme is None else scheme
    if found != FINGERPRINT_SCHEME:
        raise UserError(
            f"{where}: fingerprints made under scheme {found!r}, but this tdg computes "
            f"{FINGERPRINT_SCHEME!r}, so no identifier would match them; use the tdg version "
            "that wrote them, or rebuild them from the source data with this one"
        )
