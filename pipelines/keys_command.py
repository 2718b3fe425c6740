"""`tdg keys init [DIR]`: create trial keys for pseudonyms, fingerprints, encryption and signing."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from tdg.transforms.errors import UserError
from tdg.transforms.keys import (
    DEFAULT_KEY_DIR,
    SIGNING_KEY_FILE,
    SYMMETRIC_KEYS,
    VERIFY_KEY_FILE,
    init_keys,
)

DESCRIPTION = """\
Creates fresh random keys in DIR (default: $TDG_KEYS, else .tdg/keys), files readable by you
only (mode 0600):
  pseudonym.key     HMAC-SHA256 key for keyed pseudonyms and surrogates
  fingerprint.key   HMAC-SHA256 key for the subject fingerprint index (erasure requests)
  encryption.key    AES-256-SIV key for reversible encryption (`tdg reidentify`)
  signing.pem       Ed25519 private key that signs certificates
  signing.pub.pem   its public key, for `tdg verify` (not secret)

The keys are secrets: keep them out of the dataset, the output directory and version control
(GB/T 35273 6.2: re-identification data is stored apart from de-identified data). Losing the
pseudonym or fingerprint key changes every pseudonym and fingerprint of later runs; losing the
encryption key makes encrypted values unrecoverable. On a cluster, hand keys to workers as
$TDG_KEY_<NAME> environment variables or mounted secret files. Refuses to overwrite any
existing key file (exit 2)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "keys",
        help="manage the secret keys tdg uses",
        description="Manage tdg's secret keys. See `tdg keys init --help`.",
    )
    actions = p.add_subparsers(dest="keys_action", metavar="ACTION")
    actions.required = True
    init = actions.add_parser(
        "init",
        help="create trial keys (refuses to overwrite)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument(
        "directory",
        nargs="?",
        metavar="DIR",
        help="where to create the keys (default: $TDG_KEYS, else .tdg/keys)",
    )
    init.add_argument(
        "--exist-ok",
        action="store_true",
        help="do nothing when a complete key set is already there (for scripted set-up)",
    )
    init.set_defaults(func=handle_init)


KEY_FILES = (*SYMMETRIC_KEYS.values(), SIGNING_KEY_FILE, VERIFY_KEY_FILE)


def handle_init(args: argparse.Namespace) -> int:
    directory = Path(args.directory or os.environ.get("TDG_KEYS") or DEFAULT_KEY_DIR)
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{directory}: exists and is not a directory")
    if args.exist_ok and all((directory / name).exists() for name in KEY_FILES):
        print(f"keys already in {directory}; nothing to do")
        return 0
    created = init_keys(directory)
    for path in created:
        print(path)
    print(
        f"created {len(created)} key files in {directory}. They are secrets: keep them out of "
        "datasets, outputs and version control, and back them up; signing.pub.pem is public."
    )
    return 0
