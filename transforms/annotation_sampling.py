"""The per-batch QA sample: acceptance plan sizes, stratified hash-ranked selection, reviewers.

Sizes (TC260-003 5.3: spot-check every batch of functional labels):
- confidence plan with acceptance number c: the smallest n with P(X <= c | n, p) <= 1 - conf,
  X ~ Binomial(n, p), p the tolerated error rate. Seeing <= c errors in n then puts the
  one-sided Clopper-Pearson upper bound on the batch error rate at or below p. For c = 0
  (zero_failure) this is n = ceil(ln(1 - conf) / ln(1 - p)): 59 for p = 5%, conf = 95%.
  The size is then capped at the batch size (a batch smaller than n is reviewed in full).
- fraction plan: ceil(fraction * N), at least `minimum`, at most N.

Selection: within each stratum (batch, annotator) the items with the smallest
sha256(seed|batch|item) are taken; the allocation across annotators is proportional (largest
remainder, at least one per annotator when n allows). Nothing depends on worker order or time,
so any runner gives the same sample. Security labels are all sent for review (TC260-003 5.3).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import apache_beam as beam

from tdg.transforms.annotation_config import (
    AcceptancePlan,
    ConfidencePlan,
    FractionPlan,
    QualificationPolicy,
)
from tdg.transforms.annotation_qualification import qualified_reviewers
from tdg.transforms.annotation_records import (
    RULE_SECURITY,
    Annotation,
    RosterEntry,
    SheetRow,
)

PLANS = "plans"
UNASSIGNED = "unassigned"
REASON_SAMPLE = "sample"
REASON_SECURITY = "security_all"
MAX_SAMPLE_SEARCH = 10_000_000


# ---------------------------------------------------------------------------- sizes


def binomial_cdf(c: int, n: int, p: float) -> float:
    """P(X <= c) for X ~ Binomial(n, p), summed in log space (safe for large n)."""
    if c >= n:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for k in range(c + 1):
        log_term = (
            math.lgamma(n + 1)
            - math.lgamma(k + 1)
            - math.lgamma(n - k + 1)
            + k * log_p
            + (n - k) * log_q
        )
        total += math.exp(log_term)
    return min(1.0, total)


def confidence_sample_size(
    tolerated_error_rate: float, confidence: float, allowed_errors: int
) -> int:
    """Smallest n with P(X <= c | n, p) <= 1 - confidence (uncapped)."""
    p, alpha, c = tolerated_error_rate, 1 - confidence, allowed_errors
    if c == 0:
        n = math.ceil(math.log(alpha) / math.log1p(-p))
        # guard the closed form against floating-point error at the boundary
        while n > 1 and (1 - p) ** (n - 1) <= alpha:
            n -= 1
        while (1 - p) ** n > alpha:
            n += 1
        return n
    n = c + 1
    while binomial_cdf(c, n, p) > alpha:
        n += 1
        if n > MAX_SAMPLE_SEARCH:
            raise ValueError("acceptance plan needs an unreasonably large sample")
    return n


def plan_sample_size(plan: AcceptancePlan, population: int) -> int:
    """Items to review out of `population` functional labels of one batch."""
    if population <= 0:
        return 0
    if isinstance(plan, FractionPlan):
        return min(population, max(plan.minimum, math.ceil(plan.fraction * population)))
    return min(
        population,
        confidence_sample_size(plan.tolerated_error_rate, plan.confidence, plan.allowed_errors),
    )


def acceptance_number(plan: AcceptancePlan, sample_size: int) -> int:
    """The most errors a batch's sample may hold and still be accepted."""
    if isinstance(plan, ConfidencePlan):
        return plan.allowed_errors
    return math.floor(plan.tolerated_error_rate * sample_size + 1e-9)


def plan_formula(plan: AcceptancePlan) -> str:
    if isinstance(plan, FractionPlan):
        return (
            f"n = min(N, max({plan.minimum}, ceil({plan.fraction} * N))); "
            f"accept if errors <= floor({plan.tolerated_error_rate} * n)"
        )
    if plan.allowed_errors == 0:
        return (
            f"n = min(N, ceil(ln(1 - {plan.confidence}) / ln(1 - {plan.tolerated_error_rate}))); "
            "accept if errors = 0"
        )
    return (
        f"n = min(N, smallest n with BinomCDF({plan.allowed_errors}; n, "
        f"{plan.tolerated_error_rate}) <= 1 - {plan.confidence}) (Clopper-Pearson); "
        f"accept if errors <= {plan.allowed_errors}"
    )


