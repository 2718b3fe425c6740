"""Data-subject requests against a catalog of dataset versions (PIPL Art. 45-47).

- `erase`: every live version holding the subject's records gets a successor
  `VERSION+erasure.N` without them (data, quarantine pointers and fingerprint-index rows),
  with a manifest whose counts reconcile (read = accepted + quarantined + erased), its own
  certificate, and ledger entries superseding the old version and revoking its certificate.
  The subject is also put on the suppression list, so the next run does not bring them back.
- `block`: the subject goes on the suppression list that `tdg run` honours.
- `access`: a report of which records in which versions concern the subject, where they came
  from and what was done to them, never their text.

A subject is found by subject id (the `subject_id` column) and by keyed fingerprints of the
identifiers the request gives, looked up in the fingerprint index at OUTPUT/_index/. The values
themselves live only in memory; receipts, reports, manifests and the ledger hold ids, counts,
entity types and digests.

Shards are rewritten on the driver with pyarrow, batch by batch: erasure is a filter with no
cross-record work, it keeps the shard layout one to one (an untouched shard is copied byte for
byte, so its sha256 stays the same), and it needs no cluster for what is usually a handful of
rows. The metrics table is recomputed with the pipeline's own Beam transform (`DatasetMetrics`),
so certification checks the new version exactly as it would a fresh run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineState

from tdg import __version__
from tdg.pipelines.certification import (
    CERTIFICATE,
    METRICS_DIR,
    CertificationOutcome,
    certify_directory,
)
from tdg.pipelines.config import LoadedConfig
from tdg.transforms.certificate import order_independent_digest, sha256_file
from tdg.transforms.dataset_metrics import DatasetMetrics
from tdg.transforms.errors import PipelineFailure, UserError
from tdg.transforms.expectations_runner import ExpectationSettings
from tdg.transforms.keys import KeyRing
from tdg.transforms.ledger import (
    KIND_CERTIFICATE_REVOKED,
    KIND_REQUEST,
    KIND_VERSION_SUPERSEDED,
    OUTCOME_CERTIFIED,
    OUTCOME_REJECTED,
    Ledger,
)
from tdg.transforms.manifest import MANIFEST_NAME, build_manifest, check_invariant
from tdg.transforms.output_layout import (
    INDEX_DIR,
    VersionLayout,
    discard_staging,
    is_local,
    prepare_staging,
    publish,
)
from tdg.transforms.pii.fingerprint import SCHEME_METADATA_KEY, check_scheme
from tdg.transforms.records import Quarantined, Record
from tdg.transforms.run_stats import accepted_facts, fold_facts, quarantine_facts, read_facts
from tdg.transforms.subject_requests import RequestKind, SubjectRequest
from tdg.transforms.suppression import REQUESTS_DIR, append_suppression
from tdg.transforms.write import describe_output_file

RECEIPT_FORMAT = "tdg-request-receipt/v1"
ACCESS_FORMAT = "tdg-access-report/v1"
RECEIPTS_DIR = "receipts"
DEFAULT_APPROVER = "tdg-requests"
ERASURE_SUFFIX = re.compile(r"\+erasure\.([0-9]+)\Z")
BATCH_ROWS = 8192
COUNTED_FIELDS = frozenset({"read", "accepted", "quarantined", "quarantined_by_reason", "erased"})

# Record columns an access report may show: pointers and processing facts, never the text.
ACCESS_COLUMNS = (
    "record_id",
    "source_id",
    "source_uri",
    "source_offset",
    "source_kind",
    "language",
    "run_id",
    "transformations",
    "pii",
    "pii_status",
    "legal_basis",
    "basis_evidence",
)

# Actions a receipt reports per version.
ACTION_ERASED = "erased"
ACTION_SKIPPED_SUPERSEDED = "skipped_superseded"
ACTION_SKIPPED_REVOKED = "skipped_revoked"
ACTION_FOUND = "found"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the catalog -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRef:
    """One published dataset version under an output root."""

    root: Path
    dataset: str
    version: str

    @property
    def path(self) -> Path:
        return self.root / self.dataset / self.version

    @property
    def index_dir(self) -> Path:
        return self.root / INDEX_DIR / self.dataset / self.version

    @property
    def label(self) -> str:
        return f"{self.dataset}/{self.version}"


def discover_versions(root: Path) -> list[VersionRef]:
    """Published versions (a directory with a manifest), skipping `_index`, `_requests`, staging."""
    found = []
    for dataset in sorted(p for p in root.iterdir() if p.is_dir()):
        if dataset.name.startswith(("_", ".")):
            continue
        for version in sorted(p for p in dataset.iterdir() if p.is_dir()):
            if not version.name.startswith(".") and (version / MANIFEST_NAME).is_file():
                found.append(VersionRef(root, dataset.name, version.name))
    return found


def parquet_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.parquet")) if directory.is_dir() else []


@dataclass(frozen=True, slots=True)
class SubjectMatches:
    """Record ids of one subject in one version: accepted (data/) and quarantined pointers."""

    data: frozenset[str] = frozenset()
    quarantine: frozenset[str] = frozenset()

    @property
    def all_ids(self) -> frozenset[str]:
        return self.data | self.quarantine

    def __len__(self) -> int:
        return len(self.all_ids)


def indexed_record_ids(index_dir: Path, fingerprints: frozenset[tuple[str, str]]) -> set[str]:
    """Record ids whose (entity type, fingerprint) is among `fingerprints`."""
    if not fingerprints:
        return set()
    values = pa.array(sorted({fp for _, fp in fingerprints}), pa.string())
    ids: set[str] = set()
    for path in parquet_files(index_dir):
        shard = pq.ParquetFile(path)  # opened once for its schema and its rows
        scheme = (shard.schema_arrow.metadata or {}).get(SCHEME_METADATA_KEY)
        check_scheme(None if scheme is None else scheme.decode(), str(path))
        table = shard.read(columns=["fingerprint", "entity_type", "record_id"])
        hits = table.filter(pc.is_in(table.column("fingerprint"), value_set=values))
        for row in hits.to_pylist():
            if (row["entity_type"], row["fingerprint"]) in fingerprints:
                ids.add(row["record_id"])
    return ids


def find_subject(
    ref: VersionRef, subject_id: str | None, fingerprints: frozenset[tuple[str, str]]
) -> SubjectMatches:
    """The subject's records in one version, reading only id columns and the index."""
    by_print = indexed_record_ids(ref.index_dir, fingerprints)
    data: set[str] = set()
    for path in parquet_files(ref.path / "data"):
        table = pq.read_table(path, columns=["record_id", "subject_id"])
        ids = table.column("record_id")
        hit = pc.is_in(ids, value_set=pa.array(sorted(by_print), pa.string()))
        if subject_id is not None:
            hit = pc.or_(hit, pc.fill_null(pc.equal(table.column("subject_id"), subject_id), False))
        data.update(ids.filter(hit).to_pylist())
    quarantine: set[str] = set()
    for path in parquet_files(ref.path / "quarantine"):
        ids = pq.read_table(path, columns=["record_id"]).column("record_id")
        hit = pc.fill_null(pc.is_in(ids, value_set=pa.array(sorted(by_print), pa.string())), False)
        quarantine.update(ids.filter(hit).to_pylist())
    return SubjectMatches(frozenset(data), frozenset(quarantine))


