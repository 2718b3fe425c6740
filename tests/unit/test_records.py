import dataclasses
import pickle
from datetime import UTC, datetime

import pyarrow as pa

from tdg.transforms.records import (
    QUARANTINE_SCHEMA,
    RECORD_SCHEMA,
    TRANSIENT_FIELDS,
    BasisEvidence,
    PendingAnonymization,
    PiiEntry,
    Quarantined,
    Record,
    make_record_id,
    sha256_text,
)


def make_record() -> Record:
    return Record(
        record_id=make_record_id("src", "a1", 3),
        text="联系人王小明",
        source_id="src",
        source_uri="/data/a.jsonl",
        source_offset=3,
        source_kind="user_data",
        licence="CC-BY-4.0",
        content_sha256=sha256_text("联系人王小明"),
        output_sha256=sha256_text("联系人王小明"),
        ingested_at=datetime(2026, 11, 24, tzinfo=UTC),
        run_id="r1",
        pipeline_version="0.1.0",
        config_sha256="c" * 64,
        language="zh",
        subject_id="subj-0001",
        metadata={"url": "https://forum.example/1"},
        transformations=["normalize.nfc"],
        pii=[PiiEntry("PERSON", 1, "surrogate", "direct_identifier")],
        pii_status="de-identified",
        legal_basis="consent",
        basis_evidence=BasisEvidence("consent", "cons-1", "2", None),
        policy_sha256="p" * 64,
    )


def test_record_fields_match_schema() -> None:
    names = {f.name for f in dataclasses.fields(Record)} - TRANSIENT_FIELDS
    assert names == set(RECORD_SCHEMA.names)
    assert {f.name for f in dataclasses.fields(Quarantined)} == set(QUARANTINE_SCHEMA.names)


def test_record_round_trips_through_arrow_and_pickle() -> None:
    record = make_record()
    table = pa.Table.from_pylist([record.to_row()], schema=RECORD_SCHEMA)
    back = Record.from_row(table.to_pylist()[0])
    assert back == record
    assert pickle.loads(pickle.dumps(record)) == record


def test_quarantine_round_trips_and_holds_no_text() -> None:
    q = Quarantined.of(make_record(), "validate", "empty_text", "text is empty")
    table = pa.Table.from_pylist([q.to_row()], schema=QUARANTINE_SCHEMA)
    assert Quarantined(**table.to_pylist()[0]) == q
    assert "text" not in QUARANTINE_SCHEMA.names
    assert pickle.loads(pickle.dumps(q)) == q


def test_record_id_is_stable_and_distinguishes_sources_and_positions() -> None:
    assert make_record_id("s", "x", 1) == make_record_id("s", "x", 99)  # own id wins
    assert make_record_id("s", None, 1) != make_record_id("s", None, 2)
    assert make_record_id("s", "x", 1) != make_record_id("t", "x", 1)
    assert make_record_id("s", "", 5) == make_record_id("s", None, 5)


def test_with_text_updates_hash_and_keeps_history() -> None:
    r = make_record()
    out = r.with_text("联系人<PERSON>", "pii.deidentify")
    assert out.output_sha256 == sha256_text("联系人<PERSON>")
    assert out.content_sha256 == r.content_sha256
    assert out.transformations == ["normalize.nfc", "pii.deidentify"]
    assert r.transformations == ["normalize.nfc"]


def test_a_record_holding_its_original_text_cannot_be_written() -> None:
    import pytest

    r = dataclasses.replace(make_record(), pending=PendingAnonymization("原文", ()))
    with pytest.raises(ValueError, match="original text"):
        r.to_row()
