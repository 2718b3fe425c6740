"""Run the Great Expectations suites: row-level per Parquet shard in parallel, dataset-level once.

Row-level suites validate every shard of `data/*.parquet` separately (a Beam step, one shard per
element) and their counts are summed across shards; dataset-level suites validate the small metrics
table that `DatasetMetrics` computed in Beam. Reports keep counts and rates only: results are
built from a whitelist of GX result keys, so unexpected values never leave the validator.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from pydantic import BaseModel, ConfigDict, Field

from tdg.transforms.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

# GX 1.24 ships no usage-statistics client; the variable keeps older or newer releases quiet too.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

SuiteKind = Literal["row", "dataset"]

DEFAULT_SUITES: tuple[str, ...] = (
    "provenance_complete",
    "legal_basis",
    "no_raw_identifiers",
    "text_quality",
    "record_id_unique",
    "dataset_metrics",
)
RESULTS_FILE = "results.json"
REPORT_FILE = "index.html"

# Only these keys of a GX expectation result are ever read; everything else (unexpected lists,
# index lists, rows, queries) is dropped before a result leaves the validator.
_COUNT_KEYS = ("element_count", "unexpected_count", "unexpected_percent", "missing_count")
# Keys that would carry data values; stripped again, defensively, before anything is written.
FORBIDDEN_REPORT_KEYS = frozenset(
    {
        "partial_unexpected_list",
        "partial_unexpected_counts",
        "partial_unexpected_index_list",
        "unexpected_list",
        "unexpected_index_list",
        "unexpected_index_query",
        "unexpected_rows",
        "unexpected_values",
        "details",
        "exception_traceback",
        "exception_message",
    }
)
# Keep counts and rates, never values: BASIC with an empty partial list.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
# Columns the row-level runner derives from struct columns (GX checks flat columns best).
DERIVED_STRUCT_COLUMNS = {"basis_evidence": "basis_evidence_"}
INDEX_META_KEY = "tdg_index"


class ExpectationSettings(BaseModel):
    """Which suites a run checks and the thresholds it overrides (run config `expectations:`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suites: list[str] = Field(
        default_factory=lambda: list(DEFAULT_SUITES),
        description="packaged suite names (expectations/<name>.json) or paths to suite JSON files",
    )
    thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="overrides of suite parameters, e.g. max_exact_duplicate_rate: 0.02",
    )
    batch_rows: int = Field(
        default=100_000, gt=0, description="rows per validated batch within a shard (memory bound)"
    )


class ExpectationOutcome(BaseModel):
    """One expectation's result: counts, rates and aggregate numbers only, never values."""

    model_config = ConfigDict(extra="forbid")

    type: str
    column: str | None = None
    description: str | None = None
    success: bool
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    missing_count: int | None = None
    observed_value: float | None = None
    raised_exception: bool = False
    mostly: float | None = Field(default=None, description="GX `mostly`, for re-deciding merges")


class SuiteStatistics(BaseModel):
    model_config = ConfigDict(extra="forbid")

    evaluated_expectations: int
    successful_expectations: int
    unsuccessful_expectations: int
    success_percent: float | None


class SuiteResult(BaseModel):
    """A suite's merged result across shards; JSON-serializable, embedded in certificates."""

    model_config = ConfigDict(extra="forbid")

    suite: str
    kind: SuiteKind
    version: int
    suite_sha256: str
    success: bool
    statistics: SuiteStatistics
    parameters: dict[str, float] = Field(default_factory=dict)
    shards: int = 0
    rows: int = 0
    expectations: list[ExpectationOutcome]


@dataclass(frozen=True)
class SuiteSpec:
    """A suite document as loaded from JSON, plus what tdg reads from its `meta.tdg`."""

    name: str
    kind: SuiteKind
    version: int
    sha256: str
    document: dict[str, Any] = field(hash=False)
    parameter_defaults: dict[str, float] = field(hash=False, default_factory=dict)

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return list(self.document.get("expectations") or [])


# --- suites ---------------------------------------------------------------------------------


