"""The shipped sample corpus: reproducible, described truthfully by expected.json, checksums hold.

The e2e tests and the quick start rely on these files; a change to the generator that is not
regenerated and committed, or a planted identifier that fails its own checksum, fails here.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest

from tdg.pipelines.config import SourceConfig
from tdg.transforms.normalize import normalize_record
from tdg.transforms.pii.checksums import (
    hk_id_check_char,
    luhn_ok,
    resident_id_checksum_ok,
    tw_id_checksum_ok,
    uscc_checksum_ok,
)
from tdg.transforms.read import plan_work_items, read_work_item
from tdg.transforms.records import Quarantined
from tdg.transforms.run_context import RunContext
from tdg.transforms.validate import validate_record

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CORPUS = SAMPLES / "corpus"
GLOBS = {
    "web_zh": "web_zh/*.jsonl.gz",
    "support": "support/*.csv",
    "open_news": "open_news/*.parquet",
    "synthetic": "synthetic/*.jsonl",
    "notes": "notes/*.txt",
}
_FOLD = {ord(c) + 0xFEE0: c for c in "0123456789X"} | {ord(c): None for c in " -\u200b"}


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tdg_sample_generate", SAMPLES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(generator: ModuleType) -> Any:
    return generator.build_corpus()


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def _committed_files() -> dict[str, bytes]:
    return {
        p.relative_to(CORPUS).as_posix(): p.read_bytes()
        for p in sorted(CORPUS.rglob("*"))
        if p.is_file()
    }


def test_regenerating_gives_byte_identical_files(generator: ModuleType, tmp_path: Path) -> None:
    assert generator.main(["--out", str(tmp_path)]) == 0
    fresh = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file()
    }
    committed = _committed_files()
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in committed if committed[name] != fresh[name]]
    assert changed == [], "run `python samples/generate.py` and commit samples/corpus/"


def _physical_rows(path: Path) -> int:
    name = path.name
    if name.endswith(".jsonl.gz"):
        return sum(1 for line in gzip.decompress(path.read_bytes()).splitlines() if line.strip())
    if name.endswith(".jsonl"):
        return sum(1 for line in path.read_bytes().splitlines() if line.strip())
    if name.endswith(".csv"):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        return sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1
    if name.endswith(".parquet"):
        return int(pq.ParquetFile(path).metadata.num_rows)
    return 1


def test_expected_counts_match_the_files(expected: dict[str, Any]) -> None:
    sources = expected["sources"]
    assert sorted(sources) == sorted(GLOBS)
    for source_id, facts in sources.items():
        files = sorted(CORPUS.glob(GLOBS[source_id]))
        counted = {p.relative_to(CORPUS).as_posix(): _physical_rows(p) for p in files}
        assert counted == facts["files"], source_id
        assert facts["rows"] == sum(counted.values())
        assert facts["valid_rows"] == facts["rows"] - len(facts["broken"])
    assert expected["total_rows"] == sum(f["rows"] for f in sources.values()) >= 2000
    assert len({f["format"] for f in sources.values()}) >= 3
    languages = {lang for f in sources.values() for lang in f["languages"]}
    assert {"zh", "en"} <= languages
    assert 5 <= sources["notes"]["rows"] <= 10
    size = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert size < 3 * 1024 * 1024


def test_broken_rows_are_quarantined_by_the_reader_for_the_stated_reason(
    expected: dict[str, Any],
) -> None:
    ctx = RunContext("sample", "0", "0" * 64, datetime(2026, 1, 1, tzinfo=UTC))
    for source_id, facts in expected["sources"].items():
        source = SourceConfig.model_validate(
            {
                "id": source_id,
                "uri": str(CORPUS / GLOBS[source_id]),
                "format": facts["format"],
                "kind": "web_crawl",
                "licence": "CC0-1.0",
                "evidence": "synthetic sample",
                "fields": facts["fields"],
            }
        )
        quarantined, read = [], 0
        for path in sorted(CORPUS.glob(GLOBS[source_id])):
            for item in plan_work_items(source, str(path)):
                for row in read_work_item(item, source, ctx):
                    read += 1
                    if not isinstance(row, Quarantined):
                        row = validate_record(normalize_record(row), source, None)
                    if isinstance(row, Quarantined):
                        uri = Path(row.source_uri).relative_to(CORPUS).as_posix()
                        quarantined.append(
                            {
                                "uri_suffix": uri,
                                "offset": row.source_offset,
                                "reason_code": row.reason_code,
                            }
                        )
        want = [{k: b[k] for k in ("uri_suffix", "offset", "reason_code")} for b in facts["broken"]]
        assert read == facts["rows"], source_id
        assert quarantined == want, source_id
    codes = {b["reason_code"] for f in expected["sources"].values() for b in f["broken"]}
    assert codes == {"json_parse_error", "missing_text", "invalid_utf8", "empty_text", "wrong_type"}


def _fold(surface: str) -> str:
    return surface.translate(_FOLD).upper()


def test_planted_identifiers_pass_their_checksums(generator: ModuleType) -> None:
    planted = generator.planted_identifiers()
    by_kind: dict[str, list[Any]] = {}
    for x in planted:
        by_kind.setdefault(x.kind, []).append(x)
    for x in by_kind["cn_resident_id"]:
        assert resident_id_checksum_ok(x.value) and _fold(x.surface) == x.value
        date(int(x.value[6:10]), int(x.value[10:12]), int(x.value[12:14]))  # a real date
    assert any(x.value.endswith("X") for x in by_kind["cn_resident_id"])
    assert {"fullwidth", "spaced"} <= {x.style for x in by_kind["cn_resident_id"]}
    for x in by_kind["cn_uscc"]:
        assert uscc_checksum_ok(x.value)
    for x in by_kind["cn_bank_card"]:
        assert luhn_ok(x.value) and x.value.startswith("62") and 16 <= len(x.value) <= 19
        assert _fold(x.surface) == x.value
    for x in by_kind["hk_id"]:
        assert hk_id_check_char(x.value[0], x.value[1:7]) == x.value[8]
    for x in by_kind["tw_id"]:
        assert tw_id_checksum_ok(x.value)
    for x in by_kind["cn_mobile"]:
        assert len(x.value) == 11 and x.value[0] == "1" and x.value in _fold(x.surface)
    mobile_styles = {x.style for x in by_kind["cn_mobile"]}
    assert {"plain", "intl", "dashed", "fullwidth", "zero_width"} <= mobile_styles
    assert {"E8", "E_letter7", "G8"} <= {x.style for x in by_kind["cn_passport"]}


def test_every_planted_value_is_in_its_record(corpus: Any, expected: dict[str, Any]) -> None:
    counts: dict[str, int] = {}
    for x in corpus.planted:
        assert x.surface in corpus.texts[(x.uri_suffix, x.offset)], (x.kind, x.uri_suffix, x.offset)
        counts[x.kind] = counts.get(x.kind, 0) + 1
    stated = {k: v["count"] for k, v in expected["planted_identifiers"].items()}
    stated |= expected["benign_lookalikes"]
    assert counts == stated


def test_subjects_cover_the_support_tickets_and_mark_minors(expected: dict[str, Any]) -> None:
    subjects = json.loads((CORPUS / "subjects.json").read_text(encoding="utf-8"))
    owner_of = {t: s["subject_id"] for s in subjects["subjects"] for t in s["ticket_ids"]}
    rows = []
    for path in sorted(CORPUS.glob("support/*.csv")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        rows += list(csv.DictReader(io.StringIO(text, newline="")))
    assert {r["ticket_id"]: r["subject_id"] for r in rows} == owner_of
    assert len(subjects["subjects"]) == 300 and all(r["subject_id"] for r in rows)
    minors = [s for s in subjects["subjects"] if s["is_minor"]]
    assert 3 <= len(minors) <= 10
    reference = date.fromisoformat(subjects["reference_date"])
    bodies = {r["ticket_id"]: _fold(r["body"]) for r in rows}
    for s in minors:
        assert s["has_sensitive"] and s["age_at_reference_date"] < 14
        ids = [
            b[i : i + 18] for t in s["ticket_ids"] for b in [bodies[t]] for i in range(len(b) - 17)
        ]
        birth = next(
            date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
            for v in ids
            if v[:17].isdigit() and resident_id_checksum_ok(v)
        )
        assert (reference - birth).days < 14 * 365


def test_erasure_fixture_number_recurs_across_sources() -> None:
    fixture = json.loads((CORPUS / "erasure_fixture.json").read_text(encoding="utf-8"))
    assert fixture["subject_id"] == "subj-0042" and "SYNTHETIC" in fixture["note"]
    number = fixture["value"]
    hits: list[tuple[str, str]] = []
    for path in sorted(CORPUS.glob("web_zh/*.jsonl.gz")):
        for line in gzip.decompress(path.read_bytes()).splitlines():
            if number in _fold(line.decode("utf-8", "replace")):
                hits.append(("web_zh", json.loads(line)["text"]))
    for path in sorted(CORPUS.glob("support/*.csv")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        for row in csv.DictReader(io.StringIO(text, newline="")):
            if number in _fold(row["body"].replace("+86", "")):
                assert row["subject_id"] == "subj-0042"
                hits.append(("support", row["body"]))
    assert len(hits) == len(fixture["occurrences"]) >= 3
    assert {"web_zh", "support"} == {source for source, _ in hits}


def test_opted_out_host_has_about_ten_records(expected: dict[str, Any]) -> None:
    host = expected["opted_out_hosts"][0]
    urls = [
        json.loads(line)["url"]
        for path in sorted(CORPUS.glob("web_zh/*.jsonl.gz"))
        for line in gzip.decompress(path.read_bytes()).splitlines()
        if host.encode() in line
    ]
    assert len(urls) == len(expected["opted_out_records"]) == 10
    assert all(urlsplit(u).hostname == host for u in urls)
