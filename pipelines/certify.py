"""The certify pipeline: read every source, normalize, validate, de-identify, decide the legal
basis, write accepted and quarantined records as Parquet, and a manifest that reconciles.

`build_stages` is the one place where record stages plug in, in order; each returns
(main, quarantine), so adding a stage never touches its neighbours.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineState

from tdg import __version__
from tdg.pipelines.config import LoadedConfig
from tdg.transforms.errors import CorruptInputError, PipelineFailure
from tdg.transforms.manifest import MANIFEST_NAME, build_manifest, check_invariant
from tdg.transforms.normalize import NormalizeFn
from tdg.transforms.output_layout import (
    VersionLayout,
    discard_staging,
    prepare_staging,
    publish,
)
from tdg.transforms.progress import ProgressMonitor
from tdg.transforms.read import ReadSources, match_source_files
from tdg.transforms.run_context import RunContext
from tdg.transforms.run_stats import (
    ContentDigestFn,
    accepted_facts,
    fold_facts,
    quarantine_facts,
    read_facts,
)
from tdg.transforms.stage import RecordStageFn, apply_stage
from tdg.transforms.validate import ValidateFn
from tdg.transforms.write import write_quarantine, write_records

log = logging.getLogger(__name__)

STATS_FILE = "stats.json"
DIGEST_FILE = "content.json"
FILES_FILE = "files.json"


@dataclass(frozen=True)
class RunResult:
    version_dir: str
    manifest: dict[str, Any]


def beam_flags(options: dict[str, Any], extra: Sequence[str]) -> list[str]:
    """Config `pipeline.options` as command-line flags, then the CLI's passthrough flags."""
    flags: list[str] = []
    for key, value in options.items():
        if value is True:
            flags.append(f"--{key}")
        elif value is False or value is None:
            continue
        elif isinstance(value, list):
            flags += [f"--{key}={v}" for v in value]
        else:
            flags.append(f"--{key}={value}")
    return flags + list(extra)


def build_stages(loaded: LoadedConfig, ctx: RunContext) -> list[tuple[str, RecordStageFn]]:
    """The record stages in order. PII, legal basis and rescan stages plug in here."""
    cfg = loaded.config
    sources = {s.id: s for s in cfg.sources}
    return [
        ("Normalize", NormalizeFn(ctx)),
        ("Validate", ValidateFn(ctx, sources, cfg.pipeline.max_text_chars)),
    ]


def _write_json(pcoll: beam.PCollection, path: str, label: str) -> None:
    _ = (
        pcoll
        | f"{label}.Json" >> beam.Map(lambda v: json.dumps(v, sort_keys=True))
        | f"{label}.Write" >> beam.io.WriteToText(path, shard_name_template="", num_shards=1)
    )


def build_pipeline(
    p: beam.Pipeline,
    loaded: LoadedConfig,
    ctx: RunContext,
    files: list[tuple[str, str]],
    layout: VersionLayout,
) -> None:
    cfg = loaded.config
    sources = {s.id: s for s in cfg.sources}
    read = p | "Read" >> ReadSources(files, sources, ctx)
    records = read.records
    quarantines = [read.quarantine]
    for label, fn in build_stages(loaded, ctx):
        records, quarantined = apply_stage(records, label, fn)
        quarantines.append(quarantined)
    quarantine = quarantines | "AllQuarantine" >> beam.Flatten()

    shards = cfg.output.shards
    data_files = write_records(records, layout.staging_dir, shards)
    quarantine_files = write_quarantine(quarantine, layout.staging_dir, shards)

    facts = (
        read.reads | "ReadFacts" >> beam.FlatMapTuple(read_facts),
        records | "AcceptedFacts" >> beam.FlatMap(accepted_facts),
        quarantine | "QuarantineFacts" >> beam.FlatMap(quarantine_facts),
    ) | "AllFacts" >> beam.Flatten()
    summed = facts | "SumFacts" >> beam.CombinePerKey(sum) | "FactList" >> beam.combiners.ToList()
    _write_json(summed, FileSystems.join(layout.side_dir, STATS_FILE), "Stats")
    digest = (
        records
        | "DigestInput" >> beam.Map(lambda r: (r.record_id, r.output_sha256))
        | "ContentDigest" >> beam.CombineGlobally(ContentDigestFn())
    )
    _write_json(digest, FileSystems.join(layout.side_dir, DIGEST_FILE), "Digest")
    all_files = (
        (data_files, quarantine_files)
        | "AllFiles" >> beam.Flatten()
        | "FileList" >> beam.combiners.ToList()
    )
    _write_json(all_files, FileSystems.join(layout.side_dir, FILES_FILE), "Files")


