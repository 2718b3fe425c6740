"""`tdg requests apply|suppression`: data-subject requests (erase, block, access) on a catalog."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from tdg.pipelines.config import load_config
from tdg.pipelines.requests import apply_requests
from tdg.transforms.errors import InvariantError, PipelineFailure
from tdg.transforms.subject_requests import IDENTIFIER_ALIASES, load_requests
from tdg.transforms.suppression import read_entries, suppression_path

ALIASES = textwrap.fill(
    ", ".join(f"{k}={v}" for k, v in IDENTIFIER_ALIASES.items()),
    width=92,
    initial_indent="  ",
    subsequent_indent="  ",
)

DESCRIPTION = f"""\
Apply data-subject requests (PIPL Art. 45-47) to every dataset version under an output root.

REQUESTS.jsonl holds one request per line:
  {{"request_id": "r-1", "kind": "erase", "subject_id": "subj-0042",
   "identifiers": [{{"type": "phone", "value": "138 1234 5678"}}],
   "reason": "consent withdrawn", "received_at": "2026-11-20T09:00:00Z"}}
kind is erase, block or access; a request needs subject_id and/or identifiers. Identifier
types are entity types (PHONE_NUMBER, EMAIL_ADDRESS, CN_RESIDENT_ID, ...) or aliases:
{ALIASES}
Identifier values are matched through keyed fingerprints (the `fingerprint` key, $TDG_KEYS or
.tdg/keys) and never written anywhere.

  erase   every live version holding the subject's records gets a successor
          VERSION+erasure.N without them (data, quarantine pointers, fingerprint index), with a
          manifest that reconciles (read = accepted + quarantined + erased) and its own
          certificate; the old version is superseded and its certificate revoked in the ledger
          (its files stay until you delete them). The subject is also put on the suppression
          list, so a later run does not bring the records back.
  block   put the subject on OUTPUT/_requests/suppression.jsonl: `tdg run` skips their records.
  access  write a report of the subject's records per version (ids, source pointers,
          transformations, PII summary, legal basis, status), never their text.

Each request gets a receipt OUTPUT/_requests/receipts/REQUEST_ID.json (request id, kind, records
found per version, new versions, time; no identifier values) and a ledger entry with its sha256.
Applying a request id the ledger already holds does nothing (idempotent; listed as skipped).

New versions are certified with --config's expectations, approver and PIA reference when the
config names the dataset; otherwise with the default expectations, approver "tdg-requests" and
the PIA reference of the old certificate. Beam options (for the metrics pass) go after `--`.

Exit status: 0 done; 1 a new version was not certified (the erasure still happened) or a
pipeline failure; 2 user error (bad request line, missing catalog or key)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "requests",
        help="apply data-subject requests: erase, block, access",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="requests_action", metavar="ACTION")
    actions.required = True

    apply = actions.add_parser(
        "apply",
        help="apply the requests of a JSONL file to a catalog",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    apply.add_argument("requests", metavar="REQUESTS.jsonl", help="one request per line")
    apply.add_argument(
        "--catalog", required=True, metavar="OUTPUT", help="output root of `tdg run` (local)"
    )
    apply.add_argument(
        "--config", metavar="CONFIG", help="run config: expectations and certification settings"
    )
    apply.add_argument(
        "--receipts", metavar="DIR", help="where receipts go (default OUTPUT/_requests/receipts)"
    )
    apply.set_defaults(func=handle_apply)

    suppression = actions.add_parser("suppression", help="show the suppression list")
    suppression_actions = suppression.add_subparsers(dest="suppression_action", metavar="ACTION")
    suppression_actions.required = True
    listing = suppression_actions.add_parser(
        "list", help="one line per entry: request, time, subject id or entity type + fingerprint"
    )
    listing.add_argument("--catalog", required=True, metavar="OUTPUT", help="output root")
    listing.set_defaults(func=handle_list)


def handle_apply(args: argparse.Namespace) -> int:
    requests = load_requests(args.requests)
    config = load_config(args.config) if args.config else None
    try:
        outcomes = apply_requests(
            requests,
            args.catalog,
            receipts_dir=args.receipts,
            config=config,
            beam_args=args.beam_args,
        )
    except (PipelineFailure, InvariantError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    code = 0
    for outcome in outcomes:
        if outcome.already_applied or outcome.receipt is None:
            print(f"{outcome.request_id} ({outcome.kind}): already applied, skipped")
            continue
        receipt = outcome.receipt
        versions = len(receipt["versions"])
        line = (
            f"{outcome.request_id} ({outcome.kind}): {receipt['records_found']} records "
            f"in {versions} version(s)"
        )
        if receipt["new_versions"]:
            line += f"; new versions {', '.join(receipt['new_versions'])}"
        print(f"{line}; receipt {outcome.receipt_path}")
        for problem in outcome.rejected_versions:
            print(f"not certified: {problem}", file=sys.stderr)
            code = 1
    return code


def handle_list(args: argparse.Namespace) -> int:
    entries = read_entries(args.catalog)
    if not entries:
        print(f"no suppression list at {suppression_path(args.catalog)}", file=sys.stderr)
        return 0
    for e in entries:
        who = (
            f"subject_id {e['subject_id']}"
            if "subject_id" in e
            else f"{e.get('entity_type')} {str(e.get('fingerprint'))[:16]}…"
        )
        print(f"{e.get('time')}  {e.get('request_id')}  {who}")
    return 0
