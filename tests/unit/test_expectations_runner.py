"""The runner on real Parquet shards: a clean run passes, planted failures fail the right suites,
and nothing written under validation/ contains a planted identifier."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tdg.transforms.dataset_metrics import DatasetMetrics, metrics_path
from tdg.transforms.errors import UserError
from tdg.transforms.expectations_runner import (
    ExpectationOutcome,
    ExpectationSettings,
    SuiteResult,
    finalize_outcome,
    merge_outcome,
    run_expectations,
    run_row_level,
    scrub_report,
    shard_paths_in,
)
from tdg.transforms.records import (
    PII_DEIDENTIFIED,
    RECORD_SCHEMA,
    BasisEvidence,
    Quarantined,
    Record,
    sha256_text,
)
from tests.record_factory import synthetic_record

MOBILE = "13812345678"
RESIDENT_ID = "11010519491231002X"
IN_MEMORY = PipelineOptions(runner="DirectRunner", direct_running_mode="in_memory")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """GX must not phone home: any outbound connection fails the test."""

    def refuse(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"network access attempted: {address!r}")
        return real_connect(self, address)

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


def make_record(i: int, source: str, language: str, text: str | None = None) -> Record:
    body = text if text is not None else f"{source} 第{i}条：今天的河流水位正常，天气晴。"
    record = synthetic_record(i, source, body, language)
    if i % 3 == 0:  # some records were de-identified under consent
        record.pii_status = PII_DEIDENTIFIED
        record.legal_basis = "consent"
        record.basis_evidence = BasisEvidence(kind="consent", reference=f"consent-{i}", version="1")
    return record


def clean_records() -> list[Record]:
    return [
        make_record(i + offset, source, language)
        for source in ("src_a", "src_b")
        for language, offset in (("zh", 0), ("en", 100))
        for i in range(12)
    ]


def write_shards(
    records: list[Record], data_dir: Path, shards: int, nullable: bool = False
) -> None:
    schema = RECORD_SCHEMA
    if nullable:  # a writer that does not enforce the schema's non-null fields
        schema = pa.schema([f.with_nullable(True) for f in RECORD_SCHEMA])
    data_dir.mkdir(parents=True)
    for n in range(shards):
        rows = [r.to_row() for r in records[n::shards]]
        pq.write_table(
            pa.Table.from_pylist(rows, schema=schema), data_dir / f"part-{n:05d}.parquet"
        )


def compute_metrics(accepted: list[Record], quarantined: list[Quarantined], out: Path) -> str:
    with beam.Pipeline(options=IN_MEMORY) as p:
        acc = p | "A" >> beam.Create(accepted)
        qua = p | "Q" >> beam.Create(quarantined)
        _ = (acc, qua) | DatasetMetrics(str(out))
    return metrics_path(str(out))


def by_name(results: list[SuiteResult]) -> dict[str, SuiteResult]:
    return {r.suite: r for r in results}


def test_clean_run_passes_every_suite(tmp_path: Path) -> None:
    records = clean_records()
    write_shards(records, tmp_path / "data", shards=3)
    metrics = compute_metrics(records, [], tmp_path / "metrics")
    outcome = run_expectations(
        shard_paths_in(str(tmp_path / "data")),
        metrics,
        ExpectationSettings(),
        str(tmp_path / "validation"),
        # the default options: DirectRunner multi_processing, one worker per core
    )
    failed = [
        (r.suite, e.type, e.column)
        for r in outcome.results
        for e in r.expectations
        if not e.success
    ]
    assert outcome.success, failed
    results = by_name(outcome.results)
    assert set(results) == {
        "provenance_complete",
        "legal_basis",
        "no_raw_identifiers",
        "text_quality",
        "record_id_unique",
        "dataset_metrics",
    }
    assert results["no_raw_identifiers"].shards == 3
    assert results["no_raw_identifiers"].rows == len(records)
    assert results["no_raw_identifiers"].expectations[0].element_count == len(records)
    # de-identified records need evidence: 8 of 48 have a basis, all with a reference
    evidence = results["legal_basis"].expectations[1]
    assert (evidence.element_count, evidence.unexpected_count) == (16, 0)
    duplicates = results["dataset_metrics"].expectations[1]
    assert duplicates.column == "exact_duplicate_rate" and duplicates.observed_value == 0.0
    document = json.loads((tmp_path / "validation" / "results.json").read_text(encoding="utf-8"))
    assert document["success"] is True
    assert "passed" in (tmp_path / "validation" / "index.html").read_text(encoding="utf-8")


def test_planted_failures_fail_the_right_suites_and_leak_nothing(tmp_path: Path) -> None:
    records = clean_records()
    records[1].text = f"请拨打{MOBILE}联系我"
    records[1].output_sha256 = sha256_text(records[1].text)
    records[5].text = f"身份证号{RESIDENT_ID}。"
    records[5].output_sha256 = sha256_text(records[5].text)
    records[7].licence = None
    records[20].record_id = records[2].record_id  # same id, different shard
    write_shards(records, tmp_path / "data", shards=3, nullable=True)
    metrics = compute_metrics(records, [], tmp_path / "metrics")
    outcome = run_expectations(
        shard_paths_in(str(tmp_path / "data")),
        metrics,
        ExpectationSettings(thresholds={"min_sources_per_language": 2}),
        str(tmp_path / "validation"),
        pipeline_options=IN_MEMORY,
    )
    assert not outcome.success
    results = by_name(outcome.results)
    assert {name for name, r in results.items() if not r.success} == {
        "no_raw_identifiers",
        "provenance_complete",
        "record_id_unique",
        "dataset_metrics",
    }
    identifiers = {
        e.description.split("(")[0].strip(): e.unexpected_count
        for e in results["no_raw_identifiers"].expectations
        if e.description
    }
    assert identifiers == {
        "no raw mainland mobile number": 1,
        "no raw resident ID number": 1,
        "no raw e-mail address": 0,
        "no raw bank card number": 0,
    }
    licence = next(
        e
        for e in results["provenance_complete"].expectations
        if e.column == "licence" and e.type == "expect_column_values_to_not_be_null"
    )
    assert (licence.success, licence.unexpected_count) == (False, 1)
    assert results["record_id_unique"].expectations[0].observed_value == 1.0
    failed_metrics = {e.column for e in results["dataset_metrics"].expectations if not e.success}
    assert failed_metrics == {"residual_pii_rate", "provenance_complete_rate"}

    written = [p for p in (tmp_path / "validation").rglob("*") if p.is_file()]
    assert {p.name for p in written} == {"results.json", "index.html"}
    for path in written:
        body = path.read_text(encoding="utf-8")
        for planted in (MOBILE, RESIDENT_ID, records[1].text, records[5].text):
            assert planted not in body, f"{path.name} contains a planted identifier"
        assert "partial_unexpected" not in body and "unexpected_index" not in body


def test_threshold_override_changes_the_verdict(tmp_path: Path) -> None:
    records = [make_record(i, "src_a", "zh") for i in range(6)]
    write_shards(records, tmp_path / "data", shards=1)
    metrics = compute_metrics(records, [], tmp_path / "metrics")
    strict = run_expectations(
        shard_paths_in(str(tmp_path / "data")),
        metrics,
        ExpectationSettings(),
        str(tmp_path / "v1"),
        pipeline_options=IN_MEMORY,
    )
    assert not by_name(strict.results)["dataset_metrics"].success  # one source for zh
    relaxed = run_expectations(
        shard_paths_in(str(tmp_path / "data")),
        metrics,
        ExpectationSettings(
            suites=["dataset_metrics", "text_quality"],
            thresholds={"min_sources_per_language": 1, "max_text_chars": 10},
        ),
        str(tmp_path / "v2"),
        pipeline_options=IN_MEMORY,
    )
    results = by_name(relaxed.results)
    assert results["dataset_metrics"].success
    assert results["dataset_metrics"].parameters["min_sources_per_language"] == 1.0
    assert not results["text_quality"].success  # every text is longer than 10 characters


def test_merge_sums_counts_and_redecides_mostly() -> None:
    a = ExpectationOutcome(
        type="expect_column_values_to_not_match_regex",
        column="text",
        success=True,
        element_count=200,
        unexpected_count=1,
        mostly=0.98,
    )
    b = a.model_copy(update={"element_count": 10, "unexpected_count": 2, "success": False})
    merged = finalize_outcome(merge_outcome(a, b))
    assert (merged.element_count, merged.unexpected_count) == (210, 3)
    assert merged.success  # 207/210 >= 0.98 although one shard failed on its own
    strict = finalize_outcome(merge_outcome(a.model_copy(update={"mostly": 1.0}), b))
    assert not strict.success


def test_scrub_report_drops_value_keys_at_any_depth() -> None:
    raw = {"a": [{"result": {"unexpected_count": 1, "partial_unexpected_list": [MOBILE]}}]}
    assert MOBILE not in json.dumps(scrub_report(raw))


def test_no_shards_and_unknown_columns(tmp_path: Path) -> None:
    results = run_row_level([], ExpectationSettings(suites=["no_raw_identifiers"]))
    assert [(r.suite, r.success, r.shards, r.rows) for r in results] == [
        ("no_raw_identifiers", True, 0, 0)
    ]
    write_shards([make_record(1, "src_a", "zh")], tmp_path / "data", shards=1)
    suite = tmp_path / "custom.json"
    suite.write_text(
        json.dumps(
            {
                "name": "custom",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "nope"}}
                ],
                "meta": {"tdg": {"kind": "row"}},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(UserError, match="suite custom: column 'nope' is not in the data shards"):
        run_row_level(
            shard_paths_in(str(tmp_path / "data")), ExpectationSettings(suites=[str(suite)])
        )
