"""Reading sources: files matched on the driver, read and parsed on workers.

A work item is one file, or one row group of a Parquet file, so large Parquet inputs spread over
workers; JSONL, CSV and text files are read whole by one worker each (shard big corpora into
many files, as corpus pipelines do). Every physical row becomes a `Record` or a `Quarantined`
entry, and every work item reports how many rows it read, so the run can reconcile counts.
"""

from __future__ import annotations

import bz2
import csv
import functools
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from tdg.pipelines.config import SourceConfig, SourceFormat
from tdg.transforms.errors import CorruptInputError, UserError
from tdg.transforms.progress import ProgressReporter
from tdg.transforms.records import (
    WHOLE_FILE,
    Quarantined,
    Record,
    has_surrogates,
    make_record_id,
    sha256_bytes,
    sha256_text,
)
from tdg.transforms.run_context import RunContext

STAGE = "read"
QUARANTINE = "quarantine"
READS = "reads"

# Exceptions that mean "this file cannot be read", as opposed to a bug in tdg.
CORRUPT_FILE_ERRORS = (OSError, EOFError, zlib.error, pa.ArrowException, UnicodeDecodeError)


@dataclass(frozen=True, slots=True)
class WorkItem:
    source_id: str
    uri: str
    row_group: int | None = None  # Parquet only


def match_source_files(source: SourceConfig, uri: str) -> list[str]:
    """Files of a source's glob, sorted; UserError when the glob matches nothing."""
    try:
        results = FileSystems.match([uri])
    except Exception as exc:  # Beam raises BeamIOError with per-pattern details
        raise UserError(f"source {source.id!r}: cannot list {uri}: {exc}") from None
    files = sorted(m.path for r in results for m in r.metadata_list)
    if not files:
        raise UserError(f"source {source.id!r}: no input files match {uri}")
    return files


# ---------------------------------------------------------------------------- pure parsing


@functools.lru_cache(maxsize=4096)
def file_key(uri: str, glob: str) -> str:
    """A file's path relative to the static part of its source's glob (its name otherwise)."""
    cut = min((i for i in (glob.find(c) for c in "*?[") if i >= 0), default=len(glob))
    base = glob[:cut].rsplit("/", 1)[0] + "/" if "/" in glob[:cut] else ""
    if base and uri.startswith(base):
        return uri[len(base) :]
    return uri.rsplit("/", 1)[-1]


def position_id(source: SourceConfig, uri: str, offset: int) -> str:
    return make_record_id(source.id, None, offset, file_key(uri, source.uri))


