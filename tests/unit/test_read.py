"""Parsing pure functions and file readers, without Beam."""

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tdg.pipelines.config import SourceConfig
from tdg.transforms.errors import CorruptInputError
from tdg.transforms.read import (
    WorkItem,
    iter_csv_rows,
    iter_lines,
    iter_text,
    parse_jsonl_line,
    plan_work_items,
    read_work_item,
)
from tdg.transforms.records import Quarantined, Record, sha256_text
from tdg.transforms.run_context import RunContext

CTX = RunContext("run-1", "0.1.0", "c" * 64, datetime(2026, 11, 24, tzinfo=UTC))


def source(**kw: object) -> SourceConfig:
    base: dict[str, object] = {
        "id": "s",
        "uri": "x",
        "format": "jsonl",
        "kind": "user_data",
        "licence": "CC0-1.0",
        "evidence": "e",
        "fields": {"id": "id", "subject_id": "uid", "language": "lang", "metadata": ["url"]},
    }
    base.update(kw)
    return SourceConfig.model_validate(base)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "json_parse_error"),
        (b'{"id": "1"}', "missing_text"),
        (b'{"id": "1", "text": null}', "missing_text"),
        (b'{"id": "1", "text": 12345}', "wrong_type"),
        (b'{"id": "1", "text": ["a"]}', "wrong_type"),
        (b'["a", "b"]', "wrong_type"),
        (b'{"id": "1", "text": "caf\xe9"}', "invalid_utf8"),
        (b'{"id": "1", "text": "\\ud83d 13812345678"}', "invalid_utf8"),  # unpaired escape
    ],
)
def test_broken_jsonl_lines_are_quarantined_with_a_reason(raw: bytes, code: str) -> None:
    out = parse_jsonl_line(raw, source(), "f.jsonl", 7, CTX)
    assert isinstance(out, Quarantined)
    assert (out.reason_code, out.source_offset, out.source_uri) == (code, 7, "f.jsonl")
    assert out.content_sha256 is not None and len(out.content_sha256) == 64


def test_jsonl_line_becomes_a_record_with_provenance() -> None:
    raw = '{"id": "a1", "text": "你好", "uid": 42, "lang": "zh", "url": "https://x.example"}'
    out = parse_jsonl_line(raw.encode(), source(), "f.jsonl", 3, CTX)
    assert isinstance(out, Record)
    assert out.text == "你好" and out.content_sha256 == sha256_text("你好")
    assert out.subject_id == "42" and out.language == "zh"
    assert out.metadata == {"url": "https://x.example"}
    assert out.source_offset == 3 and out.licence == "CC0-1.0" and out.run_id == "run-1"


def test_iter_lines_numbers_physical_lines_and_skips_blank_ones() -> None:
    stream = io.BytesIO(b"a\n\n  \nb\r\nc")
    assert list(iter_lines(stream)) == [(1, b"a"), (4, b"b"), (5, b"c")]


def test_csv_handles_multiline_fields_invalid_utf8_and_ragged_rows() -> None:
    data = b'id,text\n1,"two\nlines"\n2,ok\n3,bad \xff byte\n4,a,b\n'
    rows = list(iter_csv_rows(io.BytesIO(data), source(format="csv"), "t.csv", CTX))
    assert isinstance(rows[0], Record) and rows[0].text == "two\nlines"
    assert rows[0].source_offset == 1 and isinstance(rows[1], Record)
    assert isinstance(rows[2], Quarantined) and rows[2].reason_code == "invalid_utf8"
    assert isinstance(rows[3], Quarantined) and rows[3].reason_code == "malformed_row"


def test_truncated_gzip_is_a_corrupt_file_not_a_silent_end(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl.gz"
    lines = b"".join(b'{"id":"%d","text":"%d"}\n' % (i, i * 7919 % 100003) for i in range(2000))
    data = gzip.compress(lines)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptInputError) as err:
        list(read_work_item(WorkItem("s", str(path)), source(), CTX))
    assert str(path) in str(err.value)


def test_parquet_work_is_split_by_row_group_with_global_offsets(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    table = pa.table({"id": [f"d{i}" for i in range(10)], "text": [f"t{i}" for i in range(10)]})
    pq.write_table(table, path, row_group_size=4)
    src = source(format="parquet", fields={"id": "id"})
    items = plan_work_items(src, str(path))
    assert [i.row_group for i in items] == [0, 1, 2]
    rows = [r for item in items for r in read_work_item(item, src, CTX)]
    assert [r.source_offset for r in rows] == list(range(10))
    assert all(isinstance(r, Record) for r in rows)


def test_truncated_parquet_is_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"text": ["a", "b"]}), path)
    path.write_bytes(path.read_bytes()[:-20])
    src = source(format="parquet", fields={})
    with pytest.raises(CorruptInputError):
        for item in plan_work_items(src, str(path)):
            list(read_work_item(item, src, CTX))


def test_text_files_are_one_record_per_file_or_per_line(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("first\nsecond\n")
    whole = list(read_work_item(WorkItem("s", str(path)), source(format="text", fields={}), CTX))
    assert len(whole) == 1 and isinstance(whole[0], Record) and whole[0].text == "first\nsecond\n"
    lines_src = source(format="text", fields={}, text_unit="line")
    lines = list(read_work_item(WorkItem("s", str(path)), lines_src, CTX))
    assert [r.text for r in lines if isinstance(r, Record)] == ["first", "second"]


def test_a_byte_order_mark_opening_a_file_is_not_content() -> None:
    first = parse_jsonl_line(
        '\ufeff{"id": "a", "text": "hi"}'.encode(), source(), "f.jsonl", 1, CTX
    )
    assert isinstance(first, Record) and first.text == "hi"
    data = "\ufeffid,text\n1,ok\n".encode()
    (row,) = iter_csv_rows(io.BytesIO(data), source(format="csv"), "t.csv", CTX)
    assert isinstance(row, Record) and row.text == "ok"
    for unit in ("file", "line"):
        text_source = source(format="text", text_unit=unit, fields={})
        (doc,) = iter_text(io.BytesIO("\ufeffhello".encode()), text_source, "t.txt", CTX)
        assert isinstance(doc, Record) and doc.text == "hello"
        assert doc.content_sha256 == sha256_text("hello")
