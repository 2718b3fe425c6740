"""Certification of a written version: expectations, then a signed certificate or rejection.

Runs on the staging directory before it is published, so a version appears together with its
certificate (or its rejection) or not at all. The private key comes from the KeyRing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from tdg.transforms.certificate import (
    build_certificate,
    build_rejection,
    certificate_digest,
    sha256_file,
    write_signed,
)
from tdg.transforms.dataset_metrics import metrics_path
from tdg.transforms.expectations_runner import ExpectationSettings, run_expectations, shard_paths_in
from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.entities import Sensitivity, sensitivity_of
from tdg.transforms.signing import public_key_id, sign_document

CERTIFICATE = "certificate.json"
REJECTION = "rejection.json"
METRICS_DIR = "metrics"
VALIDATION_DIR = "validation"


@dataclass(frozen=True)
class CertificationOutcome:
    certified: bool
    document: str  # file name written into the version directory
    document_sha256: str  # canonical digest, as the ledger records it
    manifest_sha256: str
    reason: str | None
    results: list[dict[str, Any]]


def sensitive_types(manifest: dict[str, Any]) -> list[str]:
    return sorted(t for t in manifest["pii"] if sensitivity_of(t) is Sensitivity.SENSITIVE)


def certify_directory(
    version_dir: str,
    manifest: dict[str, Any],
    settings: ExpectationSettings,
    keys: KeyRing,
    *,
    approver: str,
    pia_reference: str | None,
    require_pia_for_sensitive: bool,
    extras: dict[str, Any] | None = None,
    pipeline_options: PipelineOptions | None = None,
) -> CertificationOutcome:
    """Validate the version in `version_dir` and write certificate.json or rejection.json."""
    key = keys.signing_key()
    key_id = public_key_id(key.public_key())
    outcome = run_expectations(
        shard_paths_in(FileSystems.join(version_dir, "data")),
        metrics_path(FileSystems.join(version_dir, METRICS_DIR)),
        settings,
        FileSystems.join(version_dir, VALIDATION_DIR),
        pipeline_options=pipeline_options or PipelineOptions([]),
    )
    results = [r.model_dump(mode="json") for r in outcome.results]
    manifest_sha = sha256_file(Path(version_dir) / "manifest.json")
    reason = None
    sensitive = sensitive_types(manifest)
    if sensitive and require_pia_for_sensitive and not pia_reference:
        # PIPL Art. 55: processing sensitive PI needs a prior impact assessment.
        reason = (
            f"the dataset holds sensitive personal information ({', '.join(sensitive)}) "
            f"and the config names no PIA reference (certification.pia_reference)"
        )
    if outcome.success and reason is None:
        payload = build_certificate(
            manifest,
            manifest_sha,
            results,
            approver,
            {**(extras or {}), "pia_reference": pia_reference},
            key_id=key_id,
        )
        name = CERTIFICATE
    else:
        payload = build_rejection(manifest, manifest_sha, results, reason=reason, key_id=key_id)
        name = REJECTION
    signed = sign_document(payload, key)
    write_signed(Path(version_dir) / name, signed)
    return CertificationOutcome(
        certified=name == CERTIFICATE,
        document=name,
        document_sha256=certificate_digest(signed),
        manifest_sha256=manifest_sha,
        reason=reason or (None if outcome.success else _failed(results)),
        results=results,
    )


def _failed(results: list[dict[str, Any]]) -> str:
    names = [r["suite"] for r in results if not r.get("success")]
    return f"expectations failed: {', '.join(names)}"
