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
import pyarrow as pa
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineState

from tdg import __version__
from tdg.pipelines.certification import METRICS_DIR, CertificationOutcome, certify_directory
from tdg.pipelines.config import LoadedConfig
from tdg.transforms.basis_decision import SourceBasis
from tdg.transforms.dataset_metrics import DatasetMetrics
from tdg.transforms.errors import CorruptInputError, PipelineFailure
from tdg.transforms.keys import KeyRing
from tdg.transforms.ledger import Ledger
from tdg.transforms.legal_basis_stage import LegalBasisStage, mark_anonymized
from tdg.transforms.manifest import MANIFEST_NAME, build_manifest, check_invariant
from tdg.transforms.normalize import NormalizeFn
from tdg.transforms.output_layout import (
    VersionLayout,
    discard_staging,
    is_local,
    prepare_staging,
    publish,
)
from tdg.transforms.pii.fingerprint import FINGERPRINT_SCHEME, SCHEME_METADATA_KEY
from tdg.transforms.pii.pii_stage import AnonymizeFn, PiiStageSettings, apply_pii, clear_pending
from tdg.transforms.policy import DEFAULT_POLICY_PATH, Policy, load_policy
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
from tdg.transforms.suppression import Suppression, load_suppression
from tdg.transforms.validate import ValidateFn
from tdg.transforms.write import write_quarantine, write_records

log = logging.getLogger(__name__)

STATS_FILE = "stats.json"
DIGEST_FILE = "content.json"
FILES_FILE = "files.json"


