"""Ed25519 signatures over canonical JSON: a signed document is `{"payload", "signature"}`.

The signature covers `canonical_json(payload)`, so the file on disk may be pretty-printed. The
key id (first 16 bytes of sha256 over the raw 32-byte public key, hex) tells a verifier which key
a document claims; it is a hint for choosing a key, never a substitute for checking the signature.
Private keys come from `KeyRing.signing_key()`, never from a config file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tdg.transforms.canonical_json import canonical_json
from tdg.transforms.errors import UserError

SIGNATURE_ALG = "Ed25519"
KEY_ID_BYTES = 16


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """Hex of the first 16 bytes of sha256(raw public key): short, stable, names one key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:KEY_ID_BYTES].hex()


def sign_document(
    payload: dict[str, Any], private_key: Ed25519PrivateKey, *, key_id: str | None = None
) -> dict[str, Any]:
    """Wrap `payload` with an Ed25519 signature over its canonical JSON bytes.

    `key_id` defaults to the id of the signing key; when given it must be that id, so a document
    can never name a key other than the one that signed it.
    """
    own_id = public_key_id(private_key.public_key())
    if key_id is not None and key_id != own_id:
        raise ValueError(f"key_id {key_id} is not the id of the signing key ({own_id})")
    payload_key_id = payload.get("key_id")
    if payload_key_id is not None and payload_key_id != own_id:
        raise ValueError(f"payload names key {payload_key_id}, signing key is {own_id}")
    signature = private_key.sign(canonical_json(payload))
    return {
        "payload": payload,
        "signature": {
            "alg": SIGNATURE_ALG,
            "key_id": own_id,
            "value": base64.b64encode(signature).decode("ascii"),
        },
    }


def signature_key_id(signed: dict[str, Any]) -> str | None:
    """The key id a signed document claims, or None when it has no readable signature block."""
    signature = signed.get("signature") if isinstance(signed, dict) else None
    key_id = signature.get("key_id") if isinstance(signature, dict) else None
    return key_id if isinstance(key_id, str) else None


def verify_document(signed: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True only if `signed` is well formed and its signature verifies under `public_key`."""
    if not isinstance(signed, dict) or set(signed) != {"payload", "signature"}:
        return False
    payload, signature = signed["payload"], signed["signature"]
    if not isinstance(payload, dict) or not isinstance(signature, dict):
        return False
    if signature.get("alg") != SIGNATURE_ALG or not isinstance(signature.get("value"), str):
        return False
    if signature.get("key_id") != public_key_id(public_key):
        return False
    try:
        raw = base64.b64decode(signature["value"], validate=True)
        public_key.verify(raw, canonical_json(payload))
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file, or a one-line UserError naming the file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: public key file not found") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read public key: {exc.strerror}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise UserError(f"{path}: not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UserError(f"{path}: public key must be Ed25519")
    return key
