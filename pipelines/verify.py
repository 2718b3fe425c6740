"""Verify a dataset version before training on it: the Python API behind `tdg verify`.

A training orchestrator calls `require_certified(version_dir)` (raises `NotCertifiedError`) or
`verify_certificate(...)` (returns a `VerificationResult`). Checks, in order; the first that fails
gives the reason code, and the others still run so the report shows everything wrong at once:

1. `certificate`: certificate.json present and a tdg certificate; a rejection.json means the
   version was never certified (`rejected`), whatever else lies beside it.
2. `signature`: signed by the expected key (`wrong_key`) and unchanged since (`bad_signature`).
3. `manifest`: manifest.json's sha256 is the one the certificate names.
4. `files`: every listed file present with its recorded size (`deep=True`: and sha256), and no
   unlisted file in `data/`, `quarantine/` or any other folder holding listed files.
5. `ledger`: OUTPUT/ledger.jsonl (two levels above OUTPUT/DATASET/VERSION, or `ledger=`) has an
   intact chain, a certified run for this version whose certificate digest matches, and no
   revocation or supersession.

No ledger found: the check is reported as `skip` and verification can still pass, because a
certified version is often copied away from its output root to a training cluster; the
signature and file checks travel with it, revocation does not. Pass `require_ledger=True` (CLI
`--require-ledger`) where the ledger is reachable and a revocation must never be missed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tdg.transforms.certificate import (
    CERTIFICATE_FILE,
    CERTIFICATE_FORMAT,
    MANIFEST_FILE,
    REJECTION_FILE,
    certificate_digest,
    sha256_file,
)
from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing
from tdg.transforms.ledger import (
    KIND_CERTIFICATE_REVOKED,
    KIND_RUN,
    KIND_VERSION_SUPERSEDED,
    STATUS_ACTIVE,
    STATUS_REJECTED,
    STATUS_REVOKED,
    STATUS_SUPERSEDED,
    Ledger,
    ledger_path_for_version,
    status_from_events,
)
from tdg.transforms.signing import (
    load_public_key,
    public_key_id,
    signature_key_id,
    verify_document,
)

# Reason codes (stable: orchestrators may branch on them).
OK = "ok"
NOT_CERTIFIED = "not_certified"
REJECTED = "rejected"
MALFORMED = "malformed_certificate"
WRONG_KEY = "wrong_key"
BAD_SIGNATURE = "bad_signature"
MANIFEST_MISSING = "manifest_missing"
MANIFEST_MISMATCH = "manifest_mismatch"
UNSAFE_PATH = "unsafe_path"
FILE_MISSING = "file_missing"
FILE_SIZE_MISMATCH = "file_size_mismatch"
FILE_DIGEST_MISMATCH = "file_digest_mismatch"
UNLISTED_FILE = "unlisted_file"
LEDGER_MISSING = "ledger_missing"
LEDGER_TAMPERED = "ledger_tampered"
NOT_IN_LEDGER = "not_in_ledger"
LEDGER_MISMATCH = "ledger_mismatch"
REVOKED = "revoked"
SUPERSEDED = "superseded"

PASS, FAIL, SKIP = "pass", "fail", "skip"
DATA_FOLDERS = ("data", "quarantine")  # always scanned for unlisted files, even when empty


@dataclass(frozen=True, slots=True)
class Check:
    """One check's outcome: pass, fail (with a reason code) or skip (could not be run)."""

    name: str
    status: str
    detail: str
    reason_code: str | None = None


@dataclass(slots=True)
class VerificationResult:
    ok: bool
    reason_code: str
    reason: str  # one line, safe to log: names files and digests, never record content
    dataset: str | None
    version: str | None
    certificate: dict[str, Any] | None  # the signed document as read (payload + signature)
    checks: list[Check] = field(default_factory=list)
    version_dir: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class NotCertifiedError(Exception):
    """Raised by `require_certified`: the version must not be used for training."""

    def __init__(self, result: VerificationResult) -> None:
        super().__init__(f"not certified ({result.reason_code}): {result.reason}")
        self.result = result
        self.reason_code = result.reason_code


def require_certified(path: str | Path, **kwargs: Any) -> VerificationResult:
    """`verify_certificate`, raising NotCertifiedError unless the certificate is valid."""
    result = verify_certificate(path, **kwargs)
    if not result.ok:
        raise NotCertifiedError(result)
    return result