def load_suite_spec(name_or_path: str) -> SuiteSpec:
    """A packaged suite by name (`legal_basis`) or a suite file by path (`my/suite.json`)."""
    if name_or_path.endswith(".json") or os.sep in name_or_path or "/" in name_or_path:
        where = name_or_path
        try:
            raw = Path(name_or_path).read_bytes()
        except OSError:
            raise UserError(f"{where}: expectation suite file not found") from None
    else:
        where = f"expectations/{name_or_path}.json"
        resource = resources.files("tdg.expectations").joinpath(f"{name_or_path}.json")
        if not resource.is_file():
            known = ", ".join(packaged_suite_names())
            raise UserError(f"expectations.suites: unknown suite {name_or_path!r} (known: {known})")
        raw = resource.read_bytes()
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UserError(f"{where}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    tdg_meta = (document.get("meta") or {}).get("tdg") or {}
    kind = tdg_meta.get("kind")
    if kind not in ("row", "dataset"):
        raise UserError(f"{where}: meta.tdg.kind: expected 'row' or 'dataset'")
    if not isinstance(document.get("name"), str) or not document["name"]:
        raise UserError(f"{where}: name: required key is missing")
    return SuiteSpec(
        name=document["name"],
        kind=kind,
        version=int(tdg_meta.get("version", 1)),
        sha256=hashlib.sha256(
            json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest(),
        document=document,
        parameter_defaults={k: float(v) for k, v in (tdg_meta.get("parameters") or {}).items()},
    )


def packaged_suite_names() -> list[str]:
    root = resources.files("tdg.expectations")
    return sorted(p.name[: -len(".json")] for p in root.iterdir() if p.name.endswith(".json"))


def load_suites(settings: ExpectationSettings) -> list[SuiteSpec]:
    """Every suite the settings name, and a check that every threshold override is used by one."""
    specs = [load_suite_spec(name) for name in settings.suites]
    known = {p for s in specs for p in s.parameter_defaults}
    unknown = sorted(set(settings.thresholds) - known)
    if unknown:
        raise UserError(
            f"expectations.thresholds: unknown threshold {unknown[0]!r} "
            f"(the selected suites take: {', '.join(sorted(known)) or 'none'})"
        )
    return specs


def suite_parameters(spec: SuiteSpec, thresholds: Mapping[str, float]) -> dict[str, float]:
    """The suite's defaults with the run's overrides applied."""
    return {k: float(thresholds.get(k, v)) for k, v in spec.parameter_defaults.items()}


def build_gx_suite(spec: SuiteSpec) -> Any:
    """The GX ExpectationSuite for a spec (imports GX lazily: it takes seconds)."""
    import great_expectations as gx

    doc = json.loads(json.dumps(spec.document))
    doc = {k: v for k, v in doc.items() if k in ("name", "expectations", "meta", "notes")}
    for index, expectation in enumerate(doc["expectations"]):
        # GX may reorder results; this tag maps each result back to its expectation
        expectation["meta"] = {**(expectation.get("meta") or {}), INDEX_META_KEY: index}
    return gx.ExpectationSuite(**doc)


def referenced_columns(spec: SuiteSpec) -> set[str]:
    """Columns a suite reads: `column` kwargs and the columns of row conditions."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            col = node.get("column")
            if isinstance(col, str):
                found.add(col)
            elif isinstance(col, dict) and isinstance(col.get("name"), str):
                found.add(col["name"])
            for key in ("column_A", "column_B"):
                if isinstance(node.get(key), str):
                    found.add(node[key])
            if isinstance(node.get("column_list"), list):
                found.update(c for c in node["column_list"] if isinstance(c, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for expectation in spec.expectations:
        walk(expectation.get("kwargs") or {})
    return found


def source_columns(columns: Iterable[str], available: Sequence[str]) -> set[str]:
    """The stored columns needed to provide `columns` (derived ones map back to their struct)."""
    needed: set[str] = set()
    for col in columns:
        if col in available:
            needed.add(col)
            continue
        for struct, prefix in DERIVED_STRUCT_COLUMNS.items():
            if col.startswith(prefix) and struct in available:
                needed.add(struct)
    return needed


def check_columns(specs: Sequence[SuiteSpec], schema: pa.Schema, where: str) -> None:
    """A suite naming a column the data does not have is a user error, caught before running."""
    names = list(schema.names)
    derivable = set(names)
    for struct, prefix in DERIVED_STRUCT_COLUMNS.items():
        if struct in schema.names:
            field_type = schema.field(struct).type
            if pa.types.is_struct(field_type):
                derivable.update(
                    prefix + field_type.field(i).name for i in range(field_type.num_fields)
                )
    for spec in specs:
        for col in sorted(referenced_columns(spec) - derivable):
            raise UserError(f"suite {spec.name}: column {col!r} is not in {where}")


# --- validating one table -------------------------------------------------------------------


def validation_frame(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """A pandas frame GX can check: struct columns flattened to `<struct>_<field>` columns."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    for struct, prefix in DERIVED_STRUCT_COLUMNS.items():
        if struct in table.column_names and pa.types.is_struct(table.schema.field(struct).type):
            idx = table.column_names.index(struct)
            column = table.column(struct)
            struct_type = table.schema.field(struct).type
            table = table.remove_column(idx)
            # flatten() carries the struct's nulls into its children
            for child_field, child in zip(struct_type, column.flatten(), strict=True):
                table = table.append_column(prefix + child_field.name, child)
    return table.to_pandas()


def outcome_from_gx(result: Mapping[str, Any]) -> ExpectationOutcome:
    """Whitelist a GX ExpectationValidationResult (as a JSON dict) into counts and rates."""
    config = result.get("expectation_config") or {}
    kwargs = config.get("kwargs") or {}
    meta = config.get("meta") or {}
    body = result.get("result") or {}
    observed = body.get("observed_value")
    observed_number = (
        float(observed)
        if isinstance(observed, int | float) and not isinstance(observed, bool)
        else None
    )
    counts = {k: body.get(k) for k in _COUNT_KEYS}
    column = kwargs.get("column")
    mostly = kwargs.get("mostly")
    return ExpectationOutcome(
        type=str(config.get("type")),
        column=column if isinstance(column, str) else None,
        description=meta.get("description") if isinstance(meta.get("description"), str) else None,
        success=bool(result.get("success")),
        element_count=_int_or_none(counts["element_count"]),
        unexpected_count=_int_or_none(counts["unexpected_count"]),
        unexpected_percent=_float_or_none(counts["unexpected_percent"]),
        missing_count=_int_or_none(counts["missing_count"]),
        observed_value=observed_number,
        raised_exception=_raised(result.get("exception_info")),
        mostly=float(mostly) if isinstance(mostly, int | float) else None,
    )


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _raised(info: Any) -> bool:
    """GX reports exceptions flat or keyed by metric id; either way only the flag is kept."""
    if not isinstance(info, Mapping):
        return False
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(_raised(v) for v in info.values())


class TableValidator:
    """An ephemeral GX context and built suites, validating in-memory tables (one per worker)."""

    def __init__(self, specs: Sequence[SuiteSpec], parameters: Mapping[str, Mapping[str, float]]):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # GX pins this module's logger at INFO on import and announces every ephemeral context.
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("tdg")
        self._batch_definition = source.add_dataframe_asset(
            "table"
        ).add_batch_definition_whole_dataframe("whole")
        self._suites = [(spec, build_gx_suite(spec)) for spec in specs]
        self._parameters = {name: dict(values) for name, values in parameters.items()}

    def validate(self, frame: pd.DataFrame) -> dict[str, list[ExpectationOutcome]]:
        """Every suite on one frame, results in the order of each suite's expectations."""
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": frame})
        outcomes: dict[str, list[ExpectationOutcome]] = {}
        for spec, suite in self._suites:
            result = batch.validate(
                suite,
                result_format=RESULT_FORMAT,
                expectation_parameters=self._parameters.get(spec.name, {}),
            )
            by_index = {
                r["expectation_config"]["meta"][INDEX_META_KEY]: r for r in _results_of(result)
            }
            outcomes[spec.name] = [outcome_from_gx(by_index[i]) for i in range(len(by_index))]
        return outcomes


def _results_of(suite_result: Any) -> list[dict[str, Any]]:
    return list(suite_result.to_json_dict()["results"])


# --- merging across shards ------------------------------------------------------------------


def merge_outcome(a: ExpectationOutcome, b: ExpectationOutcome) -> ExpectationOutcome:
    """Sum two shards' counts; success is decided again by `finalize_outcome`."""
    return a.model_copy(
        update={
            "success": a.success and b.success,
            "element_count": _sum(a.element_count, b.element_count),
            "unexpected_count": _sum(a.unexpected_count, b.unexpected_count),
            "missing_count": _sum(a.missing_count, b.missing_count),
            # an aggregate observed on one shard says nothing about the whole dataset
            "observed_value": None,
            "raised_exception": a.raised_exception or b.raised_exception,
        }
    )


def _sum(a: int | None, b: int | None) -> int | None:
    return None if a is None and b is None else (a or 0) + (b or 0)


def finalize_outcome(outcome: ExpectationOutcome) -> ExpectationOutcome:
    """Re-decide a summed map expectation from its totals and `mostly` (GX's own rule)."""
    if outcome.unexpected_count is None or outcome.element_count is None:
        return outcome  # aggregate: success only if it held on every shard
    considered = outcome.element_count - (outcome.missing_count or 0)
    percent = 100.0 * outcome.unexpected_count / considered if considered else 0.0
    mostly = outcome.mostly if outcome.mostly is not None else 1.0
    ratio_ok = considered == 0 or (considered - outcome.unexpected_count) / considered >= mostly
    return outcome.model_copy(
        update={
            "unexpected_percent": percent,
            "success": ratio_ok and not outcome.raised_exception,
        }
    )


def merge_outcome_lists(
    a: Sequence[ExpectationOutcome], b: Sequence[ExpectationOutcome]
) -> list[ExpectationOutcome]:
    return [merge_outcome(x, y) for x, y in zip(a, b, strict=True)]


def suite_result(
    spec: SuiteSpec,
    parameters: Mapping[str, float],
    outcomes: Sequence[ExpectationOutcome],
    shards: int,
    rows: int,
) -> SuiteResult:
    final = [finalize_outcome(o) for o in outcomes]
    ok = sum(1 for o in final if o.success)
    return SuiteResult(
        suite=spec.name,
        kind=spec.kind,
        version=spec.version,
        suite_sha256=spec.sha256,
        success=ok == len(final),
        statistics=SuiteStatistics(
            evaluated_expectations=len(final),
            successful_expectations=ok,
            unsuccessful_expectations=len(final) - ok,
            success_percent=100.0 * ok / len(final) if final else None,
        ),
        parameters=dict(parameters),
        shards=shards,
        rows=rows,
        expectations=final,
    )


def empty_outcomes(spec: SuiteSpec) -> list[ExpectationOutcome]:
    """Outcomes of a suite over zero rows (no shards): map checks hold, aggregates do not."""
    out = []
    for e in spec.expectations:
        kwargs = e.get("kwargs") or {}
        is_map = e.get("type", "").startswith("expect_column_value")
        out.append(
            ExpectationOutcome(
                type=e.get("type", ""),
                column=kwargs.get("column") if isinstance(kwargs.get("column"), str) else None,
                description=(e.get("meta") or {}).get("description"),
                success=is_map,
                element_count=0 if is_map else None,
                unexpected_count=0 if is_map else None,
                mostly=kwargs.get("mostly"),
            )
        )
    return out


# --- row level: one Beam element per shard --------------------------------------------------


@dataclass
class ShardOutcome:
    """One suite's outcomes over some shards (the accumulator merged across shards)."""

    outcomes: list[ExpectationOutcome]
    shards: int
    rows: int

    def merge(self, other: ShardOutcome) -> ShardOutcome:
        return ShardOutcome(
            merge_outcome_lists(self.outcomes, other.outcomes),
            self.shards + other.shards,
            self.rows + other.rows,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "outcomes": [o.model_dump() for o in self.outcomes],
            "shards": self.shards,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardOutcome:
        return cls(
            [ExpectationOutcome(**o) for o in data["outcomes"]],
            int(data["shards"]),
            int(data["rows"]),
        )


def iter_shard_tables(path: str, columns: Sequence[str], batch_rows: int) -> Iterator[pa.Table]:
    """A shard read in bounded batches of the needed columns (any Beam filesystem path)."""
    with FileSystems.open(path) as handle:
        parquet = pq.ParquetFile(handle)
        wanted = [c for c in parquet.schema_arrow.names if c in columns]
        empty = True
        for batch in parquet.iter_batches(batch_size=batch_rows, columns=wanted):
            empty = False
            yield pa.Table.from_batches([batch])
        if empty:
            yield parquet.schema_arrow.empty_table().select(wanted)


def validate_shard(
    validator: TableValidator,
    path: str,
    columns: Sequence[str],
    batch_rows: int,
) -> dict[str, ShardOutcome]:
    """Every row suite over one shard, batch by batch, counts summed."""
    merged: dict[str, ShardOutcome] = {}
    for table in iter_shard_tables(path, columns, batch_rows):
        for suite, outcomes in validator.validate(validation_frame(table)).items():
            part = ShardOutcome(outcomes, shards=0, rows=table.num_rows)
            merged[suite] = merged[suite].merge(part) if suite in merged else part
    return {suite: ShardOutcome(o.outcomes, 1, o.rows) for suite, o in merged.items()}


class ValidateShard(beam.DoFn):
    """Validate one Parquet shard with every row-level suite; emits (suite, ShardOutcome JSON)."""

    def __init__(
        self,
        specs: Sequence[SuiteSpec],
        parameters: Mapping[str, Mapping[str, float]],
        columns: Sequence[str],
        batch_rows: int,
    ):
        self._specs = list(specs)
        self._parameters = {k: dict(v) for k, v in parameters.items()}
        self._columns = list(columns)
        self._batch_rows = batch_rows
        self._validator: TableValidator | None = None
        self._shards = beam.metrics.Metrics.counter("expectations", "shards_validated")
        self._rows = beam.metrics.Metrics.counter("expectations", "rows_validated")

    def setup(self) -> None:
        self._validator = TableValidator(self._specs, self._parameters)

    def process(self, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
        assert self._validator is not None
        results = validate_shard(self._validator, path, self._columns, self._batch_rows)
        self._shards.inc()
        self._rows.inc(next(iter(results.values())).rows if results else 0)
        for suite, outcome in results.items():
            yield suite, outcome.to_json()


def _merge_shard_json(values: Iterable[dict[str, Any]]) -> dict[str, Any]:
    merged: ShardOutcome | None = None
    for value in values:
        part = ShardOutcome.from_json(value)
        merged = part if merged is None else merged.merge(part)
    assert merged is not None
    return merged.to_json()


def default_pipeline_options(shards: int) -> PipelineOptions:
    """Local parallel run: one DirectRunner worker process per core (at most one per shard)."""
    workers = max(1, min(shards, os.cpu_count() or 1))
    if workers == 1:
        return PipelineOptions(runner="DirectRunner", direct_running_mode="in_memory")
    return PipelineOptions(
        runner="DirectRunner",
        direct_num_workers=workers,
        direct_running_mode="multi_processing",
    )


def run_row_level(
    shard_paths: Sequence[str],
    settings: ExpectationSettings,
    *,
    pipeline_options: PipelineOptions | None = None,
    work_dir: str | None = None,
) -> list[SuiteResult]:
    """Validate every shard with the row-level suites in parallel (Beam) and merge per suite.

    `work_dir` holds the merged per-suite counts between the pipeline and the driver (default:
    a local temporary directory; give a gs:// or s3:// path on a remote runner).
    """
    specs = [s for s in load_suites(settings) if s.kind == "row"]
    params = {s.name: suite_parameters(s, settings.thresholds) for s in specs}
    if not specs:
        return []
    shards = sorted(shard_paths)
    if not shards:
        return [suite_result(s, params[s.name], empty_outcomes(s), 0, 0) for s in specs]
    with FileSystems.open(shards[0]) as handle:
        schema = pq.ParquetFile(handle).schema_arrow
    check_columns(specs, schema, f"the data shards ({shards[0]})")
    needed: set[str] = set()
    for spec in specs:
        needed |= source_columns(referenced_columns(spec), schema.names)
    columns = sorted(needed)

    own_tmp = work_dir is None
    out_dir = tempfile.mkdtemp(prefix="tdg-expectations-") if work_dir is None else work_dir
    prefix = FileSystems.join(out_dir, "row_level_results")
    options = pipeline_options or default_pipeline_options(len(shards))
    with beam.Pipeline(options=options) as pipeline:
        _ = (
            pipeline
            | "Shards" >> beam.Create(shards)
            | "Spread" >> beam.Reshuffle()
            | "Validate" >> beam.ParDo(ValidateShard(specs, params, columns, settings.batch_rows))
            | "MergeShards" >> beam.CombinePerKey(_merge_shard_json)
            | "Encode" >> beam.MapTuple(lambda s, o: json.dumps({"suite": s, **o}))
            | "Write" >> beam.io.WriteToText(prefix, num_shards=1, shard_name_template="")
        )
    merged: dict[str, ShardOutcome] = {}
    with FileSystems.open(prefix) as handle:
        for line in handle.read().decode("utf-8").splitlines():
            data = json.loads(line)
            merged[data["suite"]] = ShardOutcome.from_json(data)
    if own_tmp:
        FileSystems.delete([prefix])
        os.rmdir(out_dir)
    return [
        suite_result(
            s, params[s.name], merged[s.name].outcomes, merged[s.name].shards, merged[s.name].rows
        )
        for s in specs
    ]


# --- dataset level --------------------------------------------------------------------------


def read_metrics_table(metrics_path: str) -> pa.Table:
    try:
        with FileSystems.open(metrics_path) as handle:
            return pq.read_table(handle)
    except OSError as exc:
        raise UserError(f"{metrics_path}: cannot read the metrics table ({exc})") from None


def run_dataset_level(metrics_path: str, settings: ExpectationSettings) -> list[SuiteResult]:
    """Validate the metrics table (one small file) with the dataset-level suites."""
    specs = [s for s in load_suites(settings) if s.kind == "dataset"]
    if not specs:
        return []
    table = read_metrics_table(metrics_path)
    check_columns(specs, table.schema, metrics_path)
    params = {s.name: suite_parameters(s, settings.thresholds) for s in specs}
    outcomes = TableValidator(specs, params).validate(validation_frame(table))
    return [suite_result(s, params[s.name], outcomes[s.name], 1, table.num_rows) for s in specs]


# --- reports --------------------------------------------------------------------------------


def all_passed(results: Sequence[SuiteResult]) -> bool:
    return all(r.success for r in results)


def scrub_report(node: Any) -> Any:
    """Drop any key that could carry data values, at any depth (second line of defence)."""
    if isinstance(node, Mapping):
        return {k: scrub_report(v) for k, v in node.items() if k not in FORBIDDEN_REPORT_KEYS}
    if isinstance(node, list | tuple):
        return [scrub_report(v) for v in node]
    return node


def results_document(
    results: Sequence[SuiteResult], metrics: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The JSON results: overall success, one entry per suite, and the (PII-free) metrics table."""
    import great_expectations as gx

    doc: dict[str, Any] = {
        "success": all_passed(results),
        "great_expectations_version": gx.__version__,
        "suites": [r.model_dump(mode="json") for r in results],
    }
    if metrics is not None:
        doc["metrics"] = [dict(row) for row in metrics]
    return scrub_report(doc)


def write_reports(
    results: Sequence[SuiteResult],
    validation_dir: str,
    *,
    metrics_path: str | None = None,
) -> list[str]:
    """Write `results.json` and a self-contained `index.html` (no scripts, no remote assets).

    The HTML is tdg's own page, not GX Data Docs: merged multi-shard results are not a GX
    validation result, and Data Docs pages load their styles and scripts from CDNs.
    """
    metrics = read_metrics_table(metrics_path).to_pylist() if metrics_path else None
    doc = results_document(results, metrics)
    if not FileSystems.exists(validation_dir):
        FileSystems.mkdirs(validation_dir)
    written = []
    for name, body in (
        (RESULTS_FILE, json.dumps(doc, indent=2, ensure_ascii=False) + "\n"),
        (REPORT_FILE, render_html(doc)),
    ):
        path = FileSystems.join(validation_dir, name)
        with FileSystems.create(path) as handle:
            handle.write(body.encode("utf-8"))
        written.append(path)
    return written


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;
text-align:left;font-size:.9em}th{background:#f3f3f3}.ok{color:#176f2c}.fail{color:#b00020;
font-weight:bold}code{font-size:.85em}
"""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.6g}"
    return html.escape(str(value))


def _status(ok: bool) -> str:
    return '<span class="ok">passed</span>' if ok else '<span class="fail">FAILED</span>'


def render_html(doc: Mapping[str, Any]) -> str:
    """A plain page for people: suites, expectations with counts, thresholds, metrics table."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>tdg validation</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Validation: {_status(bool(doc.get('success')))}</h1>",
        f"<p>Great Expectations {_cell(doc.get('great_expectations_version'))}; counts and rates "
        "only, no record values.</p>",
    ]
    for suite in doc.get("suites", []):
        stats = suite.get("statistics", {})
        parts.append(
            f"<h2>{_cell(suite.get('suite'))} ({_cell(suite.get('kind'))}-level, "
            f"v{_cell(suite.get('version'))}): {_status(bool(suite.get('success')))}</h2>"
            f"<p>{_cell(stats.get('successful_expectations'))} of "
            f"{_cell(stats.get('evaluated_expectations'))} expectations held over "
            f"{_cell(suite.get('rows'))} rows in {_cell(suite.get('shards'))} file(s).</p>"
        )
        if suite.get("parameters"):
            params = ", ".join(
                f"<code>{_cell(k)}</code> = {_cell(v)}" for k, v in suite["parameters"].items()
            )
            parts.append(f"<p>Thresholds: {params}</p>")
        parts.append(
            "<table><tr><th>status</th><th>expectation</th><th>column</th><th>what</th>"
            "<th>rows</th><th>unexpected</th><th>unexpected %</th><th>observed</th></tr>"
        )
        for e in suite.get("expectations", []):
            status = _status(bool(e.get("success")))
            if e.get("raised_exception"):
                status += " (raised an exception)"
            parts.append(
                f"<tr><td>{status}</td><td><code>{_cell(e.get('type'))}</code></td>"
                f"<td>{_cell(e.get('column'))}</td><td>{_cell(e.get('description'))}</td>"
                f"<td>{_cell(e.get('element_count'))}</td><td>{_cell(e.get('unexpected_count'))}</td>"
                f"<td>{_cell(e.get('unexpected_percent'))}</td>"
                f"<td>{_cell(e.get('observed_value'))}</td></tr>"
            )
        parts.append("</table>")
    metrics = doc.get("metrics")
    if metrics:
        columns = list(metrics[0].keys())
        parts.append("<h2>Dataset metrics</h2><table><tr>")
        parts.extend(f"<th>{_cell(c)}</th>" for c in columns)
        parts.append("</tr>")
        for row in metrics:
            parts.append(
                "<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


@dataclass(frozen=True)
class ValidationOutcome:
    """Everything certification needs from the expectations step."""

    success: bool
    results: list[SuiteResult]
    report_paths: list[str]


def run_expectations(
    shard_paths: Sequence[str],
    metrics_path: str,
    settings: ExpectationSettings,
    validation_dir: str,
    *,
    pipeline_options: PipelineOptions | None = None,
) -> ValidationOutcome:
    """Row-level then dataset-level suites, reports written; the call the certify step makes."""
    results = run_row_level(shard_paths, settings, pipeline_options=pipeline_options)
    results += run_dataset_level(metrics_path, settings)
    order = {name: i for i, name in enumerate(s.name for s in load_suites(settings))}
    results.sort(key=lambda r: order.get(r.suite, len(order)))
    paths = write_reports(results, validation_dir, metrics_path=metrics_path)
    return ValidationOutcome(all_passed(results), results, paths)


def shard_paths_in(data_dir: str) -> list[str]:
    """The Parquet shards of a dataset version's `data/` directory (any Beam filesystem)."""
    pattern = FileSystems.join(data_dir, "*.parquet")
    return sorted(m.path for r in FileSystems.match([pattern]) for m in r.metadata_list)
