"""The PII stage on the real Beam runner, for the e2e tests that check its outputs."""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime
from pathlib import Path

import apache_beam as beam

from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.pii_stage import PiiStageSettings, apply_pii
from tdg.transforms.records import Quarantined, Record
from tdg.transforms.run_context import RunContext

CTX = RunContext("run-test", "0.1.0", "0" * 64, datetime(2025, 1, 1, tzinfo=UTC))


def run_pii_stage(
    records: list[Record], settings: PiiStageSettings, keys: KeyRing, out_dir: Path
) -> tuple[list[Record], list[Quarantined]]:
    """(accepted, quarantined), read back from files written as base64 pickles: the runner's
    workers do not share the test's memory."""
    with beam.Pipeline() as p:
        main, quarantine, _ = apply_pii(p | beam.Create(records), CTX, settings, keys, 8)
        for tag, pcoll in (("accepted", main), ("quarantined", quarantine)):
            _ = (
                pcoll
                | f"Encode_{tag}" >> beam.Map(lambda x: base64.b64encode(pickle.dumps(x)).decode())
                | f"Write_{tag}" >> beam.io.WriteToText(str(out_dir / tag))
            )
    got = {}
    for tag in ("accepted", "quarantined"):
        lines = [ln for f in sorted(out_dir.glob(f"{tag}*")) for ln in f.read_text().split()]
        got[tag] = [pickle.loads(base64.b64decode(ln)) for ln in lines]
    return got["accepted"], got["quarantined"]
