"""Reading annotation QA tables (JSONL, CSV, Parquet) into rows that know where they came from.

Every row is yielded as (`file:line`, mapping) or as an `InputIssue` when it cannot be parsed,
so a broken line is reported, not fatal. Files are listed on the driver and read on workers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from tdg.transforms.annotation_config import TableFormat
from tdg.transforms.annotation_records import InputIssue
from tdg.transforms.errors import UserError

ISSUES = "issues"
T = TypeVar("T")
Row = tuple[str, dict[str, Any]]


def format_from_path(path: str) -> TableFormat:
    """The table format a file name implies (for the REVIEWS argument)."""
    name = path.lower().removesuffix(".gz")
    for fmt, suffixes in (
        (TableFormat.JSONL, (".jsonl", ".ndjson", ".json")),
        (TableFormat.CSV, (".csv",)),
        (TableFormat.PARQUET, (".parquet", ".pq")),
    ):
        if name.endswith(suffixes):
            return fmt
    raise UserError(f"{path}: cannot tell the format; use .jsonl, .csv or .parquet")


def match_files(uri: str, what: str) -> list[str]:
    """Files of a path or glob, sorted; UserError when nothing matches."""
    try:
        results = FileSystems.match([uri])
    except Exception as exc:  # Beam raises BeamIOError with per-pattern details
        raise UserError(f"{what}: cannot list {uri}: {exc}") from None
    files = sorted(m.path for r in results for m in r.metadata_list)
    if not files:
        raise UserError(f"{what}: no input files match {uri}")
    return files


def iter_table(path: str, fmt: TableFormat, scope: str) -> Iterator[Row | InputIssue]:
    """Every data row of one file; JSONL lines and CSV rows numbered from 1 (header excluded)."""
    compression = (
        CompressionTypes.UNCOMPRESSED if fmt is TableFormat.PARQUET else CompressionTypes.AUTO
    )
    try:
        with FileSystems.open(path, compression_type=compression) as stream:
            if fmt is TableFormat.PARQUET:
                table = pq.read_table(stream)
                for i, row in enumerate(table.to_pylist(), start=1):
                    yield f"{path}:row {i}", row
            elif fmt is TableFormat.CSV:
                text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
                reader = csv.DictReader(text)
                for row in reader:
                    where = f"{path}:{reader.line_num}"
                    if None in row:
                        yield InputIssue(
                            scope,
                            f"invalid_{scope}_row:malformed",
                            where,
                            "more fields than header",
                        )
                        continue
                    yield where, dict(row)
            else:
                number = 0
                while raw := stream.readline():
                    number += 1
                    if not raw.strip():
                        continue
                    where = f"{path}:{number}"
                    try:
                        obj = json.loads(raw.decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                        yield InputIssue(
                            scope, f"invalid_{scope}_row:malformed", where, f"invalid JSON: {exc}"
                        )
                        continue
                    if not isinstance(obj, dict):
                        yield InputIssue(
                            scope, f"invalid_{scope}_row:malformed", where, "expected a JSON object"
                        )
                        continue
                    yield where, obj
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{path}: cannot read as {fmt.value}: {exc}") from None


def read_table_local(
    uri: str,
    fmt: TableFormat,
    parse: Callable[[dict[str, Any], str], T | InputIssue],
    scope: str,
    what: str,
) -> tuple[list[T], list[InputIssue]]:
    """Driver-side read for small tables (roster, sheets): parsed rows and issues."""
    good: list[T] = []
    issues: list[InputIssue] = []
    for path in match_files(uri, what):
        for item in iter_table(path, fmt, scope):
            if isinstance(item, InputIssue):
                issues.append(item)
                continue
            out = parse(item[1], item[0])
            if isinstance(out, InputIssue):
                issues.append(out)
            else:
                good.append(out)
    return good, issues


class _ParseFileFn(beam.DoFn):
    def __init__(
        self, fmt: TableFormat, parse: Callable[[dict[str, Any], str], Any], scope: str
    ) -> None:
        self._fmt = fmt
        self._parse = parse
        self._scope = scope

    def process(self, path: str) -> Iterator[Any]:
        for item in iter_table(path, self._fmt, self._scope):
            out = item if isinstance(item, InputIssue) else self._parse(item[1], item[0])
            yield beam.pvalue.TaggedOutput(ISSUES, out) if isinstance(out, InputIssue) else out


class ReadTable(beam.PTransform):
    """files -> parsed views (main output) and `issues` (InputIssue), read on workers."""

    def __init__(
        self,
        files: list[str],
        fmt: TableFormat,
        parse: Callable[[dict[str, Any], str], Any],
        scope: str,
    ) -> None:
        super().__init__()
        self._files = files
        self._fmt = fmt
        self._parse = parse
        self._scope = scope

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.pvalue.DoOutputsTuple:
        return (
            pbegin
            | "ListFiles" >> beam.Create(self._files)
            | "SpreadFiles" >> beam.Reshuffle()
            | "Parse"
            >> beam.ParDo(_ParseFileFn(self._fmt, self._parse, self._scope)).with_outputs(
                ISSUES, main="rows"
            )
        )
