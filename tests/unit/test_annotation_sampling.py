"""Acceptance-plan sizes, allocation, hash ranking, and the Beam sample against the reference."""

import math
from datetime import UTC, date, datetime

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to

from tdg.transforms.annotation_config import ConfidencePlan, FractionPlan, QualificationPolicy
from tdg.transforms.annotation_records import Annotation, RosterEntry, TrainingRecord
from tdg.transforms.annotation_sampling import (
    PLANS,
    DrawReviewSample,
    acceptance_number,
    allocate,
    binomial_cdf,
    confidence_sample_size,
    pick_reviewer,
    plan_sample_size,
    rank_key,
    select_in_memory,
)


@pytest.mark.parametrize(
    ("p", "conf", "c", "n"),
    [
        (0.05, 0.95, 0, 59),  # the "rule of 59"
        (0.05, 0.95, 1, 93),
        (0.05, 0.95, 2, 124),
        (0.10, 0.95, 0, 29),
        (0.01, 0.95, 0, 299),
        (0.05, 0.99, 0, 90),
        (0.10, 0.90, 1, 38),
    ],
)
def test_confidence_sample_size_known_values(p: float, conf: float, c: int, n: int) -> None:
    assert confidence_sample_size(p, conf, c) == n


@pytest.mark.parametrize("p", [0.01, 0.03, 0.05, 0.1, 0.2])
@pytest.mark.parametrize("conf", [0.9, 0.95, 0.99])
def test_zero_failure_matches_closed_form(p: float, conf: float) -> None:
    assert confidence_sample_size(p, conf, 0) == math.ceil(math.log(1 - conf) / math.log(1 - p))


@pytest.mark.parametrize("c", [1, 2, 3, 5])
@pytest.mark.parametrize("p", [0.02, 0.05, 0.1])
def test_confidence_size_is_smallest_n(p: float, c: int) -> None:
    n = confidence_sample_size(p, 0.95, c)
    assert binomial_cdf(c, n, p) <= 0.05 < binomial_cdf(c, n - 1, p)
    scipy_stats = pytest.importorskip("scipy.stats")
    assert scipy_stats.binom.cdf(c, n, p) <= 0.05 < scipy_stats.binom.cdf(c, n - 1, p)


def test_plan_size_is_capped_at_the_batch() -> None:
    plan = ConfidencePlan(kind="zero_failure", confidence=0.95, tolerated_error_rate=0.05)
    assert plan_sample_size(plan, 1000) == 59
    assert plan_sample_size(plan, 40) == 40
    assert plan_sample_size(plan, 0) == 0
    assert acceptance_number(plan, 59) == 0


def test_fraction_plan_has_a_floor() -> None:
    plan = FractionPlan(kind="fraction", fraction=0.1, minimum=10, tolerated_error_rate=0.05)
    assert plan_sample_size(plan, 500) == 50
    assert plan_sample_size(plan, 50) == 10
    assert plan_sample_size(plan, 6) == 6
    assert plan_sample_size(plan, 101) == 11
    assert acceptance_number(plan, 50) == 2


def test_allocate_proportional_with_one_each() -> None:
    quota = allocate(10, {"a": 30, "b": 15, "c": 5})
    assert sum(quota.values()) == 10
    assert quota == {"a": 6, "b": 3, "c": 1}
    quota = allocate(4, {"a": 100, "b": 1, "c": 1, "d": 1})
    assert quota == {"a": 1, "b": 1, "c": 1, "d": 1}
    assert sum(allocate(2, {"a": 5, "b": 5, "c": 5}).values()) == 2
    assert allocate(99, {"a": 2, "b": 3}) == {"a": 2, "b": 3}


def test_rank_key_is_seeded_sha256() -> None:
    assert rank_key("s", "b1", "i1") == rank_key("s", "b1", "i1")
    assert rank_key("s", "b1", "i1") != rank_key("t", "b1", "i1")
    assert len(rank_key("s", "b", "i")) == 64


def test_pick_reviewer_never_the_annotator() -> None:
    assert pick_reviewer("s", "i1", "r1", ["r1"]) is None
    for i in range(50):
        chosen = pick_reviewer("s", f"i{i}", "r1", ["r1", "r2", "r3"])
        assert chosen in ("r2", "r3")
    assert len({pick_reviewer("s", f"i{i}", "x", ["r2", "r3"]) for i in range(50)}) == 2


def _labels() -> list[Annotation]:
    out = []
    for b in range(2):
        for k in range(40):
            out.append(
                Annotation(
                    item_id=f"b{b}-{k}",
                    record_id=f"r{k}",
                    labels=("x",),
                    annotator_id=f"a{k % 3}" if k < 36 else "a9",
                    batch_id=f"b{b}",
                    task_id="t",
                    rule_type="security" if k >= 37 else "functional",
                    rules_version="v1",
                    annotated_at=datetime(2025, 6, 1, tzinfo=UTC),
                    seconds_spent=None,
                    where=f"mem:{k}",
                )
            )
    return out


def test_beam_sample_equals_reference() -> None:
    plan = ConfidencePlan(kind="zero_failure", confidence=0.95, tolerated_error_rate=0.1)
    labels = _labels()
    expected, plans = select_in_memory(labels, "seed", plan)
    assert [p["sample_size"] for p in plans] == [29, 29]
    assert sum(1 for r, why, a in expected if why == "security_all") == 6
    training = (TrainingRecord(date(2025, 1, 1), "s1", 90.0),)
    roster = {
        r: RosterEntry(r, frozenset({"reviewer"}), date(2025, 1, 1), None, training)
        for r in ("r1", "r2")
    }
    with beam.Pipeline() as p:
        out = (
            p | beam.Create(labels) | DrawReviewSample("seed", plan, roster, QualificationPolicy())
        )
        assert_that(
            out["rows"] | "Ids" >> beam.Map(lambda r: (r.batch_id, r.item_id, r.reason)),
            equal_to([(a.batch_id, a.item_id, why) for _, why, a in expected]),
        )
        assert_that(
            out[PLANS] | "Sizes" >> beam.Map(lambda p: (p["batch_id"], p["sample_size"])),
            equal_to([("b0", 29), ("b1", 29)]),
            label="plans",
        )
