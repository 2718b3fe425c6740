"""The dataset-level metrics table, computed in Beam with combiners (nothing collected on driver).

One row per scope: the whole dataset, each source, each language. A column is filled only where
it means something (quarantine ratio on dataset and source rows, sources per language on language
rows, duplicate and residual-PII rates on the dataset row), so a GX column aggregate such as
`expect_column_max_to_be_between(quarantine_ratio)` checks exactly the rows it should.
The table holds counts, rates, source ids and language codes: never text or identifiers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import apache_beam as beam
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.stats import ApproximateQuantiles

from tdg.transforms.records import Record, sha256_text

METRICS_FILE = "metrics.parquet"
DATASET_SCOPE = "*"
UNKNOWN_LANGUAGE = "und"  # BCP 47 "undetermined"
QUANTILES = 100  # percentiles: ApproximateQuantiles returns QUANTILES + 1 cut points

# GB/T 45652 6.2a: the provenance every record carries (strings must also be non-empty).
PROVENANCE_STRING_FIELDS = (
    "record_id",
    "source_id",
    "source_uri",
    "source_kind",
    "licence",
    "content_sha256",
    "run_id",
)

METRICS_SCHEMA = pa.schema(
    [
        pa.field("scope_kind", pa.string(), nullable=False),  # dataset | source | language
        pa.field("scope", pa.string(), nullable=False),  # "*", a source id or a language code
        pa.field("accepted_records", pa.int64()),
        pa.field("quarantined_records", pa.int64()),
        pa.field("quarantine_ratio", pa.float64()),
        pa.field("sources", pa.int64()),
        pa.field("languages", pa.int64()),
        pa.field("sources_per_language", pa.int64()),
        pa.field("exact_duplicate_records", pa.int64()),
        pa.field("exact_duplicate_rate", pa.float64()),
        pa.field("duplicate_record_ids", pa.int64()),
        pa.field("residual_pii_records", pa.int64()),
        pa.field("residual_pii_rate", pa.float64()),
        pa.field("provenance_incomplete_records", pa.int64()),
        pa.field("provenance_complete_rate", pa.float64()),
        pa.field("text_chars_min", pa.int64()),
        pa.field("text_chars_p01", pa.int64()),
        pa.field("text_chars_p50", pa.int64()),
        pa.field("text_chars_p99", pa.int64()),
        pa.field("text_chars_max", pa.int64()),
    ]
)


# --- per record (pure) ----------------------------------------------------------------------


@cache
def raw_identifier_patterns() -> dict[str, re.Pattern[str]]:
    """The raw-identifier regexes, read from the `no_raw_identifiers` suite: one source of truth."""
    raw = resources.files("tdg.expectations").joinpath("no_raw_identifiers.json").read_text("utf-8")
    patterns: dict[str, re.Pattern[str]] = {}
    for expectation in json.loads(raw)["expectations"]:
        name = (expectation.get("meta") or {}).get("identifier")
        regex = (expectation.get("kwargs") or {}).get("regex")
        if name and regex:
            patterns[name] = re.compile(regex)
    return patterns


def residual_identifier_types(
    text: str, patterns: Mapping[str, re.Pattern[str]] | None = None
) -> tuple[str, ...]:
    """Which raw-identifier types still occur in a text (types only, never the matches)."""
    pats = raw_identifier_patterns() if patterns is None else patterns
    return tuple(name for name, rx in pats.items() if rx.search(text))


def provenance_complete(record: Record) -> bool:
    """Every provenance string present and non-empty, and an offset that points somewhere."""
    strings_ok = all(getattr(record, name) for name in PROVENANCE_STRING_FIELDS)
    return strings_ok and record.source_offset is not None and record.source_offset >= 0


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the metrics need from one accepted record (no text, no identifiers)."""

    record_id: str
    source_id: str
    language: str
    output_sha256: str
    text_chars: int
    provenance_complete: bool
    residual_identifiers: tuple[str, ...]


def record_facts(
    record: Record, patterns: Mapping[str, re.Pattern[str]] | None = None
) -> RecordFacts:
    return RecordFacts(
        record_id=record.record_id,
        source_id=record.source_id,
        language=record.language or UNKNOWN_LANGUAGE,
        output_sha256=record.output_sha256 or sha256_text(record.text),
        text_chars=len(record.text),
        provenance_complete=provenance_complete(record),
        residual_identifiers=residual_identifier_types(record.text, patterns),
    )


