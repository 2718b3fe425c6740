#!/usr/bin/env python3
"""What LegalBasisStage's registry join costs per million records, at three sizes.

For each size N (records; consents for about as many subjects, in a Parquet registry) it runs on
the DirectRunner: (a) generate N records and count them, (b) the same plus LegalBasisStage; the
join cost is b - a. The baseline is the same decisions made in one process with a dict join
(no Beam, no shuffle). Prints seconds per million for each and the growth ratio between sizes:
a ratio near 1.0 per doubling means linear growth. It never asserts timings.

    .venv/bin/python bench/registry_join.py --scale 0.25
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.options.pipeline_options import PipelineOptions

from tdg.transforms.basis_decision import SourceBasis, decide_basis, facts_of
from tdg.transforms.consent_registry import RegistrySettings, read_registry_rows
from tdg.transforms.legal_basis_stage import MAIN, NEEDS_ANONYMIZATION, QUARANTINE, LegalBasisStage
from tdg.transforms.policy import Policy
from tdg.transforms.records import PiiEntry, Record

NOW = datetime(2025, 6, 1, tzinfo=UTC)
POLICY = Policy(version="bench", purpose="model_training")
SOURCES = {
    "support": SourceBasis("support", "user_data", "CN", None, "auth"),
    "web": SourceBasis("web", "web_crawl", "CN", "public_disclosure", "crawl"),
}
CHUNK = 5_000
WITHDRAWN = datetime(2025, 1, 1, tzinfo=UTC)
PII = [PiiEntry("PHONE_NUMBER", 1, "keyed_pseudonym", "direct_identifier")]


def make_record(i: int, subjects: int) -> Record:
    web = i % 10 == 0  # one in ten records is crawled and has no subject
    return Record(
        record_id=f"r{i}",
        text="synthetic",
        source_id="web" if web else "support",
        source_uri="bench://",
        source_offset=i,
        source_kind="web_crawl" if web else "user_data",
        licence="proprietary",
        content_sha256="h",
        output_sha256="h",
        ingested_at=NOW,
        run_id="bench",
        pipeline_version="0",
        config_sha256="c",
        subject_id=None if web else f"s{(i * 7919) % subjects:09d}",
        metadata={"url": f"https://h{i % 97}.example/p"} if web else {},
        pii=PII,
        pii_status="de-identified",
    )


def records_of(chunk: int, n: int, subjects: int) -> Iterator[Record]:
    for i in range(chunk * CHUNK, min(n, (chunk + 1) * CHUNK)):
        yield make_record(i, subjects)


def write_registry(d: Path, subjects: int) -> RegistrySettings:
    """Consents for 90% of subjects (a few withdrawn, a few for the wrong purpose)."""
    ids = [f"s{k:09d}" for k in range(subjects) if k % 10 != 9]
    n = len(ids)
    table = pa.table(
        {
            "consent_id": [f"c{k}" for k in range(n)],
            "version": ["1"] * n,
            "subject_id": ids,
            "purposes": [["model_training"] if k % 50 else ["customer_service"] for k in range(n)],
            "consent_type": ["explicit"] * n,
            "granted_at": [datetime(2024, 1, 1, tzinfo=UTC)] * n,
            "withdrawn_at": [WITHDRAWN if k % 97 == 0 else None for k in range(n)],
        }
    )  # fmt: skip
    pq.write_table(table, d / "consents.parquet")
    (d / "refusals.csv").write_text(
        "subject_id,recorded_at\n"
        + "".join(f"s{k:09d},2025-01-01\n" for k in range(0, subjects, 101)),
        encoding="utf-8",
    )
    (d / "domains.csv").write_text(
        "domain,reserved_at\n" + "".join(f"h{k}.example,2024-01-01\n" for k in range(0, 97, 7)),
        encoding="utf-8",
    )
    return RegistrySettings.model_validate(
        {
            "consents": {"uri": str(d / "consents.parquet")},
            "refusals": {"uri": str(d / "refusals.csv")},
            "opted_out_domains": {"uri": str(d / "domains.csv")},
        }
    )


def run_beam(n: int, subjects: int, settings: RegistrySettings | None) -> float:
    options = PipelineOptions(flags=[], runner="DirectRunner", direct_num_workers=1)
    start = time.perf_counter()
    with beam.Pipeline(options=options) as p:
        records = (
            p
            | beam.Create(list(range((n + CHUNK - 1) // CHUNK)))
            | beam.Reshuffle()
            | beam.FlatMap(records_of, n, subjects)
        )
        if settings is None:
            _ = records | beam.combiners.Count.Globally()
        else:
            out = records | LegalBasisStage(POLICY, "0" * 64, settings, SOURCES, NOW)
            _ = (
                (out[MAIN], out[QUARANTINE], out[NEEDS_ANONYMIZATION])
                | beam.Flatten()
                | beam.combiners.Count.Globally()
            )
    return time.perf_counter() - start


def run_baseline(n: int, subjects: int, d: Path) -> float:
    """The same decisions in one process: dict join, no Beam."""
    start = time.perf_counter()
    consents = defaultdict(list)
    for c in read_registry_rows("consents", d / "consents.parquet"):
        consents[c.subject_id].append(c)
    refused = {r.subject_id for r in read_registry_rows("refusals", d / "refusals.csv")}
    for i in range(n):
        rec = make_record(i, subjects)
        sid = rec.subject_id or ""
        decide_basis(
            facts_of(rec, POLICY),
            consents.get(sid, []),
            sid in refused,
            SOURCES[rec.source_id],
            POLICY,
            NOW,
        )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="sizes 50k, 100k, 200k x scale")
    args = parser.parse_args()
    sizes = [int(s * args.scale) for s in (50_000, 100_000, 200_000)]
    print(f"{'records':>9} {'baseline s/M':>13} {'count-only s/M':>15} {'stage s/M':>10} "
          f"{'join s/M':>9} {'join/baseline':>14}")  # fmt: skip
    per_m: list[float] = []
    for n in sizes:
        subjects = max(1, n // 2)
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            settings = write_registry(d, subjects)
            base = run_baseline(n, subjects, d)
            bare = run_beam(n, subjects, None)
            stage = run_beam(n, subjects, settings)
        m = n / 1e6
        join = max(stage - bare, 0.0)
        per_m.append(join / m)
        print(f"{n:>9} {base / m:>13.1f} {bare / m:>15.1f} {stage / m:>10.1f} "
              f"{join / m:>9.1f} {join / max(base, 1e-9):>14.1f}")  # fmt: skip
    for (a, b), (x, y) in zip(pairwise(sizes), pairwise(per_m), strict=True):
        print(f"join s/M at {b} / at {a}: {y / max(x, 1e-9):.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