def allocate(n: int, strata: Mapping[str, int]) -> dict[str, int]:
    """Split n over strata proportionally to their sizes (largest remainder, ties by name).

    Every non-empty stratum gets at least one item when n >= the number of strata, so each
    annotator's work is checked.
    """
    total = sum(strata.values())
    names = sorted(s for s, size in strata.items() if size > 0)
    quota = {s: 0 for s in strata}
    if n <= 0 or total == 0:
        return quota
    n = min(n, total)
    exact = {s: n * strata[s] / total for s in names}
    for s in names:
        quota[s] = math.floor(exact[s])
    left = n - sum(quota.values())
    for s in sorted(names, key=lambda s: (-(exact[s] - quota[s]), s))[:left]:
        quota[s] += 1
    if n >= len(names):
        for s in names:
            if quota[s] == 0:
                donor = max(names, key=lambda d: (quota[d], d))
                quota[donor] -= 1
                quota[s] = 1
    return quota


# ---------------------------------------------------------------------------- selection


def rank_key(seed: str, batch_id: str, item_id: str) -> str:
    """The sampling key: items with the smallest keys in their stratum are reviewed."""
    return hashlib.sha256(f"{seed}|{batch_id}|{item_id}".encode()).hexdigest()


def take_smallest(ranked: Iterable[tuple[str, Annotation]], k: int) -> list[tuple[str, Annotation]]:
    """The k items with the smallest rank key (item id breaks a hash tie)."""
    return heapq.nsmallest(k, ranked, key=lambda ra: (ra[0], ra[1].item_id))


def pick_reviewer(seed: str, item_id: str, annotator_id: str, candidates: list[str]) -> str | None:
    """Rendezvous hashing over qualified reviewers other than the annotator: deterministic,
    balanced, and stable when the roster grows."""
    eligible = [c for c in candidates if c != annotator_id]
    if not eligible:
        return None
    return min(
        eligible, key=lambda r: (hashlib.sha256(f"{seed}|{item_id}|{r}".encode()).digest(), r)
    )


def batch_plan(
    batch_id: str, counts: Iterable[tuple[str, str, int]], plan: AcceptancePlan
) -> dict[str, Any]:
    """The sampling plan of one batch from its (rule_type, annotator, count) strata."""
    functional: dict[str, int] = {}
    security = 0
    for rule_type, annotator, count in counts:
        if rule_type == RULE_SECURITY:
            security += count
        else:
            functional[annotator] = functional.get(annotator, 0) + count
    population = sum(functional.values())
    n = plan_sample_size(plan, population)
    quota = allocate(n, functional)
    return {
        "batch_id": batch_id,
        "functional_items": population,
        "security_items": security,
        "sample_size": n,
        "acceptance_number": acceptance_number(plan, n),
        "strata": {a: {"items": functional[a], "sampled": quota[a]} for a in sorted(functional)},
    }


def sheet_row(annotation: Annotation, rank: str, reason: str, reviewer_id: str) -> SheetRow:
    return SheetRow(
        batch_id=annotation.batch_id,
        item_id=annotation.item_id,
        record_id=annotation.record_id,
        task_id=annotation.task_id,
        annotator_id=annotation.annotator_id,
        rule_type=annotation.rule_type,
        rules_version=annotation.rules_version,
        reason=reason,
        rank=rank,
        reviewer_id=reviewer_id,
    )


def select_in_memory(
    annotations: Iterable[Annotation], seed: str, plan: AcceptancePlan
) -> tuple[list[tuple[str, str, Annotation]], list[dict[str, Any]]]:
    """The same selection as `DrawReviewSample`, in memory: a reference for tests and tools.

    Returns (rank, reason, annotation) for every chosen item and the per-batch plans.
    """
    rows = list(annotations)
    counts: dict[str, dict[tuple[str, str], int]] = {}
    strata: dict[tuple[str, str], list[tuple[str, Annotation]]] = {}
    chosen: list[tuple[str, str, Annotation]] = []
    for a in rows:
        batch = counts.setdefault(a.batch_id, {})
        batch[(a.rule_type, a.annotator_id)] = batch.get((a.rule_type, a.annotator_id), 0) + 1
        rank = rank_key(seed, a.batch_id, a.item_id)
        if a.rule_type == RULE_SECURITY:
            chosen.append((rank, REASON_SECURITY, a))
        else:
            strata.setdefault((a.batch_id, a.annotator_id), []).append((rank, a))
    plans = [
        batch_plan(b, [(r, ann, n) for (r, ann), n in sorted(c.items())], plan)
        for b, c in sorted(counts.items())
    ]
    for p in plans:
        for annotator, stratum in p["strata"].items():
            for rank, a in take_smallest(strata[(p["batch_id"], annotator)], stratum["sampled"]):
                chosen.append((rank, REASON_SAMPLE, a))
    chosen.sort(key=lambda c: (c[2].batch_id, c[0]))
    return chosen, plans


