#!/usr/bin/env python3
"""Generate the annotation QA sample: labels, roster, record list and reviews with planted cases.

Seeded and byte-identical on every run; everything is made up here (labels are intent and safety
tags, people are ids). `python samples/annotations/generate.py` writes next to this script.
Record ids are those of the sample corpus' synthetic source (`make_record_id("synthetic",
"dlg-NNNN", 0)`). Reviews follow the QA sample that `configs/annotations.yaml` draws (computed with
the same selection code), with these planted cases (tests assert each outcome via `PLANTED`):

    batch-01  accepted       every sampled verdict correct
    batch-02  rejected       3 incorrect verdicts (plan accepts 0)
    batch-03  void           1 harmful verdict
    batch-04  accepted       but ann-06's labels are flagged: qualification expired
    batch-05  accepted       plus a self-review (ann-01 reviewing ann-01): gate fails
    batch-06  accepted       plus bad inputs: unknown annotator ann-99, a label on a missing
                             record, a duplicate review, a verdict for an unsampled item and one
                             for an item id that does not exist
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tdg.transforms.annotation_config import ConfidencePlan, QualificationPolicy
from tdg.transforms.annotation_qualification import qualified_reviewers
from tdg.transforms.annotation_records import Annotation, RosterEntry, roster_entry_from_row
from tdg.transforms.annotation_sampling import pick_reviewer, select_in_memory
from tdg.transforms.records import make_record_id

SEED = 20250601
SAMPLE_SEED = "tdg-annotations-sample-1"  # sampling.seed in configs/annotations.yaml
PLAN = ConfidencePlan(kind="zero_failure", confidence=0.95, tolerated_error_rate=0.10)
HERE = Path(__file__).resolve().parent
SOURCE_ID = "synthetic"
CORPUS_DIALOGUES = 200  # the corpus' synthetic source holds dlg-0001 .. dlg-0200
INTENTS = ("greeting", "question", "request", "complaint", "other")

BATCH_ANNOTATORS = {
    "batch-01": ("ann-01", "ann-02", "ann-03", "ann-04", "ann-05"),
    "batch-02": ("ann-01", "ann-02", "ann-03", "ann-04", "ann-05"),
    "batch-03": ("ann-01", "ann-02", "ann-03", "ann-04", "ann-05"),
    "batch-04": ("ann-02", "ann-03", "ann-06"),
    "batch-05": ("ann-01", "ann-02", "ann-03", "ann-04"),
    "batch-06": ("ann-03", "ann-04", "ann-05"),
}
ITEMS_PER_BATCH = 50
SECURITY_PER_BATCH = 5

UNKNOWN_ANNOTATOR_ITEM = "itm-batch-06-900"
MISSING_RECORD_ITEM = "itm-batch-06-901"
UNKNOWN_ITEM = "itm-batch-06-999"

PLANTED = {
    "status": {
        "batch-01": "accepted",
        "batch-02": "rejected",
        "batch-03": "void",
        "batch-04": "accepted",
        "batch-05": "accepted",
        "batch-06": "accepted",
    },
    "incorrect_in": {"batch-02": 3},
    "harmful_in": {"batch-03": 1},
    "unqualified_annotator": "ann-06",
    "unknown_annotator": "ann-99",
    "self_reviewer": "ann-01",
    "issue_counts": {  # at least these many of each code
        "unknown_annotator": 1,
        "missing_record": 1,
        "duplicate_review": 1,
        "review_of_unsampled_item": 1,
        "review_of_unknown_item": 1,
        "self_review": 1,
    },
}


def record_id(i: int) -> str:
    return make_record_id(SOURCE_ID, f"dlg-{i:04d}", 0)


def roster_rows() -> list[dict[str, Any]]:
    def person(pid: str, roles: list[str], expires: str, score: float = 88.0) -> dict[str, Any]:
        return {
            "annotator_id": pid,
            "roles": roles,
            "qualified_on": "2025-01-10",
            "expires_on": expires,
            "training": [{"date": "2025-01-06", "syllabus_version": "syl-1", "score": score}],
        }

    rows = [person(f"ann-0{i}", ["annotator"], "2026-12-31") for i in range(2, 6)]
    rows.insert(0, person("ann-01", ["annotator", "reviewer"], "2026-12-31"))
    rows.append(person("ann-06", ["annotator"], "2025-03-31", 75.0))  # expired before June
    rows += [person(f"rev-0{i}", ["reviewer"], "2026-12-31", 95.0) for i in range(1, 4)]
    return rows


def annotation_rows(rng: random.Random) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    next_record = 0
    for b, (batch, annotators) in enumerate(sorted(BATCH_ANNOTATORS.items())):
        version = "v1" if b < 3 else "v2"
        start = datetime(2025, 6, 2 + 2 * b, 9, 0, tzinfo=UTC)
        for k in range(ITEMS_PER_BATCH):
            security = k >= ITEMS_PER_BATCH - SECURITY_PER_BATCH
            rows.append(
                {
                    "item_id": f"itm-{batch}-{k:03d}",
                    "record_id": record_id(1 + next_record % CORPUS_DIALOGUES),
                    "labels": [rng.choice(("safe", "unsafe"))]
                    if security
                    else [rng.choice(INTENTS)],
                    "annotator_id": annotators[k % len(annotators)],
                    "batch_id": batch,
                    "task_id": "task-safety" if security else "task-intent",
                    "rule_type": "security" if security else "functional",
                    "rules_version": version,
                    "annotated_at": (start + timedelta(minutes=3 * k)).isoformat(),
                    "seconds_spent": rng.randint(20, 200),
                }
            )
            next_record += 1
    last = datetime(2025, 6, 12, 15, 0, tzinfo=UTC).isoformat()
    rows.append(
        {
            **rows[-10],
            "item_id": UNKNOWN_ANNOTATOR_ITEM,
            "annotator_id": "ann-99",
            "record_id": record_id(5),
            "annotated_at": last,
        }
    )
    rows.append(
        {
            **rows[-11],
            "item_id": MISSING_RECORD_ITEM,
            "annotator_id": "ann-03",
            "record_id": make_record_id(SOURCE_ID, "dlg-9999", 0),
            "annotated_at": last,
        }
    )
    return rows


def _annotation(row: dict[str, Any]) -> Annotation:
    return Annotation(
        item_id=row["item_id"],
        record_id=row["record_id"],
        labels=tuple(row["labels"]),
        annotator_id=row["annotator_id"],
        batch_id=row["batch_id"],
        task_id=row["task_id"],
        rule_type=row["rule_type"],
        rules_version=row["rules_version"],
        annotated_at=datetime.fromisoformat(row["annotated_at"]),
        seconds_spent=float(row["seconds_spent"]),
        where="generated",
    )


def review_rows(annotations: list[dict[str, Any]], roster: list[dict[str, Any]]) -> list[dict]:
    entries: dict[str, RosterEntry] = {}
    for r in roster:
        entry = roster_entry_from_row(r, "generated")
        assert isinstance(entry, RosterEntry)
        entries[entry.person_id] = entry
    labels = [_annotation(r) for r in annotations]
    chosen, _ = select_in_memory(labels, SAMPLE_SEED, PLAN)
    policy = QualificationPolicy()
    reviews: list[dict[str, Any]] = []
    sampled = {a.item_id for _, _, a in chosen}
    by_batch: dict[str, list[Annotation]] = {}
    for _, _, a in chosen:
        by_batch.setdefault(a.batch_id, []).append(a)
    for batch, items in sorted(by_batch.items()):
        functional = [a for a in items if a.rule_type == "functional"]
        wrong = {a.item_id for a in functional[:3]} if batch == "batch-02" else set()
        harmful = {functional[0].item_id} if batch == "batch-03" else set()
        for i, a in enumerate(items):
            reviewer = pick_reviewer(
                SAMPLE_SEED,
                a.item_id,
                a.annotator_id,
                qualified_reviewers(entries, a.annotated_on, policy),
            )
            assert reviewer is not None
            reviewed_at = datetime(2025, 6, 20, 10, 0, tzinfo=UTC) + timedelta(minutes=i)
            review = {
                "item_id": a.item_id,
                "reviewer_id": reviewer,
                "verdict": "correct",
                "corrected_label": "",
                "reviewed_at": reviewed_at.isoformat(),
            }
            if a.item_id in wrong:
                fix = next(x for x in INTENTS if x not in a.labels)
                review.update(verdict="incorrect", corrected_label=fix)
            if a.item_id in harmful:
                review.update(verdict="harmful")
            reviews.append(review)
        if batch == "batch-05":
            own = next(a for a in items if a.annotator_id == PLANTED["self_reviewer"])
            reviews.append({**reviews[-1], "item_id": own.item_id, "reviewer_id": own.annotator_id})
        if batch == "batch-06":
            reviews.append(dict(reviews[-len(items)]))  # the same reviewer's verdict again
            unsampled = next(
                r["item_id"]
                for r in annotations
                if r["batch_id"] == batch and r["item_id"] not in sampled
            )
            reviews.append({**reviews[-1], "item_id": unsampled, "reviewer_id": "rev-01"})
            reviews.append({**reviews[-1], "item_id": UNKNOWN_ITEM, "reviewer_id": "rev-02"})
    return reviews


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def generate(out: Path) -> dict[str, Path]:
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    roster = roster_rows()
    annotations = annotation_rows(rng)
    paths = {
        "annotations": out / "annotations.jsonl",
        "roster": out / "roster.jsonl",
        "records": out / "records.jsonl",
        "reviews": out / "reviews.jsonl",
    }
    write_jsonl(paths["annotations"], annotations)
    write_jsonl(paths["roster"], roster)
    records = [{"record_id": record_id(i)} for i in range(1, CORPUS_DIALOGUES + 1)]
    write_jsonl(paths["records"], records)
    write_jsonl(paths["reviews"], review_rows(annotations, roster))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory")
    args = parser.parse_args()
    for name, path in generate(args.out).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