FINGERPRINT_SCHEMA = pa.schema(
    [
        pa.field("fingerprint", pa.string(), nullable=False),
        pa.field("entity_type", pa.string(), nullable=False),
        pa.field("record_id", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
    ],
    metadata={SCHEME_METADATA_KEY: FINGERPRINT_SCHEME.encode()},
)


@dataclass(frozen=True)
class RunResult:
    version_dir: str
    manifest: dict[str, Any]
    certification: CertificationOutcome | None = None


@dataclass(frozen=True)
class RunPlan:
    """What the driver settles before the pipeline starts: policy, keys, stage settings."""

    policy: Policy
    policy_sha256: str
    keys: KeyRing
    pii: PiiStageSettings


def plan_run(loaded: LoadedConfig, keys: KeyRing, output_root: str | None = None) -> RunPlan:
    cfg = loaded.config
    policy_path = loaded.resolve(cfg.legal_basis.policy) if cfg.legal_basis.policy else None
    policy, policy_sha = load_policy(policy_path or DEFAULT_POLICY_PATH)
    pii = PiiStageSettings(
        detection=cfg.pii.detection,
        operators=cfg.pii.operators,
        source_profiles={s.id: s.pii.profile for s in cfg.sources if s.pii.profile},
        source_operators={s.id: s.pii.operators for s in cfg.sources if s.pii.operators},
        keep_for_anonymization=policy.on_missing_basis == "anonymize",
        fingerprints=cfg.pii.fingerprint_index,
        suppression=load_suppression(output_root)
        if output_root and is_local(output_root)
        else Suppression(),
    )
    return RunPlan(policy, policy_sha, keys, pii)


def check_keys(plan: RunPlan) -> None:
    """Fail before any work when a key the run needs is missing (exit 2)."""
    from tdg.transforms.pii.deidentify import Deidentifier

    for ops in [plan.pii.operators, *plan.pii.source_operators.values()]:
        Deidentifier(ops, plan.keys, fingerprints=True)
    plan.keys.signing_key()


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
    """The per-record stages before PII: each maps a Record to a Record or a quarantine."""
    cfg = loaded.config
    sources = {s.id: s for s in cfg.sources}
    return [
        ("Normalize", NormalizeFn(ctx)),
        ("Validate", ValidateFn(ctx, sources, cfg.pipeline.max_text_chars)),
    ]


def apply_record_stages(
    records: beam.PCollection,
    loaded: LoadedConfig,
    ctx: RunContext,
    plan: RunPlan,
) -> tuple[beam.PCollection, list[beam.PCollection], beam.PCollection]:
    """The one place where stages plug in, in order:
    normalize -> validate -> PII (detect, de-identify, fingerprint, rescan) -> legal basis
    (-> irreversible anonymization where the policy allows it instead of a basis).
    Returns (accepted records, quarantine PCollections, fingerprint rows)."""
    cfg = loaded.config
    quarantines = []
    for label, fn in build_stages(loaded, ctx):
        records, quarantined = apply_stage(records, label, fn)
        quarantines.append(quarantined)
    records, quarantined, fingerprints = apply_pii(
        records, ctx, plan.pii, plan.keys, cfg.pii.batch_size
    )
    quarantines.append(quarantined)
    decided = records | "LegalBasis" >> LegalBasisStage(
        plan.policy,
        plan.policy_sha256,
        cfg.legal_basis.registry.with_base_dir(Path(loaded.path).parent),
        {s.id: SourceBasis.from_config(s) for s in cfg.sources},
        now=ctx.ingested_at,
        dataset=cfg.dataset.name,
    )
    quarantines.append(decided["quarantine"])
    anonymized, quarantined = apply_stage(
        decided["needs_anonymization"],
        "Anonymize",
        AnonymizeFn(ctx, cfg.pii.detection, plan.keys),
        cfg.pii.batch_size,
    )
    quarantines.append(quarantined)
    sha = plan.policy_sha256
    anonymized = anonymized | "MarkAnonymized" >> beam.Map(lambda r: mark_anonymized(r, sha))
    accepted = (
        (decided["main"], anonymized)
        | "Accepted" >> beam.Flatten()
        | "DropOriginals" >> beam.Map(clear_pending)
    )
    return accepted, quarantines, fingerprints


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
    plan: RunPlan,
) -> None:
    cfg = loaded.config
    # workers get globs resolved, so record ids can name files relative to them
    sources = {s.id: s.model_copy(update={"uri": loaded.resolve(s.uri)}) for s in cfg.sources}
    read = p | "Read" >> ReadSources(files, sources, ctx)
    records, quarantines, fingerprints = apply_record_stages(read.records, loaded, ctx, plan)
    quarantine = [read.quarantine, *quarantines] | "AllQuarantine" >> beam.Flatten()
    _ = (records, quarantine) | "Metrics" >> DatasetMetrics(
        FileSystems.join(layout.staging_dir, METRICS_DIR)
    )
    if cfg.pii.fingerprint_index:
        _ = (
            fingerprints
            | "FingerprintRow"
            >> beam.MapTuple(
                lambda fp, t, rid, sid: {
                    "fingerprint": fp,
                    "entity_type": t,
                    "record_id": rid,
                    "source_id": sid,
                }
            )
            | "WriteFingerprints"
            >> beam.io.WriteToParquet(
                FileSystems.join(layout.index_staging_dir, "part"),
                FINGERPRINT_SCHEMA,
                file_name_suffix=".parquet",
                codec="zstd",
            )
        )

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
    keys: KeyRing | None = None,
    certify: bool = True,
) -> RunResult:
    cfg = loaded.config
    root = output_root or loaded.resolve(cfg.output.root)
    if is_local(root):
        root = str(Path(root).resolve())
    plan = plan_run(loaded, keys or KeyRing.default(), root)
    check_keys(plan)
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
    build_pipeline(pipeline, loaded, ctx, files, layout, plan)
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
            policy_sha256=plan.policy_sha256,
            runner=runner,
            stats=stats,
            content=content,
            files=written,
            sources_declared=declared,
        )
        manifest_path = FileSystems.join(layout.staging_dir, MANIFEST_NAME)
        with FileSystems.create(manifest_path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
            f.write(json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
        outcome = None
        if certify:
            outcome = certify_directory(
                layout.staging_dir,
                manifest,
                cfg.expectations,
                plan.keys,
                approver=cfg.certification.approver,
                pia_reference=cfg.certification.pia_reference,
                require_pia_for_sensitive=cfg.certification.require_pia_for_sensitive,
                extras={"policy_version": plan.policy.version},
            )
        publish(layout)
    except Exception:
        discard_staging(layout)
        raise
    if is_local(root):
        Ledger.at_output_root(root).record_run(
            dataset=layout.dataset,
            version=layout.version,
            run_id=run_id,
            manifest_sha256=outcome.manifest_sha256 if outcome else "",
            certificate_sha256=outcome.document_sha256 if outcome and outcome.certified else None,
            outcome=("certified" if outcome.certified else "rejected")
            if outcome
            else "uncertified",
        )
    return RunResult(layout.version_dir, manifest, outcome)
