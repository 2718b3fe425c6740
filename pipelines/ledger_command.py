"""`tdg ledger verify|show|revoke|supersede`: inspect and extend the hash-chained run ledger."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from tdg.transforms.errors import UserError
from tdg.transforms.ledger import (
    KIND_CERTIFICATE_REVOKED,
    KIND_REQUEST,
    KIND_RUN,
    KIND_VERSION_SUPERSEDED,
    LEDGER_FILE,
    STATUS_ACTIVE,
    STATUS_SUPERSEDED,
    Ledger,
)

DESCRIPTION = """\
The ledger is OUTPUT/ledger.jsonl: one JSON entry per line, each carrying the sha256 of the one
before, so an edited, removed or reordered entry breaks the chain. It records runs,
revocations, supersessions and data-subject requests by id and digest, never personal data.
Keep it at least three years (PIPL Art. 56) and publish its head (`tdg ledger show --head`)
elsewhere now and then: `tdg ledger verify --head SEQ:SHA256` then also catches a cut-off or
rewritten tail, which the chain alone cannot.

Exit status: 0 ok; 1 the chain is broken (first bad entry and why); 2 usage error."""

LEDGER_PATH_HELP = f"output root holding {LEDGER_FILE}, or the ledger file (default: .)"
REASON_HELP = "why, in words (stored in the ledger: no personal data)"
_HEAD_PATTERN = re.compile(r"([0-9]+):([0-9a-f]{64})\Z")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "ledger",
        help="verify, show or extend the run ledger",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="ledger_action", metavar="ACTION")
    actions.required = True

    verify = actions.add_parser(
        "verify", help="check the hash chain (exit 1 with the first bad entry)"
    )
    verify.add_argument("path", nargs="?", default=".", metavar="PATH", help=LEDGER_PATH_HELP)
    verify.add_argument(
        "--head", metavar="SEQ:SHA256", help="a head published earlier; catches a cut-off tail"
    )
    verify.set_defaults(func=handle_verify)

    show = actions.add_parser("show", help="list entries as a table")
    show.add_argument("path", nargs="?", default=".", metavar="PATH", help=LEDGER_PATH_HELP)
    show.add_argument("--dataset", help="only entries about this dataset")
    show.add_argument("--dataset-version", metavar="VERSION", help="only this version")
    show.add_argument("--kind", help="only entries of this kind (run, certificate_revoked, ...)")
    show.add_argument("--head", action="store_true", help="print only SEQ:SHA256 of the head")
    show.add_argument("--json", action="store_true", help="print entries as JSON lines")
    show.set_defaults(func=handle_show)

    revoke = actions.add_parser(
        "revoke",
        help="revoke a version's certificate (tdg verify then fails with `revoked`)",
    )
    revoke.add_argument("dataset", metavar="DATASET")
    revoke.add_argument("version", metavar="VERSION")
    revoke.add_argument("--reason", required=True, help=REASON_HELP)
    revoke.add_argument("--output", default=".", metavar="PATH", help=LEDGER_PATH_HELP)
    revoke.set_defaults(func=handle_revoke)

    supersede = actions.add_parser(
        "supersede", help="mark a version superseded by a newer one (verify then fails)"
    )
    supersede.add_argument("dataset", metavar="DATASET")
    supersede.add_argument("version", metavar="VERSION")
    supersede.add_argument("--by", required=True, metavar="NEW_VERSION", help="the new version")
    supersede.add_argument("--reason", required=True, help=REASON_HELP)
    supersede.add_argument("--output", default=".", metavar="PATH", help=LEDGER_PATH_HELP)
    supersede.set_defaults(func=handle_supersede)


def resolve_ledger(path: str, *, must_exist: bool = True) -> Ledger:
    """An output root (containing ledger.jsonl) or a ledger file."""
    target = Path(path)
    ledger = Ledger(target / LEDGER_FILE if target.is_dir() else target)
    if must_exist and not ledger.exists():
        raise UserError(f"{ledger.path}: no ledger here (pass the output root or the file)")
    return ledger


def parse_head(text: str) -> tuple[int, str]:
    match = _HEAD_PATTERN.match(text.strip())
    if match is None:
        raise UserError(f"--head {text!r}: expected SEQ:SHA256 (as `tdg ledger show --head`)")
    return int(match.group(1)), match.group(2)


def handle_verify(args: argparse.Namespace) -> int:
    ledger = resolve_ledger(args.path)
    head = parse_head(args.head) if args.head else None
    check = ledger.verify(expected_head=head)
    if check.ok:
        print(
            f"ok: {ledger.path}: {check.entries} entries, head {check.head_seq}:{check.head_sha256}"
        )
        return 0
    print(
        f"broken ({check.reason_code}) at entry {check.first_bad_seq}, line {check.line}: "
        f"{check.reason}"
    )
    return 1


def handle_show(args: argparse.Namespace) -> int:
    ledger = resolve_ledger(args.path)
    if args.head:
        head = ledger.head()
        print("empty" if head is None else f"{head[0]}:{head[1]}")
        return 0
    rows: list[tuple[str, ...]] = [("seq", "time", "kind", "dataset", "version", "detail")]
    for entry in ledger.entries():
        body = entry["body"]
        if args.kind and entry["kind"] != args.kind:
            continue
        if args.dataset and body.get("dataset") != args.dataset:
            continue
        if args.dataset_version and body.get("version") != args.dataset_version:
            continue
        if args.json:
            print(json.dumps(entry, ensure_ascii=False, sort_keys=True))
            continue
        rows.append(
            (
                str(entry["seq"]),
                entry["time"],
                entry["kind"],
                str(body.get("dataset", "-")),
                str(body.get("version", "-")),
                entry_detail(entry),
            )
        )
    if not args.json:
        print(format_table(rows))
    return 0


def entry_detail(entry: dict[str, Any]) -> str:
    """The one thing worth seeing per kind, shortened for a table."""
    body = entry["body"]
    kind = entry["kind"]
    if kind == KIND_RUN:
        text = f"{body.get('outcome')} run {body.get('run_id')}"
    elif kind == KIND_CERTIFICATE_REVOKED:
        text = str(body.get("reason"))
    elif kind == KIND_VERSION_SUPERSEDED:
        text = f"by {body.get('superseded_by')}: {body.get('reason')}"
    elif kind == KIND_REQUEST:
        text = f"{body.get('request_kind')} {body.get('request_id')}"
    else:
        text = ", ".join(f"{k}={v}" for k, v in sorted(body.items()))
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if index == 0:
            lines.append("  ".join([*("-" * w for w in widths), "-" * len(row[-1])]))
    return "\n".join(lines)


def _checked_ledger(path: str) -> Ledger:
    ledger = resolve_ledger(path)
    check = ledger.verify()
    if not check.ok:
        raise UserError(f"refusing to append to a broken ledger: {check.reason}")
    return ledger


def handle_revoke(args: argparse.Namespace) -> int:
    ledger = _checked_ledger(args.output)
    status = ledger.status_of(args.dataset, args.version)
    if status not in (STATUS_ACTIVE, STATUS_SUPERSEDED):
        raise UserError(
            f"{args.dataset} {args.version} is {status} in {ledger.path}: nothing to revoke"
        )
    entry = ledger.revoke(args.dataset, args.version, args.reason)
    print(f"revoked {args.dataset} {args.version}: ledger entry {entry['seq']}")
    return 0


def handle_supersede(args: argparse.Namespace) -> int:
    ledger = _checked_ledger(args.output)
    status = ledger.status_of(args.dataset, args.version)
    if status != STATUS_ACTIVE:
        raise UserError(f"{args.dataset} {args.version} is {status} in {ledger.path}: not active")
    entry = ledger.supersede(args.dataset, args.version, args.by, args.reason)
    print(f"superseded {args.dataset} {args.version} by {args.by}: ledger entry {entry['seq']}")
    return 0
