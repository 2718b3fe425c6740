"""Parsing input rows into typed views, and reading JSONL / CSV / Parquet tables."""

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tdg.transforms.annotation_config import TableFormat
from tdg.transforms.annotation_inputs import iter_table, read_table_local
from tdg.transforms.annotation_records import (
    Annotation,
    InputIssue,
    Review,
    RosterEntry,
    annotation_from_row,
    review_from_row,
    roster_entry_from_row,
)

ROW = {
    "item_id": "i1",
    "record_id": "r1",
    "labels": ["a", "b"],
    "annotator_id": "p1",
    "batch_id": "b1",
    "task_id": "t1",
    "rule_type": "Functional",
    "rules_version": "v1",
    "annotated_at": "2025-06-01T23:30:00-02:00",
    "seconds_spent": "12.5",
}


def test_annotation_row_parses() -> None:
    a = annotation_from_row(ROW, "f:1")
    assert isinstance(a, Annotation)
    assert a.labels == ("a", "b") and a.rule_type == "functional"
    assert a.annotated_on == date(2025, 6, 2)  # the UTC day
    csv_row = {**ROW, "labels": "a; b"}
    assert annotation_from_row(csv_row, "f:2").labels == ("a", "b")  # type: ignore[union-attr]


def test_bad_annotation_rows_name_the_field() -> None:
    for change, field in [
        ({"rule_type": "style"}, "rule_type"),
        ({"annotated_at": "yesterday"}, "annotated_at"),
        ({"labels": []}, "labels"),
        ({"seconds_spent": "-3"}, "seconds_spent"),
        ({"annotator_id": ""}, "annotator_id"),
    ]:
        issue = annotation_from_row({**ROW, **change}, "f:7")
        assert isinstance(issue, InputIssue), change
        assert issue.where == "f:7" and field in issue.detail and issue.item_id == "i1"


def test_roster_row_with_csv_style_fields() -> None:
    row = {
        "annotator_id": "p1",
        "roles": "annotator;reviewer",
        "qualified_on": "2025-01-01",
        "expires_on": "",
        "training": json.dumps([{"date": "2025-01-02", "syllabus_version": "s", "score": 80}]),
    }
    entry = roster_entry_from_row(row, "r:1")
    assert isinstance(entry, RosterEntry)
    assert entry.roles == {"annotator", "reviewer"} and entry.expires_on is None
    assert entry.training[0].score == 80.0
    bad = roster_entry_from_row({**row, "roles": "boss"}, "r:2")
    assert isinstance(bad, InputIssue) and "roles" in bad.detail


def test_review_rows() -> None:
    ok = review_from_row({"item_id": "i", "reviewer_id": "r", "verdict": "Correct"}, "v:1")
    assert isinstance(ok, Review) and ok.verdict == "correct"
    bad = review_from_row({"item_id": "i", "reviewer_id": "r", "verdict": "incorrect"}, "v:2")
    assert isinstance(bad, InputIssue) and "corrected_label" in bad.detail
    fixed = review_from_row(
        {"item_id": "i", "reviewer_id": "r", "verdict": "incorrect", "corrected_label": "x"}, "v:3"
    )
    assert isinstance(fixed, Review) and fixed.corrected_labels == ("x",)


def test_tables_in_three_formats(tmp_path: Path) -> None:
    rows = [ROW, {**ROW, "item_id": "i2"}]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps(rows[0]) + "\nnot json\n\n" + json.dumps(rows[1]) + "\n")
    got = list(iter_table(str(jsonl), TableFormat.JSONL, "label"))
    assert [g[0] if isinstance(g, tuple) else g.code for g in got] == [
        f"{jsonl}:1",
        "invalid_label_row:malformed",
        f"{jsonl}:4",
    ]
    csv_path = tmp_path / "a.csv"
    header = ",".join(ROW)
    csv_path.write_text(
        header
        + "\n"
        + ",".join(str(v) if not isinstance(v, list) else "a;b" for v in ROW.values())
        + "\n"
    )
    good, issues = read_table_local(
        str(csv_path), TableFormat.CSV, annotation_from_row, "label", "x"
    )
    assert len(good) == 1 and not issues and good[0].labels == ("a", "b")
    pq_path = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pq_path)
    good, issues = read_table_local(
        str(pq_path), TableFormat.PARQUET, annotation_from_row, "label", "x"
    )
    assert [a.item_id for a in good] == ["i1", "i2"] and not issues
