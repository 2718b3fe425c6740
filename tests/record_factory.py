"""Small synthetic Records for unit tests of the stages that consume them."""

from __future__ import annotations

from datetime import UTC, datetime

from tdg.transforms.records import Record, make_record_id, sha256_text


def synthetic_record(i: int, source: str, text: str, language: str = "zh") -> Record:
    """Record number `i` of `source`, with provenance filled in as a run would fill it."""
    digest = sha256_text(text)
    return Record(
        record_id=make_record_id(source, None, i),
        text=text,
        source_id=source,
        source_uri=f"file:///corpus/{source}.jsonl",
        source_offset=i,
        source_kind="open_dataset",
        licence="CC-BY-4.0",
        content_sha256=digest,
        output_sha256=digest,
        ingested_at=datetime(2025, 1, 1, tzinfo=UTC),
        run_id="run-test",
        pipeline_version="0.1.0",
        config_sha256="0" * 64,
        language=language,
    )
