"""The batch status machine (TC260-003 5.3: spot-check, re-annotate wrong items, void harmful).

    pending ──(all sampled items reviewed, errors <= c)──► accepted
       │ ──(errors > c, at any point)─────────────────────► rejected  (whole batch re-annotated)
       └──(any harmful verdict, at any point)─────────────► void      (batch discarded)

`void` wins over `rejected`, which wins over `pending`: more reviews cannot undo either.
c is the acceptance number of the batch's sampling plan. In an accepted batch, the items found
wrong are still corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tdg.transforms.annotation_records import (
    RULE_SECURITY,
    VERDICT_HARMFUL,
    VERDICT_INCORRECT,
)
from tdg.transforms.annotation_review import ItemOutcome
from tdg.transforms.annotation_stats import Accuracy

PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
VOID = "void"

ACTION_REANNOTATE = "re-annotate"
ACTION_CORRECT = "correct"
ACTION_DISCARD = "discard"


@dataclass(frozen=True, slots=True)
class BatchTally:
    """What the review found in one batch (sampled items only, plus the batch's size)."""

    batch_id: str
    items: int
    sampled: int
    security_items: int
    security_reviewed: int
    accuracy: Accuracy
    unreviewed: int
    incorrect_items: tuple[str, ...]
    harmful_items: tuple[str, ...]


def tally_batch(
    batch_id: str, items: int, security_items: int, outcomes: Iterable[ItemOutcome]
) -> BatchTally:
    """Tally the sampled outcomes of a batch; `items` and `security_items` count all its
    labels, sampled or not (a security label missing from the sheet counts as unreviewed)."""
    sampled = [o for o in outcomes if o.sampled]
    reviewed = [o for o in sampled if o.verdict is not None]
    accuracy = Accuracy()
    for o in reviewed:
        accuracy = accuracy + Accuracy.of_verdict(o.verdict or "")
    security = [o for o in sampled if o.rule_type == RULE_SECURITY]
    return BatchTally(
        batch_id=batch_id,
        items=items,
        sampled=len(sampled),
        security_items=security_items,
        security_reviewed=sum(1 for o in security if o.verdict is not None),
        accuracy=accuracy,
        unreviewed=len(sampled) - len(reviewed),
        incorrect_items=tuple(
            sorted(o.item_id for o in reviewed if o.verdict == VERDICT_INCORRECT)
        ),
        harmful_items=tuple(sorted(o.item_id for o in reviewed if o.verdict == VERDICT_HARMFUL)),
    )


def batch_status(tally: BatchTally, acceptance_number: int) -> tuple[str, str]:
    """(status, reason) by the state machine above."""
    acc = tally.accuracy
    if acc.harmful:
        return VOID, f"{acc.harmful} item(s) judged harmful: batch is void"
    if acc.incorrect > acceptance_number:
        return REJECTED, (
            f"{acc.incorrect} error(s) in the sample, plan accepts at most {acceptance_number}: "
            f"re-annotate the batch"
        )
    if tally.unreviewed or acc.reviewed == 0:
        return PENDING, f"{tally.unreviewed} of {tally.sampled} sampled item(s) not reviewed yet"
    return ACCEPTED, f"{acc.incorrect} error(s) in the sample, plan accepts {acceptance_number}"


def decide_batch(tally: BatchTally, plan: Mapping[str, Any] | None) -> dict[str, Any]:
    """The batch decision record (written to batches.jsonl and the certificate)."""
    c = int(plan["acceptance_number"]) if plan else 0
    status, reason = batch_status(tally, c)
    return {
        "batch_id": tally.batch_id,
        "status": status,
        "reason": reason,
        "items": tally.items,
        "sample_size": int(plan["sample_size"]) if plan else None,
        "acceptance_number": c,
        "sampled": tally.sampled,
        "unreviewed": tally.unreviewed,
        "security_items": tally.security_items,
        "security_reviewed": tally.security_reviewed,
        **tally.accuracy.as_dict(),
        "incorrect_items": list(tally.incorrect_items),
        "harmful_items": list(tally.harmful_items),
    }


def follow_up(outcome: ItemOutcome, status: str) -> dict[str, Any] | None:
    """What must happen to one item given its batch's status, or None."""
    if status == VOID:
        action, why = ACTION_DISCARD, "batch void (harmful content found)"
    elif status == REJECTED:
        action, why = ACTION_REANNOTATE, "batch rejected"
    elif outcome.verdict == VERDICT_INCORRECT:
        action, why = ACTION_CORRECT, "judged incorrect in the QA sample"
    else:
        return None
    return {
        "batch_id": outcome.batch_id,
        "item_id": outcome.item_id,
        "record_id": outcome.record_id,
        "annotator_id": outcome.annotator_id,
        "action": action,
        "reason": why,
        "verdict": outcome.verdict or "",
        "corrected_label": ";".join(outcome.corrected_labels),
    }
