"""The certificate (`tdg-certificate/v1`) and rejection (`tdg-rejection/v1`) of a dataset version.

A certificate states what a version contains and how it was checked: the digests that pin its
files and manifest, the counts, legal-basis and PII summaries, and the expectation results. It is
signed (`signing.sign_document`), so a training job can check it before it reads a byte of data.
A version whose expectations fail gets a rejection instead, never a certificate.

Neither document carries personal data or record text: expectation results are reduced to
types, columns and counts (GX's `partial_unexpected_list` would otherwise copy record values).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tdg import __version__
from tdg.transforms.canonical_json import sha256_json

CERTIFICATE_FORMAT = "tdg-certificate/v1"
REJECTION_FORMAT = "tdg-rejection/v1"
CERTIFICATE_FILE = "certificate.json"
REJECTION_FILE = "rejection.json"
MANIFEST_FILE = "manifest.json"

_DIGEST_MODULUS = 1 << 256

# Scalar fields of a GX expectation result that are counts or rates, never record values.
_RESULT_COUNT_FIELDS = (
    "element_count",
    "missing_count",
    "missing_percent",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_nonmissing",
)


# -- content digest -------------------------------------------------------------------------
# A multiset hash (sum of sha256 of each item, mod 2^256): the same records give the same digest
# in any order and any sharding, and partial sums combine, so a Beam CombineFn can compute it:
#   create_accumulator -> 0, add_input -> digest_accumulate, merge_accumulators -> digest_merge,
#   extract_output -> digest_hex.
# It shows that the accepted set changed; it is not collision-resistant against someone who
# crafts many records on purpose (additive hashes fall to generalized-birthday attacks). The
# per-file sha256 values in the signed certificate are the cryptographic binding.


def digest_accumulate(accumulator: int, item_hash: str) -> int:
    """Add one item (a record's hash, as text) to a running digest."""
    value = int.from_bytes(hashlib.sha256(item_hash.encode("utf-8")).digest(), "big")
    return (accumulator + value) % _DIGEST_MODULUS


def digest_merge(accumulators: Iterable[int]) -> int:
    """Combine partial digests (from shards or bundles) into one."""
    return sum(accumulators) % _DIGEST_MODULUS


def digest_hex(accumulator: int) -> str:
    return format(accumulator, "064x")


def order_independent_digest(hashes: Iterable[str]) -> str:
    """The content digest of a collection of item hashes: equal for any order of the same items."""
    accumulator = 0
    for item_hash in hashes:
        accumulator = digest_accumulate(accumulator, item_hash)
    return digest_hex(accumulator)


# -- documents ------------------------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: str | Path, *, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in chunks (data shards can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def certificate_digest(signed: dict[str, Any]) -> str:
    """The digest a ledger `run` entry records for a signed certificate (canonical JSON)."""
    return sha256_json(signed)


def summarize_expectations(result: dict[str, Any]) -> dict[str, Any]:
    """One suite's result for a certificate: suite, success, statistics (GX 1.x or tdg shape)."""
    return {
        "suite": result.get("suite") or result.get("suite_name"),
        "success": bool(result.get("success")),
        "statistics": dict(result.get("statistics") or {}),
    }


def failing_expectations(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The failed expectations of one suite: type, column and counts; never unexpected values.

    Accepts a GX 1.x `ExpectationSuiteValidationResult.to_json_dict()` (`results` with
    `expectation_config`) or tdg's own list under `failed` of {type, column, ...}.
    """
    failed: list[dict[str, Any]] = []
    for item in result.get("results") or []:
        if item.get("success"):
            continue
        config = item.get("expectation_config") or {}
        kwargs = config.get("kwargs") or {}
        details = item.get("result") or {}
        entry: dict[str, Any] = {"type": config.get("type") or config.get("expectation_type")}
        if "column" in kwargs:
            entry["column"] = kwargs["column"]
        for name in _RESULT_COUNT_FIELDS:
            if isinstance(details.get(name), int | float):
                entry[name] = details[name]
        observed = details.get("observed_value")
        if isinstance(observed, bool | int | float):
            entry["observed_value"] = observed
        if (item.get("exception_info") or {}).get("raised_exception"):
            entry["raised_exception"] = True
        failed.append(entry)
    for item in result.get("expectations") or []:  # tdg's SuiteResult (expectations_runner)
        if item.get("success"):
            continue
        entry = {k: item[k] for k in ("type", "column", "description") if item.get(k) is not None}
        for name in _RESULT_COUNT_FIELDS:
            if isinstance(item.get(name), int | float):
                entry[name] = item[name]
        if isinstance(item.get("observed_value"), bool | int | float):
            entry["observed_value"] = item["observed_value"]
        failed.append(entry)
    for item in result.get("failed") or []:
        failed.append(
            {k: v for k, v in item.items() if isinstance(v, str | bool | int | float) or v is None}
        )
    return failed


def _identification(manifest: dict[str, Any], manifest_sha256: str) -> dict[str, Any]:
    return {
        "dataset": manifest["dataset"],
        "version": manifest["version"],
        "run_id": manifest.get("run_id"),
        "tdg_version": __version__,
        "manifest_tdg_version": manifest.get("tdg_version"),
        "config_sha256": manifest.get("config_sha256"),
        "policy_sha256": manifest.get("policy_sha256"),
        "manifest_sha256": manifest_sha256,
    }


def build_certificate(
    manifest: dict[str, Any],
    manifest_sha256: str,
    expectation_results: list[dict[str, Any]],
    approver: str,
    extras: dict[str, Any] | None = None,
    *,
    key_id: str | None = None,
    issued_at: str | None = None,
) -> dict[str, Any]:
    """The certificate payload (to be signed). Refuses if any expectation suite failed.

    `manifest_sha256` is `sha256_file(manifest.json)`: the bytes as written, so any change to the
    file shows. `key_id` is the signing key's id, so the signed payload names its key.
    """
    failed_suites = [r for r in expectation_results if not r.get("success")]
    if failed_suites:
        names = ", ".join(str(summarize_expectations(r)["suite"]) for r in failed_suites)
        raise ValueError(f"expectation suites failed ({names}): issue a rejection instead")
    payload: dict[str, Any] = {
        "format": CERTIFICATE_FORMAT,
        **_identification(manifest, manifest_sha256),
        "content_digest": manifest.get("content_digest"),
        "files": [
            {
                "path": f["path"],
                "kind": f.get("kind"),
                "sha256": f["sha256"],
                "bytes": f["bytes"],
                "rows": f.get("rows"),
            }
            for f in manifest.get("files", [])
        ],
        "counts": manifest.get("counts", {}),
        "sources": {
            name: {k: source.get(k) for k in ("kind", "licence", "read", "accepted", "quarantined")}
            for name, source in (manifest.get("sources") or {}).items()
        },
        "legal_basis": manifest.get("legal_basis", {}),
        "pii": manifest.get("pii", {}),
        "pii_status": manifest.get("pii_status", {}),
        "expectations": [summarize_expectations(r) for r in expectation_results],
        "approver": approver,
        "issued_at": issued_at or utc_now(),
        "key_id": key_id,
    }
    if extras:
        payload["extras"] = extras
    return payload


def build_rejection(
    manifest: dict[str, Any],
    manifest_sha256: str,
    expectation_results: list[dict[str, Any]],
    *,
    reason: str | None = None,
    key_id: str | None = None,
    issued_at: str | None = None,
) -> dict[str, Any]:
    """The rejection payload: which version, which expectations failed and by how much."""
    failed_suites = [r for r in expectation_results if not r.get("success")]
    failing = [
        {**summarize_expectations(r), "failed_expectations": failing_expectations(r)}
        for r in failed_suites
    ]
    if reason is None:
        names = ", ".join(str(f["suite"]) for f in failing) or "none recorded"
        reason = f"expectation suites failed: {names}"
    return {
        "format": REJECTION_FORMAT,
        **_identification(manifest, manifest_sha256),
        "counts": manifest.get("counts", {}),
        "reason": reason,
        "failing": failing,
        "issued_at": issued_at or utc_now(),
        "key_id": key_id,
    }


def write_signed(path: str | Path, signed: dict[str, Any]) -> str:
    """Write a signed document atomically (temp file, fsync, rename); return its digest.

    Pretty-printed for people; verification re-canonicalizes, so layout never matters.
    """
    path = Path(path)
    text = json.dumps(signed, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return certificate_digest(signed)