def _string_value(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record_from_mapping(
    row: dict[str, Any], source: SourceConfig, uri: str, offset: int, ctx: RunContext
) -> Record | Quarantined:
    """A parsed row (JSON object, CSV row, Parquet row) to a Record, or why it cannot be one."""
    fields = source.fields

    def quarantine(code: str, detail: str, content_sha: str | None = None) -> Quarantined:
        return Quarantined(
            source_id=source.id,
            source_uri=uri,
            source_offset=offset,
            stage=STAGE,
            reason_code=code,
            reason_detail=detail,
            run_id=ctx.run_id,
            record_id=make_record_id(
                source.id, _string_value(row.get(fields.id)), offset, file_key(uri, source.uri)
            )
            if fields.id
            else position_id(source, uri, offset),
            content_sha256=content_sha,
        )

    if fields.text not in row:
        return quarantine("missing_text", f"field {fields.text!r} is missing")
    text = row[fields.text]
    if text is None:
        return quarantine("missing_text", f"field {fields.text!r} is null")
    if not isinstance(text, str):
        return quarantine(
            "wrong_type", f"field {fields.text!r} is {type(text).__name__}, expected string"
        )
    if has_surrogates(text):
        return quarantine(
            "invalid_utf8",
            f"field {fields.text!r} holds bytes that are not UTF-8 or an unpaired surrogate",
            sha256_text(text),
        )
    content_sha = sha256_text(text)
    own_id = _string_value(row.get(fields.id)) if fields.id else None
    language = _string_value(row.get(fields.language)) if fields.language else None
    metadata = {}
    for name in fields.metadata:
        value = _string_value(row.get(name))
        if value is not None:
            metadata[name] = value
    if fields.robots:
        robots = _string_value(row.get(fields.robots))
        if robots is not None:
            metadata[fields.robots] = robots
    return Record(
        record_id=make_record_id(source.id, own_id, offset, file_key(uri, source.uri)),
        text=text,
        source_id=source.id,
        source_uri=uri,
        source_offset=offset,
        source_kind=source.kind.value,
        licence=source.licence or "",
        content_sha256=content_sha,
        output_sha256=content_sha,
        ingested_at=ctx.ingested_at,
        run_id=ctx.run_id,
        pipeline_version=ctx.pipeline_version,
        config_sha256=ctx.config_sha256,
        language=language or source.language,
        subject_id=_string_value(row.get(fields.subject_id)) if fields.subject_id else None,
        metadata=metadata,
    )


def parse_jsonl_line(
    raw: bytes, source: SourceConfig, uri: str, line_no: int, ctx: RunContext
) -> Record | Quarantined:
    def quarantine(code: str, detail: str) -> Quarantined:
        return Quarantined(
            source_id=source.id,
            source_uri=uri,
            source_offset=line_no,
            stage=STAGE,
            reason_code=code,
            reason_detail=detail,
            run_id=ctx.run_id,
            record_id=position_id(source, uri, line_no),
            content_sha256=sha256_bytes(raw),
        )

    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return quarantine("invalid_utf8", f"line is not UTF-8 (byte {exc.start})")
    if line_no == 1:
        line = line.removeprefix("\ufeff")  # a byte-order mark opening the file
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return quarantine("json_parse_error", f"invalid JSON at column {exc.colno}: {exc.msg}")
    if not isinstance(obj, dict):
        return quarantine("wrong_type", f"line is a JSON {type(obj).__name__}, expected an object")
    out = record_from_mapping(obj, source, uri, line_no, ctx)
    if isinstance(out, Quarantined) and out.content_sha256 is None:
        out.content_sha256 = sha256_bytes(raw)
    return out


def iter_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(1-based line number, line without its newline) for every non-blank line."""
    number = 0
    while raw := stream.readline():  # Beam's CompressedFile is not iterable
        number += 1
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield number, line


def iter_csv_rows(
    stream: BinaryIO, source: SourceConfig, uri: str, ctx: RunContext
) -> Iterator[Record | Quarantined]:
    """CSV rows with a header; offsets are 1-based data rows (the header is not counted)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text, delimiter=source.csv.delimiter, quotechar=source.csv.quotechar)
    header = next(reader, None)
    if header is None:
        return
    for number, row in enumerate(reader, start=1):
        if not row:
            continue
        if len(row) != len(header):
            yield Quarantined(
                source_id=source.id,
                source_uri=uri,
                source_offset=number,
                stage=STAGE,
                reason_code="malformed_row",
                reason_detail=f"row has {len(row)} fields, header has {len(header)}",
                run_id=ctx.run_id,
                record_id=position_id(source, uri, number),
            )
            continue
        yield record_from_mapping(dict(zip(header, row, strict=True)), source, uri, number, ctx)


def iter_parquet_rows(
    stream: BinaryIO, item: WorkItem, source: SourceConfig, ctx: RunContext
) -> Iterator[Record | Quarantined]:
    pf = pq.ParquetFile(stream)
    groups = range(pf.num_row_groups) if item.row_group is None else [item.row_group]
    for group in groups:
        start = sum(pf.metadata.row_group(g).num_rows for g in range(group))
        table = pf.read_row_group(group)
        for i, row in enumerate(table.to_pylist()):
            yield record_from_mapping(row, source, item.uri, start + i, ctx)


def iter_text(
    stream: BinaryIO, source: SourceConfig, uri: str, ctx: RunContext
) -> Iterator[Record | Quarantined]:
    if source.text_unit == "file":
        data = stream.read()
        text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
        yield record_from_mapping({source.fields.text: text}, source, uri, 0, ctx)
        return
    for number, line in iter_lines(stream):
        text = line.decode("utf-8", "surrogateescape")
        row = {source.fields.text: text.removeprefix("\ufeff") if number == 1 else text}
        yield record_from_mapping(row, source, uri, number, ctx)


def open_input(uri: str, fmt: SourceFormat) -> BinaryIO:
    """A binary stream of a file's content, decompressed by extension.

    gzip and bz2 go through Python's own readers: Beam's CompressedFile returns a silent
    end-of-file on a truncated gzip stream, which would lose rows without a trace.
    """
    if fmt is SourceFormat.PARQUET:
        return FileSystems.open(uri, compression_type=CompressionTypes.UNCOMPRESSED)
    lower = uri.lower()
    if lower.endswith((".gz", ".gzip")):
        raw = FileSystems.open(uri, compression_type=CompressionTypes.UNCOMPRESSED)
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if lower.endswith(".bz2"):
        raw = FileSystems.open(uri, compression_type=CompressionTypes.UNCOMPRESSED)
        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    return FileSystems.open(uri, compression_type=CompressionTypes.AUTO)