# --- dataset totals (one combiner pass) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    accepted: int = 0
    provenance_incomplete: int = 0
    residual_pii: int = 0
    chars_min: int | None = None
    chars_max: int | None = None

    def add(self, facts: RecordFacts) -> Totals:
        return Totals(
            accepted=self.accepted + 1,
            provenance_incomplete=self.provenance_incomplete + (not facts.provenance_complete),
            residual_pii=self.residual_pii + bool(facts.residual_identifiers),
            chars_min=_opt(min, self.chars_min, facts.text_chars),
            chars_max=_opt(max, self.chars_max, facts.text_chars),
        )

    def merge(self, other: Totals) -> Totals:
        return Totals(
            accepted=self.accepted + other.accepted,
            provenance_incomplete=self.provenance_incomplete + other.provenance_incomplete,
            residual_pii=self.residual_pii + other.residual_pii,
            chars_min=_opt(min, self.chars_min, other.chars_min),
            chars_max=_opt(max, self.chars_max, other.chars_max),
        )


def _opt(fn: Any, a: int | None, b: int | None) -> int | None:
    values = [v for v in (a, b) if v is not None]
    return fn(values) if values else None


class TotalsFn(beam.CombineFn):
    """Counts and length bounds over all accepted records."""

    def create_accumulator(self) -> Totals:
        return Totals()

    def add_input(self, acc: Totals, facts: RecordFacts) -> Totals:
        return acc.add(facts)

    def merge_accumulators(self, accs: Iterable[Totals]) -> Totals:
        out = Totals()
        for acc in accs:
            out = out.merge(acc)
        return out

    def extract_output(self, acc: Totals) -> Totals:
        return acc


# --- assembling the table (pure) ------------------------------------------------------------


def _ratio(part: int, whole: int, empty: float) -> float:
    return part / whole if whole else empty


def _quantile(cuts: Sequence[int], q: int) -> int | None:
    """The q-th percentile from QUANTILES + 1 cut points (empty input gives no cut points)."""
    return int(cuts[q]) if len(cuts) == QUANTILES + 1 else None


def assemble_metric_rows(
    totals: Totals,
    distinct_outputs: int,
    duplicate_record_ids: int,
    length_cuts: Sequence[int],
    accepted_by_source: Mapping[str, int],
    quarantined_by_source: Mapping[str, int],
    accepted_by_language: Mapping[str, int],
    sources_by_language: Mapping[str, int],
) -> list[dict[str, Any]]:
    """The metrics table: dataset row, then sources, then languages, each sorted by name."""
    quarantined = sum(quarantined_by_source.values())
    duplicates = totals.accepted - distinct_outputs
    empty_row = dict.fromkeys(METRICS_SCHEMA.names)
    rows = [
        {
            **empty_row,
            "scope_kind": "dataset",
            "scope": DATASET_SCOPE,
            "accepted_records": totals.accepted,
            "quarantined_records": quarantined,
            "quarantine_ratio": _ratio(quarantined, totals.accepted + quarantined, 0.0),
            "sources": len(set(accepted_by_source) | set(quarantined_by_source)),
            "languages": len(accepted_by_language),
            "exact_duplicate_records": duplicates,
            "exact_duplicate_rate": _ratio(duplicates, totals.accepted, 0.0),
            "duplicate_record_ids": duplicate_record_ids,
            "residual_pii_records": totals.residual_pii,
            "residual_pii_rate": _ratio(totals.residual_pii, totals.accepted, 0.0),
            "provenance_incomplete_records": totals.provenance_incomplete,
            "provenance_complete_rate": _ratio(
                totals.accepted - totals.provenance_incomplete, totals.accepted, 1.0
            ),
            "text_chars_min": totals.chars_min,
            "text_chars_p01": _quantile(length_cuts, 1),
            "text_chars_p50": _quantile(length_cuts, 50),
            "text_chars_p99": _quantile(length_cuts, 99),
            "text_chars_max": totals.chars_max,
        }
    ]
    for source in sorted(set(accepted_by_source) | set(quarantined_by_source)):
        accepted = accepted_by_source.get(source, 0)
        held = quarantined_by_source.get(source, 0)
        rows.append(
            {
                **empty_row,
                "scope_kind": "source",
                "scope": source,
                "accepted_records": accepted,
                "quarantined_records": held,
                "quarantine_ratio": _ratio(held, accepted + held, 0.0),
            }
        )
    for language in sorted(accepted_by_language):
        rows.append(
            {
                **empty_row,
                "scope_kind": "language",
                "scope": language,
                "accepted_records": accepted_by_language[language],
                "sources_per_language": sources_by_language.get(language, 0),
            }
        )
    return rows


