"""The run ledger: an append-only, hash-chained JSONL file at the output root (`ledger.jsonl`).

GB/T 45652 5e asks that key processing operations be auditable and traceable, and PIPL Art. 56
asks that processing records be kept for at least three years. Each line is one entry
`{"seq", "kind", "time", "body", "prev_sha256", "sha256"}` in canonical JSON; `sha256` covers the
entry without itself and `prev_sha256` is the previous entry's hash (64 zeros for the first), so
editing, removing or reordering any entry breaks the chain for every later one.

What a chain alone cannot show: that the newest entries were cut off or the newest one rewritten.
Publish the head (`Ledger.head()`, `tdg ledger show --head`) somewhere else and pass it back as
`expected_head` to catch that too.

The ledger holds ids, digests, counts and reason codes, never personal data: a request entry
carries the request id and a receipt digest, not the subject or the identifier searched for.

Concurrent appenders (two runs finishing together) are serialized with an exclusive `fcntl`
lock on the file, and each entry is fsynced before the lock is released. That needs a local or
POSIX file system; object stores (gs://, s3://) have neither locks nor appends.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tdg.transforms.canonical_json import CanonicalJsonError, canonical_json, sha256_json
from tdg.transforms.errors import UserError

LEDGER_FILE = "ledger.jsonl"
GENESIS_PREV_SHA256 = "0" * 64
ENTRY_FIELDS = ("seq", "kind", "time", "body", "prev_sha256", "sha256")

KIND_RUN = "run"
KIND_CERTIFICATE_REVOKED = "certificate_revoked"
KIND_VERSION_SUPERSEDED = "version_superseded"
KIND_REQUEST = "request"

OUTCOME_CERTIFIED = "certified"
OUTCOME_REJECTED = "rejected"

# Fields each known kind must carry; other kinds (and extra fields) are allowed, so a later
# pipeline can add its own entries without changing this module.
REQUIRED_BODY_FIELDS: dict[str, tuple[str, ...]] = {
    KIND_RUN: (
        "dataset",
        "version",
        "run_id",
        "manifest_sha256",
        "certificate_sha256",
        "outcome",
    ),
    KIND_CERTIFICATE_REVOKED: ("dataset", "version", "reason"),
    KIND_VERSION_SUPERSEDED: ("dataset", "version", "superseded_by", "reason"),
    KIND_REQUEST: ("request_id", "request_kind", "receipt_sha256"),
}

# Version statuses, as `Ledger.status_of` reports them.
STATUS_ACTIVE = "active"  # a certified run, neither revoked nor superseded
STATUS_SUPERSEDED = "superseded"
STATUS_REVOKED = "revoked"
STATUS_REJECTED = "rejected"  # the run ended without a certificate
STATUS_UNKNOWN = "unknown"  # the ledger has no run for this version

# Reason codes of a failed `Ledger.verify`.
BAD_JSON = "bad_json"
EDITED = "edited"
REMOVED = "removed"
REORDERED = "reordered"
TRUNCATED = "truncated"

_KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


class LedgerError(UserError):
    """The ledger cannot be read or appended to (not JSON, partial last line, missing fields)."""


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """The outcome of `Ledger.verify`: ok, or the first bad entry and why."""

    ok: bool
    entries: int  # entries read before the first problem (all of them when ok)
    head_seq: int | None = None
    head_sha256: str | None = None
    first_bad_seq: int | None = None
    line: int | None = None  # 1-based line of the file where the problem shows
    reason_code: str | None = None  # BAD_JSON | EDITED | REMOVED | REORDERED | TRUNCATED
    reason: str = ""


def ledger_path_for_version(version_dir: str | Path) -> Path:
    """OUTPUT/DATASET/VERSION -> OUTPUT/ledger.jsonl (the ledger is shared by all datasets)."""
    return Path(version_dir).resolve().parent.parent / LEDGER_FILE


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_sha256(entry: dict[str, Any]) -> str:
    """The hash an entry must carry: sha256 of its canonical JSON without the `sha256` field."""
    return sha256_json({k: v for k, v in entry.items() if k != "sha256"})


class Ledger:
    """One ledger file; every method opens, reads or appends and closes again (no state kept)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @classmethod
    def at_output_root(cls, output_root: str | Path) -> Ledger:
        return cls(Path(output_root) / LEDGER_FILE)

    def exists(self) -> bool:
        return self.path.is_file()

    # -- writing ---------------------------------------------------------------------------

    def append(self, kind: str, body: dict[str, Any], *, time: str | None = None) -> dict[str, Any]:
        """Append one entry under an exclusive lock, fsync it, and return it."""
        _check_body(kind, body)
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        with os.fdopen(fd, "r+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
            last = self._last_entry(handle)
            entry: dict[str, Any] = {
                "seq": 1 if last is None else last["seq"] + 1,
                "kind": kind,
                "time": time or utc_now(),
                "body": body,
                "prev_sha256": GENESIS_PREV_SHA256 if last is None else last["sha256"],
            }
            entry["sha256"] = entry_sha256(entry)
            handle.write(canonical_json(entry) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            _fsync_directory(self.path.parent)
        return entry

    def record_run(
        self,
        *,
        dataset: str,
        version: str,
        run_id: str,
        manifest_sha256: str,
        certificate_sha256: str | None,
        outcome: str,
        **extra: Any,
    ) -> dict[str, Any]:
        """A `run` entry; `certificate_sha256` is `certificate_digest(signed)` or None."""
        body = {
            "dataset": dataset,
            "version": version,
            "run_id": run_id,
            "manifest_sha256": manifest_sha256,
            "certificate_sha256": certificate_sha256,
            "outcome": outcome,
            **extra,
        }
        return self.append(KIND_RUN, body)

    def revoke(self, dataset: str, version: str, reason: str, **extra: Any) -> dict[str, Any]:
        body = {"dataset": dataset, "version": version, "reason": reason, **extra}
        return self.append(KIND_CERTIFICATE_REVOKED, body)

    def supersede(
        self, dataset: str, version: str, superseded_by: str, reason: str, **extra: Any
    ) -> dict[str, Any]:
        body = {
            "dataset": dataset,
            "version": version,
            "superseded_by": superseded_by,
            "reason": reason,
            **extra,
        }
        return self.append(KIND_VERSION_SUPERSEDED, body)

    def record_request(
        self, request_id: str, request_kind: str, receipt_sha256: str, **extra: Any
    ) -> dict[str, Any]:
        """A data-subject request: ids and the receipt's digest only, never the subject."""
        body = {
            "request_id": request_id,
            "request_kind": request_kind,
            "receipt_sha256": receipt_sha256,
            **extra,
        }
        return self.append(KIND_REQUEST, body)

    def _last_entry(self, handle: IO[bytes]) -> dict[str, Any] | None:
        """The last entry, read backwards from the end; refuses to chain onto a damaged tail."""
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        if size == 0:
            return None
        handle.seek(size - 1)
        if handle.read(1) != b"\n":
            raise LedgerError(
                f"{self.path}: ends with a partial entry (an interrupted write?); "
                f"run `tdg ledger verify` before appending"
            )
        position, tail = size - 1, b""  # tail: the bytes before the final newline
        while position > 0 and b"\n" not in tail:
            step = min(4096, position)
            position -= step
            handle.seek(position)
            tail = handle.read(step) + tail
        line = tail.rsplit(b"\n", 1)[-1]
        entry = _parse_entry(line)
        if isinstance(entry, str) or entry_sha256(entry) != entry["sha256"]:
            raise LedgerError(
                f"{self.path}: the last entry is damaged; run `tdg ledger verify` before appending"
            )
        return entry

    # -- reading ---------------------------------------------------------------------------

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every entry in file order; LedgerError naming the line if one is not an entry."""
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                entry = _parse_entry(line.rstrip(b"\n"))
                if isinstance(entry, str):
                    raise LedgerError(f"{self.path}: line {number}: {entry}")
                yield entry

    def head(self) -> tuple[int, str] | None:
        """(seq, sha256) of the newest entry: publish it elsewhere to anchor the chain."""
        last: dict[str, Any] | None = None
        for last in self.entries():  # noqa: B007 - only the last one is wanted
            pass
        return None if last is None else (last["seq"], last["sha256"])

    def verify(self, *, expected_head: tuple[int, str] | None = None) -> LedgerCheck:
        """Check every link of the chain; report the first bad entry and why.

        A missing file is an empty, valid ledger. `expected_head` (seq, sha256), published
        earlier, also catches a cut-off or rewritten tail, which the chain alone cannot.
        """
        raw = self.path.read_bytes() if self.path.exists() else b""
        lines = raw.split(b"\n")
        partial_tail = lines.pop()  # b"" when the file ends with a newline, as it must
        parsed: list[dict[str, Any]] = []
        for number, line in enumerate(lines, start=1):
            entry = _parse_entry(line)
            if isinstance(entry, str):
                return self._bad(parsed, len(parsed) + 1, number, BAD_JSON, entry)
            parsed.append(entry)
        seqs_present = {entry["seq"] for entry in parsed}
        previous = GENESIS_PREV_SHA256
        for index, entry in enumerate(parsed):
            number, expected = index + 1, index + 1
            seq = entry["seq"]
            if seq != expected:
                if seq > expected and expected not in seqs_present:
                    why = f"entry {expected} is missing (line {number} holds entry {seq})"
                    return self._bad(parsed[:index], expected, number, REMOVED, why)
                why = f"line {number} holds entry {seq}, expected entry {expected}"
                return self._bad(parsed[:index], expected, number, REORDERED, why)
            if entry_sha256(entry) != entry["sha256"]:
                why = f"entry {seq} does not match its own sha256 (its content was changed)"
                return self._bad(parsed[:index], seq, number, EDITED, why)
            if entry["prev_sha256"] != previous:
                if seq == 1:
                    why = "entry 1 does not start the chain (prev_sha256 is not 64 zeros)"
                    return self._bad(parsed[:index], 1, number, EDITED, why)
                why = (
                    f"entry {seq}'s prev_sha256 does not match entry {seq - 1}: "
                    f"entry {seq - 1} was rewritten with a fresh hash"
                )
                return self._bad(parsed[: index - 1], seq - 1, number - 1, EDITED, why)
            previous = entry["sha256"]
        if partial_tail:
            why = f"the file ends with a partial entry after entry {len(parsed)}"
            return self._bad(parsed, len(parsed) + 1, len(parsed) + 1, TRUNCATED, why)
        if expected_head is not None:
            anchor_seq, anchor_sha = expected_head
            if len(parsed) < anchor_seq:
                why = f"the ledger ends at entry {len(parsed)}, the published head is {anchor_seq}"
                return self._bad(parsed, len(parsed) + 1, len(parsed) + 1, TRUNCATED, why)
            if anchor_seq >= 1 and parsed[anchor_seq - 1]["sha256"] != anchor_sha:
                why = f"entry {anchor_seq} differs from the published head"
                return self._bad(parsed[: anchor_seq - 1], anchor_seq, anchor_seq, EDITED, why)
        return LedgerCheck(
            ok=True,
            entries=len(parsed),
            head_seq=parsed[-1]["seq"] if parsed else None,
            head_sha256=parsed[-1]["sha256"] if parsed else None,
        )

    def _bad(
        self, good: list[dict[str, Any]], seq: int, line: int, code: str, why: str
    ) -> LedgerCheck:
        return LedgerCheck(
            ok=False,
            entries=len(good),
            head_seq=good[-1]["seq"] if good else None,
            head_sha256=good[-1]["sha256"] if good else None,
            first_bad_seq=seq,
            line=line,
            reason_code=code,
            reason=f"{self.path}: {why}",
        )

    # -- queries ---------------------------------------------------------------------------

    def events_for(self, dataset: str, version: str) -> list[dict[str, Any]]:
        """Entries about one dataset version (runs, revocations, supersessions), oldest first."""
        return [
            entry
            for entry in self.entries()
            if entry["body"].get("dataset") == dataset and entry["body"].get("version") == version
        ]

    def status_of(self, dataset: str, version: str) -> str:
        """active | superseded | revoked | rejected | unknown; revoked wins over superseded."""
        return status_from_events(self.events_for(dataset, version))


def status_from_events(events: list[dict[str, Any]]) -> str:
    kinds = {entry["kind"] for entry in events}
    if KIND_CERTIFICATE_REVOKED in kinds:
        return STATUS_REVOKED
    if KIND_VERSION_SUPERSEDED in kinds:
        return STATUS_SUPERSEDED
    runs = [entry for entry in events if entry["kind"] == KIND_RUN]
    if not runs:
        return STATUS_UNKNOWN
    return STATUS_ACTIVE if runs[-1]["body"]["outcome"] == OUTCOME_CERTIFIED else STATUS_REJECTED


def _parse_entry(line: bytes) -> dict[str, Any] | str:
    """The entry on one line, or a short description of why the line is not one."""
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "not JSON"
    if not isinstance(entry, dict):
        return "not a JSON object"
    missing = [name for name in ENTRY_FIELDS if name not in entry]
    if missing:
        return f"missing field {missing[0]}"
    if set(entry) != set(ENTRY_FIELDS):
        return f"unexpected field {sorted(set(entry) - set(ENTRY_FIELDS))[0]}"
    if not isinstance(entry["seq"], int) or isinstance(entry["seq"], bool) or entry["seq"] < 1:
        return "seq is not a positive integer"
    if not isinstance(entry["body"], dict):
        return "body is not an object"
    if not all(isinstance(entry[k], str) for k in ("kind", "time", "prev_sha256", "sha256")):
        return "kind, time and hashes must be strings"
    try:
        canonical_json(entry)
    except CanonicalJsonError as exc:
        return str(exc)
    return entry


def _check_body(kind: str, body: dict[str, Any]) -> None:
    if not _KIND_PATTERN.match(kind):
        raise ValueError(f"ledger entry kind {kind!r} must be lower_snake_case")
    if not isinstance(body, dict):
        raise ValueError("ledger entry body must be a dict")
    missing = [name for name in REQUIRED_BODY_FIELDS.get(kind, ()) if name not in body]
    if missing:
        raise ValueError(f"ledger {kind} entry needs {', '.join(missing)}")
    canonical_json(body)  # raises CanonicalJsonError before anything is written


def _fsync_directory(directory: Path) -> None:
    """Make a new file's directory entry durable too (a crash could otherwise lose the file)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
