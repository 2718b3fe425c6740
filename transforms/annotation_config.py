"""The annotation QA config: inputs, rules documents, acceptance plan, certification thresholds.

YAML validated by pydantic v2 (`extra="forbid"`); errors read `file: key.path: expected`.
Relative paths resolve against the config file's directory, so a config runs from anywhere.
Defaults follow Interim Measures Art. 8 and TC260-003 5.3; every threshold is configurable.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tdg.pipelines.config import load_yaml_model, resolve_against


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


class TableInput(Strict):
    """One input table (a file or a glob)."""

    uri: str
    format: TableFormat


class RecordsInput(TableInput):
    """Known record ids, to flag labels on records that do not exist.

    Either a table with a `record_id_field` (e.g. certified Parquet shards), or a source file
    with its `source_id` and own `id_field`, from which ids are derived with `make_record_id`.
    """

    record_id_field: str | None = None
    source_id: str | None = None
    id_field: str | None = None

    @model_validator(mode="after")
    def _one_way_to_an_id(self) -> RecordsInput:
        if (self.record_id_field is None) == (self.source_id is None or self.id_field is None):
            raise ValueError("give either record_id_field, or both source_id and id_field")
        return self


class Inputs(Strict):
    annotations: TableInput
    roster: TableInput
    records: RecordsInput | None = None


class RulesDocumentRef(Strict):
    version: str = Field(pattern=r"^[A-Za-z0-9_.+-]+$")
    path: str


class RulesConfig(Strict):
    documents: list[RulesDocumentRef] = Field(min_length=1)
    registry: str = Field(
        default="rules_registry.json", description="where register-rules writes version + sha256"
    )

    @field_validator("documents")
    @classmethod
    def _unique_versions(cls, docs: list[RulesDocumentRef]) -> list[RulesDocumentRef]:
        seen: set[str] = set()
        for d in docs:
            if d.version in seen:
                raise ValueError(f"duplicate rules version {d.version!r}")
            seen.add(d.version)
        return docs


class ConfidencePlan(Strict):
    """Smallest n whose one-sided upper confidence bound on the error rate is <= tolerated rate."""

    kind: Literal["zero_failure", "confidence"]
    confidence: float = Field(default=0.95, gt=0, lt=1)
    tolerated_error_rate: float = Field(default=0.05, gt=0, lt=1)
    allowed_errors: int = Field(default=0, ge=0, description="acceptance number c")

    @model_validator(mode="after")
    def _zero_failure_means_c0(self) -> ConfidencePlan:
        if self.kind == "zero_failure" and self.allowed_errors != 0:
            raise ValueError("a zero_failure plan allows 0 errors; use kind: confidence")
        return self


class FractionPlan(Strict):
    """A fixed fraction of each batch, at least `minimum` items (capped at the batch size)."""

    kind: Literal["fraction"]
    fraction: float = Field(gt=0, le=1)
    minimum: int = Field(default=10, ge=1)
    tolerated_error_rate: float = Field(
        default=0.05, ge=0, lt=1, description="accept a batch if sample errors <= rate * n"
    )


AcceptancePlan = Annotated[ConfidencePlan | FractionPlan, Field(discriminator="kind")]


class SamplingConfig(Strict):
    seed: str = Field(
        min_length=1, description="part of sha256(seed|batch|item); change = new sample"
    )
    plan: AcceptancePlan


class QualificationPolicy(Strict):
    """What makes an annotator qualified on a given day (Art. 8: train annotators)."""

    min_training_score: float = 60.0
    syllabus_versions: list[str] | None = Field(
        default=None, description="accepted syllabus versions; null = any"
    )


class CertificationConfig(Strict):
    min_accuracy: float = Field(
        default=0.90, gt=0, le=1, description="every batch's Wilson 95% lower bound must reach it"
    )
    require_qualified_annotators: bool = Field(
        default=True, description="labels by annotators unqualified that day block certification"
    )
    require_clean_inputs: bool = Field(
        default=True,
        description="unknown annotators, missing records, bad label rows block certification",
    )


class OutputConfig(Strict):
    root: str


class AnnotationConfig(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    inputs: Inputs
    rules: RulesConfig
    sampling: SamplingConfig
    qualification: QualificationPolicy = Field(default_factory=QualificationPolicy)
    certification: CertificationConfig = Field(default_factory=CertificationConfig)
    output: OutputConfig


class LoadedAnnotationConfig(BaseModel):
    """A validated config plus its file and digest (recorded in the certificate)."""

    model_config = ConfigDict(frozen=True)

    path: str
    sha256: str
    config: AnnotationConfig

    def resolve(self, uri: str) -> str:
        return resolve_against(self.path, uri)

    @property
    def output_root(self) -> Path:
        return Path(self.resolve(self.config.output.root))

    @property
    def registry_path(self) -> Path:
        p = Path(self.config.rules.registry)
        return p if p.is_absolute() else self.output_root / p


def load_annotation_config(path: str | Path) -> LoadedAnnotationConfig:
    config, digest = load_yaml_model(path, AnnotationConfig)
    return LoadedAnnotationConfig(path=str(Path(path).resolve()), sha256=digest, config=config)
