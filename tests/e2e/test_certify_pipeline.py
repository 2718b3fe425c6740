"""The real Beam pipeline, end to end, on a small synthetic corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tdg.pipelines.certify import run_certify
from tdg.pipelines.cli import main
from tdg.pipelines.config import load_config
from tdg.transforms.records import QUARANTINE_SCHEMA, RECORD_SCHEMA
from tests.e2e.corpus import BROKEN_JSONL, GOOD_JSONL, write_corpus

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def first_run(corpus: Path) -> Path:
    return Path(run_certify(load_config(corpus), progress=False).version_dir)


def table(version_dir: Path, kind: str) -> list[dict]:
    rows: list[dict] = []
    for f in sorted((version_dir / kind).glob("*.parquet")):
        rows += pq.read_table(f).to_pylist()
    return rows


def test_schema_counts_and_reasons(first_run: Path) -> None:
    manifest = json.loads((first_run / "manifest.json").read_text())
    for f in (first_run / "data").glob("*.parquet"):
        assert pq.read_schema(f).remove_metadata() == RECORD_SCHEMA
    for f in (first_run / "quarantine").glob("*.parquet"):
        assert pq.read_schema(f).remove_metadata() == QUARANTINE_SCHEMA
    sources = manifest["sources"]
    assert sources["forum"]["read"] == GOOD_JSONL + len(BROKEN_JSONL)
    assert sources["tickets"]["read"] == 21 and sources["news"]["read"] == 12
    for s in sources.values():
        assert s["read"] == s["accepted"] + s["quarantined"]
    quarantine = table(first_run, "quarantine")
    forum = {q["source_offset"]: q["reason_code"] for q in quarantine if q["source_id"] == "forum"}
    assert forum == BROKEN_JSONL
    assert {q["reason_code"] for q in quarantine if q["source_id"] == "tickets"} == {"empty_text"}
    news = [q for q in quarantine if q["source_id"] == "news"]
    assert [(q["source_offset"], q["reason_code"]) for q in news] == [(11, "missing_text")]
    # a pointer, never a copy of the text
    assert all("text" not in q for q in quarantine)
    accepted = table(first_run, "data")
    assert len(accepted) == manifest["counts"]["accepted"]
    assert len({r["record_id"] for r in accepted}) == len(accepted)
    files = {f["path"]: f for f in manifest["files"]}
    assert sum(f["rows"] for f in files.values() if f["kind"] == "data") == len(accepted)
    for path, f in files.items():
        assert (first_run / path).stat().st_size == f["bytes"]


def test_multiline_csv_text_and_metadata_are_carried(first_run: Path) -> None:
    rows = {r["record_id"]: r for r in table(first_run, "data")}
    tickets = [r for r in rows.values() if r["source_id"] == "tickets"]
    assert all("\n" in r["text"] for r in tickets)
    assert {r["subject_id"] for r in tickets} == {f"subj-{i}" for i in range(5)}
    forum = [r for r in rows.values() if r["source_id"] == "forum"]
    assert all(dict(r["metadata"])["url"].startswith("https://forum.example/") for r in forum)


def test_same_config_twice_gives_same_ids_and_hashes(corpus: Path, first_run: Path) -> None:
    second = Path(run_certify(load_config(corpus), version="v2", progress=False).version_dir)

    def digest(d: Path) -> set[tuple[str, str, str]]:
        return {(r["record_id"], r["content_sha256"], r["output_sha256"]) for r in table(d, "data")}

    assert digest(first_run) == digest(second)
    m1 = json.loads((first_run / "manifest.json").read_text())
    m2 = json.loads((second / "manifest.json").read_text())
    assert m1["content_digest"] == m2["content_digest"] and m1["run_id"] != m2["run_id"]


def test_existing_version_is_refused_with_exit_2(
    corpus: Path, first_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p.name for p in (first_run / "data").iterdir())
    assert main(["run", str(corpus), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0] and "Traceback" not in err[0]
    assert sorted(p.name for p in (first_run / "data").iterdir()) == before


def test_missing_input_glob_is_a_user_error(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        corpus.read_text().replace("in/news.parquet", str(corpus.parent / "in/nope*.parquet"))
    )
    assert main(["run", str(bad), "--no-progress"]) == 2
    assert "no input files match" in capsys.readouterr().err


def test_corrupt_file_fails_or_is_quarantined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_corpus(tmp_path / "c")
    data = (tmp_path / "c/in/a.jsonl.gz").read_bytes()
    (tmp_path / "c/in/b.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(64))
    assert main(["run", str(config), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "b.jsonl.gz" in err and "on_corrupt_file" in err and "Traceback" not in err
    assert not (tmp_path / "c/out/tiny/v1").exists()
    assert not list((tmp_path / "c/out/tiny").glob(".*staging*"))
    text = config.read_text().replace(
        "fields: {id: id, language: lang, metadata: [url]}",
        "fields: {id: id, language: lang, metadata: [url]}\n    on_corrupt_file: quarantine",
    )
    config.write_text(text)
    result = run_certify(load_config(config), progress=False)
    forum = result.manifest["sources"]["forum"]
    assert forum["quarantined_by_reason"]["corrupt_file"] == 1
    assert forum["read"] == forum["accepted"] + forum["quarantined"]
    assert len(data) > 0


def test_multiprocess_runner_gives_the_same_result(corpus: Path, first_run: Path) -> None:
    result = run_certify(
        load_config(corpus),
        version="v-mp",
        beam_args=["--direct_num_workers=2", "--direct_running_mode=multi_processing"],
        progress=False,
    )
    m1 = json.loads((first_run / "manifest.json").read_text())
    assert result.manifest["content_digest"] == m1["content_digest"]
    assert result.manifest["sources"] == m1["sources"]


def test_planted_failure_gives_a_signed_rejection_without_personal_data(
    tmp_path: Path, keys_dir: Path
) -> None:
    from tdg.pipelines.verify import verify_certificate
    from tdg.transforms.keys import KeyRing

    config = write_corpus(tmp_path / "r")
    config.write_text(
        config.read_text()
        + "expectations: {thresholds: {max_quarantine_ratio_per_source: 0.0}}\n"
        + "certification: {pia_reference: PIA-TEST}\n"
    )
    result = run_certify(load_config(config), progress=False, keys=KeyRing(str(keys_dir)))
    version = Path(result.version_dir)
    assert result.certification is not None and not result.certification.certified
    assert (version / "rejection.json").exists() and not (version / "certificate.json").exists()
    check = verify_certificate(version, public_key=keys_dir / "signing.pub.pem")
    assert not check.ok and check.reason_code == "rejected"
    planted = [f"138{i:08d}" for i in range(GOOD_JSONL)] + [f"555-01{i:02d}" for i in range(20)]
    reports = [
        version / "rejection.json",
        version / "manifest.json",
        tmp_path / "r/out/ledger.jsonl",
    ]
    reports += [p for p in (version / "validation").rglob("*") if p.is_file()]
    for report in reports:
        text = report.read_text(errors="replace")
        assert not [p for p in planted if p in text], report


def test_blocked_subjects_are_excluded_from_later_runs(tmp_path: Path) -> None:
    from tdg.transforms.keys import KeyRing
    from tdg.transforms.pii.fingerprint import fingerprint
    from tdg.transforms.suppression import append_suppression

    config = write_corpus(tmp_path / "b")
    root = tmp_path / "b" / "out"
    key = KeyRing.default().symmetric("fingerprint")
    append_suppression(root, "req-1", subject_id="subj-1", fingerprints=[])
    phone = fingerprint("PHONE_NUMBER", "+86 138-0000-0003", key)  # forum post 3, other spelling
    append_suppression(root, "req-2", subject_id=None, fingerprints=[("PHONE_NUMBER", phone)])
    result = run_certify(load_config(config), progress=False, certify=False)
    blocked = [
        q
        for q in table(Path(result.version_dir), "quarantine")
        if q["reason_code"] == "subject_blocked"
    ]
    tickets = {q["record_id"] for q in blocked if q["source_id"] == "tickets"}
    forum = [q for q in blocked if q["source_id"] == "forum"]
    assert len(tickets) == 4  # t1, t6, t11, t16 belong to subj-1
    assert [q["source_offset"] for q in forum] == [4]  # line 4 holds post 3
    for s in result.manifest["sources"].values():
        assert s["read"] == s["accepted"] + s["quarantined"]


def test_refusal_by_identifier_fingerprint_quarantines_disclosed_text(tmp_path: Path) -> None:
    from tdg.transforms.keys import KeyRing
    from tdg.transforms.pii.fingerprint import fingerprint

    config = write_corpus(tmp_path / "f")
    key = KeyRing.default().symmetric("fingerprint")
    refused = fingerprint("PHONE_NUMBER", "138 0000 0005", key)  # forum post 5, other spelling
    (tmp_path / "f" / "refusals.csv").write_text(
        f"subject_id,fingerprint,scope,recorded_at\n,{refused},,2026-01-01T00:00:00+08:00\n"
    )
    config.write_text(
        config.read_text() + "legal_basis: {registry: {refusals: {uri: refusals.csv}}}\n"
    )
    result = run_certify(load_config(config), progress=False, certify=False)
    quarantine = table(Path(result.version_dir), "quarantine")
    refused_rows = [q for q in quarantine if q["reason_code"] == "subject_refused"]
    assert [(q["source_id"], q["source_offset"]) for q in refused_rows] == [("forum", 6)]
