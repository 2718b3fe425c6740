"""The shape of a pipeline stage: a DoFn around a pure function, with a quarantine output.

A stage's pure function maps one Record to a Record or a Quarantined entry; the DoFn adds
`setup()`, Beam counters and progress. `apply_stage` returns (main, quarantine) PCollections,
so stages chain without knowing their neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from tdg.transforms.progress import ProgressReporter
from tdg.transforms.records import Quarantined, Record
from tdg.transforms.run_context import RunContext

QUARANTINE = "quarantine"


class RecordStageFn(beam.DoFn):
    """Subclasses set `stage` and implement `apply` (and, if needed, `load` for setup work)."""

    stage = "stage"

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self._in = Metrics.counter("tdg", f"{self.stage}.in")
        self._quarantined = Metrics.counter("tdg", f"{self.stage}.quarantined")

    def load(self) -> None:
        """Load models and keys once per worker."""

    def apply(self, record: Record) -> Record | Quarantined:
        raise NotImplementedError

    def setup(self) -> None:
        self._progress = ProgressReporter(self.ctx.progress_dir, self.ctx.progress_interval)
        self.load()

    def process(self, element: Any) -> Iterator[Any]:
        """`element`: a Record (a batch of them in `BatchStageFn`)."""
        yield from self._emit(self.apply(element))

    def _emit(self, out: Record | Quarantined) -> Iterator[Any]:
        self._in.inc()
        self._progress.add(self.stage)
        if isinstance(out, Quarantined):
            self._quarantined.inc()
            self._progress.add("quarantined")
            yield beam.pvalue.TaggedOutput(QUARANTINE, out)
        else:
            yield out

    def finish_bundle(self) -> None:
        self._progress.flush()


class BatchStageFn(RecordStageFn):
    """A stage that works on batches (model inference): implement `apply_batch`."""

    def apply_batch(self, records: Sequence[Record]) -> list[Record | Quarantined]:
        raise NotImplementedError

    def apply(self, record: Record) -> Record | Quarantined:
        return self.apply_batch([record])[0]

    def process(self, batch: Sequence[Record]) -> Iterator[Any]:
        for out in self.apply_batch(batch):
            yield from self._emit(out)


def apply_stage(
    records: beam.PCollection, label: str, fn: RecordStageFn, batch_size: int | None = None
) -> tuple[beam.PCollection, beam.PCollection]:
    """Apply a stage; returns (main records, quarantined entries)."""
    if isinstance(fn, BatchStageFn):
        records = records | f"{label}.Batch" >> beam.BatchElements(
            min_batch_size=1, max_batch_size=batch_size or 64
        )
    outputs = records | label >> beam.ParDo(fn).with_outputs(QUARANTINE, main="main")
    return outputs.main, outputs[QUARANTINE]
