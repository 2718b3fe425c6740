"""The annotation quality workflow (Interim Measures Art. 8; TC260-003 5.3), assembled.

register-rules -> sample (Beam) -> people review the sheet -> review (Beam) -> certify.
Beam does the per-item work (sampling, joins, tallies); the driver reads small things (config,
roster, rules registry, sampling plans) and writes the sorted, human-facing outputs.

Layout under `output.root`:
    rules_registry.json                 registered rules versions and sha256
    sample/review_sheet.{csv,jsonl}     the QA sample, one reviewer per item
    sample/sample_plan.json             seed, plan, formula, per-batch sizes and strata
    review/review_summary.json          batches, annotators, issues, input digests
    review/reannotate.csv, issues.csv   follow-up per item, every flagged row with its reason
    annotation_report.html              for people
    annotation_certificate.json | annotation_rejection.json   signed gate result
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from tdg import __version__
from tdg.transforms.annotation_config import LoadedAnnotationConfig, TableFormat
from tdg.transforms.annotation_decisions import decide_batch, follow_up, tally_batch
from tdg.transforms.annotation_gate import GateCheck, gate_checks, is_certified
from tdg.transforms.annotation_inputs import (
    ISSUES,
    ReadTable,
    format_from_path,
    match_files,
    read_table_local,
)
from tdg.transforms.annotation_records import (
    RULE_SECURITY,
    SCOPE_LABEL,
    SCOPE_REVIEW,
    SCOPE_ROSTER,
    SHEET_COLUMNS,
    Annotation,
    InputIssue,
    RosterEntry,
    RulesDocument,
    annotation_from_row,
    review_from_row,
    roster_entry_from_row,
    sheet_row_from_dict,
)
from tdg.transforms.annotation_report import render_report
from tdg.transforms.annotation_review import (
    DUPLICATE_ITEM,
    MISSING_RECORD,
    ItemOutcome,
    judge_item,
)
from tdg.transforms.annotation_rules import load_registry, register, verify_registered
from tdg.transforms.annotation_sampling import PLANS, UNASSIGNED, DrawReviewSample, plan_formula
from tdg.transforms.annotation_stats import Accuracy
from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing
from tdg.transforms.records import make_record_id
from tdg.transforms.signing import sign_document

SHEET_DIR = "sample"
REVIEW_DIR = "review"
SHEET_JSONL = "review_sheet.jsonl"
SHEET_CSV = "review_sheet.csv"
PLAN_FILE = "sample_plan.json"
SUMMARY_FILE = "review_summary.json"
REPORT_FILE = "annotation_report.html"
CERTIFICATE_FILE = "annotation_certificate.json"
REJECTION_FILE = "annotation_rejection.json"
SUMMARY_FORMAT = "tdg-annotation-review-v1"
PLAN_FORMAT = "tdg-annotation-sample-v1"


# ---------------------------------------------------------------------------- driver helpers


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    return PipelineOptions(beam_args or ["--runner=DirectRunner"])


def load_roster(loaded: LoadedAnnotationConfig) -> tuple[dict[str, RosterEntry], list[InputIssue]]:
    """The roster by person id (small: read on the driver); duplicate ids are issues."""
    spec = loaded.config.inputs.roster
    entries, issues = read_table_local(
        loaded.resolve(spec.uri), spec.format, roster_entry_from_row, SCOPE_ROSTER, "roster"
    )
    roster: dict[str, RosterEntry] = {}
    for e in entries:
        if e.person_id in roster:
            issues.append(
                InputIssue(
                    SCOPE_ROSTER,
                    "duplicate_roster_id",
                    spec.uri,
                    "person listed twice; the first entry is used",
                    person_id=e.person_id,
                )
            )
            continue
        roster[e.person_id] = e
    return roster, issues


def registered_rules(loaded: LoadedAnnotationConfig) -> dict[str, RulesDocument]:
    registry = load_registry(loaded.registry_path)
    if not registry:
        raise UserError(
            f"{loaded.registry_path}: no rules registered; run "
            f"`tdg annotations register-rules {loaded.path}` first"
        )
    return registry


def file_digests(uri: str, what: str) -> list[dict[str, str]]:
    out = []
    for path in match_files(uri, what):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        out.append({"path": path, "sha256": digest.hexdigest()})
    return out


def _write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    tmp.replace(path)


def _write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _read_shards(prefix: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(glob.glob(f"{prefix}-*")):
        with open(path, encoding="utf-8") as handle:
            rows.extend(json.loads(line) for line in handle if line.strip())
    return rows


def _to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def _write_shards(pcoll: beam.PCollection, label: str, prefix: Path) -> None:
    _ = pcoll | f"Write{label}" >> beam.io.WriteToText(str(prefix), shard_name_template="-SSSSS")


# ---------------------------------------------------------------------------- register-rules


def register_rules(loaded: LoadedAnnotationConfig) -> tuple[list[RulesDocument], list[str]]:
    docs = [(d.version, loaded.resolve(d.path)) for d in loaded.config.rules.documents]
    return register(docs, loaded.registry_path)


# ---------------------------------------------------------------------------- sample


def _unique_annotation(
    item: tuple[str, Iterable[Annotation]],
) -> Iterator[Any]:
    """One label per item id; an id used twice is ambiguous, so none of its rows is sampled."""
    _, labels = item
    rows = sorted(labels, key=lambda a: a.where)
    if len(rows) == 1:
        yield rows[0]
        return
    for a in rows:
        yield beam.pvalue.TaggedOutput(
            ISSUES,
            InputIssue(
                SCOPE_LABEL,
                DUPLICATE_ITEM,
                a.where,
                f"item id appears in {len(rows)} label rows",
                a.item_id,
                a.batch_id,
                a.annotator_id,
            ),
        )


@dataclass(frozen=True)
class SampleResult:
    sheet_rows: int
    batches: list[dict[str, Any]]
    issues: list[dict[str, Any]]
    sheet_csv: Path
    sheet_jsonl: Path
    plan_path: Path


def run_sample(loaded: LoadedAnnotationConfig, beam_args: list[str]) -> SampleResult:
    cfg = loaded.config
    registered_rules(loaded)  # the sample needs rules registered first (they pin the batch)
    roster, roster_issues = load_roster(loaded)
    spec = cfg.inputs.annotations
    files = match_files(loaded.resolve(spec.uri), "annotations")
    out_dir = loaded.output_root / SHEET_DIR
    scratch = out_dir / "_shards"
    shutil.rmtree(scratch, ignore_errors=True)

    with beam.Pipeline(options=pipeline_options(beam_args)) as p:
        parsed = p | "ReadAnnotations" >> ReadTable(
            files, spec.format, annotation_from_row, SCOPE_LABEL
        )
        unique = (
            parsed.rows
            | "ByItem" >> beam.Map(lambda a: (a.item_id, a))
            | "GroupItems" >> beam.GroupByKey()
            | "UniqueItems" >> beam.FlatMap(_unique_annotation).with_outputs(ISSUES, main="rows")
        )
        drawn = unique.rows | "Draw" >> DrawReviewSample(
            cfg.sampling.seed, cfg.sampling.plan, roster, cfg.qualification
        )
        _write_shards(
            drawn["rows"] | "SheetJson" >> beam.Map(lambda r: _to_json(r.as_dict())),
            "Sheet",
            scratch / "sheet",
        )
        _write_shards(drawn[PLANS] | "PlanJson" >> beam.Map(_to_json), "Plans", scratch / "plans")
        issues = (parsed[ISSUES], unique[ISSUES]) | "AllIssues" >> beam.Flatten()
        _write_shards(
            issues | "IssueJson" >> beam.Map(lambda i: _to_json(i.as_dict())),
            "Issues",
            scratch / "issues",
        )
        _write_shards(
            drawn[UNASSIGNED]
            | "UnassignedJson"
            >> beam.Map(
                lambda a: _to_json(
                    {
                        "item_id": a.item_id,
                        "batch_id": a.batch_id,
                        "annotator_id": a.annotator_id,
                        "day": a.annotated_on.isoformat(),
                    }
                )
            ),
            "Unassigned",
            scratch / "unassigned",
        )

    unassigned = sorted(_read_shards(scratch / "unassigned"), key=lambda r: r["item_id"])
    if unassigned:
        first = unassigned[0]
        shutil.rmtree(scratch, ignore_errors=True)
        raise UserError(
            f"{cfg.inputs.roster.uri}: no qualified reviewer other than annotator "
            f"{first['annotator_id']!r} on {first['day']} for item {first['item_id']!r} "
            f"(batch {first['batch_id']!r}); {len(unassigned)} sampled item(s) unassigned"
        )
    rows = sorted(_read_shards(scratch / "sheet"), key=lambda r: (r["batch_id"], r["rank"]))
    plans = sorted(_read_shards(scratch / "plans"), key=lambda r: r["batch_id"])
    issues_out = sorted(
        (*_read_shards(scratch / "issues"), *(i.as_dict() for i in roster_issues)),
        key=lambda i: (i["code"], i["where"]),
    )
    shutil.rmtree(scratch, ignore_errors=True)
    sheet_jsonl, sheet_csv = out_dir / SHEET_JSONL, out_dir / SHEET_CSV
    _write_jsonl(sheet_jsonl, rows)
    _write_csv(sheet_csv, SHEET_COLUMNS, rows)
    plan_doc = {
        "format": PLAN_FORMAT,
        "config_sha256": loaded.sha256,
        "seed": cfg.sampling.seed,
        "plan": cfg.sampling.plan.model_dump(),
        "formula": plan_formula(cfg.sampling.plan),
        "annotations": file_digests(loaded.resolve(spec.uri), "annotations"),
        "batches": plans,
        "issues": issues_out,
        "sheet_sha256": hashlib.sha256(sheet_jsonl.read_bytes()).hexdigest(),
    }
    _write_json(out_dir / PLAN_FILE, plan_doc)
    return SampleResult(len(rows), plans, issues_out, sheet_csv, sheet_jsonl, out_dir / PLAN_FILE)


# ---------------------------------------------------------------------------- review


class _JudgeItemFn(beam.DoFn):
    def __init__(
        self, roster: dict[str, RosterEntry], policy: Any, versions: frozenset[str]
    ) -> None:
        self._roster = roster
        self._policy = policy
        self._versions = versions

    def process(self, joined: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[Any]:
        item_id, parts = joined
        outcome, issues = judge_item(
            item_id,
            parts["labels"],
            parts["sheet"],
            parts["reviews"],
            self._roster,
            self._policy,
            self._versions,
        )
        for issue in issues:
            yield beam.pvalue.TaggedOutput(ISSUES, issue)
        if outcome is not None:
            yield outcome


def _missing_records(joined: tuple[str, dict[str, Iterable[Any]]]) -> Iterator[InputIssue]:
    record_id, parts = joined
    if any(True for _ in parts["records"]):
        return
    for a in parts["labels"]:
        yield InputIssue(
            SCOPE_LABEL,
            MISSING_RECORD,
            a.where,
            f"record {record_id} is not in the configured record list",
            a.item_id,
            a.batch_id,
            a.annotator_id,
        )


def _record_ids(loaded: LoadedAnnotationConfig) -> Any:
    """A row parser returning the record id a records-table row stands for."""
    spec = loaded.config.inputs.records
    assert spec is not None
    field_name, source_id, id_field = spec.record_id_field, spec.source_id, spec.id_field

    def parse(row: dict[str, Any], where: str) -> str | InputIssue:
        if field_name is not None:
            value = row.get(field_name)
            if value in (None, ""):
                return InputIssue("records", "missing_field", where, f"no {field_name!r}")
            return str(value)
        assert source_id is not None and id_field is not None
        own = row.get(id_field)
        return make_record_id(source_id, None if own in (None, "") else str(own), 0)

    return parse


def _add_pairs(parts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    first = second = 0
    for a, b in parts:
        first, second = first + a, second + b
    return first, second


def _batch_decision(
    joined: tuple[str, dict[str, Iterable[Any]]], plans: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    batch_id, parts = joined
    items = security = 0
    for n, s in parts["counts"]:
        items, security = items + n, security + s
    tally = tally_batch(batch_id, items, security, parts["sampled"])
    return decide_batch(tally, plans.get(batch_id))


def _annotator_part(o: ItemOutcome) -> tuple[str, tuple[int, int, int, Accuracy]]:
    flagged = int(bool(o.flags))
    acc = Accuracy.of_verdict(o.verdict) if o.verdict else Accuracy()
    return o.annotator_id, (1, int(o.sampled), flagged, acc)


def _add_annotator_parts(
    parts: Iterable[tuple[int, int, int, Accuracy]],
) -> tuple[int, int, int, Accuracy]:
    labels = sampled = flagged = 0
    acc = Accuracy()
    for n, s, f, a in parts:
        labels, sampled, flagged, acc = labels + n, sampled + s, flagged + f, acc + a
    return labels, sampled, flagged, acc


def _annotator_row(annotator: str, part: tuple[int, int, int, Accuracy]) -> dict[str, Any]:
    labels, sampled, flagged, acc = part
    return {
        "annotator_id": annotator,
        "labels": labels,
        "sampled": sampled,
        "flagged_labels": flagged,
        **acc.as_dict(),
    }


def _follow_up(o: ItemOutcome, status: dict[str, str]) -> Iterator[dict[str, Any]]:
    row = follow_up(o, status.get(o.batch_id, ""))
    if row is not None:
        yield row


def run_review(
    loaded: LoadedAnnotationConfig, reviews_uri: str, beam_args: list[str]
) -> dict[str, Any]:
    cfg = loaded.config
    registry = registered_rules(loaded)
    roster, roster_issues = load_roster(loaded)
    sheet_dir = loaded.output_root / SHEET_DIR
    sheet_path, plan_path = sheet_dir / SHEET_JSONL, sheet_dir / PLAN_FILE
    if not sheet_path.exists() or not plan_path.exists():
        raise UserError(
            f"{sheet_path}: no review sheet; run `tdg annotations sample {loaded.path}`"
        )
    plan_doc = json.loads(plan_path.read_text("utf-8"))
    if plan_doc.get("seed") != cfg.sampling.seed:
        raise UserError(
            f"{plan_path}: the sample was drawn with another seed; "
            "run `tdg annotations sample` again"
        )
    plans = {b["batch_id"]: b for b in plan_doc["batches"]}
    spec = cfg.inputs.annotations
    annotation_files = match_files(loaded.resolve(spec.uri), "annotations")
    review_files = match_files(reviews_uri, "reviews")
    review_format = format_from_path(review_files[0])
    out_dir = loaded.output_root / REVIEW_DIR
    scratch = out_dir / "_shards"
    shutil.rmtree(scratch, ignore_errors=True)

    with beam.Pipeline(options=pipeline_options(beam_args)) as p:
        labels = p | "ReadAnnotations" >> ReadTable(
            annotation_files, spec.format, annotation_from_row, SCOPE_LABEL
        )
        sheet = p | "ReadSheet" >> ReadTable(
            [str(sheet_path)],
            TableFormat.JSONL,
            lambda row, where: sheet_row_from_dict(row),
            "sheet",
        )
        reviews = p | "ReadReviews" >> ReadTable(
            review_files, review_format, review_from_row, SCOPE_REVIEW
        )
        issue_parts = [labels[ISSUES], reviews[ISSUES], sheet[ISSUES]]
        if cfg.inputs.records is not None:
            rec = cfg.inputs.records
            records = p | "ReadRecords" >> ReadTable(
                match_files(loaded.resolve(rec.uri), "records"),
                rec.format,
                _record_ids(loaded),
                "records",
            )
            issue_parts.append(records[ISSUES])
            issue_parts.append(
                {
                    "labels": labels.rows | "ByRecord" >> beam.Map(lambda a: (a.record_id, a)),
                    "records": records.rows | "RecordKey" >> beam.Map(lambda r: (r, None)),
                }
                | "JoinRecords" >> beam.CoGroupByKey()
                | "MissingRecords" >> beam.FlatMap(_missing_records)
            )
        judged = (
            {
                "labels": labels.rows | "LabelByItem" >> beam.Map(lambda a: (a.item_id, a)),
                "sheet": sheet.rows | "SheetByItem" >> beam.Map(lambda s: (s.item_id, s)),
                "reviews": reviews.rows | "ReviewByItem" >> beam.Map(lambda r: (r.item_id, r)),
            }
            | "JoinItems" >> beam.CoGroupByKey()
            | "Judge"
            >> beam.ParDo(
                _JudgeItemFn(roster, cfg.qualification, frozenset(registry))
            ).with_outputs(ISSUES, main="outcomes")
        )
        outcomes = judged.outcomes
        issue_parts.append(judged[ISSUES])
        decisions = (
            {
                "counts": outcomes
                | "CountKey"
                >> beam.Map(lambda o: (o.batch_id, (1, int(o.rule_type == RULE_SECURITY))))
                | "CountBatch" >> beam.CombinePerKey(_add_pairs),
                "sampled": outcomes
                | "Sampled" >> beam.Filter(lambda o: o.sampled)
                | "SampledByBatch" >> beam.Map(lambda o: (o.batch_id, o)),
            }
            | "JoinBatch" >> beam.CoGroupByKey()
            | "Decide" >> beam.Map(_batch_decision, plans)
        )
        annotators = (
            outcomes
            | "AnnotatorKey" >> beam.Map(_annotator_part)
            | "SumAnnotator" >> beam.CombinePerKey(_add_annotator_parts)
            | "AnnotatorRow" >> beam.MapTuple(_annotator_row)
        )
        follow_ups = outcomes | "FollowUp" >> beam.FlatMap(
            _follow_up,
            status=beam.pvalue.AsDict(
                decisions | "Status" >> beam.Map(lambda d: (d["batch_id"], d["status"]))
            ),
        )
        _write_shards(
            decisions | "DecisionJson" >> beam.Map(_to_json), "Batches", scratch / "batches"
        )
        _write_shards(
            annotators | "AnnotatorJson" >> beam.Map(_to_json), "Annotators", scratch / "annotators"
        )
        _write_shards(
            follow_ups | "FollowJson" >> beam.Map(_to_json), "FollowUps", scratch / "follow"
        )
        _write_shards(
            issue_parts
            | "AllIssues" >> beam.Flatten()
            | "IssueJson" >> beam.Map(lambda i: _to_json(i.as_dict())),
            "Issues",
            scratch / "issues",
        )

    batches = sorted(_read_shards(scratch / "batches"), key=lambda b: b["batch_id"])
    annotators_out = sorted(_read_shards(scratch / "annotators"), key=lambda a: a["annotator_id"])
    follow_out = sorted(
        _read_shards(scratch / "follow"), key=lambda r: (r["batch_id"], r["item_id"])
    )
    issues = sorted(
        (*_read_shards(scratch / "issues"), *(i.as_dict() for i in roster_issues)),
        key=lambda i: (i["scope"], i["code"], i["where"], i["item_id"] or ""),
    )
    shutil.rmtree(scratch, ignore_errors=True)
    summary = {
        "format": SUMMARY_FORMAT,
        "name": cfg.name,
        "config_sha256": loaded.sha256,
        "tdg_version": __version__,
        "reviewed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sampling": {
            "seed": plan_doc["seed"],
            "plan": plan_doc["plan"],
            "formula": plan_doc["formula"],
            "sheet_sha256": plan_doc.get("sheet_sha256"),
        },
        "inputs": {
            "annotations": file_digests(loaded.resolve(spec.uri), "annotations"),
            "roster": file_digests(loaded.resolve(cfg.inputs.roster.uri), "roster"),
            "reviews": file_digests(reviews_uri, "reviews"),
        },
        "rules": [registry[v].as_dict() for v in sorted(registry)],
        "batches": batches,
        "annotators": annotators_out,
        "issue_counts": dict(sorted(Counter(i["code"] for i in issues).items())),
        "issues": issues,
        "follow_up": follow_out,
    }
    _write_json(out_dir / SUMMARY_FILE, summary)
    _write_csv(
        out_dir / "reannotate.csv",
        (
            "batch_id",
            "item_id",
            "record_id",
            "annotator_id",
            "action",
            "reason",
            "verdict",
            "corrected_label",
        ),
        follow_out,
    )
    _write_csv(
        out_dir / "issues.csv",
        ("scope", "code", "where", "item_id", "batch_id", "person_id", "detail"),
        issues,
    )
    return summary


def load_summary(loaded: LoadedAnnotationConfig) -> dict[str, Any]:
    path = loaded.output_root / REVIEW_DIR / SUMMARY_FILE
    if not path.exists():
        raise UserError(
            f"{path}: no review summary; run `tdg annotations review {loaded.path} REVIEWS`"
        )
    summary: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return summary


# ---------------------------------------------------------------------------- report, certify


def write_report(
    loaded: LoadedAnnotationConfig,
    summary: dict[str, Any],
    gate: list[GateCheck] | None = None,
    certified: bool | None = None,
) -> Path:
    path = loaded.output_root / REPORT_FILE
    page = render_report(
        summary,
        loaded.config.certification.min_accuracy,
        None if gate is None else [g.as_dict() for g in gate],
        certified,
    )
    path.write_text(page, encoding="utf-8")
    return path


@dataclass(frozen=True)
class CertifyResult:
    certified: bool
    path: Path
    checks: list[GateCheck]


def run_certify(loaded: LoadedAnnotationConfig) -> CertifyResult:
    """Apply the gate to the latest review and write the signed certificate or rejection."""
    summary = load_summary(loaded)
    if summary.get("config_sha256") != loaded.sha256:
        raise UserError(
            f"{loaded.path}: the config changed since the review; "
            "run `tdg annotations review` again"
        )
    registry = registered_rules(loaded)
    private_key = KeyRing.default().signing_key()  # fail before any output if there is no key
    checks = gate_checks(summary, loaded.config.certification, verify_registered(registry))
    certified = is_certified(checks)
    payload = {
        "format": "tdg-annotation-certificate-v1" if certified else "tdg-annotation-rejection-v1",
        "status": "certified" if certified else "rejected",
        "name": summary["name"],
        "issued_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tdg_version": __version__,
        "config_sha256": loaded.sha256,
        "rules": [
            {"version": d.version, "sha256": d.sha256, "file": Path(d.path).name}
            for d in (registry[v] for v in sorted(registry))
        ],
        "sampling": summary["sampling"],
        "inputs": summary["inputs"],
        "thresholds": loaded.config.certification.model_dump(),
        "gate": [c.as_dict() for c in checks],
        "qa": {
            "batches": [
                {
                    k: b[k]
                    for k in (
                        "batch_id",
                        "status",
                        "items",
                        "sample_size",
                        "acceptance_number",
                        "reviewed",
                        "correct",
                        "incorrect",
                        "harmful",
                        "accuracy",
                        "wilson_low",
                        "wilson_high",
                        "security_items",
                        "security_reviewed",
                    )
                }
                for b in summary["batches"]
            ],
            "annotators": summary["annotators"],
            "issue_counts": summary["issue_counts"],
        },
    }
    signed = sign_document(payload, private_key)
    root = loaded.output_root
    target, stale = (
        (root / CERTIFICATE_FILE, root / REJECTION_FILE)
        if certified
        else (root / REJECTION_FILE, root / CERTIFICATE_FILE)
    )
    stale.unlink(missing_ok=True)
    _write_json(target, signed)
    write_report(loaded, summary, checks, certified)
    return CertifyResult(certified, target, checks)