def version_events(ledger: Ledger, ref: VersionRef) -> set[str]:
    return {e["kind"] for e in ledger.events_for(ref.dataset, ref.version)}


def next_erasure_version(ref: VersionRef) -> str:
    """`v1` -> `v1+erasure.1`; `v1+erasure.1` -> `v1+erasure.2` (next number not yet used)."""
    base = ERASURE_SUFFIX.sub("", ref.version)
    used = [0]
    for p in (ref.root / ref.dataset).iterdir():
        name = p.name.lstrip(".").split(".staging-")[0]
        if name.startswith(base + "+erasure."):
            match = ERASURE_SUFFIX.search(name)
            if match and name[: match.start()] == base:
                used.append(int(match.group(1)))
    return f"{base}+erasure.{max(used) + 1}"


# -- rewriting a version without some records -------------------------------------------------


def filter_parquet(source: Path, target: Path, drop: frozenset[str]) -> Counter[str]:
    """Copy a shard without the rows whose record_id is in `drop`; erased rows per source_id.

    A shard with nothing to drop is copied byte for byte (same sha256 as before).
    """
    reader = pq.ParquetFile(source)
    drop_array = pa.array(sorted(drop), pa.string())
    ids = pq.read_table(source, columns=["record_id"]).column("record_id")
    if not drop or not pc.any(pc.fill_null(pc.is_in(ids, value_set=drop_array), False)).as_py():
        shutil.copyfile(source, target)
        return Counter()
    erased: Counter[str] = Counter()
    with pq.ParquetWriter(target, reader.schema_arrow, compression="zstd") as writer:
        for batch in reader.iter_batches(batch_size=BATCH_ROWS):
            hit = pc.fill_null(pc.is_in(batch.column("record_id"), value_set=drop_array), False)
            erased.update(batch.filter(hit).column("source_id").to_pylist())
            writer.write_batch(batch.filter(pc.invert(hit)))
    return erased


