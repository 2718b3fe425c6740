"""bench/throughput.py times every pass on text its system has not read."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def throughput() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        import throughput as module
    finally:
        sys.path.remove(str(BENCH))
    return module


def test_each_timed_pass_reads_only_text_its_system_had_not_read(
    throughput: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(throughput, "MIN_MEASURED_CPU_SECONDS", 0.0)
    corpus = [f"text {i}" for i in range(7)]
    systems: list[list[list[str]]] = []  # per system built, the texts of each of its calls

    def make() -> Callable[[Sequence[str], str], int]:
        calls: list[list[str]] = []
        systems.append(calls)

        def run(texts: Sequence[str], language: str) -> int:
            calls.append(list(texts))
            return 0

        return run

    throughput.measure(make, corpus, "en")
    assert len(systems) == 2  # one per half
    timed = []
    for warm, measured in systems:
        assert not set(warm) & set(measured)
        timed += measured
    assert sorted(timed) == sorted(corpus)  # together one pass over the whole corpus
