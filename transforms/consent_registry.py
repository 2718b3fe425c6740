"""The consent, refusal and TDM opt-out registries, and how Beam reads them.

Registries can be large (100M consents), so nothing here loads one on the driver: files are read
by workers through Beam's file IO (one file per work item, streamed in batches), and SQL tables
are read by workers in hash partitions of the key column, each with a server-side cursor. A bad
row fails the run with `CorruptInputError` naming the file (or table), the row and the field; the
`tdg.registry.rejected_rows` counter records it.

Column values: lists (purposes, scope) are native lists (Parquet, JSONL) or strings separated by
`;` or `,` (CSV, SQL), or a JSON array string; times are ISO 8601 (naive times are UTC) or native
timestamps. A `columns:` mapping renames registry columns onto the canonical names below.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from pydantic import BaseModel, ConfigDict, Field, model_validator

from tdg.transforms.errors import CorruptInputError, UserError

log = logging.getLogger(__name__)

T = TypeVar("T")
SCHEME_SEPARATOR = "://"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
LIST_SEPARATOR = re.compile(r"[;,]")


# ---------------------------------------------------------------------------- registry rows


class ConsentType(StrEnum):
    IMPLIED = "implied"
    EXPLICIT = "explicit"
    SEPARATE = "separate"  # PIPL Art. 29: 单独同意, needed for sensitive PI
    WRITTEN = "written"
    GUARDIAN = "guardian"  # PIPL Art. 31: given by the guardian of a subject under 14


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One version of one consent; `scope` lists datasets or sources (empty = all)."""

    consent_id: str
    version: str
    subject_id: str
    purposes: tuple[str, ...]
    scope: tuple[str, ...]
    consent_type: ConsentType
    granted_at: datetime
    expires_at: datetime | None = None
    withdrawn_at: datetime | None = None
    evidence_ref: str | None = None
    jurisdiction: str | None = None
    # How a minor is known from the registry (PIPL Art. 31): the consent form's facts.
    subject_birth_date: date | None = None
    subject_is_minor: bool | None = None


@dataclass(frozen=True, slots=True)
class RefusalRecord:
    """A subject's express refusal (PIPL Art. 27, 44): by subject id or identifier fingerprint."""

    subject_id: str | None
    fingerprint: str | None  # keyed hash of an identifier (KeyRing "fingerprint")
    scope: tuple[str, ...]
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class OptOutDomain:
    """A host that reserved text-and-data-mining rights (AI Act Art. 53(1)(c); DSM Art. 4(3))."""

    domain: str
    reserved_at: datetime | None = None
    evidence: str | None = None


class RowError(ValueError):
    """One bad field of one registry row (never carries the value)."""

    def __init__(self, field: str, what: str, position: str | None = None) -> None:
        super().__init__(f"{field}: {what}")
        self.field = field
        self.what = what
        self.position = position  # set when the file reader, not a field, found the problem


def _text(row: Mapping[str, Any], name: str, required: bool = True) -> str | None:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RowError(name, "required value is missing")
        return None
    return str(value).strip()


def _required_text(row: Mapping[str, Any], name: str) -> str:
    value = _text(row, name)
    assert value is not None
    return value


