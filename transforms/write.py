"""Parquet output: shards written by Beam, each described (sha256, bytes, rows) by a worker."""

from __future__ import annotations

import hashlib
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from tdg.transforms.records import QUARANTINE_SCHEMA, RECORD_SCHEMA, Quarantined, Record

CHUNK = 1 << 20


def describe_output_file(path: str, base: str) -> dict[str, Any]:
    """sha256, size and Parquet row count of one written file; `path` relative to `base`."""
    digest = hashlib.sha256()
    size = 0
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as stream:
        rows = pq.ParquetFile(stream).metadata.num_rows
    rel = path[len(base) :].lstrip("/") if path.startswith(base) else path
    return {"path": rel, "sha256": digest.hexdigest(), "bytes": size, "rows": rows}


class WriteParquet(beam.PTransform):
    """Records or quarantine entries -> Parquet shards -> descriptions of the written files."""

    def __init__(self, prefix: str, schema: pa.Schema, base: str, kind: str, shards: int) -> None:
        super().__init__()
        self._prefix = prefix
        self._schema = schema
        self._base = base
        self._kind = kind
        self._shards = shards

    def expand(self, pcoll: beam.PCollection) -> beam.PCollection:
        base, kind = self._base, self._kind
        return (
            pcoll
            | "ToRow" >> beam.Map(lambda r: r.to_row())
            | "Write"
            >> beam.io.WriteToParquet(
                self._prefix,
                self._schema,
                file_name_suffix=".parquet",
                num_shards=self._shards,
                codec="zstd",
            )
            | "Describe" >> beam.Map(lambda p: {**describe_output_file(p, base), "kind": kind})
        )


def write_records(records: beam.PCollection, base: str, shards: int) -> beam.PCollection:
    return records | "WriteData" >> WriteParquet(
        f"{base}/data/part", RECORD_SCHEMA, base, "data", shards
    )


def write_quarantine(entries: beam.PCollection, base: str, shards: int) -> beam.PCollection:
    return entries | "WriteQuarantine" >> WriteParquet(
        f"{base}/quarantine/part", QUARANTINE_SCHEMA, base, "quarantine", shards
    )


def read_records(paths: list[str]) -> list[Record]:
    """For tests and small tools: every Record of the given data shards."""
    out = []
    for p in paths:
        out += [Record.from_row(r) for r in pq.read_table(p, schema=RECORD_SCHEMA).to_pylist()]
    return out


def read_quarantine(paths: list[str]) -> list[Quarantined]:
    out = []
    for p in paths:
        out += [Quarantined(**r) for r in pq.read_table(p, schema=QUARANTINE_SCHEMA).to_pylist()]
    return out
