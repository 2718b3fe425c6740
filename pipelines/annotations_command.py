"""`tdg annotations ...`: the annotation quality workflow (Interim Measures Art. 8)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tdg.pipelines.annotations import register_rules as register_rules_documents
from tdg.pipelines.annotations import (
    run_certify,
    run_review,
    run_sample,
    write_report,
)
from tdg.transforms.annotation_config import load_annotation_config

DESCRIPTION = """\
Annotation quality: versioned rules, qualified annotators, a reproducible QA sample per batch,
measured accuracy with Wilson 95% intervals, per-batch decisions and a signed certificate.

  tdg annotations register-rules CONFIG     hash and register the rules documents
  tdg annotations sample CONFIG             draw the QA sample, write the review sheet
  tdg annotations review CONFIG REVIEWS     ingest verdicts, decide batches, write the report
  tdg annotations certify CONFIG            apply the gate, write the signed certificate

Beam options go after a bare `--`, e.g.
  tdg annotations sample configs/annotations.yaml -- --direct_num_workers 2 \\
      --direct_running_mode multi_processing"""

SAMPLE_HELP = """\
Draw the QA sample of every batch: functional labels stratified by annotator, the items with the
smallest sha256(seed|batch|item) in each stratum, as many as the acceptance plan asks (see
`sampling.plan` in the config); every security label. Each item is assigned a qualified reviewer
who is not its annotator. Writes OUTPUT/sample/review_sheet.{csv,jsonl} and sample_plan.json.
The same config gives the same sample on any runner."""

REVIEW_HELP = """\
Ingest reviewers' verdicts (REVIEWS: .jsonl, .csv or .parquet with item_id, reviewer_id,
verdict = correct | incorrect | harmful, corrected_label for incorrect; a filled-in review
sheet works). Computes accuracy per batch and per annotator with Wilson 95% intervals, decides
each batch (accepted / rejected / void / pending) and writes OUTPUT/review/ and the HTML report.
Verdicts that cannot count (self-review, duplicate, unsampled or unknown item, unqualified
reviewer) and flagged labels are listed with their reason."""

CERTIFY_HELP = """\
Certify the annotations when every batch is accepted with its Wilson lower bound at or above
certification.min_accuracy, every security label has an independent review, nobody reviewed
their own work and every label cites a registered rules version. Writes a signed
OUTPUT/annotation_certificate.json (exit 0) or annotation_rejection.json (exit 1)."""


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "annotations",
        help="annotation quality workflow: rules, QA sample, review, certificate",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="annotations_command", metavar="STEP")
    commands.required = True
    config_help = "annotation config (YAML), e.g. configs/annotations.yaml"

    p = commands.add_parser(
        "register-rules",
        help="hash and register the rules documents of a config",
        description="Check that each rules document has the sections objectives, data formats, "
        "annotation methods and quality indicators (English or Chinese headings) and record its "
        "version and sha256 in the rules registry. A registered version cannot change.",
    )
    p.add_argument("config", metavar="CONFIG", help=config_help)
    p.set_defaults(func=handle_register_rules)

    p = commands.add_parser(
        "sample",
        help="draw the per-batch QA sample and write the review sheet",
        description=SAMPLE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", metavar="CONFIG", help=config_help)
    p.set_defaults(func=handle_sample)

    p = commands.add_parser(
        "review",
        help="ingest verdicts, decide batches, write the report",
        description=REVIEW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", metavar="CONFIG", help=config_help)
    p.add_argument("reviews", metavar="REVIEWS", help="reviews file or glob (.jsonl/.csv/.parquet)")
    p.set_defaults(func=handle_review)

    p = commands.add_parser(
        "certify",
        help="apply the certification gate and write the signed result",
        description=CERTIFY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("config", metavar="CONFIG", help=config_help)
    p.set_defaults(func=handle_certify)


def handle_register_rules(args: argparse.Namespace) -> int:
    loaded = load_annotation_config(args.config)
    documents, added = register_rules_documents(loaded)
    for doc in documents:
        state = "registered" if doc.version in added else "unchanged"
        print(f"{doc.version}  {doc.sha256}  {state}", file=sys.stderr)
    print(loaded.registry_path)
    return 0


def handle_sample(args: argparse.Namespace) -> int:
    loaded = load_annotation_config(args.config)
    result = run_sample(loaded, args.beam_args)
    for b in result.batches:
        print(
            f"{b['batch_id']}: {b['sample_size']} of {b['functional_items']} functional "
            f"+ {b['security_items']} security",
            file=sys.stderr,
        )
    if result.issues:
        print(f"{len(result.issues)} input issue(s) listed in {result.plan_path}", file=sys.stderr)
    print(result.sheet_csv)
    return 0


def handle_review(args: argparse.Namespace) -> int:
    loaded = load_annotation_config(args.config)
    summary = run_review(loaded, args.reviews, args.beam_args)
    for b in summary["batches"]:
        acc = "-" if b["accuracy"] is None else f"{100 * b['accuracy']:.1f}%"
        print(
            f"{b['batch_id']}: {b['status']} (accuracy {acc}, Wilson 95% "
            f"[{b['wilson_low']:.3f}, {b['wilson_high']:.3f}], n={b['reviewed']})",
            file=sys.stderr,
        )
    for code, n in summary["issue_counts"].items():
        print(f"  {code}: {n}", file=sys.stderr)
    print(write_report(loaded, summary))
    return 0


def handle_certify(args: argparse.Namespace) -> int:
    loaded = load_annotation_config(args.config)
    result = run_certify(loaded)
    for check in result.checks:
        mark = "pass" if check.passed else "FAIL"
        print(f"{mark}  {check.name}: {check.detail}", file=sys.stderr)
    print(result.path)
    return 0 if result.certified else 1