def verify_certificate(
    path: str | Path,
    *,
    public_key: str | Path | None = None,
    deep: bool = False,
    ledger: str | Path | None = None,
    require_ledger: bool = False,
) -> VerificationResult:
    """Verify a version directory (or its certificate.json). UserError for a missing path or key.

    `public_key`: PEM file of the expected signer; default `KeyRing.default().verify_key_path()`.
    `deep`: also hash every file (reads all data; size checks alone miss same-size edits).
    `ledger`: the ledger file, when it is not at OUTPUT/ledger.jsonl.
    """
    version_dir = _version_dir(Path(path))
    key_path = Path(public_key) if public_key is not None else KeyRing.default().verify_key_path()
    verify_key = load_public_key(key_path)
    checks: list[Check] = []

    rejection = version_dir / REJECTION_FILE
    if rejection.exists():
        detail = _rejection_reason(rejection)
        checks.append(Check("certificate", FAIL, detail, REJECTED))
        return _result(version_dir, None, checks)
    certificate_path = version_dir / CERTIFICATE_FILE
    if not certificate_path.exists():
        checks.append(
            Check("certificate", FAIL, f"no {CERTIFICATE_FILE} in {version_dir}", NOT_CERTIFIED)
        )
        return _result(version_dir, None, checks)
    signed, problem = _read_certificate(certificate_path)
    if signed is None:
        checks.append(Check("certificate", FAIL, f"{certificate_path}: {problem}", MALFORMED))
        return _result(version_dir, None, checks)
    checks.append(Check("certificate", PASS, str(certificate_path)))
    payload = signed["payload"]

    checks.append(_check_signature(signed, verify_key, key_path))
    checks.append(_check_manifest(version_dir, payload))
    checks.extend(_check_files(version_dir, payload["files"], deep=deep))
    ledger_file = Path(ledger) if ledger is not None else ledger_path_for_version(version_dir)
    checks.extend(_check_ledger(ledger_file, signed, require_ledger=require_ledger))
    return _result(version_dir, signed, checks)


# -- checks ---------------------------------------------------------------------------------


def _version_dir(path: Path) -> Path:
    if not path.exists():
        raise UserError(f"{path}: no such version directory or certificate")
    if path.is_file():
        return path.resolve().parent
    return path.resolve()


def _rejection_reason(path: Path) -> str:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        reason = document["payload"]["reason"] if "payload" in document else document["reason"]
        return f"rejected: {_one_line(str(reason))}"
    except (OSError, ValueError, KeyError, TypeError):
        return f"rejected: {path} is present (unreadable, reason unknown)"


def _read_certificate(path: Path) -> tuple[dict[str, Any] | None, str]:
    try:
        signed = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read: {exc}"
    except json.JSONDecodeError as exc:
        return None, f"not JSON (line {exc.lineno})"
    if not isinstance(signed, dict) or not isinstance(signed.get("payload"), dict):
        return None, "not a signed document (no payload)"
    payload = signed["payload"]
    if payload.get("format") != CERTIFICATE_FORMAT:
        return None, f"format is {payload.get('format')!r}, expected {CERTIFICATE_FORMAT!r}"
    files = payload.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("path"), str) for f in files
    ):
        return None, "files is not a list of {path, sha256, bytes}"
    return signed, ""


def _check_signature(signed: dict[str, Any], verify_key: Ed25519PublicKey, key_path: Path) -> Check:
    claimed, expected = signature_key_id(signed), public_key_id(verify_key)
    if claimed != expected:
        detail = f"signed with key {claimed}, expected key {expected} ({key_path})"
        return Check("signature", FAIL, detail, WRONG_KEY)
    if not verify_document(signed, verify_key):
        detail = "signature does not match the certificate (changed after signing)"
        return Check("signature", FAIL, detail, BAD_SIGNATURE)
    return Check("signature", PASS, f"Ed25519, key {expected}")


def _check_manifest(version_dir: Path, payload: dict[str, Any]) -> Check:
    manifest = version_dir / MANIFEST_FILE
    if not manifest.is_file():
        return Check("manifest", FAIL, f"{manifest} is missing", MANIFEST_MISSING)
    actual = sha256_file(manifest)
    if actual != payload.get("manifest_sha256"):
        detail = f"{manifest}: sha256 {actual[:16]}… differs from the certificate's"
        return Check("manifest", FAIL, detail, MANIFEST_MISMATCH)
    return Check("manifest", PASS, f"sha256 {actual}")


