"""The suppression list: subjects who asked that processing stop (PIPL Art. 47 para. 2).

`OUTPUT/_requests/suppression.jsonl`, append-only, one entry per line: either
`{"subject_id": ..., "request_id": ..., "time": ...}` or
`{"entity_type": ..., "fingerprint": ..., "scheme": ..., "request_id": ..., "time": ...}`.
Identifiers are held as keyed fingerprints (the same HMAC as the fingerprint index), never as
values, so the list can be read by the run without exposing what it protects; `scheme` names how
they were computed, and an entry of another scheme stops the run rather than silently blocking
no one. `tdg run` loads it once on the driver and
drops a record whose subject id or any identifier fingerprint is on it.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tdg.transforms.errors import UserError
from tdg.transforms.pii.fingerprint import FINGERPRINT_SCHEME, check_scheme

REQUESTS_DIR = "_requests"
SUPPRESSION_FILE = "suppression.jsonl"


def suppression_path(output_root: str | Path) -> Path:
    return Path(output_root) / REQUESTS_DIR / SUPPRESSION_FILE


@dataclass(frozen=True, slots=True)
class Suppression:
    """Who is blocked: subject ids and (entity type, fingerprint) pairs. Picklable for workers."""

    subject_ids: frozenset[str] = field(default_factory=frozenset)
    fingerprints: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.subject_ids or self.fingerprints)

    def is_suppressed(
        self, subject_id: str | None, fingerprints: Iterable[tuple[str, str]] = ()
    ) -> bool:
        """True when the record's subject or any of its identifier fingerprints is blocked."""
        if subject_id is not None and subject_id in self.subject_ids:
            return True
        return any(tuple(fp) in self.fingerprints for fp in fingerprints)


def load_suppression(output_root: str | Path) -> Suppression:
    """The list at OUTPUT/_requests/suppression.jsonl (empty when there is none)."""
    path = suppression_path(output_root)
    if not path.is_file():
        return Suppression()
    subjects: set[str] = set()
    prints: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                raise UserError(f"{path}:{number}: not valid JSON") from None
            if not isinstance(entry, dict):
                raise UserError(f"{path}:{number}: expected a JSON object")
            if isinstance(entry.get("subject_id"), str):
                subjects.add(entry["subject_id"])
            elif isinstance(entry.get("entity_type"), str) and isinstance(
                entry.get("fingerprint"), str
            ):
                scheme = entry.get("scheme")
                if scheme is not None and not isinstance(scheme, str):
                    raise UserError(f"{path}:{number}: scheme must be a string")
                check_scheme(scheme, f"{path}:{number}")
                prints.add((entry["entity_type"], entry["fingerprint"]))
            else:
                raise UserError(
                    f"{path}:{number}: needs subject_id, or entity_type and fingerprint"
                )
    return Suppression(frozenset(subjects), frozenset(prints))


def append_suppression(
    output_root: str | Path,
    request_id: str,
    *,
    subject_id: str | None,
    fingerprints: Iterable[tuple[str, str]],
    time: str | None = None,
) -> int:
    """Append the entries one request adds (under a lock, fsynced); returns how many."""
    when = time or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries: list[dict[str, str]] = []
    if subject_id is not None:
        entries.append({"subject_id": subject_id, "request_id": request_id, "time": when})
    for entity_type, fp in sorted(set(fingerprints)):
        entries.append(
            {
                "entity_type": entity_type,
                "fingerprint": fp,
                "scheme": FINGERPRINT_SCHEME,
                "request_id": request_id,
                "time": when,
            }
        )
    if not entries:
        return 0
    path = suppression_path(output_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(fd, "ab") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    return len(entries)


def read_entries(output_root: str | Path) -> list[dict[str, str]]:
    """Every entry as written, for `tdg requests suppression list`."""
    path = suppression_path(output_root)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
