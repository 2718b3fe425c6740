"""The shipped sample, end to end: what the README's first command does, asserted."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow.parquet as pq
import pytest

from tdg.pipelines.certify import RunResult, run_certify
from tdg.pipelines.config import load_config
from tdg.pipelines.verify import verify_certificate
from tdg.transforms.consent_registry import SqlRegistry
from tdg.transforms.keys import KeyRing, init_keys
from tdg.transforms.records import make_record_id
from tests.postgres import require_postgres_url, sample_consents_in_postgres

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "samples" / "corpus"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    directory = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    return KeyRing(str(directory))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, keys: KeyRing
) -> Any:
    """The sample run, with the consent registry in SQLite (as shipped) and in PostgreSQL."""
    loaded = load_config(REPO / "configs" / "sample.yaml")
    cleanup = None
    if request.param == "postgres":
        url = require_postgres_url()
        table, cleanup = sample_consents_in_postgres(url)
        registry = loaded.config.legal_basis.registry.model_copy(
            update={"consents": SqlRegistry(sqlalchemy_url=url, table=table)}
        )
        legal = loaded.config.legal_basis.model_copy(update={"registry": registry})
        loaded = loaded.model_copy(
            update={"config": loaded.config.model_copy(update={"legal_basis": legal})}
        )
    out = tmp_path_factory.mktemp(f"out-{request.param}")
    yield run_certify(loaded, output_root=str(out), progress=False, keys=keys)
    if cleanup:
        cleanup()


def rows(version_dir: str, kind: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in sorted(Path(version_dir, kind).glob("*.parquet")):
        out += pq.read_table(f, columns=columns).to_pylist()
    return out


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tdg_sample_generate", REPO / "samples/generate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_counts_reconcile_per_source_and_match_the_corpus(run: RunResult) -> None:
    expected = json.loads((CORPUS / "expected.json").read_text())
    sources = run.manifest["sources"]
    assert set(sources) == {"web_zh", "support", "open_news", "synthetic", "notes"}
    for sid, s in sources.items():
        assert s["read"] == s["accepted"] + s["quarantined"], sid
        assert s["read"] == expected["sources"][sid]["rows"], sid
    assert run.manifest["counts"]["read"] >= 2000


def test_broken_rows_are_quarantined_with_their_reasons(run: RunResult) -> None:
    expected = json.loads((CORPUS / "expected.json").read_text())
    quarantine = rows(run.version_dir, "quarantine")
    found = {
        (q["source_uri"].split("corpus/")[-1], q["source_offset"]): q["reason_code"]
        for q in quarantine
    }
    broken_rows = [b for src in expected["sources"].values() for b in src["broken"]]
    assert len(broken_rows) >= 10
    for broken in broken_rows:
        assert found.get((broken["uri_suffix"], broken["offset"])) == broken["reason_code"], broken


def test_each_consent_case_is_decided_as_the_policy_says(run: RunResult) -> None:
    cases = json.loads((REPO / "samples/registry/expected_decisions.json").read_text())
    accepted = {
        r["record_id"]: r["legal_basis"]
        for r in rows(run.version_dir, "data", ["record_id", "legal_basis"])
    }
    quarantined = {q["record_id"]: q["reason_code"] for q in rows(run.version_dir, "quarantine")}
    seen_cases = set()
    for subject, case in cases["subjects"].items():
        for ticket in case["ticket_ids"]:
            rid = make_record_id("support", ticket, 0)
            outcome = accepted.get(rid) or quarantined.get(rid)
            assert outcome == case["expected"], (subject, case["case"], ticket, outcome)
            seen_cases.add(case["case"])
    assert len(seen_cases) >= 8
    reasons = run.manifest["sources"]["web_zh"]["quarantined_by_reason"]
    assert reasons.get("source_opted_out") == len(
        json.loads((CORPUS / "expected.json").read_text())["opted_out_records"]
    )


def test_every_accepted_record_has_a_basis_and_evidence(run: RunResult) -> None:
    for r in rows(run.version_dir, "data", ["legal_basis", "basis_evidence", "policy_sha256"]):
        assert r["legal_basis"]
        assert r["policy_sha256"] == run.manifest["policy_sha256"]
        if r["legal_basis"] != "anonymized":
            assert r["basis_evidence"] and r["basis_evidence"]["reference"]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-\u200b\u200c\u200d\u2060\ufeff()·]", "", text)


# Structured identifiers: none may survive. IP addresses are left out because the surrogates
# are drawn from the same documentation ranges the generator plants; names are measured by
# bench/pii_eval.py, not asserted value by value (the surrogate and sample name pools overlap).
STRUCTURED = {
    "cn_mobile",
    "email",
    "cn_uscc",
    "cn_landline",
    "cn_resident_id",
    "cn_bank_card",
    "cn_passport",
    "hk_id",
    "tw_id",
    "cn_license_plate",
    "en_address",
    "qq_number",
    "wechat_id",
}


def test_no_planted_identifier_survives_in_accepted_data(run: RunResult) -> None:
    texts = [r["text"] for r in rows(run.version_dir, "data", ["text"])]
    blob = _fold("\n".join(texts))
    planted = [p for p in generator().planted_identifiers() if p.kind in STRUCTURED]
    assert len(planted) > 1500
    survivors = sorted({(p.kind, p.style) for p in planted if _fold(p.value) in blob})
    assert survivors == []


def test_english_names_in_mixed_notes_are_found(run: RunResult) -> None:
    """The volunteer list mixes English and Chinese rows and has no language field: both
    languages' detectors must run on it: 4 Chinese names and 4 English ones (two of which
    only the NER finds: their addresses do not spell them); with the Chinese rules alone, 6."""
    (notes,) = [
        r
        for r in rows(run.version_dir, "data", ["source_uri", "pii", "language"])
        if r["source_uri"].endswith("volunteer-contacts.txt")
    ]
    persons = sum(e["count"] for e in notes["pii"] if e["entity_type"] == "PERSON")
    assert persons >= 8


def test_sample_is_certified_and_verifies(run: RunResult, keys: KeyRing) -> None:
    assert run.certification is not None and run.certification.certified, run.certification
    result = verify_certificate(run.version_dir, public_key=keys.verify_key_path(), deep=True)
    assert result.ok, result.reason
    payload = json.loads(Path(run.version_dir, "certificate.json").read_text())["payload"]
    assert payload["content_digest"] == run.manifest["content_digest"]


def test_fingerprint_index_is_outside_the_dataset(run: RunResult) -> None:
    version = Path(run.version_dir)
    index = version.parent.parent / "_index" / version.parent.name / version.name
    shards = list(index.glob("*.parquet"))
    assert shards and not list(version.rglob("*fingerprint*"))
    fps = [r for f in shards for r in pq.read_table(f).to_pylist()]
    assert {"PHONE_NUMBER", "CN_RESIDENT_ID", "EMAIL_ADDRESS"} <= {r["entity_type"] for r in fps}
    assert all(len(r["fingerprint"]) == 64 for r in fps)


def test_tampering_with_the_real_version_is_caught(
    run: RunResult, keys: KeyRing, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "sample-corpus" / "2026.11.1"
    shutil.copytree(run.version_dir, copy)
    key = keys.verify_key_path()
    assert verify_certificate(copy, public_key=key, deep=True).ok
    shard = sorted((copy / "data").glob("*.parquet"))[0]
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    assert verify_certificate(copy, public_key=key).ok  # same size: only --deep can tell
    deep = verify_certificate(copy, public_key=key, deep=True)
    assert not deep.ok and shard.name in deep.reason
    shard.unlink()
    assert not verify_certificate(copy, public_key=key).ok
