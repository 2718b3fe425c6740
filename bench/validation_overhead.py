"""What validation costs: row-level suites over Parquet shards, Beam metrics, dataset-level suites.

Generates N synthetic records (RECORD_SCHEMA, in shards), then times each step. With
`--certify` and the lead's `tdg.pipelines.certify.run_certify` present, it also runs the certify
pipeline on the same texts (written as a JSONL source) and prints validation time as a share of
the pipeline's own time; otherwise it prints validation seconds per million records.

    .venv/bin/python bench/validation_overhead.py --records 1000000 --shards 8
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions

from tdg.transforms.dataset_metrics import DatasetMetrics, metrics_path
from tdg.transforms.expectations_runner import (
    ExpectationSettings,
    default_pipeline_options,
    run_dataset_level,
    run_row_level,
    shard_paths_in,
    write_reports,
)
from tdg.transforms.records import RECORD_SCHEMA, Record, make_record_id, sha256_text

SOURCES = ("web_a", "web_b", "books_c")
LANGUAGES = ("zh", "en")
TEMPLATES = {
    "zh": "第{i}段：河流在清晨慢慢流过城市，居民沿着岸边散步，讨论今天的天气和第{j}号公交线路。",
    "en": "Paragraph {i}: the river runs slowly through town while people walk along bank {j}.",
}


def synthetic_record(i: int, ingested_at: datetime) -> Record:
    """Deterministic, PII-free record number i (de-identified under consent every third one)."""
    source = SOURCES[i % len(SOURCES)]
    language = LANGUAGES[(i // len(SOURCES)) % len(LANGUAGES)]
    text = TEMPLATES[language].format(i=i, j=i % 97)
    digest = sha256_text(text)
    record = Record(
        record_id=make_record_id(source, None, i),
        text=text,
        source_id=source,
        source_uri=f"file:///bench/{source}.jsonl",
        source_offset=i,
        source_kind="web_crawl",
        licence="CC-BY-4.0",
        content_sha256=digest,
        output_sha256=digest,
        ingested_at=ingested_at,
        run_id="bench",
        pipeline_version="bench",
        config_sha256="0" * 64,
        language=language,
    )
    if i % 3 == 0:
        record.pii_status = "de-identified"
        record.legal_basis = "consent"
        record.basis_evidence = None
    return record


def write_shards(records: int, shards: int, data_dir: Path, chunk: int = 50_000) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    when = datetime(2025, 1, 1, tzinfo=UTC)
    writers = [
        pq.ParquetWriter(data_dir / f"part-{n:05d}-of-{shards:05d}.parquet", RECORD_SCHEMA)
        for n in range(shards)
    ]
    for start in range(0, records, chunk):
        rows: list[list[dict]] = [[] for _ in range(shards)]
        for i in range(start, min(start + chunk, records)):
            row = synthetic_record(i, when).to_row()
            if i % 3 == 0:
                row["basis_evidence"] = {"kind": "consent", "reference": f"c-{i}", "version": "1"}
            rows[i % shards].append(row)
        for writer, part in zip(writers, rows, strict=True):
            if part:
                writer.write_table(pa.Table.from_pylist(part, schema=RECORD_SCHEMA))
    for writer in writers:
        writer.close()


def compute_metrics(data_dir: Path, metrics_dir: Path, workers: int) -> str:
    """The metrics transform over the shards, the way the pipeline feeds it Records."""
    options = PipelineOptions(
        runner="DirectRunner",
        direct_num_workers=workers,
        direct_running_mode="multi_processing" if workers > 1 else "in_memory",
    )
    with beam.Pipeline(options=options) as p:
        accepted = (
            p
            | "Read" >> beam.io.ReadFromParquet(str(data_dir / "*.parquet"))
            | "Records" >> beam.Map(Record.from_row)
        )
        quarantined = p | "NoQuarantine" >> beam.Create([])
        _ = (accepted, quarantined) | DatasetMetrics(str(metrics_dir))
    return metrics_path(str(metrics_dir))


def time_certify(records: int, work: Path) -> float | None:
    """The lead's certify pipeline on the same texts, if it exists and accepts a minimal config."""
    try:
        from tdg.pipelines.certify import run_certify
        from tdg.pipelines.config import load_config
    except ImportError:
        return None
    src = work / "certify_src"
    src.mkdir()
    when = datetime(2025, 1, 1, tzinfo=UTC)
    handles = {s: (src / f"{s}.jsonl").open("w", encoding="utf-8") for s in SOURCES}
    for i in range(records):
        r = synthetic_record(i, when)
        handles[r.source_id].write(json.dumps({"id": str(i), "text": r.text}) + "\n")
    for h in handles.values():
        h.close()
    sources = "\n".join(
        f"  - {{id: {s}, uri: certify_src/{s}.jsonl, format: jsonl, kind: open_dataset, "
        f"licence: CC-BY-4.0, evidence: bench, text_unit: line, "
        f"fields: {{id: id, text: text}}}}"
        for s in SOURCES
    )
    config = work / "bench.yaml"
    config.write_text(
        f"dataset: {{name: bench, version: '1'}}\nsources:\n{sources}\noutput: {{root: out}}\n",
        encoding="utf-8",
    )
    try:
        loaded = load_config(config)
        start = time.perf_counter()
        run_certify(loaded, progress=False)
        return time.perf_counter() - start
    except Exception as exc:  # the bench reports, it does not fail on the lead's pipeline
        print(f"certify comparison skipped: {type(exc).__name__}: {str(exc)[:200]}")
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    parser.add_argument("--certify", action="store_true", help="also time run_certify")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tdg-bench-validation-"))
    try:
        start = time.perf_counter()
        write_shards(args.records, args.shards, work / "data")
        print(
            f"generated {args.records:,} records in {args.shards} shards: "
            f"{time.perf_counter() - start:.1f}s"
        )
        settings = ExpectationSettings(thresholds={"min_sources_per_language": 2})
        shards = shard_paths_in(str(work / "data"))
        options = default_pipeline_options(len(shards))
        if args.workers:
            options = PipelineOptions(
                runner="DirectRunner",
                direct_num_workers=args.workers,
                direct_running_mode="multi_processing" if args.workers > 1 else "in_memory",
            )
        workers = options.get_all_options().get("direct_num_workers") or 1

        start = time.perf_counter()
        metrics = compute_metrics(work / "data", work / "metrics", workers)
        t_metrics = time.perf_counter() - start

        start = time.perf_counter()
        row = run_row_level(shards, settings, pipeline_options=options)
        t_row = time.perf_counter() - start

        start = time.perf_counter()
        dataset = run_dataset_level(metrics, settings)
        write_reports(row + dataset, str(work / "validation"), metrics_path=metrics)
        t_dataset = time.perf_counter() - start

        total = t_metrics + t_row + t_dataset
        per_million = total * 1_000_000 / max(args.records, 1)
        print(f"workers: {workers}")
        print(f"metrics in Beam:       {t_metrics:8.1f}s")
        rows = row[0].rows if row else 0
        print(
            f"row-level suites:      {t_row:8.1f}s  "
            f"({len(row)} suites, {len(shards)} shards, {rows:,} rows)"
        )
        print(f"dataset-level+reports: {t_dataset:8.1f}s")
        print(f"validation total:      {total:8.1f}s  = {per_million:.1f}s per million records")
        print(f"all suites passed:     {all(r.success for r in row + dataset)}")
        if args.certify:
            t_certify = time_certify(args.records, work)
            if t_certify:
                print(f"certify pipeline:      {t_certify:8.1f}s")
                print(f"validation / certify:  {total / t_certify:8.2f}")
    finally:
        if args.keep:
            print(f"files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