# ---------------------------------------------------------------------------- Beam


class _AssignReviewerFn(beam.DoFn):
    """Sheet rows for selected items; items with no eligible reviewer go to `unassigned`."""

    def __init__(
        self, seed: str, roster: dict[str, RosterEntry], policy: QualificationPolicy
    ) -> None:
        self._seed = seed
        self._roster = roster
        self._policy = policy

    def setup(self) -> None:
        self._candidates: dict[Any, list[str]] = {}

    def process(self, chosen: tuple[str, str, Annotation]) -> Iterator[Any]:
        rank, reason, annotation = chosen
        day = annotation.annotated_on
        if day not in self._candidates:
            self._candidates[day] = qualified_reviewers(self._roster, day, self._policy)
        reviewer = pick_reviewer(
            self._seed, annotation.item_id, annotation.annotator_id, self._candidates[day]
        )
        if reviewer is None:
            yield beam.pvalue.TaggedOutput(UNASSIGNED, annotation)
        else:
            yield sheet_row(annotation, rank, reason, reviewer)


def _plan_and_quotas(
    batch_counts: tuple[str, Iterable[tuple[str, str, int]]], plan: AcceptancePlan
) -> Iterator[Any]:
    batch_id, counts = batch_counts
    summary = batch_plan(batch_id, counts, plan)
    yield beam.pvalue.TaggedOutput(PLANS, summary)
    for annotator, stratum in summary["strata"].items():
        yield ((batch_id, annotator), stratum["sampled"])


def _take_stratum(
    stratum: tuple[tuple[str, str], Iterable[tuple[str, Annotation]]], quotas: dict[Any, int]
) -> Iterator[tuple[str, str, Annotation]]:
    key, ranked = stratum
    for rank, annotation in take_smallest(ranked, quotas.get(key, 0)):
        yield rank, REASON_SAMPLE, annotation


class DrawReviewSample(beam.PTransform):
    """Annotations (unique item ids) -> sheet rows, with `plans` and `unassigned` outputs."""

    def __init__(
        self,
        seed: str,
        plan: AcceptancePlan,
        roster: dict[str, RosterEntry],
        policy: QualificationPolicy,
    ) -> None:
        super().__init__()
        self._seed = seed
        self._plan = plan
        self._roster = roster
        self._policy = policy

    def expand(self, annotations: beam.PCollection) -> dict[str, beam.PCollection]:
        seed, plan = self._seed, self._plan
        planned = (
            annotations
            | "StratumKey" >> beam.Map(lambda a: ((a.batch_id, a.rule_type, a.annotator_id), 1))
            | "CountStrata" >> beam.CombinePerKey(sum)
            | "ByBatch" >> beam.MapTuple(lambda k, n: (k[0], (k[1], k[2], n)))
            | "GroupBatches" >> beam.GroupByKey()
            | "PlanBatches"
            >> beam.FlatMap(_plan_and_quotas, plan).with_outputs(PLANS, main="quotas")
        )
        functional = (
            annotations
            | "Functional" >> beam.Filter(lambda a: a.rule_type != RULE_SECURITY)
            | "RankKey"
            >> beam.Map(
                lambda a: ((a.batch_id, a.annotator_id), (rank_key(seed, a.batch_id, a.item_id), a))
            )
            | "GroupStrata" >> beam.GroupByKey()
            | "TopKByHash" >> beam.FlatMap(_take_stratum, quotas=beam.pvalue.AsDict(planned.quotas))
        )
        security = (
            annotations
            | "Security" >> beam.Filter(lambda a: a.rule_type == RULE_SECURITY)
            | "AllSecurity"
            >> beam.Map(lambda a: (rank_key(seed, a.batch_id, a.item_id), REASON_SECURITY, a))
        )
        assigned = (
            (functional, security)
            | "Chosen" >> beam.Flatten()
            | "AssignReviewer"
            >> beam.ParDo(_AssignReviewerFn(seed, self._roster, self._policy)).with_outputs(
                UNASSIGNED, main="rows"
            )
        )
        return {"rows": assigned.rows, PLANS: planned[PLANS], UNASSIGNED: assigned[UNASSIGNED]}