def version_facts(version_dir: Path) -> tuple[list[tuple[str, int]], str]:
    """The run facts of accepted and quarantined rows, and the content digest, as a run makes them.

    Same functions as the pipeline (`run_stats.accepted_facts`, `quarantine_facts`); the digest is
    `ContentDigestFn`'s sum of sha256(f"{record_id}|{output_sha256}"), via the certificate's
    `order_independent_digest`, which is the same multiset hash.
    """
    facts: Counter[str] = Counter()
    items: list[str] = []
    for path in parquet_files(version_dir / "data"):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                record = Record.from_row(row)
                for key, value in accepted_facts(record):
                    facts[key] += value
                items.append(f"{record.record_id}|{record.output_sha256}")
    for path in parquet_files(version_dir / "quarantine"):
        for row in pq.read_table(path).to_pylist():
            for key, value in quarantine_facts(Quarantined(**row)):
                facts[key] += value
    return list(facts.items()), order_independent_digest(items)


def compute_metrics(version_dir: Path, beam_args: Sequence[str]) -> str:
    """metrics/metrics.parquet for a written version, with the pipeline's DatasetMetrics."""
    options = PipelineOptions(list(beam_args))
    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    pipeline = beam.Pipeline(options=options)
    data = [str(p) for p in parquet_files(version_dir / "data")]
    held = [str(p) for p in parquet_files(version_dir / "quarantine")]
    records = (
        pipeline
        | "DataFiles" >> beam.Create(data)
        | "ReadData" >> beam.io.ReadAllFromParquet()
        | "ToRecord" >> beam.Map(Record.from_row)
    )
    quarantined = (
        pipeline
        | "QuarantineFiles" >> beam.Create(held)
        | "ReadQuarantine" >> beam.io.ReadAllFromParquet()
        | "ToQuarantined" >> beam.Map(lambda row: Quarantined(**row))
    )
    _ = (records, quarantined) | "Metrics" >> DatasetMetrics(str(version_dir / METRICS_DIR))
    state = pipeline.run().wait_until_finish()
    if state not in (None, PipelineState.DONE):
        raise PipelineFailure(f"the {runner} metrics pipeline ended in state {state}")
    return str(runner)


@dataclass(frozen=True)
class CertifySettings:
    """How a new version is certified: from `--config` when it names the dataset, else defaults."""

    expectations: ExpectationSettings = field(default_factory=ExpectationSettings)
    approver: str = DEFAULT_APPROVER
    pia_reference: str | None = None
    require_pia_for_sensitive: bool = True

    @classmethod
    def for_dataset(cls, dataset: str, loaded: LoadedConfig | None) -> CertifySettings:
        if loaded is None or loaded.config.dataset.name != dataset:
            return cls()
        cfg = loaded.config
        return cls(
            cfg.expectations,
            cfg.certification.approver,
            cfg.certification.pia_reference,
            cfg.certification.require_pia_for_sensitive,
        )