def _list(row: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = row.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("["):
            try:
                value = json.loads(s)
            except json.JSONDecodeError:
                raise RowError(name, "not a valid JSON array") from None
        else:
            return tuple(p.strip() for p in LIST_SEPARATOR.split(s) if p.strip())
    if not isinstance(value, list | tuple):
        raise RowError(name, "expected a list or a ';'-separated string")
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def parse_time(value: Any, name: str) -> datetime | None:
    """ISO 8601 text, a date, or a native timestamp; naive values are UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        s = value.strip()
        try:
            dt = datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s)
        except ValueError:
            raise RowError(name, "expected an ISO 8601 date-time") from None
    else:
        raise RowError(name, "expected an ISO 8601 date-time")
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _date(value: Any, name: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RowError(name, "expected an ISO 8601 date (YYYY-MM-DD)") from None


def parse_flag(value: Any, name: str) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    s = str(value).strip().lower()
    if s in {"true", "1", "yes", "y", "t"}:
        return True
    if s in {"false", "0", "no", "n", "f"}:
        return False
    raise RowError(name, "expected true or false")


def parse_consent(row: Mapping[str, Any]) -> ConsentRecord:
    kind = _required_text(row, "consent_type").lower()
    try:
        consent_type = ConsentType(kind)
    except ValueError:
        raise RowError(
            "consent_type", f"expected one of {', '.join(t.value for t in ConsentType)}"
        ) from None
    granted = parse_time(row.get("granted_at"), "granted_at")
    if granted is None:
        raise RowError("granted_at", "required value is missing")
    purposes = _list(row, "purposes")
    if not purposes:
        raise RowError("purposes", "at least one purpose is required")
    return ConsentRecord(
        consent_id=_required_text(row, "consent_id"),
        version=_text(row, "version", required=False) or "1",
        subject_id=_required_text(row, "subject_id"),
        purposes=purposes,
        scope=_list(row, "scope"),
        consent_type=consent_type,
        granted_at=granted,
        expires_at=parse_time(row.get("expires_at"), "expires_at"),
        withdrawn_at=parse_time(row.get("withdrawn_at"), "withdrawn_at"),
        evidence_ref=_text(row, "evidence_ref", required=False),
        jurisdiction=_text(row, "jurisdiction", required=False),
        subject_birth_date=_date(row.get("subject_birth_date"), "subject_birth_date"),
        subject_is_minor=parse_flag(row.get("subject_is_minor"), "subject_is_minor"),
    )


def parse_refusal(row: Mapping[str, Any]) -> RefusalRecord:
    subject = _text(row, "subject_id", required=False)
    fingerprint = _text(row, "fingerprint", required=False)
    if subject is None and fingerprint is None:
        raise RowError("subject_id", "a refusal needs a subject_id or a fingerprint")
    recorded = parse_time(row.get("recorded_at"), "recorded_at")
    if recorded is None:
        raise RowError("recorded_at", "required value is missing")
    return RefusalRecord(subject, fingerprint, _list(row, "scope"), recorded)


def normalize_domain(value: str) -> str:
    return value.strip().lower().removeprefix("*.").strip(".")


def parse_opt_out(row: Mapping[str, Any]) -> OptOutDomain:
    domain = normalize_domain(_required_text(row, "domain"))
    if not domain or "/" in domain or " " in domain:
        raise RowError("domain", "expected a host name such as example.com")
    return OptOutDomain(
        domain=domain,
        reserved_at=parse_time(row.get("reserved_at"), "reserved_at"),
        evidence=_text(row, "evidence", required=False),
    )


REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "consents": ("consent_id", "subject_id", "purposes", "consent_type", "granted_at"),
    "refusals": ("recorded_at",),
    "opted_out_domains": ("domain",),
}
PARSERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "consents": parse_consent,
    "refusals": parse_refusal,
    "opted_out_domains": parse_opt_out,
}
DEFAULT_PARTITION_COLUMN = {
    "consents": "subject_id",
    "refusals": "subject_id",
    "opted_out_domains": "domain",
}


# ---------------------------------------------------------------------------- settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileRegistry(_Strict):
    """Registry files: a path or glob (local or any Beam file system), Parquet, CSV or JSONL."""

    uri: str
    format: Literal["parquet", "csv", "jsonl"] | None = Field(
        default=None, description="inferred from the file extension when omitted"
    )
    columns: dict[str, str] = Field(
        default_factory=dict, description="canonical column name -> column name in the files"
    )

    @property
    def file_format(self) -> str:
        if self.format:
            return self.format
        name = self.uri.lower().removesuffix(".gz")
        for ext, fmt in ((".parquet", "parquet"), (".csv", "csv"), (".jsonl", "jsonl")):
            if name.endswith(ext):
                return fmt
        if name.endswith(".json"):
            return "jsonl"
        raise UserError(f"{self.uri}: cannot tell the registry format; set `format:`")


class SqlRegistry(_Strict):
    """A SQL table or query read through SQLAlchemy; `${VAR}` in the URL is expanded on workers.

    Keep passwords out of configs: write `postgresql+psycopg://tdg:${PGPASSWORD}@host/db`.
    """

    sqlalchemy_url: str
    table: str | None = None
    query: str | None = None
    partitions: int = Field(default=4, ge=1, le=4096)
    partition_column: str | None = Field(
        default=None, description="hashed to split the read; default subject_id (domain)"
    )
    fetch_size: int = Field(default=10_000, ge=1)
    columns: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _table_or_query(self) -> SqlRegistry:
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of `table` or `query`")
        if self.table is not None and not IDENTIFIER.match(self.table):
            raise ValueError("`table` must be a plain [schema.]name")
        if self.partition_column is not None and not IDENTIFIER.match(self.partition_column):
            raise ValueError("`partition_column` must be a plain column name")
        return self


RegistrySource = FileRegistry | SqlRegistry


class RegistrySettings(_Strict):
    """Where the consent, refusal and opt-out registries are; any of them may be absent."""

    consents: RegistrySource | None = None
    refusals: RegistrySource | None = None
    opted_out_domains: RegistrySource | None = None
    side_input_max_rows: int = Field(
        default=100_000,
        ge=0,
        description="largest registry broadcast to workers as a side input (opt-out domains)",
    )

    def with_base_dir(self, base_dir: str | Path) -> RegistrySettings:
        """Relative file paths and SQLite paths resolved against a config's directory."""
        base = Path(base_dir)
        updates: dict[str, Any] = {}
        for name in ("consents", "refusals", "opted_out_domains"):
            src = getattr(self, name)
            if isinstance(src, FileRegistry) and SCHEME_SEPARATOR not in src.uri:
                p = Path(src.uri)
                updates[name] = src.model_copy(
                    update={"uri": str(p if p.is_absolute() else (base / p).resolve())}
                )
            elif isinstance(src, SqlRegistry) and src.sqlalchemy_url.startswith("sqlite:///"):
                rest = src.sqlalchemy_url.removeprefix("sqlite:///")
                if rest and not rest.startswith("/") and not rest.startswith(":memory:"):
                    url = "sqlite:///" + str((base / rest).resolve())
                    updates[name] = src.model_copy(update={"sqlalchemy_url": url})
        return self.model_copy(update=updates)


# ---------------------------------------------------------------------------- file reading


def _rename(row: Mapping[str, Any], columns: Mapping[str, str]) -> Mapping[str, Any]:
    if not columns:
        return row
    out = dict(row)
    for canonical, actual in columns.items():
        out[canonical] = row.get(actual)
    return out


def iter_file_rows(stream: Any, fmt: str) -> Iterator[tuple[str, dict]]:
    """(position, row) pairs from an open binary file: `line N` for CSV/JSONL, `row N` Parquet."""
    if fmt == "csv":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        for row in reader:
            yield f"line {reader.line_num}", row
    elif fmt == "jsonl":
        text = io.TextIOWrapper(stream, encoding="utf-8-sig")
        for n, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RowError("(line)", f"not valid JSON ({exc.msg})", f"line {n}") from None
            if not isinstance(obj, dict):
                raise RowError("(line)", "expected a JSON object", f"line {n}")
            yield f"line {n}", obj
    else:
        import pyarrow.parquet as pq

        n = 0
        for batch in pq.ParquetFile(stream).iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                n += 1
                yield f"row {n}", row


class ReadRegistryFileFn(beam.DoFn):
    """Reads and validates one registry file; a bad row fails the run naming file, row, field."""

    def __init__(self, kind: str, fmt: str, columns: Mapping[str, str]) -> None:
        self.kind = kind
        self.fmt = fmt
        self.columns = dict(columns)
        self._read = Metrics.counter("tdg", f"registry.{kind}.rows")
        self._rejected = Metrics.counter("tdg", "registry.rejected_rows")

    def process(self, readable: fileio.ReadableFile) -> Iterator[Any]:
        path = readable.metadata.path
        parse = PARSERS[self.kind]
        where = "line 1"
        try:
            for position, row in iter_file_rows(readable.open(), self.fmt):
                where = position
                yield parse(_rename(row, self.columns))
                self._read.inc()
        except RowError as exc:
            self._rejected.inc()
            raise CorruptInputError(path, f"{exc.position or where}: {exc}") from None
        except (UnicodeDecodeError, csv.Error, OSError) as exc:
            self._rejected.inc()
            raise CorruptInputError(path, f"{where}: unreadable ({type(exc).__name__})") from None
        except Exception as exc:  # pyarrow errors on a truncated Parquet file
            if type(exc).__module__.startswith("pyarrow"):
                raise CorruptInputError(path, f"not a readable Parquet file ({exc})") from None
            raise


# ---------------------------------------------------------------------------- SQL reading


def _bucket(value: Any, partitions: int) -> int:
    """SQLite's partition function: crc32 of the key's text, like MySQL's CRC32()."""
    return zlib.crc32(("" if value is None else str(value)).encode("utf-8")) % partitions


def partition_predicate(dialect: str, column: str) -> str | None:
    """SQL that sends each row to exactly one of :n partitions; None if the dialect has none."""
    if dialect == "postgresql":
        return f"mod(abs(hashtext(coalesce(CAST({column} AS text), ''))::bigint), :n) = :k"
    if dialect == "sqlite":
        return f"tdg_bucket({column}, :n) = :k"
    if dialect in ("mysql", "mariadb"):
        return f"MOD(CRC32(COALESCE({column}, '')), :n) = :k"
    return None


def select_statement(source: SqlRegistry, partition_column: str | None) -> str:
    base = f"SELECT * FROM {source.table}" if source.table else f"SELECT * FROM ({source.query})"
    if source.query:
        base += " AS tdg_registry"
    if partition_column is None:
        return base
    return f"SELECT * FROM ({base}) AS tdg_partition WHERE {partition_column}"


def make_engine(url: str) -> Any:
    """An engine for a registry URL; SQLite connections get the `tdg_bucket` function."""
    from sqlalchemy import create_engine, event

    engine = create_engine(os.path.expandvars(url))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _register(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.create_function("tdg_bucket", 2, _bucket, deterministic=True)

    return engine


def display_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(os.path.expandvars(url)).render_as_string(hide_password=True)
    except Exception:
        return "<registry url>"


def check_sql_registry(source: SqlRegistry, kind: str) -> tuple[str, int]:
    """On the driver: connect, check the columns, and choose the partitioning (no rows read)."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    where = f"{display_url(source.sqlalchemy_url)} {source.table or 'query'}"
    try:
        engine = make_engine(source.sqlalchemy_url)
        with engine.connect() as conn:
            cols = set(
                conn.execute(text(select_statement(source, None) + " LIMIT 0")).keys()
            )  # no rows
        engine.dispose()
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"registry {kind}: {where}: {first}") from None
    renamed = {source.columns.get(c, c) for c in REQUIRED_COLUMNS[kind]}
    missing = sorted(renamed - cols)
    if missing:
        raise UserError(f"registry {kind}: {where}: missing column(s) {', '.join(missing)}")
    column = source.partition_column or source.columns.get(
        DEFAULT_PARTITION_COLUMN[kind], DEFAULT_PARTITION_COLUMN[kind]
    )
    dialect = engine.dialect.name
    partitions = source.partitions
    if column not in cols or partition_predicate(dialect, column) is None:
        log.warning("registry %s: %s: reading in one partition", kind, where)
        partitions = 1
    return dialect, partitions


class ReadSqlPartitionFn(beam.DoFn):
    """Reads one hash partition of a registry table with a server-side (streaming) cursor."""

    def __init__(self, source: SqlRegistry, kind: str, partitions: int) -> None:
        self.source = source
        self.kind = kind
        self.partitions = partitions
        self._read = Metrics.counter("tdg", f"registry.{kind}.rows")
        self._rejected = Metrics.counter("tdg", "registry.rejected_rows")

    def setup(self) -> None:
        self._engine = make_engine(self.source.sqlalchemy_url)

    def process(self, partition: int) -> Iterator[Any]:
        from sqlalchemy import text

        column = self.source.partition_column or self.source.columns.get(
            DEFAULT_PARTITION_COLUMN[self.kind], DEFAULT_PARTITION_COLUMN[self.kind]
        )
        predicate = (
            partition_predicate(self._engine.dialect.name, column) if self.partitions > 1 else None
        )
        stmt = select_statement(self.source, predicate)
        parse = PARSERS[self.kind]
        where = f"{display_url(self.source.sqlalchemy_url)} {self.source.table or 'query'}"
        with self._engine.connect() as conn:
            result = conn.execution_options(
                stream_results=True, yield_per=self.source.fetch_size
            ).execute(text(stmt), {"n": self.partitions, "k": partition})
            for n, row in enumerate(result.mappings(), start=1):
                try:
                    yield parse(_rename(row, self.source.columns))
                except RowError as exc:
                    self._rejected.inc()
                    key = row.get("consent_id") if self.kind == "consents" else None
                    at = f"consent_id {key}" if key else f"partition {partition} row {n}"
                    raise CorruptInputError(where, f"{at}: {exc}") from None
                self._read.inc()

    def teardown(self) -> None:
        engine = getattr(self, "_engine", None)
        if engine is not None:
            engine.dispose()


# ---------------------------------------------------------------------------- the transform


class ReadRegistry(beam.PTransform):
    """Reads one registry (`consents`, `refusals` or `opted_out_domains`) into a PCollection."""

    def __init__(self, kind: str, source: RegistrySource) -> None:
        super().__init__()
        if kind not in PARSERS:
            raise ValueError(f"unknown registry kind {kind!r}")
        self.kind = kind
        self.source = source

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        src = self.source
        if isinstance(src, FileRegistry):
            fmt = src.file_format
            if not FileSystems.match([src.uri])[0].metadata_list:
                raise UserError(f"registry {self.kind}: {src.uri}: no file matches")
            return (
                pbegin
                | "Match" >> fileio.MatchFiles(src.uri)
                | "Open" >> fileio.ReadMatches()
                | "Parse" >> beam.ParDo(ReadRegistryFileFn(self.kind, fmt, src.columns))
            )
        _dialect, partitions = check_sql_registry(src, self.kind)
        return (
            pbegin
            | "Partitions" >> beam.Create(list(range(partitions)))
            | "Spread" >> beam.Reshuffle()
            | "Query" >> beam.ParDo(ReadSqlPartitionFn(src, self.kind, partitions))
        )


def read_registry_rows(kind: str, path: str | Path) -> list[Any]:
    """Driver-side read of a small registry file (tests, tools); errors name file and row."""
    src = FileRegistry(uri=str(path))
    parse = PARSERS[kind]
    where = "line 1"
    rows: list[Any] = []
    with open(path, "rb") as fh:
        try:
            for position, row in iter_file_rows(fh, src.file_format):
                where = position
                rows.append(parse(row))
        except RowError as exc:
            raise UserError(f"{path}: {exc.position or where}: {exc}") from None
    return rows