def _read_side(layout: VersionLayout, name: str) -> Any:
    path = FileSystems.join(layout.side_dir, name)
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        return json.loads(f.read().decode("utf-8"))


def _render_progress(counts: dict[str, int]) -> str:
    order = ["read", "normalize", "validate", "pii", "legal_basis", "rescan", "written"]
    parts = [f"{k} {counts[k]:,}" for k in order if k in counts]
    return "progress: " + " · ".join(parts) + f" · quarantined {counts.get('quarantined', 0):,}"


def _failure_message(exc: BaseException) -> str | None:
    """Find a corrupt-file message inside whatever wrapping the runner put around it."""
    text = str(exc)
    match = re.search(re.escape(CorruptInputError.MARKER) + r" ([^\n]+)", text)
    if match:
        detail = re.sub(r" \[while running [^\]]*\]", "", match.group(1)).strip()
        return (
            f"cannot read input file {detail[:300]} "
            f"(set `on_corrupt_file: quarantine` on the source to quarantine it and go on)"
        )
    return None


def run_certify(
    loaded: LoadedConfig,
    *,
    output_root: str | None = None,
    version: str | None = None,
    beam_args: Sequence[str] = (),
    progress: bool = True,
) -> RunResult:
    cfg = loaded.config
    root = output_root or loaded.resolve(cfg.output.root)
    if "://" not in root:
        root = str(Path(root).resolve())
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    layout = VersionLayout(root, cfg.dataset.name, version or cfg.dataset.version, run_id)

    files: list[tuple[str, str]] = []
    for source in cfg.sources:
        files += [(source.id, f) for f in match_source_files(source, loaded.resolve(source.uri))]
    prepare_staging(layout)

    ctx = RunContext(
        run_id=run_id,
        pipeline_version=__version__,
        config_sha256=loaded.sha256,
        ingested_at=datetime.now(UTC),
        progress_dir=layout.progress_dir if progress else None,
        progress_interval=cfg.pipeline.progress_interval_seconds,
    )
    options = PipelineOptions(beam_flags(cfg.pipeline.options, beam_args))
    runner = options.view_as(StandardOptions).runner or "DirectRunner"
    pipeline = beam.Pipeline(options=options)
    build_pipeline(pipeline, loaded, ctx, files, layout)
    monitor: contextlib.AbstractContextManager[Any] = (
        ProgressMonitor(ctx.progress_dir, _render_progress, ctx.progress_interval)
        if ctx.progress_dir
        else contextlib.nullcontext()
    )
    try:
        with monitor:
            state = pipeline.run().wait_until_finish()
        if state not in (None, PipelineState.DONE):
            raise PipelineFailure(f"the {runner} pipeline ended in state {state}")
    except Exception as exc:
        discard_staging(layout)
        message = _failure_message(exc)
        if message:
            raise PipelineFailure(message) from exc
        raise

    try:
        stats = fold_facts((k, v) for k, v in _read_side(layout, STATS_FILE))
        content = _read_side(layout, DIGEST_FILE)
        written = _read_side(layout, FILES_FILE)
        check_invariant(stats, written)
        declared = {
            s.id: {
                "kind": s.kind.value,
                "licence": s.licence,
                "evidence": s.evidence,
                "format": s.format.value,
                "uri": s.uri,
                "jurisdiction": s.jurisdiction,
            }
            for s in cfg.sources
        }
        manifest = build_manifest(
            dataset=layout.dataset,
            version=layout.version,
            run_id=run_id,
            tdg_version=__version__,
            config_sha256=loaded.sha256,
            policy_sha256=None,
            runner=runner,
            stats=stats,
            content=content,
            files=written,
            sources_declared=declared,
        )
        manifest_path = FileSystems.join(layout.staging_dir, MANIFEST_NAME)
        with FileSystems.create(manifest_path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            f.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
        publish(layout)
    except Exception:
        discard_staging(layout)
        raise
    return RunResult(layout.version_dir, manifest)
