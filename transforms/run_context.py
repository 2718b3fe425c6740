"""What every worker needs to know about the run: ids and digests, never secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RunContext:
    run_id: str
    pipeline_version: str
    config_sha256: str
    ingested_at: datetime  # the run's start time: one value for every record of the run
    progress_dir: str | None = None  # local directory for live progress files, if any
    progress_interval: float = 2.0
