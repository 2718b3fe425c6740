"""Data-subject requests on a real catalog: two versions written by the real pipeline.

A tiny synthetic corpus (30 records, 2 sources): one phone number appears in four records across
both sources (spelled three ways; one of them is quarantined for a retained resident ID), and
subject `subj-3` owns two tickets.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tdg.pipelines.certify import run_certify
from tdg.pipelines.cli import main
from tdg.pipelines.config import load_config
from tdg.pipelines.requests import RequestOutcome, apply_requests
from tdg.pipelines.verify import REVOKED, verify_certificate
from tdg.transforms.keys import KeyRing, init_keys
from tdg.transforms.ledger import KIND_REQUEST, Ledger
from tdg.transforms.pii.fingerprint import FINGERPRINT_SCHEME, SCHEME_METADATA_KEY, fingerprint
from tdg.transforms.records import RECORD_SCHEMA, make_record_id
from tdg.transforms.subject_requests import load_requests
from tdg.transforms.suppression import load_suppression

pytestmark = pytest.mark.e2e

PHONE = "13912345678"  # synthetic
PHONE_SPELLINGS = (PHONE, "139 1234 5678", "139-1234-5678", "+86 139-1234-5678")
OTHER_PHONE = "13800000011"  # synthetic
PHONE_RECORDS = {("forum", "f3"), ("forum", "f8"), ("forum", "f12"), ("tickets", "t4")}
QUARANTINED = ("forum", "f12")  # holds a resident ID kept as a pseudonym: no separate consent
SUBJECT = "subj-3"  # tickets t3 and t10


def rid(source: str, own: str) -> str:
    return make_record_id(source, own, 0)


def write_corpus(root: Path) -> Path:
    src = root / "in"
    src.mkdir(parents=True)
    forum = []
    for i in range(15):
        text = f"第{i}条帖子，今天天气不错，我们去公园散步。"
        if i == 3:
            text = f"第{i}条帖子，有事请联系电话 {PHONE}，谢谢。"
        elif i == 8:
            text = f"第{i}条帖子，手机 139 1234 5678 随时打。"
        elif i == 11:
            text = f"第{i}条帖子，联系电话 {OTHER_PHONE}。"
        elif i == 12:
            text = f"第{i}条帖子，身份证 11010519491231002X，电话 {PHONE}。"
        forum.append({"id": f"f{i}", "text": text, "lang": "zh", "url": f"https://f.example/{i}"})
    lines = [json.dumps(r, ensure_ascii=False) for r in forum]
    (src / "forum.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["ticket_id,subject_id,body"]
    for i in range(15):
        body = f"工单{i}：打印机坏了，请帮忙处理。"
        if i == 4:
            body = f"工单{i}：请回电 +86 139-1234-5678。"
        rows.append(f"t{i},subj-{i % 7},{body}")
    (src / "tickets.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = root / "run.yaml"
    config.write_text(
        """\
dataset: {name: tiny, version: v1}
output: {root: out}
sources:
  - id: forum
    uri: in/forum.jsonl
    format: jsonl
    kind: web_crawl
    licence: CC-BY-4.0
    evidence: crawl-log-1
    default_legal_basis: public_disclosure
    fields: {id: id, language: lang, metadata: [url]}
  - id: tickets
    uri: in/tickets.csv
    format: csv
    kind: commercial_licence
    licence: LicenseRef-contract
    evidence: contract-1
    default_legal_basis: contract
    language: zh
    fields: {id: ticket_id, text: body, subject_id: subject_id}
pii:
  operators:
    default: {name: placeholder}
    by_entity:
      PHONE_NUMBER: {name: keyed_pseudonym}
      CN_RESIDENT_ID: {name: keyed_pseudonym}
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeyRing]:
    directory = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDG_KEYS", str(directory))
        yield KeyRing(str(directory))


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory, keys: KeyRing) -> Path:
    """Output root with tiny/v1 and tiny/v2, both certified."""
    config = write_corpus(tmp_path_factory.mktemp("corpus"))
    root = config.parent / "out"
    for version in ("v1", "v2"):
        result = run_certify(load_config(config), version=version, progress=False, keys=keys)
        assert result.certification is not None and result.certification.certified
    return root