def read_work_item(
    item: WorkItem, source: SourceConfig, ctx: RunContext
) -> Iterator[Record | Quarantined]:
    """Every row of a work item, parsed. Raises CorruptInputError if the file is unreadable."""
    try:
        with open_input(item.uri, source.format) as stream:
            rows: Iterable[Record | Quarantined]
            if source.format is SourceFormat.JSONL:
                rows = (
                    parse_jsonl_line(raw, source, item.uri, n, ctx) for n, raw in iter_lines(stream)
                )
            elif source.format is SourceFormat.CSV:
                rows = iter_csv_rows(stream, source, item.uri, ctx)
            elif source.format is SourceFormat.PARQUET:
                rows = iter_parquet_rows(stream, item, source, ctx)
            else:
                rows = iter_text(stream, source, item.uri, ctx)
            yield from rows
    except CORRUPT_FILE_ERRORS as exc:
        raise CorruptInputError(item.uri, f"{type(exc).__name__}: {exc}") from exc


def corrupt_file_entry(
    item: WorkItem, source: SourceConfig, ctx: RunContext, detail: str
) -> Quarantined:
    return Quarantined(
        source_id=source.id,
        source_uri=item.uri,
        source_offset=WHOLE_FILE if item.row_group is None else -2 - item.row_group,
        stage=STAGE,
        reason_code="corrupt_file",
        reason_detail=detail[:500],
        run_id=ctx.run_id,
    )


def plan_work_items(source: SourceConfig, uri: str) -> list[WorkItem]:
    """One item per file; Parquet files split by row group when their footer reads."""
    if source.format is not SourceFormat.PARQUET:
        return [WorkItem(source.id, uri)]
    try:
        with FileSystems.open(uri, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
            groups = pq.ParquetFile(stream).num_row_groups
    except CORRUPT_FILE_ERRORS:
        return [WorkItem(source.id, uri)]  # the reader meets the error and handles it
    return [WorkItem(source.id, uri, g) for g in range(groups)] or [WorkItem(source.id, uri)]


# ---------------------------------------------------------------------------- Beam


class ReadWorkItemFn(beam.DoFn):
    """Reads one work item; main output Records, tagged `quarantine` and `reads` outputs."""

    def __init__(self, sources: dict[str, SourceConfig], ctx: RunContext) -> None:
        self._sources = sources
        self._ctx = ctx
        self._read = Metrics.counter("tdg", "read")
        self._quarantined = Metrics.counter("tdg", "read.quarantined")

    def setup(self) -> None:
        self._progress = ProgressReporter(self._ctx.progress_dir, self._ctx.progress_interval)

    def process(self, item: WorkItem) -> Iterator[Any]:
        source = self._sources[item.source_id]
        count = 0
        try:
            for out in read_work_item(item, source, self._ctx):
                count += 1
                self._read.inc()
                self._progress.add("read")
                if isinstance(out, Quarantined):
                    self._quarantined.inc()
                    self._progress.add("quarantined")
                    yield beam.pvalue.TaggedOutput(QUARANTINE, out)
                else:
                    yield out
        except CorruptInputError as exc:
            if source.on_corrupt_file != "quarantine":
                raise
            count += 1
            self._progress.add("quarantined")
            yield beam.pvalue.TaggedOutput(
                QUARANTINE, corrupt_file_entry(item, source, self._ctx, exc.detail)
            )
        yield beam.pvalue.TaggedOutput(READS, (source.id, count))

    def finish_bundle(self) -> None:
        self._progress.flush()


class ReadSources(beam.PTransform):
    """files -> (records, quarantine, reads) with reads as (source_id, rows read) pairs."""

    def __init__(
        self, files: list[tuple[str, str]], sources: dict[str, SourceConfig], ctx: RunContext
    ) -> None:
        super().__init__()
        self._files = files
        self._sources = sources
        self._ctx = ctx

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.pvalue.DoOutputsTuple:
        sources = self._sources
        return (
            pbegin
            | "ListFiles" >> beam.Create(self._files)
            | "PlanWork" >> beam.FlatMapTuple(lambda sid, uri: plan_work_items(sources[sid], uri))
            | "SpreadWork" >> beam.Reshuffle()
            | "ReadRows"
            >> beam.ParDo(ReadWorkItemFn(self._sources, self._ctx)).with_outputs(
                QUARANTINE, READS, main="records"
            )
        )
