"""LegalBasisStage on the real Beam runner: a handful of records, a tiny registry, each decision."""

from __future__ import annotations

import base64
import csv
import dataclasses
import importlib.util
import json
import pickle
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
import pytest

from tdg.transforms.basis_decision import SourceBasis
from tdg.transforms.consent_registry import RegistrySettings
from tdg.transforms.legal_basis_stage import (
    MAIN,
    NEEDS_ANONYMIZATION,
    QUARANTINE,
    LegalBasisStage,
    mark_anonymized,
)
from tdg.transforms.policy import Policy
from tdg.transforms.records import PiiEntry, Quarantined, Record
from tests.postgres import sample_consents_in_postgres

pytestmark = pytest.mark.e2e

NOW = datetime(2025, 6, 1, tzinfo=UTC)
POLICY = Policy(version="t", purpose="model_training")
SOURCES = {
    "support": SourceBasis("support", "user_data", "CN", None, "auth-2024-07"),
    "web_zh": SourceBasis("web_zh", "web_crawl", "CN", "public_disclosure", "crawl-log-1"),
}
SENSITIVE = [PiiEntry("CN_RESIDENT_ID", 1, "keyed_pseudonym", "sensitive_pi")]
DIRECT = [PiiEntry("PHONE_NUMBER", 1, "keyed_pseudonym", "direct_identifier")]


def record(rid: str, source: str, subject: str | None, **kw: Any) -> Record:
    base: dict[str, Any] = {
        "record_id": rid,
        "text": "synthetic text",
        "source_id": source,
        "source_uri": f"file:///{source}",
        "source_offset": 0,
        "source_kind": SOURCES[source].kind,
        "licence": "proprietary",
        "content_sha256": "h",
        "output_sha256": "h",
        "ingested_at": NOW,
        "run_id": "run-1",
        "pipeline_version": "0",
        "config_sha256": "c",
        "subject_id": subject,
        "pii": DIRECT,
        "pii_status": "de-identified",
        "transformations": ["normalize"],
    }
    base.update(kw)
    return Record(**base)


RECORDS = [
    record("ok", "support", "s-ok"),
    record("ok2", "support", "s-ok"),  # two records of one subject share the group
    record("withdrawn", "support", "s-withdrawn"),
    record("expired", "support", "s-expired"),
    record("purpose", "support", "s-purpose"),
    record("sens_ok", "support", "s-sep", pii=SENSITIVE),
    record("sens_bad", "support", "s-ok", pii=SENSITIVE),
    record("minor_ok", "support", "s-minor-g"),
    record("minor_bad", "support", "s-minor"),
    record("refused", "support", "s-refused"),
    record("nobody", "support", "s-unknown"),
    record("web", "web_zh", None, metadata={"url": "https://forum.ok.example/t/1"}),
    record("optout", "web_zh", None, metadata={"url": "https://forum.optout.example/t/2"}),
    record("clean", "web_zh", None, pii=[], pii_status="none"),
]
EXPECTED = {
    "ok": "consent",
    "ok2": "consent",
    "withdrawn": "consent_withdrawn",
    "expired": "consent_expired",
    "purpose": "consent_purpose_mismatch",
    "sens_ok": "consent",
    "sens_bad": "sensitive_without_separate_consent",
    "minor_ok": "consent",
    "minor_bad": "minor_without_guardian_consent",
    "refused": "subject_refused",
    "nobody": "no_legal_basis",
    "web": "public_disclosure",
    "optout": "source_opted_out",
    "clean": "anonymized",
}
CONSENT_COLUMNS = [
    "consent_id",
    "version",
    "subject_id",
    "purposes",
    "scope",
    "consent_type",
    "granted_at",
    "expires_at",
    "withdrawn_at",
    "subject_is_minor",
]
CONSENTS = [  # one line per consent, in CONSENT_COLUMNS order
    ["c-ok", "1", "s-ok", "model_training", "", "explicit", "2024-01-01", "", "", ""],
    ["c-wd", "1", "s-withdrawn", "model_training", "", "explicit", "2024-01-01", "", "2025-01-01", ""],  # noqa: E501
    ["c-ex", "1", "s-expired", "model_training", "", "explicit", "2023-01-01", "2024-12-31", "", ""],  # noqa: E501
    ["c-pu", "1", "s-purpose", "customer_service", "", "explicit", "2024-01-01", "", "", ""],
    ["c-se", "1", "s-sep", "model_training", "support", "separate", "2024-01-01", "", "", ""],
    ["c-mg", "1", "s-minor-g", "model_training", "", "guardian", "2024-01-01", "", "", "true"],
    ["c-mi", "1", "s-minor", "model_training", "", "explicit", "2024-01-01", "", "", "true"],
    ["c-rf", "1", "s-refused", "model_training", "", "explicit", "2024-01-01", "", "", ""],
]  # fmt: skip


