"""Ed25519 signing over canonical JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing
from tdg.transforms.signing import (
    load_public_key,
    public_key_id,
    sign_document,
    verify_document,
)

PAYLOAD = {"format": "test/v1", "dataset": "d", "counts": {"read": 3, "accepted": 2}}


def test_sign_and_verify_with_keyring_keys(keys_dir: Path) -> None:
    ring = KeyRing.default()
    signed = sign_document(PAYLOAD, ring.signing_key())
    public = load_public_key(ring.verify_key_path())
    assert signed["signature"]["alg"] == "Ed25519"
    assert signed["signature"]["key_id"] == public_key_id(public)
    assert len(signed["signature"]["key_id"]) == 32  # 16 bytes, hex
    assert verify_document(signed, public)


def test_layout_does_not_matter_but_content_does() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_document(PAYLOAD, key)
    reread = json.loads(json.dumps(signed, indent=4, sort_keys=False))
    assert verify_document(reread, key.public_key())
    edited = copy.deepcopy(signed)
    edited["payload"]["counts"]["accepted"] = 3
    assert not verify_document(edited, key.public_key())


def test_another_key_does_not_verify() -> None:
    signed = sign_document(PAYLOAD, Ed25519PrivateKey.generate())
    assert not verify_document(signed, Ed25519PrivateKey.generate().public_key())


def test_swapping_the_key_id_does_not_help() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    signed = sign_document(PAYLOAD, key)
    signed["signature"]["key_id"] = public_key_id(other.public_key())
    assert not verify_document(signed, other.public_key())


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.pop("signature"),
        lambda d: d["signature"].update(value="not base64!"),
        lambda d: d["signature"].update(alg="RS256"),
        lambda d: d.update(extra=1),
    ],
)
def test_malformed_documents_are_false_not_errors(damage: object) -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_document(PAYLOAD, key)
    damage(signed)  # type: ignore[operator]
    assert verify_document(signed, key.public_key()) is False


def test_key_id_must_be_the_signers() -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="key_id"):
        sign_document(PAYLOAD, key, key_id="0" * 32)
    with pytest.raises(ValueError, match="payload names key"):
        sign_document({**PAYLOAD, "key_id": "0" * 32}, key)


def test_load_public_key_errors_name_the_file(tmp_path: Path, keys_dir: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(UserError, match=r"nope\.pem: public key file not found"):
        load_public_key(missing)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("hello\n")
    with pytest.raises(UserError, match=r"garbage\.pem: not a PEM public key"):
        load_public_key(garbage)
    private = keys_dir / "signing.pem"  # a private key is not a public key
    with pytest.raises(UserError, match=r"signing\.pem: not a PEM public key"):
        load_public_key(private)
