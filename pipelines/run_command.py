"""`tdg run CONFIG`: the certify pipeline from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tdg.pipelines.certify import RunResult, run_certify
from tdg.pipelines.config import load_config
from tdg.transforms.errors import InvariantError, PipelineFailure

DESCRIPTION = """\
Run the certify pipeline on the sources a run config declares: read, normalize, validate,
de-identify personal information, decide the legal basis of every record, write accepted
and quarantined records as Parquet under OUTPUT/DATASET/VERSION/, and a manifest whose counts
reconcile (per source: read = accepted + quarantined).

Beam options go after a bare `--`, e.g.
  tdg run configs/sample.yaml -- --direct_num_workers 2 --direct_running_mode multi_processing

The version is then validated (Great Expectations suites) and gets a signed certificate.json,
or a signed rejection.json when an expectation fails; every run is recorded in the
hash-chained ledger at OUTPUT/ledger.jsonl. Keys come from $TDG_KEYS or .tdg/keys
(`tdg keys init` makes trial keys).

Exit status: 0 certified; 1 pipeline failure or not certified (the version is still written,
with its rejection); 2 user error (bad config, missing input, existing version, missing key)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="run the certify pipeline on a run config",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", metavar="CONFIG", help="run config (YAML), e.g. configs/sample.yaml")
    p.add_argument("--output", metavar="DIR", help="output root (overrides output.root)")
    p.add_argument(
        "--dataset-version", metavar="VERSION", help="dataset version (overrides dataset.version)"
    )
    p.add_argument("--no-progress", action="store_true", help="no live progress on stderr")
    p.add_argument(
        "--no-certify", action="store_true", help="write the version without validating or signing"
    )
    p.set_defaults(func=handle)


def summary_table(result: RunResult) -> str:
    m = result.manifest
    rows = [("source", "read", "accepted", "quarantined", "reasons")]
    for sid, s in m["sources"].items():
        reasons = ", ".join(f"{k} {v}" for k, v in s["quarantined_by_reason"].items()) or "-"
        rows.append((sid, str(s["read"]), str(s["accepted"]), str(s["quarantined"]), reasons))
    c = m["counts"]
    rows.append(("total", str(c["read"]), str(c["accepted"]), str(c["quarantined"]), ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [r[j].rjust(widths[j]) for j in (1, 2, 3)] + [r[4]]
        lines.append("  ".join(cells).rstrip())
        if i == 0 or i == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    loaded = load_config(args.config)
    try:
        result = run_certify(
            loaded,
            output_root=args.output,
            version=args.dataset_version,
            beam_args=args.beam_args,
            progress=not args.no_progress,
            certify=not args.no_certify,
        )
    except (PipelineFailure, InvariantError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary_table(result), file=sys.stderr)
    outcome = result.certification
    if outcome is not None and not outcome.certified:
        print(
            f"not certified: {outcome.reason} (signed rejection: "
            f"{result.version_dir}/{outcome.document})",
            file=sys.stderr,
        )
        print(result.version_dir)
        return 1
    if outcome is not None:
        print(f"certified: {result.version_dir}/{outcome.document}", file=sys.stderr)
    print(result.version_dir)
    return 0
