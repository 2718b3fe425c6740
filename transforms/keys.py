"""Secret keys: found in environment variables or key files, never in configs, logs or outputs.

A DoFn receives a `KeyRing` (where to look), never key bytes, so no secret is serialized into
the pipeline graph a runner stores; each worker loads the key in `setup()`. On a cluster,
distribute keys as worker environment variables or mounted secret files.

Lookup for a key NAME: `$TDG_KEY_<NAME>` (hex or base64, or PEM for the signing key), then
`<dir>/<file>` where dir is `$TDG_KEYS` or `.tdg/keys`.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tdg.transforms.errors import UserError

DEFAULT_KEY_DIR = ".tdg/keys"

# name -> file name in the key directory
SYMMETRIC_KEYS = {
    "pseudonym": "pseudonym.key",  # HMAC-SHA256 for keyed pseudonyms and surrogates
    "fingerprint": "fingerprint.key",  # HMAC-SHA256 for the subject fingerprint index
    "encryption": "encryption.key",  # AES-256-SIV for reversible encryption
}
SIGNING_KEY_FILE = "signing.pem"
VERIFY_KEY_FILE = "signing.pub.pem"


def env_var(name: str) -> str:
    return f"TDG_KEY_{name.upper()}"


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Where keys are looked for; picklable and secret-free, so it can travel to workers."""

    directory: str

    @classmethod
    def default(cls) -> KeyRing:
        """`$TDG_KEYS` or `.tdg/keys`, made absolute so worker processes find the same place."""
        return cls(str(Path(os.environ.get("TDG_KEYS", DEFAULT_KEY_DIR)).resolve()))

    def symmetric(self, name: str) -> bytes:
        """A 32-byte symmetric key, or UserError naming where it was looked for."""
        raw = os.environ.get(env_var(name))
        origin = f"${env_var(name)}"
        if raw is None:
            path = Path(self.directory) / SYMMETRIC_KEYS[name]
            origin = str(path)
            try:
                raw = path.read_text().strip()
            except FileNotFoundError:
                raise UserError(
                    f"missing {name} key: set ${env_var(name)} or create {path} "
                    f"(`tdg keys init` makes trial keys)"
                ) from None
        key = _decode_key(raw.strip())
        if key is None or len(key) < 32:
            raise UserError(f"{origin}: {name} key must be at least 32 bytes, hex or base64")
        return key

    def signing_key(self) -> Ed25519PrivateKey:
        pem = os.environ.get(env_var("signing"))
        origin = f"${env_var('signing')}"
        if pem is None:
            path = Path(self.directory) / SIGNING_KEY_FILE
            origin = str(path)
            try:
                pem = path.read_text()
            except FileNotFoundError:
                raise UserError(
                    f"missing signing key: set ${env_var('signing')} or create {path} "
                    f"(`tdg keys init` makes trial keys)"
                ) from None
        try:
            key = serialization.load_pem_private_key(pem.encode(), password=None)
        except ValueError:
            raise UserError(f"{origin}: not a PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise UserError(f"{origin}: signing key must be Ed25519")
        return key

    def verify_key_path(self) -> Path:
        return Path(self.directory) / VERIFY_KEY_FILE


def _decode_key(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        pass
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def init_keys(directory: Path) -> list[Path]:
    """Create trial keys (mode 0600); refuse to overwrite any existing key file."""
    directory.mkdir(parents=True, exist_ok=True)
    targets = [directory / f for f in SYMMETRIC_KEYS.values()]
    targets += [directory / SIGNING_KEY_FILE, directory / VERIFY_KEY_FILE]
    existing = [p for p in targets if p.exists()]
    if existing:
        raise UserError(f"{existing[0]}: key file exists; refusing to overwrite keys")
    for fname in SYMMETRIC_KEYS.values():
        _write_secret(directory / fname, secrets.token_hex(32) + "\n")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_secret(directory / SIGNING_KEY_FILE, pem.decode())
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (directory / VERIFY_KEY_FILE).write_bytes(public)
    return targets


def _write_secret(path: Path, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