@dataclass(frozen=True)
class ErasedVersion:
    old: VersionRef
    new: VersionRef
    manifest: dict[str, Any]
    outcome: CertificationOutcome
    erased: int


def old_certificate_extras(ref: VersionRef) -> dict[str, Any]:
    path = ref.path / CERTIFICATE
    if not path.is_file():
        return {}
    extras = json.loads(path.read_text(encoding="utf-8"))["payload"].get("extras") or {}
    return dict(extras)


def erase_from_version(
    ref: VersionRef,
    matches: SubjectMatches,
    request_id: str,
    settings: CertifySettings,
    keys: KeyRing,
    beam_args: Sequence[str] = (),
) -> ErasedVersion:
    """Write, certify and publish `ref`'s successor without `matches`; then record it."""
    old_manifest_path = ref.path / MANIFEST_NAME
    old = json.loads(old_manifest_path.read_text(encoding="utf-8"))
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    layout = VersionLayout(str(ref.root), ref.dataset, next_erasure_version(ref), run_id)
    prepare_staging(layout)
    staging = Path(layout.staging_dir)
    try:
        drop = matches.all_ids
        erased: Counter[str] = Counter()
        files = []
        for entry in old["files"]:
            target = staging / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            erased += filter_parquet(ref.path / entry["path"], target, drop)
            files.append({**describe_output_file(str(target), str(staging)), "kind": entry["kind"]})
        for kind in ("data", "quarantine"):
            (staging / kind).mkdir(exist_ok=True)
        index_files = parquet_files(ref.index_dir)
        if index_files:
            index_staging = Path(layout.index_staging_dir)
            index_staging.mkdir(parents=True)
            for path in index_files:
                filter_parquet(path, index_staging / path.name, drop)

        facts, digest = version_facts(staging)
        reads = [
            fact
            for sid, s in old["sources"].items()
            for fact in read_facts(sid, int(s["read"]))
            if s["read"]
        ]
        stats = fold_facts([*facts, *reads])
        runner = compute_metrics(staging, beam_args)
        total_erased = {
            sid: int(s.get("erased", 0)) + erased.get(sid, 0) for sid, s in old["sources"].items()
        }
        # counts reconcile: read = accepted + quarantined + erased, per source
        check_invariant(
            {
                "sources": {
                    sid: {**s, "read": s["read"] - total_erased.get(sid, 0)}
                    for sid, s in stats["sources"].items()
                }
            },
            files,
        )
        manifest = build_manifest(
            dataset=ref.dataset,
            version=layout.version,
            run_id=run_id,
            tdg_version=__version__,
            config_sha256=old["config_sha256"],
            policy_sha256=old.get("policy_sha256"),
            runner=runner,
            stats=stats,
            content={"content_digest": digest},
            files=files,
            sources_declared={
                sid: {k: v for k, v in s.items() if k not in COUNTED_FIELDS}
                for sid, s in old["sources"].items()
            },
        )
        for sid, source in manifest["sources"].items():
            source["erased"] = total_erased.get(sid, 0)
        manifest["counts"]["erased"] = sum(total_erased.values())
        manifest["derived_from"] = {
            "version": ref.version,
            "manifest_sha256": sha256_file(old_manifest_path),
        }
        manifest["request_id"] = request_id
        (staging / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        extras = old_certificate_extras(ref)
        pia = settings.pia_reference or extras.get("pia_reference")
        extras.update({"erasure_request": request_id, "derived_from": ref.version})
        outcome = certify_directory(
            str(staging),
            manifest,
            settings.expectations,
            keys,
            approver=settings.approver,
            pia_reference=pia,
            require_pia_for_sensitive=settings.require_pia_for_sensitive,
            extras=extras,
        )
        publish(layout)
    except Exception:
        discard_staging(layout)
        raise
    new = VersionRef(ref.root, ref.dataset, layout.version)
    ledger = Ledger.at_output_root(ref.root)
    ledger.record_run(
        dataset=ref.dataset,
        version=new.version,
        run_id=run_id,
        manifest_sha256=outcome.manifest_sha256,
        certificate_sha256=outcome.document_sha256 if outcome.certified else None,
        outcome=OUTCOME_CERTIFIED if outcome.certified else OUTCOME_REJECTED,
        derived_from=ref.version,
        request_id=request_id,
    )
    reason = f"erasure request {request_id}"
    ledger.supersede(ref.dataset, ref.version, new.version, reason, request_id=request_id)
    if (ref.path / CERTIFICATE).is_file():
        ledger.revoke(ref.dataset, ref.version, reason, request_id=request_id)
    return ErasedVersion(ref, new, manifest, outcome, sum(erased.values()))


# -- access reports --------------------------------------------------------------------------


def access_entries(ref: VersionRef, matches: SubjectMatches) -> dict[str, list[dict[str, Any]]]:
    """The subject's rows in one version: pointers and processing facts, no text."""
    wanted = pa.array(sorted(matches.all_ids), pa.string())
    records: list[dict[str, Any]] = []
    for path in parquet_files(ref.path / "data"):
        table = pq.read_table(path, columns=list(ACCESS_COLUMNS))
        hit = pc.is_in(table.column("record_id"), value_set=wanted)
        for row in table.filter(hit).to_pylist():
            evidence = row.pop("basis_evidence") or {}
            row["basis_evidence"] = {k: evidence.get(k) for k in ("kind", "reference", "version")}
            records.append(row)
    quarantined: list[dict[str, Any]] = []
    columns = ["record_id", "source_id", "source_uri", "source_offset", "stage", "reason_code"]
    for path in parquet_files(ref.path / "quarantine"):
        table = pq.read_table(path, columns=columns)
        hit = pc.fill_null(pc.is_in(table.column("record_id"), value_set=wanted), False)
        quarantined += table.filter(hit).to_pylist()
    key = "record_id"
    return {
        "records": sorted(records, key=lambda r: r[key]),
        "quarantined": sorted(quarantined, key=lambda r: r[key]),
    }


# -- applying requests -----------------------------------------------------------------------


@dataclass
class RequestOutcome:
    request_id: str
    kind: str
    receipt_path: Path | None
    receipt: dict[str, Any] | None
    already_applied: bool = False
    rejected_versions: list[str] = field(default_factory=list)


def write_json_atomic(path: Path, document: dict[str, Any]) -> str:
    """Write JSON via a temp file and rename; returns the sha256 of the bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return hashlib.sha256(data).hexdigest()


def applied_requests(ledger: Ledger) -> dict[str, dict[str, Any]]:
    return {e["body"]["request_id"]: e for e in ledger.entries() if e["kind"] == KIND_REQUEST}


def apply_request(
    request: SubjectRequest,
    root: Path,
    *,
    receipts_dir: Path,
    keys: KeyRing,
    config: LoadedConfig | None = None,
    beam_args: Sequence[str] = (),
) -> RequestOutcome:
    """Apply one request to every version under `root`; idempotent by request id."""
    ledger = Ledger.at_output_root(root)
    done = applied_requests(ledger).get(request.request_id)
    if done is not None:
        return RequestOutcome(request.request_id, request.kind.value, None, None, True)
    fingerprints = (
        request.fingerprints(keys.symmetric("fingerprint"))
        if request.identifiers
        else (frozenset())
    )
    versions = discover_versions(root)
    found: list[dict[str, Any]] = []
    new_versions: list[str] = []
    rejected: list[str] = []
    access: list[dict[str, Any]] = []
    for ref in versions:
        matches = find_subject(ref, request.subject_id, fingerprints)
        if not matches:
            continue
        events = version_events(ledger, ref)
        item: dict[str, Any] = {
            "dataset": ref.dataset,
            "version": ref.version,
            "records_found": {"data": len(matches.data), "quarantine": len(matches.quarantine)},
            "action": ACTION_FOUND,
        }
        if request.kind is RequestKind.ERASE:
            if KIND_VERSION_SUPERSEDED in events:
                item["action"] = ACTION_SKIPPED_SUPERSEDED
            elif KIND_CERTIFICATE_REVOKED in events:
                item["action"] = ACTION_SKIPPED_REVOKED
            else:
                settings = CertifySettings.for_dataset(ref.dataset, config)
                result = erase_from_version(
                    ref, matches, request.request_id, settings, keys, beam_args
                )
                item.update(
                    action=ACTION_ERASED,
                    erased=result.erased,
                    new_version=result.new.version,
                    new_manifest_sha256=result.outcome.manifest_sha256,
                    new_outcome=OUTCOME_CERTIFIED if result.outcome.certified else OUTCOME_REJECTED,
                )
                new_versions.append(result.new.label)
                if not result.outcome.certified:
                    rejected.append(f"{result.new.label}: {result.outcome.reason}")
        elif request.kind is RequestKind.ACCESS:
            status = (
                "superseded"
                if KIND_VERSION_SUPERSEDED in events
                else "revoked"
                if KIND_CERTIFICATE_REVOKED in events
                else "live"
            )
            access.append(
                {
                    "dataset": ref.dataset,
                    "version": ref.version,
                    "status": status,
                    **access_entries(ref, matches),
                }
            )
        found.append(item)

    receipt: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "request_id": request.request_id,
        "kind": request.kind.value,
        "received_at": request.received_at.isoformat() if request.received_at else None,
        "applied_at": utc_now(),
        "tdg_version": __version__,
        "matched_by": {
            "subject_id": request.subject_id is not None,
            "identifier_types": sorted({i.type for i in request.identifiers}),
        },
        "versions_searched": len(versions),
        "versions": found,
        "records_found": sum(sum(v["records_found"].values()) for v in found),
        "new_versions": new_versions,
    }
    if request.kind in (RequestKind.ERASE, RequestKind.BLOCK):
        receipt["suppression_entries"] = append_suppression(
            root, request.request_id, subject_id=request.subject_id, fingerprints=fingerprints
        )
    if request.kind is RequestKind.ACCESS:
        report = {
            "format": ACCESS_FORMAT,
            "request_id": request.request_id,
            "generated_at": receipt["applied_at"],
            "versions": access,
        }
        report_path = receipts_dir / f"{request.request_id}.access.json"
        receipt["report"] = {
            "path": report_path.name,
            "sha256": write_json_atomic(report_path, report),
        }
    receipt_path = receipts_dir / f"{request.request_id}.json"
    receipt_sha = write_json_atomic(receipt_path, receipt)
    ledger.record_request(
        request.request_id,
        request.kind.value,
        receipt_sha,
        records_found=receipt["records_found"],
        new_versions=new_versions,
    )
    return RequestOutcome(
        request.request_id, request.kind.value, receipt_path, receipt, False, rejected
    )


def default_receipts_dir(root: Path) -> Path:
    return root / REQUESTS_DIR / RECEIPTS_DIR


def apply_requests(
    requests: Sequence[SubjectRequest],
    output_root: str | Path,
    *,
    receipts_dir: str | Path | None = None,
    keys: KeyRing | None = None,
    config: LoadedConfig | None = None,
    beam_args: Sequence[str] = (),
) -> list[RequestOutcome]:
    """Apply requests in file order (a later erase sees the versions an earlier one wrote)."""
    root_text = str(output_root)
    if not is_local(root_text):
        raise UserError(f"{root_text}: requests need a local catalog (the ledger is a local file)")
    root = Path(root_text).resolve()
    if not root.is_dir():
        raise UserError(f"{root}: no such catalog (an output root of `tdg run`)")
    keyring = keys or KeyRing.default()
    if any(r.identifiers for r in requests):
        keyring.symmetric("fingerprint")  # fail before any work when the key is missing
    if any(r.kind is RequestKind.ERASE for r in requests):
        keyring.signing_key()
    target = Path(receipts_dir) if receipts_dir is not None else default_receipts_dir(root)
    return [
        apply_request(
            r, root, receipts_dir=target, keys=keyring, config=config, beam_args=beam_args
        )
        for r in requests
    ]