def write_requests(path: Path, *requests: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def phone_erasure(catalog: Path, keys: KeyRing) -> RequestOutcome:
    file = write_requests(
        catalog.parent / "erase-phone.jsonl",
        {
            "request_id": "r-erase-phone",
            "kind": "erase",
            "identifiers": [{"type": "phone", "value": "139 1234 5678"}],
            "received_at": "2026-11-20T09:00:00Z",
        },
    )
    [outcome] = apply_requests(load_requests(file), catalog, keys=keys)
    return outcome


def rows(directory: Path, columns: list[str] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in sorted(directory.glob("*.parquet")):
        out += pq.read_table(f, columns=columns).to_pylist()
    return out


def test_erase_by_phone_writes_versions_without_the_records(
    catalog: Path, phone_erasure: RequestOutcome
) -> None:
    erased = {rid(s, o) for s, o in PHONE_RECORDS}
    receipt = phone_erasure.receipt
    assert receipt is not None
    assert receipt["new_versions"] == ["tiny/v1+erasure.1", "tiny/v2+erasure.1"]
    for old, new in (("v1", "v1+erasure.1"), ("v2", "v2+erasure.1")):
        before, after = catalog / "tiny" / old, catalog / "tiny" / new
        old_ids = {r["record_id"] for r in rows(before / "data")}
        old_ids |= {r["record_id"] for r in rows(before / "quarantine")}
        assert erased <= old_ids  # the old version still holds them (superseded, not deleted)
        data = rows(after / "data")
        held = rows(after / "quarantine")
        assert not erased & {r["record_id"] for r in data}
        assert not erased & {r["record_id"] for r in held}
        assert {r["record_id"] for r in data} == old_ids - erased - {r["record_id"] for r in held}
        for f in (after / "data").glob("*.parquet"):
            assert pq.read_schema(f).remove_metadata() == RECORD_SCHEMA

        m = json.loads((after / "manifest.json").read_text())
        old_m = json.loads((before / "manifest.json").read_text())
        assert m["derived_from"]["version"] == old and m["request_id"] == "r-erase-phone"
        assert (
            m["derived_from"]["manifest_sha256"]
            == hashlib.sha256((before / "manifest.json").read_bytes()).hexdigest()
        )
        assert m["sources"]["forum"]["erased"] == 3 and m["sources"]["tickets"]["erased"] == 1
        assert m["sources"]["forum"]["quarantined"] == old_m["sources"]["forum"]["quarantined"] - 1
        for s in [*m["sources"].values(), m["counts"]]:
            assert s["read"] == s["accepted"] + s["quarantined"] + s["erased"]
        assert m["counts"]["read"] == old_m["counts"]["read"] == 30
        assert m["counts"]["accepted"] == len(data) and m["counts"]["quarantined"] == len(held)
        assert m["pii"]["PHONE_NUMBER"]["records"] == 1  # only the other phone is left
        total = sum(
            int.from_bytes(
                hashlib.sha256(f"{r['record_id']}|{r['output_sha256']}".encode()).digest(), "big"
            )
            for r in data
        )
        assert m["content_digest"] == f"{total % (1 << 256):064x}"
        metrics = pq.read_table(after / "metrics" / "metrics.parquet").to_pylist()
        dataset_row = next(r for r in metrics if r["scope_kind"] == "dataset")
        assert dataset_row["accepted_records"] == len(data)

        index = rows(catalog / "_index" / "tiny" / new)
        assert index and not erased & {r["record_id"] for r in index}
        for f in (catalog / "_index" / "tiny" / new).glob("*.parquet"):
            metadata = pq.read_schema(f).metadata or {}
            assert metadata[SCHEME_METADATA_KEY] == FINGERPRINT_SCHEME.encode()
        assert {r["record_id"] for r in index} == {
            r["record_id"] for r in rows(catalog / "_index" / "tiny" / old)
        } - erased


def test_new_versions_verify_and_old_ones_are_revoked(
    catalog: Path, phone_erasure: RequestOutcome, keys: KeyRing
) -> None:
    public = keys.verify_key_path()
    for new in ("v1+erasure.1", "v2+erasure.1"):
        result = verify_certificate(catalog / "tiny" / new, public_key=public, deep=True)
        assert result.ok, result.reason
    for old in ("v1", "v2"):
        result = verify_certificate(catalog / "tiny" / old, public_key=public)
        assert not result.ok and result.reason_code == REVOKED
        assert "erasure request r-erase-phone" in result.reason
    assert main(["ledger", "verify", str(catalog)]) == 0
    ledger = Ledger.at_output_root(catalog)
    assert ledger.status_of("tiny", "v1+erasure.1") == "active"
    request = [e for e in ledger.entries() if e["kind"] == KIND_REQUEST]
    assert request[0]["body"]["request_id"] == "r-erase-phone"
    receipt = catalog / "_requests" / "receipts" / "r-erase-phone.json"
    assert request[0]["body"]["receipt_sha256"] == hashlib.sha256(receipt.read_bytes()).hexdigest()


def test_the_phone_number_is_written_nowhere(
    catalog: Path, phone_erasure: RequestOutcome, keys: KeyRing
) -> None:
    texts = [(catalog / "ledger.jsonl").read_text()]
    texts += [p.read_text() for p in (catalog / "_requests").rglob("*") if p.is_file()]
    for new in ("v1+erasure.1", "v2+erasure.1"):
        version = catalog / "tiny" / new
        texts += [p.read_text() for p in version.rglob("*.json")]
        texts += [json.dumps(rows(version / "data"), default=str, ensure_ascii=False)]
        texts += [json.dumps(rows(catalog / "_index" / "tiny" / new))]
    for text in texts:
        for spelling in PHONE_SPELLINGS:
            assert spelling not in text
    # the suppression list holds the fingerprint, never the number
    key = keys.symmetric("fingerprint")
    suppression = load_suppression(catalog)
    assert ("PHONE_NUMBER", fingerprint("PHONE_NUMBER", PHONE, key)) in suppression.fingerprints
    assert suppression.is_suppressed(
        None, [("PHONE_NUMBER", fingerprint("PHONE_NUMBER", PHONE, key))]
    )


def test_reapplying_a_request_changes_nothing(catalog: Path, phone_erasure: RequestOutcome) -> None:
    before = (catalog / "ledger.jsonl").read_bytes()
    file = catalog.parent / "erase-phone.jsonl"
    assert main(["requests", "apply", str(file), "--catalog", str(catalog)]) == 0
    assert (catalog / "ledger.jsonl").read_bytes() == before
    assert not (catalog / "tiny" / "v1+erasure.2").exists()


def test_erase_by_subject_id(catalog: Path, phone_erasure: RequestOutcome, keys: KeyRing) -> None:
    file = write_requests(
        catalog.parent / "erase-subject.jsonl",
        {"request_id": "r-erase-subj", "kind": "erase", "subject_id": SUBJECT},
    )
    [outcome] = apply_requests(load_requests(file), catalog, keys=keys)
    receipt = outcome.receipt
    assert receipt is not None
    # the old versions still hold the subject but are superseded: skipped, not rewritten
    actions = {v["version"]: v["action"] for v in receipt["versions"]}
    assert actions == {
        "v1": "skipped_superseded",
        "v2": "skipped_superseded",
        "v1+erasure.1": "erased",
        "v2+erasure.1": "erased",
    }
    assert receipt["new_versions"] == ["tiny/v1+erasure.2", "tiny/v2+erasure.2"]
    new = catalog / "tiny" / "v1+erasure.2"
    data = rows(new / "data", ["record_id", "subject_id"])
    assert SUBJECT not in {r["subject_id"] for r in data}
    m = json.loads((new / "manifest.json").read_text())
    assert m["sources"]["tickets"]["erased"] == 1 + 2 and m["counts"]["erased"] == 4 + 2
    assert m["derived_from"]["version"] == "v1+erasure.1"
    for s in m["sources"].values():
        assert s["read"] == s["accepted"] + s["quarantined"] + s["erased"]
    result = verify_certificate(new, public_key=keys.verify_key_path(), deep=True)
    assert result.ok, result.reason
    assert load_suppression(catalog).is_suppressed(SUBJECT)


def test_block_adds_to_the_suppression_list(
    catalog: Path, phone_erasure: RequestOutcome, keys: KeyRing, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_requests(
        catalog.parent / "block.jsonl",
        {
            "request_id": "r-block",
            "kind": "block",
            "subject_id": "subj-5",
            "identifiers": [{"type": "PHONE_NUMBER", "value": OTHER_PHONE}],
        },
    )
    versions_before = sorted(p.name for p in (catalog / "tiny").iterdir())
    assert main(["requests", "apply", str(file), "--catalog", str(catalog)]) == 0
    assert "r-block (block)" in capsys.readouterr().out
    assert sorted(p.name for p in (catalog / "tiny").iterdir()) == versions_before
    suppression = load_suppression(catalog)
    key = keys.symmetric("fingerprint")
    other = ("PHONE_NUMBER", fingerprint("PHONE_NUMBER", "138 0000 0011", key))
    assert suppression.is_suppressed("subj-5")
    assert suppression.is_suppressed("subj-x", [other])
    assert not suppression.is_suppressed("subj-6", [("PHONE_NUMBER", "0" * 64)])
    assert OTHER_PHONE not in (catalog / "_requests" / "suppression.jsonl").read_text()
    receipt = json.loads((catalog / "_requests" / "receipts" / "r-block.json").read_text())
    assert receipt["kind"] == "block" and receipt["suppression_entries"] == 2
    assert receipt["records_found"] > 0 and receipt["new_versions"] == []
    assert main(["requests", "suppression", "list", "--catalog", str(catalog)]) == 0
    listed = capsys.readouterr().out
    assert "subj-5" in listed and OTHER_PHONE not in listed


def test_access_report_has_pointers_and_no_text(
    catalog: Path, phone_erasure: RequestOutcome, keys: KeyRing, tmp_path: Path
) -> None:
    file = write_requests(
        tmp_path / "access.jsonl",
        {
            "request_id": "r-access",
            "kind": "access",
            "identifiers": [{"type": "phone", "value": "+86 139 1234 5678"}],
        },
    )
    receipts = tmp_path / "receipts"
    [outcome] = apply_requests(load_requests(file), catalog, keys=keys, receipts_dir=receipts)
    assert (
        outcome.receipt is not None and outcome.receipt["report"]["path"] == "r-access.access.json"
    )
    report = json.loads((receipts / "r-access.access.json").read_text())
    by_version = {v["version"]: v for v in report["versions"]}
    # only the superseded originals still hold the number
    assert set(by_version) == {"v1", "v2"}
    v1 = by_version["v1"]
    assert v1["status"] == "superseded"
    assert {r["record_id"] for r in v1["records"]} == {
        rid(s, o) for s, o in PHONE_RECORDS - {QUARANTINED}
    }
    assert [q["record_id"] for q in v1["quarantined"]] == [rid(*QUARANTINED)]
    assert v1["quarantined"][0]["reason_code"] == "sensitive_without_separate_consent"
    record = v1["records"][0]
    assert "text" not in record and record["source_uri"].endswith((".jsonl", ".csv"))
    assert record["transformations"] and record["pii"][0]["entity_type"] == "PHONE_NUMBER"
    raw = (receipts / "r-access.access.json").read_text()
    assert all(s not in raw for s in PHONE_SPELLINGS) and "公园" not in raw and "回电" not in raw


def test_an_index_of_another_fingerprint_scheme_is_refused_not_searched_in_vain(
    catalog: Path, phone_erasure: RequestOutcome, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "out"
    shutil.copytree(catalog, copy)
    [index_file, *_] = sorted((copy / "_index" / "tiny" / "v2+erasure.1").glob("*.parquet"))
    table = pq.read_table(index_file)
    pq.write_table(
        table.replace_schema_metadata({SCHEME_METADATA_KEY: b"tdg-fingerprint-v9"}), index_file
    )
    file = write_requests(
        tmp_path / "access.jsonl",
        {
            "request_id": "r-access-2",
            "kind": "access",
            "identifiers": [{"type": "phone", "value": OTHER_PHONE}],
        },
    )
    assert main(["requests", "apply", str(file), "--catalog", str(copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(index_file) in err
    assert "'tdg-fingerprint-v9'" in err and "Traceback" not in err
