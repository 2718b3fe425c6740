"""The record and quarantine schemas, defined once, with typed Python views.

Every stage reads and writes `Record`; the Parquet writers take `RECORD_SCHEMA` and
`QUARANTINE_SCHEMA` from here. `tests/unit/test_records.py` keeps views and schemas in sync.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

PII_ENTRY = pa.struct(
    [
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("count", pa.int32(), nullable=False),
        pa.field("operator", pa.string(), nullable=False),
        pa.field("sensitivity", pa.string(), nullable=False),
    ]
)

BASIS_EVIDENCE = pa.struct(
    [
        pa.field("kind", pa.string()),
        pa.field("reference", pa.string()),
        pa.field("version", pa.string()),
        pa.field("detail", pa.string()),
    ]
)

RECORD_SCHEMA = pa.schema(
    [
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_offset", pa.int64(), nullable=False),
        pa.field("source_kind", pa.string(), nullable=False),
        pa.field("licence", pa.string(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("subject_id", pa.string()),
        pa.field("metadata", pa.map_(pa.string(), pa.string())),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("output_sha256", pa.string(), nullable=False),
        pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("pipeline_version", pa.string(), nullable=False),
        pa.field("config_sha256", pa.string(), nullable=False),
        pa.field("transformations", pa.list_(pa.string()), nullable=False),
        pa.field("pii", pa.list_(PII_ENTRY), nullable=False),
        pa.field("pii_status", pa.string(), nullable=False),
        pa.field("legal_basis", pa.string()),
        pa.field("basis_evidence", BASIS_EVIDENCE),
        pa.field("policy_sha256", pa.string()),
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("source_offset", pa.int64(), nullable=False),
        pa.field("record_id", pa.string()),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason_code", pa.string(), nullable=False),
        pa.field("reason_detail", pa.string(), nullable=False),
        pa.field("content_sha256", pa.string()),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

# pii_status values (PIPL Art. 4 and 73).
PII_NONE = "none"  # nothing personal was detected
PII_ANONYMIZED = "anonymized"  # only irreversible operators, no mapping kept
PII_DEIDENTIFIED = "de-identified"  # keyed pseudonyms or reversible encryption: still PI

# source_offset of a quarantine entry that stands for a whole file, not one row.
WHOLE_FILE = -1


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """Whether `text` holds code points that are no characters: undecodable bytes kept as
    surrogate escapes, or an unpaired `\\ud83d` JSON escape."""
    return _SURROGATE.search(text) is not None


def sha256_text(text: str) -> str:
    """Hex sha256 of a string's UTF-8 bytes (invalid code points escaped, never dropped)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_record_id(source_id: str, own_id: str | None, offset: int, file_key: str = "") -> str:
    """Stable id: from the source id and the record's own id, or, when it has none, its
    position: the file (relative to the source's glob, so moving the corpus keeps ids) and the
    line or row in it."""
    if own_id not in (None, ""):
        key = f"{source_id}\x1fid\x1f{own_id}"
    elif file_key:
        key = f"{source_id}\x1f{file_key}@{offset}"
    else:
        key = f"{source_id}\x1f@{offset}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(slots=True)
class PiiEntry:
    """How many entities of one type a record had, and what was done to them (never values)."""

    entity_type: str
    count: int
    operator: str
    sensitivity: str


@dataclass(slots=True)
class BasisEvidence:
    """Why a record may be used: consent id and version, contract reference, disclosure source."""

    kind: str | None = None
    reference: str | None = None
    version: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class PendingAnonymization:
    """The original text and what was found in it, kept in flight (never written) while the
    legal-basis stage may still ask for irreversible anonymization instead of de-identification.
    """

    original_text: str
    findings: tuple[Any, ...]


# Record fields that travel between stages but are never written.
TRANSIENT_FIELDS = frozenset({"pending", "fingerprints"})


@dataclass(slots=True)
class Record:
    """The typed view of one row of RECORD_SCHEMA (plus transient fields, never written)."""

    record_id: str
    text: str
    source_id: str
    source_uri: str
    source_offset: int
    source_kind: str
    licence: str
    content_sha256: str
    output_sha256: str
    ingested_at: datetime
    run_id: str
    pipeline_version: str
    config_sha256: str
    language: str | None = None
    subject_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    transformations: list[str] = field(default_factory=list)
    pii: list[PiiEntry] = field(default_factory=list)
    pii_status: str = PII_NONE
    legal_basis: str | None = None
    basis_evidence: BasisEvidence | None = None
    policy_sha256: str | None = None
    pending: PendingAnonymization | None = None
    # (entity type, keyed fingerprint) of the identifiers found, for refusal matching
    fingerprints: tuple[tuple[str, str], ...] = ()

    def with_text(self, text: str, transformation: str | None = None) -> Record:
        """A copy with new text, its output hash, and (optionally) one more transformation."""
        steps = (
            [*self.transformations, transformation]
            if transformation
            else list(self.transformations)
        )
        return dataclasses.replace(
            self, text=text, output_sha256=sha256_text(text), transformations=steps
        )

    def to_row(self) -> dict[str, Any]:
        if self.pending is not None:
            raise ValueError(f"record {self.record_id} still holds its original text")
        row = {f: getattr(self, f) for f in RECORD_SCHEMA.names}
        row["metadata"] = list(self.metadata.items())
        row["pii"] = [dataclasses.asdict(p) for p in self.pii]
        row["basis_evidence"] = (
            dataclasses.asdict(self.basis_evidence) if self.basis_evidence else None
        )
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Record:
        data = dict(row)
        meta = data.get("metadata") or []
        data["metadata"] = dict(meta) if not isinstance(meta, dict) else meta
        data["pii"] = [PiiEntry(**p) for p in data.get("pii") or []]
        ev = data.get("basis_evidence")
        data["basis_evidence"] = BasisEvidence(**ev) if ev else None
        data["transformations"] = list(data.get("transformations") or [])
        return cls(**data)


@dataclass(slots=True)
class Quarantined:
    """The typed view of one row of QUARANTINE_SCHEMA: a pointer and a reason, never the text."""

    source_id: str
    source_uri: str
    source_offset: int
    stage: str
    reason_code: str
    reason_detail: str
    run_id: str
    record_id: str | None = None
    content_sha256: str | None = None

    def to_row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def of(cls, record: Record, stage: str, reason_code: str, reason_detail: str) -> Quarantined:
        """Quarantine an already-parsed record: keep its pointer and hash, drop its text."""
        return cls(
            source_id=record.source_id,
            source_uri=record.source_uri,
            source_offset=record.source_offset,
            stage=stage,
            reason_code=reason_code,
            reason_detail=reason_detail,
            run_id=record.run_id,
            record_id=record.record_id,
            content_sha256=record.content_sha256,
        )
