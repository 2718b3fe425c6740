"""The metrics table: pure per-record parts without Beam, then the transform on DirectRunner."""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions

from tdg.transforms.dataset_metrics import (
    METRICS_SCHEMA,
    QUANTILES,
    DatasetMetrics,
    Totals,
    assemble_metric_rows,
    metrics_path,
    provenance_complete,
    record_facts,
    residual_identifier_types,
)
from tdg.transforms.records import Quarantined, Record
from tests.record_factory import synthetic_record


def make_record(
    i: int, text: str | None = None, source: str = "src_a", **changes: object
) -> Record:
    body = text if text is not None else f"第{i}条样例文本，讲的是天气和河流。"
    record = synthetic_record(i, source, body)
    for key, value in changes.items():
        setattr(record, key, value)
    return record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请联系手机13812345678。", ("CN_MOBILE",)),
        ("电话：+86 138 1234 5678，谢谢", ("CN_MOBILE",)),
        ("全角号码１３８１２３４５６７８", ("CN_MOBILE",)),
        ("身份证号11010519491231002X。", ("CN_RESIDENT_ID",)),
        ("write to li.lei@mail.example.cn today", ("EMAIL_ADDRESS",)),
        # the reserved ranges tdg's surrogates use are not raw identifiers
        ("write to li.lei@example.com. Thanks", ()),
        ("手机15412345678，身份证号19010519491231002X", ()),
        ("卡号6200000000000005已冻结", ("BANK_CARD",)),
        ("卡号 6200 0000 0000 0005", ("BANK_CARD",)),
        ("手机<PHONE_NUMBER_7f3a>，邮箱<EMAIL_ADDRESS_19bc>", ()),
        ("2024年10月1日，订单号20241001，金额138元", ()),
        ("编号1381234567890（13位）", ()),
    ],
)
def test_residual_identifier_types(text: str, expected: tuple[str, ...]) -> None:
    assert residual_identifier_types(text) == expected


def test_provenance_complete_needs_nonempty_strings_and_offset() -> None:
    assert provenance_complete(make_record(1))
    assert not provenance_complete(make_record(1, licence=""))
    assert not provenance_complete(make_record(1, source_uri=None))
    assert not provenance_complete(make_record(1, source_offset=-1))


def test_record_facts_carry_no_text() -> None:
    facts = record_facts(make_record(3, text="手机13812345678", language=None))
    assert facts.language == "und"
    assert facts.text_chars == len("手机13812345678")
    assert facts.residual_identifiers == ("CN_MOBILE",)
    assert "13812345678" not in repr(facts)


def test_totals_merge_is_order_free() -> None:
    facts = [record_facts(make_record(i, text="x" * i)) for i in range(1, 6)]
    left = Totals().add(facts[0]).add(facts[1])
    right = Totals().add(facts[2]).add(facts[3]).add(facts[4])
    one_pass = Totals()
    for f in facts:
        one_pass = one_pass.add(f)
    assert left.merge(right) == right.merge(left) == one_pass
    assert (one_pass.chars_min, one_pass.chars_max, one_pass.accepted) == (1, 5, 5)


def test_assemble_rows() -> None:
    rows = assemble_metric_rows(
        totals=Totals(
            accepted=8, provenance_incomplete=0, residual_pii=2, chars_min=3, chars_max=9
        ),
        distinct_outputs=6,
        duplicate_record_ids=1,
        length_cuts=list(range(QUANTILES + 1)),
        accepted_by_source={"a": 6, "b": 2},
        quarantined_by_source={"b": 2, "c": 1},
        accepted_by_language={"zh": 6, "en": 2},
        sources_by_language={"zh": 2, "en": 1},
    )
    assert [(r["scope_kind"], r["scope"]) for r in rows] == [
        ("dataset", "*"),
        ("source", "a"),
        ("source", "b"),
        ("source", "c"),
        ("language", "en"),
        ("language", "zh"),
    ]
    top = rows[0]
    assert top["exact_duplicate_rate"] == pytest.approx(2 / 8)
    assert top["quarantine_ratio"] == pytest.approx(3 / 11)
    assert top["residual_pii_rate"] == pytest.approx(0.25)
    assert top["text_chars_p50"] == 50
    assert rows[3]["quarantine_ratio"] == 1.0  # a source with nothing accepted
    assert rows[4]["sources_per_language"] == 1
    assert all(set(r) == set(METRICS_SCHEMA.names) for r in rows)


def _run(accepted: list[Record], quarantined: list[Quarantined], out: Path) -> list[dict]:
    options = PipelineOptions(runner="DirectRunner")
    with beam.Pipeline(options=options) as p:
        acc = p | "Accepted" >> beam.Create(accepted)
        qua = p | "Quarantined" >> beam.Create(quarantined)
        _ = (acc, qua) | DatasetMetrics(str(out))
    return pq.read_table(metrics_path(str(out))).to_pylist()


def test_transform_on_direct_runner(tmp_path: Path) -> None:
    dup_text = "同一段文字出现两次。"
    accepted = [
        make_record(1),
        make_record(2, text=dup_text),
        make_record(3, text=dup_text, source="src_b"),
        make_record(4, source="src_b", language="en", text="a plain English sentence"),
        make_record(5, text="联系13812345678"),
    ]
    accepted.append(make_record(1))  # the same record id twice
    quarantined = [
        Quarantined.of(make_record(9, source="src_b"), "consent", "no_basis", "no legal basis"),
        Quarantined("src_c", "file:///c", -1, "read", "corrupt_file", "bad gzip", "run-test"),
    ]
    rows = _run(accepted, quarantined, tmp_path / "metrics")
    by_scope = {(r["scope_kind"], r["scope"]): r for r in rows}
    top = by_scope[("dataset", "*")]
    assert top["accepted_records"] == 6
    assert top["quarantined_records"] == 2
    assert top["duplicate_record_ids"] == 1
    # record 1 twice and the shared text: 6 records, 4 distinct outputs
    assert top["exact_duplicate_records"] == 2
    assert top["residual_pii_records"] == 1
    assert top["provenance_complete_rate"] == 1.0
    assert top["text_chars_min"] <= top["text_chars_p50"] <= top["text_chars_max"]
    assert by_scope[("source", "src_b")]["quarantine_ratio"] == pytest.approx(1 / 3)
    assert by_scope[("source", "src_c")]["quarantine_ratio"] == 1.0
    assert by_scope[("language", "zh")]["sources_per_language"] == 2
    assert by_scope[("language", "en")]["sources_per_language"] == 1
    assert not any("13812345678" in str(v) for r in rows for v in r.values())


def test_transform_on_empty_input(tmp_path: Path) -> None:
    rows = _run([], [], tmp_path / "metrics")
    assert len(rows) == 1
    assert rows[0]["accepted_records"] == 0
    assert rows[0]["exact_duplicate_rate"] == 0.0
    assert rows[0]["text_chars_p50"] is None