# --- the transform --------------------------------------------------------------------------


class _Facts(beam.DoFn):
    def setup(self) -> None:
        self._patterns = raw_identifier_patterns()

    def process(self, record: Record) -> Iterable[RecordFacts]:
        yield record_facts(record, self._patterns)


def metrics_path(metrics_dir: str) -> str:
    return FileSystems.join(metrics_dir, METRICS_FILE)


class DatasetMetrics(beam.PTransform):
    """`(accepted, quarantined) | DatasetMetrics(metrics_dir)`: the metrics table, written once.

    Takes a tuple (or a dict with keys `accepted` and `quarantined`) of a PCollection of
    `Record` and one of `Quarantined`. Returns the PCollection of metric rows (dicts of
    METRICS_SCHEMA); when `metrics_dir` is given also writes `<metrics_dir>/metrics.parquet`.
    """

    def __init__(self, metrics_dir: str | None = None):
        super().__init__()
        self._metrics_dir = metrics_dir

    def expand(self, pcolls: Any) -> beam.PCollection:
        if isinstance(pcolls, Mapping):
            accepted, quarantined = pcolls["accepted"], pcolls["quarantined"]
        else:
            accepted, quarantined = pcolls
        facts = accepted | "Facts" >> beam.ParDo(_Facts())

        totals = facts | "Totals" >> beam.CombineGlobally(TotalsFn())
        distinct_outputs = (
            facts
            | "OutputHash" >> beam.Map(lambda f: f.output_sha256)
            | "DistinctOutputs" >> beam.Distinct()
            | "CountOutputs" >> beam.combiners.Count.Globally()
        )
        duplicate_ids = (
            facts
            | "RecordId" >> beam.Map(lambda f: f.record_id)
            | "CountPerId" >> beam.combiners.Count.PerElement()
            | "Extra" >> beam.MapTuple(lambda _id, n: n - 1)
            | "SumExtra" >> beam.CombineGlobally(sum)
        )
        length_cuts = (
            facts
            | "Chars" >> beam.Map(lambda f: f.text_chars)
            | "Quantiles" >> ApproximateQuantiles.Globally(QUANTILES + 1)
        )
        accepted_by_source = (
            facts
            | "SourceKey" >> beam.Map(lambda f: (f.source_id, 1))
            | "AcceptedPerSource" >> beam.CombinePerKey(sum)
        )
        quarantined_by_source = (
            quarantined
            | "QSourceKey" >> beam.Map(lambda q: (q.source_id, 1))
            | "QuarantinedPerSource" >> beam.CombinePerKey(sum)
        )
        accepted_by_language = (
            facts
            | "LanguageKey" >> beam.Map(lambda f: (f.language, 1))
            | "AcceptedPerLanguage" >> beam.CombinePerKey(sum)
        )
        sources_by_language = (
            facts
            | "LanguageSource" >> beam.Map(lambda f: (f.language, f.source_id))
            | "DistinctPairs" >> beam.Distinct()
            | "PairKey" >> beam.MapTuple(lambda lang, _src: (lang, 1))
            | "SourcesPerLanguage" >> beam.CombinePerKey(sum)
        )
        side = beam.pvalue
        rows = (
            accepted.pipeline
            | "Seed" >> beam.Create([None])
            | "Assemble"
            >> beam.FlatMap(
                lambda _, t, d, i, c, a, q, la, sl: assemble_metric_rows(t, d, i, c, a, q, la, sl),
                side.AsSingleton(totals),
                side.AsSingleton(distinct_outputs),
                side.AsSingleton(duplicate_ids),
                side.AsSingleton(length_cuts),
                side.AsDict(accepted_by_source),
                side.AsDict(quarantined_by_source),
                side.AsDict(accepted_by_language),
                side.AsDict(sources_by_language),
            )
        )
        if self._metrics_dir is not None:
            _ = rows | "WriteMetrics" >> beam.io.WriteToParquet(
                FileSystems.join(self._metrics_dir, "metrics"),
                METRICS_SCHEMA,
                file_name_suffix=".parquet",
                num_shards=1,
                shard_name_template="",
            )
        return rows
