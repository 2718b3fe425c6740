"""`tdg verify PATH`: is this dataset version certified, unchanged and not revoked?"""

from __future__ import annotations

import argparse
import json
from typing import Any

from tdg.pipelines.verify import verify_certificate

DESCRIPTION = """\
Verify a dataset version before training on it. PATH is the version directory
(OUTPUT/DATASET/VERSION) or its certificate.json. Checks: a certificate is present (a
rejection.json means the version failed certification), its Ed25519 signature verifies with the
public key, manifest.json is the one certified, every listed file is present with its recorded
size (--deep: and sha256) and no unlisted file was added, and the ledger at OUTPUT/ledger.jsonl
is intact and shows the version neither revoked nor superseded. Without a ledger the last
check is skipped (a copied version carries no ledger) unless --require-ledger is given.

Prints one line: `certified: ...` or `not certified (REASON_CODE): ...`; --json prints the
full result (checks and certificate) instead.

Exit status: 0 a valid certificate; 1 not certified, tampered, revoked or superseded;
2 usage error (missing PATH, unreadable public key)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "verify",
        help="verify a dataset version's certificate (exit 0 only if valid)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", metavar="PATH", help="version directory or its certificate.json")
    p.add_argument(
        "--public-key",
        metavar="FILE",
        help="PEM public key of the signer (default: signing.pub.pem in $TDG_KEYS or .tdg/keys)",
    )
    p.add_argument(
        "--deep", action="store_true", help="also recompute every file's sha256 (reads all data)"
    )
    p.add_argument(
        "--ledger", metavar="FILE", help="ledger file, when it is not at OUTPUT/ledger.jsonl"
    )
    p.add_argument("--require-ledger", action="store_true", help="fail when no ledger is found")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    result = verify_certificate(
        args.path,
        public_key=args.public_key,
        deep=args.deep,
        ledger=args.ledger,
        require_ledger=args.require_ledger,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif result.ok:
        print(f"certified: {result.reason.removesuffix(': certified')}{_summary(result)}")
    else:
        print(f"not certified ({result.reason_code}): {result.reason}")
    return 0 if result.ok else 1


def _summary(result: Any) -> str:
    payload = (result.certificate or {}).get("payload", {})
    skipped = [c.detail for c in result.checks if c.status == "skip"]
    text = f" ({len(payload.get('files', []))} files, issued {payload.get('issued_at')})"
    return text + (f"; {skipped[0]}" if skipped else "")
