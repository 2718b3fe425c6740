"""The run config: YAML validated by pydantic, errors rendered as `file: key.path: expected`.

Relative paths in a config (source URIs, output root, policy, registries) resolve against the
config file's directory, so a config runs the same from any working directory.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tdg.transforms.consent_registry import RegistrySettings
from tdg.transforms.errors import UserError
from tdg.transforms.expectations_runner import ExpectationSettings
from tdg.transforms.pii.detection_settings import DetectionSettings, spacy_model_problem
from tdg.transforms.pii.entities import unknown_entity_problem
from tdg.transforms.pii.language import normalize_hint
from tdg.transforms.pii.operator_settings import OperatorSettings

SCHEME_SEPARATOR = "://"
M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceKind(StrEnum):
    WEB_CRAWL = "web_crawl"
    OPEN_DATASET = "open_dataset"
    COMMERCIAL_LICENCE = "commercial_licence"
    USER_DATA = "user_data"
    SYNTHETIC = "synthetic"


class SourceFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"
    TEXT = "text"


class FieldMapping(Strict):
    """Which input fields hold the record id, text, subject, language and carried metadata."""

    text: str = "text"
    id: str | None = None
    subject_id: str | None = None
    language: str | None = None
    robots: str | None = Field(
        default=None, description="field holding the crawl's robots.txt decision (TC260-003 5.1)"
    )
    metadata: list[str] = Field(default_factory=list)


class SyntheticProvenance(Strict):
    """GB/T 45652 7.1b: synthetic samples record the generating model, its version and time."""

    model: str
    model_version: str
    generated_at: str


class CsvOptions(Strict):
    delimiter: str = ","
    quotechar: str = '"'


class SourcePii(Strict):
    """Per-source detection choices (the `fast` profile is for web-scale sources)."""

    profile: Literal["thorough", "fast"] | None = None
    operators: OperatorSettings | None = Field(
        default=None, description="operators for this source, replacing pii.operators"
    )


class SourceConfig(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    uri: str
    format: SourceFormat
    kind: SourceKind
    licence: str | None = Field(default=None, description="SPDX licence id")
    evidence: str | None = Field(
        default=None, description="licence URL, contract id, crawl log or user-authorisation ref"
    )
    collection_method: str | None = None
    jurisdiction: str = "CN"
    default_legal_basis: str | None = None
    language: str | None = Field(default=None, description="default language: zh, en or auto")
    fields: FieldMapping = Field(default_factory=FieldMapping)
    csv: CsvOptions = Field(default_factory=CsvOptions)
    text_unit: Literal["file", "line"] = "file"
    on_corrupt_file: Literal["fail", "quarantine"] = "fail"
    synthetic: SyntheticProvenance | None = None
    pii: SourcePii = Field(default_factory=SourcePii)

    @field_validator("language")
    @classmethod
    def _supported_language(cls, value: str | None) -> str | None:
        normalize_hint(value)  # raises ValueError naming the language
        return value

    @model_validator(mode="after")
    def _synthetic_needs_provenance(self) -> SourceConfig:
        if self.kind is SourceKind.SYNTHETIC and self.synthetic is None:
            raise ValueError(
                "a source of kind synthetic needs `synthetic: {model, model_version, "
                "generated_at}` (GB/T 45652 7.1b)"
            )
        return self


class DatasetConfig(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    version: str = Field(pattern=r"^[A-Za-z0-9_.+-]+$")
    description: str | None = None


class OutputConfig(Strict):
    root: str
    shards: int = Field(
        default=0, ge=0, description="Parquet shards per output; 0 = runner decides"
    )


class PipelineConfig(Strict):
    options: dict[str, Any] = Field(default_factory=dict, description="Beam pipeline options")
    max_text_chars: int | None = Field(default=None, gt=0)
    progress_interval_seconds: float = Field(default=2.0, gt=0)


class PiiConfig(Strict):
    """Detection and de-identification for every source (sources may override)."""

    detection: DetectionSettings = Field(default_factory=DetectionSettings)
    operators: OperatorSettings = Field(default_factory=OperatorSettings)

    @field_validator("operators")
    @classmethod
    def _operators_for_known_types(
        cls, operators: OperatorSettings, info: ValidationInfo
    ) -> OperatorSettings:
        detection = info.data.get("detection")
        check_operator_types(operators, detection.deny_list if detection else {})
        return operators

    fingerprint_index: bool = Field(
        default=True, description="write the keyed subject fingerprint index for erasure"
    )
    batch_size: int = Field(default=64, ge=1, le=4096)


class LegalBasisConfig(Strict):
    policy: str | None = Field(default=None, description="policy YAML; default: the packaged one")
    registry: RegistrySettings = Field(default_factory=RegistrySettings)


class CertificationConfig(Strict):
    approver: str = Field(default="tdg-pipeline", description="identity recorded as approver")
    pia_reference: str | None = Field(
        default=None, description="PIPL Art. 55 impact assessment for sensitive PI"
    )
    require_pia_for_sensitive: bool = True


class RunConfig(Strict):
    dataset: DatasetConfig
    sources: list[SourceConfig] = Field(min_length=1)
    output: OutputConfig
    pipeline: PipelineConfig = Field(default_factory=PipelineConfig)
    pii: PiiConfig = Field(default_factory=PiiConfig)
    legal_basis: LegalBasisConfig = Field(default_factory=LegalBasisConfig)
    expectations: ExpectationSettings = Field(default_factory=ExpectationSettings)
    certification: CertificationConfig = Field(default_factory=CertificationConfig)

    @model_validator(mode="after")
    def _spacy_model_for_thorough_sources(self) -> RunConfig:
        detection = self.pii.detection
        if detection.profile == "thorough":
            return self  # checked with the detection settings
        for i, source in enumerate(self.sources):
            if source.pii.profile == "thorough":
                problem = spacy_model_problem(detection.spacy_model)
                if problem:
                    raise ValueError(f"sources[{i}].pii.profile: thorough needs {problem}")
        return self

    @model_validator(mode="after")
    def _source_operators_for_known_types(self) -> RunConfig:
        for i, source in enumerate(self.sources):
            if source.pii.operators is not None:
                try:
                    check_operator_types(source.pii.operators, self.pii.detection.deny_list)
                except ValueError as exc:
                    raise ValueError(f"sources[{i}].pii.operators: {exc}") from None
        return self

    @field_validator("sources")
    @classmethod
    def _unique_source_ids(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        seen: set[str] = set()
        for s in sources:
            if s.id in seen:
                raise ValueError(f"duplicate source id {s.id!r}")
            seen.add(s.id)
        return sources


class LoadedConfig(BaseModel):
    """A validated config plus where it came from and its digest (recorded per record)."""

    model_config = ConfigDict(frozen=True)

    path: str
    sha256: str
    config: RunConfig

    def resolve(self, uri: str) -> str:
        return resolve_against(self.path, uri)


def check_operator_types(operators: OperatorSettings, deny_list: dict[str, list[str]]) -> None:
    """ValueError for an operator given to a type no detector reports (a typo would leave the
    type on the default operator without a word)."""
    problem = unknown_entity_problem(operators.by_entity, deny_list)
    if problem:
        raise ValueError(f"by_entity: {problem}")


def resolve_against(config_path: str, uri: str) -> str:
    """A config-relative path made absolute; URIs with a scheme are left alone."""
    if SCHEME_SEPARATOR in uri:
        return uri
    p = Path(uri)
    return str(p if p.is_absolute() else (Path(config_path).parent / p).resolve())


def format_validation_error(path: str, exc: ValidationError) -> str:
    """One line per problem: `file: key.path: what was expected`."""
    lines = []
    for err in exc.errors():
        loc = ""
        for part in err["loc"]:
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"{path}: {loc or '(top level)'}: {msg}")
    return "\n".join(lines)


def load_yaml_model(path: str | Path, model: type[M]) -> tuple[M, str]:
    """Read a YAML file into a pydantic model; UserError naming the file and key path."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: no such file") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise UserError(f"{p}: {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise UserError(f"{p}: (top level): expected a mapping of keys")
    try:
        return model.model_validate(data), hashlib.sha256(raw).hexdigest()
    except ValidationError as exc:
        raise UserError(format_validation_error(str(p), exc)) from None


def load_config(path: str | Path) -> LoadedConfig:
    config, digest = load_yaml_model(path, RunConfig)
    return LoadedConfig(path=str(Path(path).resolve()), sha256=digest, config=config)


def utc_now() -> datetime:
    return datetime.now(UTC)
