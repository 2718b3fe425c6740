"""Record validation after normalization: text present, provenance declared, crawl allowed."""

from __future__ import annotations

import re

from tdg.pipelines.config import SourceConfig
from tdg.transforms.pii.language import SUPPORTED_LANGUAGES, normalize_hint
from tdg.transforms.records import Quarantined, Record
from tdg.transforms.run_context import RunContext
from tdg.transforms.stage import RecordStageFn

STAGE = "validate"
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}")
ROBOTS_DISALLOWED = {"disallowed", "disallow", "denied", "false", "no"}


def validate_record(
    record: Record, source: SourceConfig, max_text_chars: int | None
) -> Record | Quarantined:
    if not record.text.strip():
        return Quarantined.of(record, STAGE, "empty_text", "text is empty after normalization")
    if max_text_chars is not None and len(record.text) > max_text_chars:
        return Quarantined.of(
            record,
            STAGE,
            "text_too_long",
            f"text has {len(record.text)} characters, limit {max_text_chars}",
        )
    if not _language_supported(record.language):
        # Personal information is detected in English and Chinese only: a record in another
        # language cannot be certified as de-identified.
        return Quarantined.of(
            record,
            STAGE,
            "unsupported_language",
            f"language {_shown_tag(record.language)}: personal information is detected in "
            f"{', '.join(SUPPORTED_LANGUAGES)} only",
        )
    # Interim Measures Art. 7(1): a record whose source lacks licence or evidence is not lawful.
    missing = [n for n, v in (("licence", source.licence), ("evidence", source.evidence)) if not v]
    if missing:
        return Quarantined.of(
            record,
            STAGE,
            "missing_provenance",
            f"source {source.id!r} declares no {' or '.join(missing)}",
        )
    # TC260-003 5.1: do not collect what robots.txt forbids.
    if source.fields.robots:
        decision = record.metadata.get(source.fields.robots, "")
        if decision.strip().lower() in ROBOTS_DISALLOWED:
            return Quarantined.of(
                record, STAGE, "robots_disallowed", "the crawl recorded a robots.txt disallow"
            )
    return record


def _shown_tag(value: str | None) -> str:
    """The value if it looks like a language tag; a field mapped to the wrong column could hold
    personal text, which a quarantine row must never copy."""
    return repr(value) if value and _LANGUAGE_TAG.fullmatch(value) else "(not a language tag)"


def _language_supported(language: str | None) -> bool:
    try:
        normalize_hint(language)
    except ValueError:
        return False
    return True


class ValidateFn(RecordStageFn):
    stage = STAGE

    def __init__(
        self, ctx: RunContext, sources: dict[str, SourceConfig], max_text_chars: int | None
    ) -> None:
        super().__init__(ctx)
        self._sources = sources
        self._max = max_text_chars

    def apply(self, record: Record) -> Record | Quarantined:
        return validate_record(record, self._sources[record.source_id], self._max)