def write(path: Path, header: list[str], rows: list[list[str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


@pytest.fixture
def registry(tmp_path: Path) -> RegistrySettings:
    return RegistrySettings.model_validate(
        {
            "consents": {"uri": write(tmp_path / "consents.csv", CONSENT_COLUMNS, CONSENTS)},
            "refusals": {
                "uri": write(
                    tmp_path / "refusals.csv",
                    ["subject_id", "fingerprint", "scope", "recorded_at"],
                    [["s-refused", "", "", "2025-02-01"]],
                )
            },
            "opted_out_domains": {
                "uri": write(
                    tmp_path / "domains.csv",
                    ["domain", "reserved_at", "evidence"],
                    [["optout.example", "2024-01-01", "tdmrep"]],
                )
            },
        }
    )


def outcome(item: Record | Quarantined) -> tuple[str, str]:
    if isinstance(item, Quarantined):
        return item.record_id or "", item.reason_code
    return item.record_id, item.legal_basis or "none"


def run_stage(
    records: list[Record], settings: RegistrySettings, policy: Policy = POLICY, now: datetime = NOW
) -> dict[str, list[Any]]:
    """Run the stage and read back each output (written as base64 pickles: the runner's
    workers cannot append to this process's lists)."""
    out_dir = Path(tempfile.mkdtemp(prefix="tdg-basis-"))
    tags = (MAIN, QUARANTINE, NEEDS_ANONYMIZATION)
    with beam.Pipeline() as p:
        out = (
            p
            | beam.Create(records)
            | LegalBasisStage(policy, "p" * 64, settings, SOURCES, now, dataset="ds")
        )
        for tag in tags:
            _ = (
                out[tag]
                | f"Encode_{tag}" >> beam.Map(lambda x: base64.b64encode(pickle.dumps(x)).decode())
                | f"Write_{tag}" >> beam.io.WriteToText(str(out_dir / tag))
            )
    got: dict[str, list[Any]] = {}
    for tag in tags:
        lines = [ln for f in sorted(out_dir.glob(f"{tag}-*")) for ln in f.read_text().split()]
        got[tag] = sorted((pickle.loads(base64.b64decode(ln)) for ln in lines), key=outcome)
    shutil.rmtree(out_dir)
    return got


def test_each_record_gets_its_decision(registry: RegistrySettings) -> None:
    got = run_stage(RECORDS, registry)
    decided = dict(outcome(x) for x in got[MAIN] + got[QUARANTINE])
    assert decided == EXPECTED
    assert not got[NEEDS_ANONYMIZATION]
    by_id = {r.record_id: r for r in got[MAIN]}
    ok = by_id["ok"]
    assert ok.basis_evidence is not None
    assert (ok.basis_evidence.reference, ok.basis_evidence.version) == ("c-ok", "1")
    assert ok.policy_sha256 == "p" * 64
    assert ok.transformations == ["normalize", "legal_basis:consent"]
    web = by_id["web"].basis_evidence
    assert web is not None and web.reference == "https://forum.ok.example/t/1"
    q = {x.record_id: x for x in got[QUARANTINE]}
    assert (
        q["withdrawn"].stage == "legal_basis" and "s-withdrawn" not in q["withdrawn"].reason_detail
    )


def test_anonymize_policy_routes_missing_basis_to_its_own_output(
    registry: RegistrySettings,
) -> None:
    policy = POLICY.model_copy(update={"on_missing_basis": "anonymize"})
    got = run_stage([RECORDS[0], RECORDS[10], RECORDS[2]], registry, policy)
    assert [r.record_id for r in got[NEEDS_ANONYMIZATION]] == ["nobody"]
    flagged = got[NEEDS_ANONYMIZATION][0]
    assert flagged.legal_basis is None and flagged.transformations[-1].endswith(
        "needs_anonymization"
    )
    assert [q.reason_code for q in got[QUARANTINE]] == ["consent_withdrawn"]
    done = mark_anonymized(dataclasses.replace(flagged, pii_status="anonymized"), "p" * 64)
    assert done.legal_basis == "anonymized"


def test_registry_in_sqlite_gives_the_same_decisions(
    registry: RegistrySettings, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path}/registry.sqlite"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE TABLE consents ({', '.join(CONSENT_COLUMNS)})"))
        cols = ", ".join(f":{c}" for c in CONSENT_COLUMNS)
        conn.execute(
            sa.text(f"INSERT INTO consents VALUES ({cols})"),
            [dict(zip(CONSENT_COLUMNS, r, strict=True)) for r in CONSENTS],
        )
    engine.dispose()
    settings = registry.model_copy(
        update={
            "consents": RegistrySettings.model_validate(
                {"consents": {"sqlalchemy_url": url, "table": "consents", "partitions": 3}}
            ).consents
        }
    )
    got = run_stage(RECORDS, settings)
    assert dict(outcome(x) for x in got[MAIN] + got[QUARANTINE]) == EXPECTED


def test_no_registries_at_all() -> None:
    got = run_stage(RECORDS[-3:], RegistrySettings())
    assert dict(outcome(x) for x in got[MAIN] + got[QUARANTINE]) == {
        "web": "public_disclosure",
        "optout": "public_disclosure",  # no opt-out registry configured
        "clean": "anonymized",
    }


def test_opt_out_side_input_above_its_limit_fails(registry: RegistrySettings) -> None:
    small = registry.model_copy(update={"side_input_max_rows": 0})
    with pytest.raises(Exception, match="above side_input_max_rows"):
        run_stage(RECORDS[-3:], small)


# ---------------------------------------------------------------- the shipped sample registry

REPO = Path(__file__).resolve().parents[2]
SAMPLE_NOW = datetime(2026, 11, 24, tzinfo=UTC)  # inside expected_decisions' valid_run_times


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    subjects_path = REPO / "samples" / "corpus" / "subjects.json"
    expected_path = REPO / "samples" / "registry" / "expected_decisions.json"
    if not subjects_path.exists() or not expected_path.exists():
        pytest.skip("sample corpus or registry not generated (samples/generate*.py)")
    subjects = json.loads(subjects_path.read_text(encoding="utf-8"))["subjects"]
    return {
        "subjects": {s["subject_id"]: s for s in subjects},
        "expected": json.loads(expected_path.read_text(encoding="utf-8")),
    }


def sample_records(sample: dict[str, Any]) -> tuple[list[Record], dict[str, str]]:
    """One record per ticket of each expected subject (PI as the corpus planted it), plus two
    crawled records; and the decision each must get."""
    records, expected = [], {}
    for sid, case in sample["expected"]["subjects"].items():
        s = sample["subjects"][sid]
        single_sensitive = len(s["ticket_ids"]) == 1 and s["sensitive_kinds"]
        pii = SENSITIVE if single_sensitive else DIRECT
        for ticket in s["ticket_ids"]:
            meta = {"consent_ref": s["consent_ref"] or ""}
            records.append(record(ticket, "support", sid, pii=pii, metadata=meta))
            expected[ticket] = case["expected"]
    for host, outcome_ in sample["expected"]["hosts"].items():
        records.append(record(f"web-{host}", "web_zh", None, metadata={"url": f"https://{host}/t"}))
        expected[f"web-{host}"] = outcome_
    records.append(record("web-other", "web_zh", None, metadata={"url": "https://ok.example/"}))
    expected["web-other"] = "public_disclosure"
    return records, expected


def sample_settings(consents: dict[str, Any]) -> RegistrySettings:
    reg = REPO / "samples" / "registry"
    return RegistrySettings.model_validate(
        {
            "consents": consents,
            "refusals": {"uri": str(reg / "refusals.csv")},
            "opted_out_domains": {"uri": str(reg / "opted_out_domains.csv")},
        }
    )


def run_sample(sample: dict[str, Any], settings: RegistrySettings) -> None:
    records, expected = sample_records(sample)
    got = run_stage(records, settings, now=SAMPLE_NOW)
    assert dict(outcome(x) for x in got[MAIN] + got[QUARANTINE]) == expected


def test_sample_registry_in_sqlite(sample: dict[str, Any]) -> None:
    url = f"sqlite:///{REPO / 'samples' / 'registry' / 'consents.sqlite'}"
    run_sample(sample, sample_settings({"sqlalchemy_url": url, "table": "consents"}))


def test_sample_expectations_are_current(sample: dict[str, Any]) -> None:
    """expected_decisions.json matches what generate_registry.py makes from subjects.json."""
    spec = importlib.util.spec_from_file_location(
        "generate_registry", REPO / "samples" / "generate_registry.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    erasure = json.loads((REPO / "samples/corpus/erasure_fixture.json").read_text())["subject_id"]
    built = module.build(list(sample["subjects"].values()), erasure)
    assert built["expected"] == sample["expected"]


@pytest.mark.postgres
def test_sample_registry_in_postgres(sample: dict[str, Any], postgres_url: str) -> None:
    table, drop = sample_consents_in_postgres(postgres_url)
    try:
        consents = {"sqlalchemy_url": postgres_url, "table": table, "partitions": 4}
        run_sample(sample, sample_settings(consents))
    finally:
        drop()
