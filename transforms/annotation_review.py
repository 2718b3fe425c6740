"""Judging one item: its label, its place on the review sheet, and the verdicts it received.

The pure function `judge_item` sees everything known about one item id (after a CoGroupByKey)
and returns the item's outcome plus every issue found. A review counts only if the item was on
the sheet, the reviewer is a qualified reviewer and not the annotator (TC260-003 5.3: annotation
and review are separate roles), and it is the reviewer's first verdict on the item. Anything else
is reported with its reason and left out of the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tdg.transforms.annotation_config import QualificationPolicy
from tdg.transforms.annotation_qualification import NOT_IN_ROSTER, qualification_problem
from tdg.transforms.annotation_records import (
    RULE_SECURITY,
    SCOPE_LABEL,
    SCOPE_REVIEW,
    VERDICT_CORRECT,
    VERDICT_HARMFUL,
    VERDICT_INCORRECT,
    Annotation,
    InputIssue,
    Review,
    RosterEntry,
    SheetRow,
)

# issue codes
UNKNOWN_ANNOTATOR = "unknown_annotator"
UNQUALIFIED_ANNOTATOR = "unqualified_annotator"
UNREGISTERED_RULES = "unregistered_rules_version"
MISSING_RECORD = "missing_record"
DUPLICATE_ITEM = "duplicate_item_id"
UNKNOWN_ITEM = "review_of_unknown_item"
NOT_SAMPLED = "review_of_unsampled_item"
SELF_REVIEW = "self_review"
UNQUALIFIED_REVIEWER = "unqualified_reviewer"
DUPLICATE_REVIEW = "duplicate_review"
REVIEWERS_DISAGREE = "reviewers_disagree"
MISSING_REVIEW = "missing_review"

# issues that leave a label out of certification (when the config requires clean inputs)
LABEL_BLOCKING = (UNKNOWN_ANNOTATOR, MISSING_RECORD, DUPLICATE_ITEM)

# a verdict's severity when several reviewers disagree: the worst one counts
_SEVERITY = {VERDICT_CORRECT: 0, VERDICT_INCORRECT: 1, VERDICT_HARMFUL: 2}


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What review found about one labelled item (every label has one, sampled or not)."""

    item_id: str
    batch_id: str
    record_id: str
    annotator_id: str
    rule_type: str
    rules_version: str
    sampled: bool
    verdict: str | None = None  # None: not sampled, or sampled but no valid review yet
    corrected_labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default_factory=tuple)  # label issue codes

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "batch_id": self.batch_id,
            "record_id": self.record_id,
            "annotator_id": self.annotator_id,
            "rule_type": self.rule_type,
            "rules_version": self.rules_version,
            "sampled": self.sampled,
            "verdict": self.verdict,
            "corrected_labels": list(self.corrected_labels),
            "reviewers": list(self.reviewers),
            "flags": list(self.flags),
        }


def label_issues(
    annotation: Annotation,
    roster: Mapping[str, RosterEntry],
    policy: QualificationPolicy,
    registered_versions: frozenset[str],
) -> list[InputIssue]:
    """Problems with a label itself: who made it and under which rules."""
    issues = []
    problem = qualification_problem(
        roster.get(annotation.annotator_id), "annotator", annotation.annotated_on, policy
    )
    if problem == NOT_IN_ROSTER:
        issues.append(_label_issue(annotation, UNKNOWN_ANNOTATOR, "annotator is not on the roster"))
    elif problem is not None:
        issues.append(
            _label_issue(
                annotation,
                UNQUALIFIED_ANNOTATOR,
                f"annotator not qualified on {annotation.annotated_on.isoformat()}: {problem}",
            )
        )
    if annotation.rules_version not in registered_versions:
        issues.append(
            _label_issue(
                annotation,
                UNREGISTERED_RULES,
                f"rules version {annotation.rules_version!r} is not registered",
            )
        )
    return issues


