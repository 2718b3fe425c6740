"""The annotation certification gate: every check, its verdict and why (Art. 8; TC260-003 5.3).

Certified only when all checks pass:
- every batch accepted, with its Wilson 95% lower bound >= the configured minimum accuracy;
- every security label reviewed by at least one qualified reviewer other than its annotator;
- no reviewer reviewed their own work;
- every label references a registered rules version, and each registered file still matches
  its sha256;
- (configurable) every label by an annotator qualified that day; no unknown annotators,
  missing records or duplicate / unreadable label rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tdg.transforms.annotation_config import CertificationConfig
from tdg.transforms.annotation_decisions import ACCEPTED
from tdg.transforms.annotation_review import (
    LABEL_BLOCKING,
    SELF_REVIEW,
    UNKNOWN_ANNOTATOR,
    UNQUALIFIED_ANNOTATOR,
    UNREGISTERED_RULES,
)


@dataclass(frozen=True, slots=True)
class GateCheck:
    name: str
    passed: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.name, "passed": self.passed, "detail": self.detail}


def _count(issue_counts: Mapping[str, int], *codes: str, prefix: str | None = None) -> int:
    total = sum(issue_counts.get(c, 0) for c in codes)
    if prefix:
        total += sum(n for c, n in issue_counts.items() if c.startswith(prefix))
    return total


def _list(ids: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def gate_checks(
    summary: Mapping[str, Any], policy: CertificationConfig, rules_problems: Sequence[str]
) -> list[GateCheck]:
    batches: list[Mapping[str, Any]] = summary["batches"]
    counts: Mapping[str, int] = summary["issue_counts"]
    checks = []

    not_accepted = [f"{b['batch_id']} ({b['status']})" for b in batches if b["status"] != ACCEPTED]
    checks.append(
        GateCheck(
            "batches_accepted",
            bool(batches) and not not_accepted,
            "no batches"
            if not batches
            else (
                f"not accepted: {_list(not_accepted)}"
                if not_accepted
                else f"all {len(batches)} batches accepted"
            ),
        )
    )
    low = [
        f"{b['batch_id']} ({b['wilson_low']:.3f})"
        for b in batches
        if b["status"] == ACCEPTED and b["wilson_low"] < policy.min_accuracy
    ]
    checks.append(
        GateCheck(
            "wilson_lower_bound",
            not low,
            f"accepted batches under {policy.min_accuracy}: {_list(low)}"
            if low
            else f"every accepted batch's Wilson 95% lower bound >= {policy.min_accuracy}",
        )
    )
    sec_items = sum(b["security_items"] for b in batches)
    sec_done = sum(b["security_reviewed"] for b in batches)
    checks.append(
        GateCheck(
            "security_labels_reviewed",
            sec_done == sec_items,
            f"{sec_done} of {sec_items} security labels have an independent review",
        )
    )
    self_reviews = _count(counts, SELF_REVIEW)
    checks.append(
        GateCheck(
            "no_self_review",
            self_reviews == 0,
            f"{self_reviews} review(s) by the item's own annotator",
        )
    )
    unregistered = _count(counts, UNREGISTERED_RULES)
    checks.append(
        GateCheck(
            "rules_registered",
            unregistered == 0 and not rules_problems,
            "; ".join(
                [f"{unregistered} label(s) cite an unregistered rules version", *rules_problems]
            ),
        )
    )
    if policy.require_qualified_annotators:
        unqualified = _count(counts, UNQUALIFIED_ANNOTATOR, UNKNOWN_ANNOTATOR)
        checks.append(
            GateCheck(
                "annotators_qualified",
                unqualified == 0,
                f"{unqualified} label(s) by annotators not qualified on the day",
            )
        )
    if policy.require_clean_inputs:
        bad = _count(counts, *LABEL_BLOCKING, prefix="invalid_label_row")
        checks.append(
            GateCheck(
                "label_inputs_clean",
                bad == 0,
                f"{bad} label row(s) unknown-annotator, missing-record, duplicate or unreadable",
            )
        )
    return checks


def is_certified(checks: Sequence[GateCheck]) -> bool:
    return all(c.passed for c in checks)
