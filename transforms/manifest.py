"""manifest.json: what a run read, accepted and quarantined, and every file it wrote."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tdg.transforms.errors import InvariantError

FORMAT = "tdg-manifest/v1"
MANIFEST_NAME = "manifest.json"


def check_invariant(stats: dict[str, Any], files: list[dict[str, Any]]) -> None:
    """Per source, read = accepted + quarantined; and the shards hold exactly those rows."""
    problems = []
    for sid, s in stats["sources"].items():
        if s["read"] != s["accepted"] + s["quarantined"]:
            problems.append(
                f"source {sid!r}: read {s['read']} != accepted {s['accepted']} "
                f"+ quarantined {s['quarantined']}"
            )
    for kind, key in (("data", "accepted"), ("quarantine", "quarantined")):
        rows = sum(f["rows"] for f in files if f["kind"] == kind)
        expected = sum(s[key] for s in stats["sources"].values())
        if rows != expected:
            problems.append(f"{kind} files hold {rows} rows, counted {key} {expected}")
    if problems:
        raise InvariantError("counts do not reconcile: " + "; ".join(problems))


def build_manifest(
    *,
    dataset: str,
    version: str,
    run_id: str,
    tdg_version: str,
    config_sha256: str,
    policy_sha256: str | None,
    runner: str,
    stats: dict[str, Any],
    content: dict[str, Any],
    files: list[dict[str, Any]],
    sources_declared: dict[str, dict[str, Any]],
    created_at: datetime | None = None,
) -> dict[str, Any]:
    sources = {}
    for sid, declared in sources_declared.items():
        counted = stats["sources"].get(
            sid, {"read": 0, "accepted": 0, "quarantined": 0, "quarantined_by_reason": {}}
        )
        sources[sid] = {**counted, **declared}
    by_reason: dict[str, int] = {}
    for s in sources.values():
        for reason, n in s["quarantined_by_reason"].items():
            by_reason[reason] = by_reason.get(reason, 0) + n
    return {
        "format": FORMAT,
        "dataset": dataset,
        "version": version,
        "run_id": run_id,
        "tdg_version": tdg_version,
        "config_sha256": config_sha256,
        "policy_sha256": policy_sha256,
        "created_at": (created_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "runner": runner,
        "counts": {
            "read": sum(s["read"] for s in sources.values()),
            "accepted": sum(s["accepted"] for s in sources.values()),
            "quarantined": sum(s["quarantined"] for s in sources.values()),
            "quarantined_by_reason": dict(sorted(by_reason.items())),
        },
        "sources": sources,
        "content_digest": content["content_digest"],
        "legal_basis": dict(sorted(stats["legal_basis"].items())),
        "pii": dict(sorted(stats["pii"].items())),
        "pii_status": dict(sorted(stats["pii_status"].items())),
        "languages": dict(sorted(stats["languages"].items())),
        "files": sorted(files, key=lambda f: f["path"]),
    }