def _label_issue(annotation: Annotation, code: str, detail: str) -> InputIssue:
    return InputIssue(
        scope=SCOPE_LABEL,
        code=code,
        where=annotation.where,
        detail=detail,
        item_id=annotation.item_id,
        batch_id=annotation.batch_id,
        person_id=annotation.annotator_id,
    )


def _review_issue(review: Review, code: str, detail: str, batch_id: str | None) -> InputIssue:
    return InputIssue(
        scope=SCOPE_REVIEW,
        code=code,
        where=review.where,
        detail=detail,
        item_id=review.item_id,
        batch_id=batch_id,
        person_id=review.reviewer_id,
    )


def judge_item(
    item_id: str,
    annotations: Iterable[Annotation],
    sheet: Iterable[SheetRow],
    reviews: Iterable[Review],
    roster: Mapping[str, RosterEntry],
    policy: QualificationPolicy,
    registered_versions: frozenset[str],
) -> tuple[ItemOutcome | None, list[InputIssue]]:
    """The outcome of one item id and every issue about it."""
    labels = sorted(annotations, key=lambda a: a.where)
    ordered_reviews = sorted(
        reviews, key=lambda r: (r.reviewed_at.isoformat() if r.reviewed_at else "", r.where)
    )
    issues: list[InputIssue] = []
    if not labels:
        for r in ordered_reviews:
            issues.append(_review_issue(r, UNKNOWN_ITEM, "no label has this item id", None))
        return None, issues
    if len(labels) > 1:
        for a in labels:
            issues.append(
                _label_issue(a, DUPLICATE_ITEM, f"item id appears in {len(labels)} label rows")
            )
        for r in ordered_reviews:
            issues.append(
                _review_issue(r, DUPLICATE_ITEM, "the item id is ambiguous", labels[0].batch_id)
            )
        return None, issues
    annotation = labels[0]
    issues.extend(label_issues(annotation, roster, policy, registered_versions))
    on_sheet = any(True for _ in sheet)

    counted: list[Review] = []
    for r in ordered_reviews:
        if not on_sheet:
            code, detail = NOT_SAMPLED, "item was not in the QA sample"
        elif r.reviewer_id == annotation.annotator_id:
            code, detail = SELF_REVIEW, "reviewer is the item's annotator"
        elif any(c.reviewer_id == r.reviewer_id for c in counted):
            code, detail = DUPLICATE_REVIEW, "reviewer already gave a verdict on this item"
        else:
            day = r.reviewed_at.date() if r.reviewed_at else annotation.annotated_on
            problem = qualification_problem(roster.get(r.reviewer_id), "reviewer", day, policy)
            if problem is None:
                counted.append(r)
                continue
            code, detail = UNQUALIFIED_REVIEWER, f"reviewer not qualified on {day}: {problem}"
        issues.append(_review_issue(r, code, detail, annotation.batch_id))

    verdict: str | None = None
    corrected: tuple[str, ...] = ()
    if counted:
        worst = max(counted, key=lambda r: _SEVERITY[r.verdict])
        verdict, corrected = worst.verdict, worst.corrected_labels
        if len({r.verdict for r in counted}) > 1:
            issues.append(
                _review_issue(
                    worst,
                    REVIEWERS_DISAGREE,
                    "reviewers disagree; the worst verdict counts",
                    annotation.batch_id,
                )
            )
    elif on_sheet:
        issues.append(
            _label_issue(annotation, MISSING_REVIEW, "sampled item has no valid review yet")
        )
    outcome = ItemOutcome(
        item_id=item_id,
        batch_id=annotation.batch_id,
        record_id=annotation.record_id,
        annotator_id=annotation.annotator_id,
        rule_type=annotation.rule_type,
        rules_version=annotation.rules_version,
        sampled=on_sheet,
        verdict=verdict,
        corrected_labels=corrected if verdict == VERDICT_INCORRECT else (),
        reviewers=tuple(sorted(r.reviewer_id for r in counted)),
        flags=tuple(sorted({i.code for i in issues if i.scope == SCOPE_LABEL})),
    )
    return outcome, issues


def is_security(outcome: ItemOutcome) -> bool:
    return outcome.rule_type == RULE_SECURITY
