"""Run statistics computed in Beam: counts per source and reason, PII and basis breakdowns.

Each element contributes (key, 1) facts; the facts are summed with a combiner, so the driver
only ever sees a few hundred numbers, whatever the corpus size. Keys are `|`-joined strings.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam

from tdg.transforms.records import Quarantined, Record

SEP = "|"


def read_facts(source_id: str, count: int) -> Iterator[tuple[str, int]]:
    yield f"read{SEP}{source_id}", count


def accepted_facts(record: Record) -> Iterator[tuple[str, int]]:
    yield f"accepted{SEP}{record.source_id}", 1
    yield f"pii_status{SEP}{record.pii_status}", 1
    yield f"basis{SEP}{record.legal_basis or 'none'}", 1
    yield f"language{SEP}{record.language or 'unknown'}", 1
    for entry in record.pii:
        yield f"pii_count{SEP}{entry.entity_type}", entry.count
        yield f"pii_records{SEP}{entry.entity_type}", 1


def quarantine_facts(entry: Quarantined) -> Iterator[tuple[str, int]]:
    yield f"quarantined{SEP}{entry.source_id}{SEP}{entry.reason_code}", 1


def fold_facts(pairs: Iterable[tuple[str, int]]) -> dict[str, Any]:
    """Summed facts to the nested shape the manifest uses."""
    sources: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"read": 0, "accepted": 0, "quarantined": 0, "quarantined_by_reason": {}}
    )
    out: dict[str, Any] = {"pii": {}, "pii_status": {}, "legal_basis": {}, "languages": {}}
    for key, value in pairs:
        kind, *rest = key.split(SEP)
        if kind in ("read", "accepted"):
            sources[rest[0]][kind] += value
        elif kind == "quarantined":
            src = sources[rest[0]]
            src["quarantined"] += value
            src["quarantined_by_reason"][rest[1]] = (
                src["quarantined_by_reason"].get(rest[1], 0) + value
            )
        elif kind in ("pii_count", "pii_records"):
            slot = out["pii"].setdefault(rest[0], {"count": 0, "records": 0})
            slot["count" if kind == "pii_count" else "records"] += value
        elif kind == "pii_status":
            out["pii_status"][rest[0]] = value
        elif kind == "basis":
            out["legal_basis"][rest[0]] = value
        elif kind == "language":
            out["languages"][rest[0]] = value
    out["sources"] = {k: sources[k] for k in sorted(sources)}
    for src in out["sources"].values():
        src["quarantined_by_reason"] = dict(sorted(src["quarantined_by_reason"].items()))
    return out


class ContentDigestFn(beam.CombineFn):
    """Order-independent digest over accepted records: sum of sha256(id|hash) mod 2**256.

    A multiset hash: the same records give the same digest whatever the shard layout or the
    order workers finish in, and it combines in parallel without sorting the dataset.
    """

    MOD = 1 << 256

    def create_accumulator(self) -> tuple[int, int]:
        return 0, 0

    def add_input(self, acc: tuple[int, int], element: tuple[str, str]) -> tuple[int, int]:
        record_id, output_sha = element
        h = hashlib.sha256(f"{record_id}|{output_sha}".encode()).digest()
        return (acc[0] + int.from_bytes(h, "big")) % self.MOD, acc[1] + 1

    def merge_accumulators(self, accs: Iterable[tuple[int, int]]) -> tuple[int, int]:
        total, count = 0, 0
        for a, c in accs:
            total, count = (total + a) % self.MOD, count + c
        return total, count

    def extract_output(self, acc: tuple[int, int]) -> dict[str, Any]:
        return {"content_digest": f"{acc[0]:064x}", "records": acc[1]}