def _check_files(version_dir: Path, files: list[dict[str, Any]], *, deep: bool) -> list[Check]:
    checks: list[Check] = []
    listed: set[Path] = set()
    folders = {version_dir / name for name in DATA_FOLDERS}
    checked = 0
    for entry in files:
        relative = entry["path"]
        pure = PurePosixPath(relative)
        if pure.is_absolute() or ".." in pure.parts or not pure.parts:
            checks.append(Check("files", FAIL, f"{relative}: path leaves the version", UNSAFE_PATH))
            continue
        target = version_dir.joinpath(*pure.parts)
        listed.add(target)
        if target.parent != version_dir:
            folders.add(target.parent)
        if not target.is_file():
            checks.append(Check("files", FAIL, f"{relative} is missing", FILE_MISSING))
            continue
        size = target.stat().st_size
        if size != entry.get("bytes"):
            detail = f"{relative}: {size} bytes, certificate says {entry.get('bytes')}"
            checks.append(Check("files", FAIL, detail, FILE_SIZE_MISMATCH))
            continue
        if deep and sha256_file(target) != entry.get("sha256"):
            detail = f"{relative}: sha256 differs from the certificate's (content changed)"
            checks.append(Check("files", FAIL, detail, FILE_DIGEST_MISMATCH))
            continue
        checked += 1
    for folder in sorted(folders):
        if not folder.is_dir():
            continue
        for found in sorted(p for p in folder.rglob("*") if p.is_file()):
            if found not in listed:
                detail = f"{found.relative_to(version_dir)} is not listed in the certificate"
                checks.append(Check("files", FAIL, detail, UNLISTED_FILE))
    if not any(c.status == FAIL for c in checks):
        how = "size and sha256" if deep else "size (use deep for sha256)"
        checks.append(Check("files", PASS, f"{checked} files match by {how}"))
    return checks


def _check_ledger(
    ledger_file: Path, signed: dict[str, Any], *, require_ledger: bool
) -> list[Check]:
    if not ledger_file.is_file():
        detail = f"no ledger at {ledger_file}; revocation not checked"
        if require_ledger:
            return [Check("ledger", FAIL, detail, LEDGER_MISSING)]
        return [Check("ledger", SKIP, detail)]
    ledger = Ledger(ledger_file)
    chain = ledger.verify()
    if not chain.ok:
        return [Check("ledger", FAIL, f"chain broken: {chain.reason}", LEDGER_TAMPERED)]
    dataset, version = signed["payload"].get("dataset"), signed["payload"].get("version")
    events = ledger.events_for(str(dataset), str(version))
    status = status_from_events(events)
    checks = [Check("ledger_chain", PASS, f"{chain.entries} entries, head {chain.head_sha256}")]
    if status == STATUS_REVOKED:
        event = _last(events, KIND_CERTIFICATE_REVOKED)
        detail = f"revoked {event['time']}: {_one_line(str(event['body']['reason']))}"
        checks.append(Check("ledger", FAIL, detail, REVOKED))
    elif status == STATUS_SUPERSEDED:
        event = _last(events, KIND_VERSION_SUPERSEDED)
        body = event["body"]
        detail = f"superseded by {body['superseded_by']}: {_one_line(str(body['reason']))}"
        checks.append(Check("ledger", FAIL, detail, SUPERSEDED))
    elif status == STATUS_REJECTED:
        detail = "the ledger records this version's run as not certified"
        checks.append(Check("ledger", FAIL, detail, LEDGER_MISMATCH))
    elif status != STATUS_ACTIVE:
        detail = f"{ledger_file} has no run for {dataset} {version}"
        checks.append(Check("ledger", FAIL, detail, NOT_IN_LEDGER))
    else:
        recorded = _last(events, KIND_RUN)["body"].get("certificate_sha256")
        if recorded is not None and recorded != certificate_digest(signed):
            detail = "the certificate differs from the one the ledger recorded for this run"
            checks.append(Check("ledger", FAIL, detail, LEDGER_MISMATCH))
        else:
            checks.append(Check("ledger", PASS, f"active in {ledger_file}"))
    return checks


def _last(events: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return [event for event in events if event["kind"] == kind][-1]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _result(
    version_dir: Path, signed: dict[str, Any] | None, checks: list[Check]
) -> VerificationResult:
    payload = signed["payload"] if signed is not None else {}
    dataset, version = payload.get("dataset"), payload.get("version")
    failed = next((c for c in checks if c.status == FAIL), None)
    label = f"{dataset} {version}" if dataset is not None else str(version_dir)
    if failed is None:
        reason = f"{label}: certified"
    else:
        more = sum(1 for c in checks if c.status == FAIL) - 1
        reason = f"{label}: {failed.detail}" + (f" (+{more} more problems)" if more else "")
    return VerificationResult(
        ok=failed is None,
        reason_code=OK if failed is None else str(failed.reason_code),
        reason=reason,
        dataset=dataset,
        version=version,
        certificate=signed,
        checks=checks,
        version_dir=str(version_dir),
    )
