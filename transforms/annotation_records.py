"""Typed views of the annotation QA inputs: annotation, roster entry, training, rules, review.

Each `*_from_row` turns one parsed input row into a view, or an `InputIssue` naming the file,
line and field, so a bad row is reported with its reason and never crashes or vanishes.
Label values are never logged; issues carry ids and field names only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

RULE_FUNCTIONAL = "functional"
RULE_SECURITY = "security"
RULE_TYPES = (RULE_FUNCTIONAL, RULE_SECURITY)

ROLE_ANNOTATOR = "annotator"
ROLE_REVIEWER = "reviewer"
ROLES = (ROLE_ANNOTATOR, ROLE_REVIEWER)

VERDICT_CORRECT = "correct"
VERDICT_INCORRECT = "incorrect"
VERDICT_HARMFUL = "harmful"
VERDICTS = (VERDICT_CORRECT, VERDICT_INCORRECT, VERDICT_HARMFUL)

# InputIssue.scope: what the issue is about.
SCOPE_LABEL = "label"
SCOPE_REVIEW = "review"
SCOPE_ROSTER = "roster"


@dataclass(frozen=True, slots=True)
class InputIssue:
    """Why an input row (or a label, or a review) was flagged; never silently dropped."""

    scope: str
    code: str
    where: str  # file:line, or a description of the join
    detail: str
    item_id: str | None = None
    batch_id: str | None = None
    person_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "code": self.code,
            "where": self.where,
            "detail": self.detail,
            "item_id": self.item_id,
            "batch_id": self.batch_id,
            "person_id": self.person_id,
        }


@dataclass(frozen=True, slots=True)
class Annotation:
    """One label (or label set) one annotator gave one record, in one batch of one task."""

    item_id: str
    record_id: str
    labels: tuple[str, ...]
    annotator_id: str
    batch_id: str
    task_id: str
    rule_type: str
    rules_version: str
    annotated_at: datetime
    seconds_spent: float | None
    where: str

    @property
    def annotated_on(self) -> date:
        return self.annotated_at.astimezone(UTC).date()


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    trained_on: date
    syllabus_version: str
    score: float


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A person on the annotation team: roles, qualification window, training history."""

    person_id: str
    roles: frozenset[str]
    qualified_on: date | None
    expires_on: date | None
    training: tuple[TrainingRecord, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class RulesDocument:
    """A registered annotation rules document: version, file, and the sha256 of its bytes."""

    version: str
    path: str
    sha256: str
    sections: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "path": self.path,
            "sha256": self.sha256,
            "sections": list(self.sections),
        }


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's verdict on one item."""

    item_id: str
    reviewer_id: str
    verdict: str
    corrected_labels: tuple[str, ...]
    reviewed_at: datetime | None
    where: str


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One line of the review sheet: a sampled item and the reviewer assigned to it."""

    batch_id: str
    item_id: str
    record_id: str
    task_id: str
    annotator_id: str
    rule_type: str
    rules_version: str
    reason: str  # "sample" (drawn from its stratum) or "security_all"
    rank: str  # sha256(seed|batch|item), the sampling key
    reviewer_id: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "item_id": self.item_id,
            "record_id": self.record_id,
            "task_id": self.task_id,
            "annotator_id": self.annotator_id,
            "rule_type": self.rule_type,
            "rules_version": self.rules_version,
            "reason": self.reason,
            "rank": self.rank,
            "reviewer_id": self.reviewer_id,
            "verdict": "",
            "corrected_label": "",
        }


SHEET_COLUMNS = tuple(
    SheetRow("", "", "", "", "", "", "", "", "", "").as_dict().keys()  # one source of truth
)


# ---------------------------------------------------------------------------- parsing


class _RowError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def _text(row: Mapping[str, Any], name: str, required: bool = True) -> str | None:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _RowError("missing_field", f"field {name!r} is missing or empty")
        return None
    if isinstance(value, (dict, list)):
        raise _RowError("wrong_type", f"field {name!r} must be a string")
    return str(value).strip()


def _required(row: Mapping[str, Any], name: str) -> str:
    value = _text(row, name)
    assert value is not None
    return value


def parse_timestamp(value: Any, name: str) -> datetime:
    """ISO 8601 date or timestamp; a naive time is taken as UTC."""
    if isinstance(value, datetime):
        ts = value
    elif isinstance(value, date):
        ts = datetime(value.year, value.month, value.day)
    else:
        try:
            ts = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise _RowError("bad_value", f"field {name!r}: expected an ISO 8601 time") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def parse_date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise _RowError("bad_value", f"field {name!r}: expected a date YYYY-MM-DD") from None


def parse_list(value: Any, name: str) -> tuple[str, ...]:
    """A list field: a real list (JSONL, Parquet), a JSON array string, or `a;b` (CSV)."""
    if value is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise _RowError("bad_value", f"field {name!r}: not a JSON array") from None
        else:
            return tuple(p.strip() for p in text.split(";") if p.strip())
    if not isinstance(value, (list, tuple)):
        return (str(value),)
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def annotation_from_row(row: Mapping[str, Any], where: str) -> Annotation | InputIssue:
    item_id = row.get("item_id")
    try:
        labels = parse_list(row.get("labels", row.get("label")), "labels")
        if not labels:
            raise _RowError("missing_field", "field 'labels' (or 'label') is missing or empty")
        rule_type = _required(row, "rule_type").lower()
        if rule_type not in RULE_TYPES:
            raise _RowError("bad_value", f"field 'rule_type': expected one of {RULE_TYPES}")
        spent_raw = row.get("seconds_spent")
        spent: float | None = None
        if spent_raw not in (None, ""):
            try:
                spent = float(spent_raw)
            except (TypeError, ValueError):
                raise _RowError("bad_value", "field 'seconds_spent': expected a number") from None
            if spent < 0:
                raise _RowError("bad_value", "field 'seconds_spent': expected >= 0")
        annotated = row.get("annotated_at")
        if annotated in (None, ""):
            raise _RowError("missing_field", "field 'annotated_at' is missing or empty")
        return Annotation(
            item_id=_required(row, "item_id"),
            record_id=_required(row, "record_id"),
            labels=labels,
            annotator_id=_required(row, "annotator_id"),
            batch_id=_required(row, "batch_id"),
            task_id=_required(row, "task_id"),
            rule_type=rule_type,
            rules_version=_required(row, "rules_version"),
            annotated_at=parse_timestamp(annotated, "annotated_at"),
            seconds_spent=spent,
            where=where,
        )
    except _RowError as exc:
        return InputIssue(
            scope=SCOPE_LABEL,
            code=f"invalid_label_row:{exc.code}",
            where=where,
            detail=exc.detail,
            item_id=str(item_id) if item_id not in (None, "") else None,
            batch_id=str(row.get("batch_id")) if row.get("batch_id") else None,
        )


def _training(value: Any) -> tuple[TrainingRecord, ...]:
    if isinstance(value, str):
        if not value.strip():
            return ()
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise _RowError("bad_value", "field 'training': not a JSON array") from None
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise _RowError("wrong_type", "field 'training': expected a list of records")
    out = []
    for i, t in enumerate(value):
        if not isinstance(t, Mapping):
            raise _RowError("wrong_type", f"field 'training[{i}]': expected a mapping")
        try:
            score = float(t.get("score"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _RowError(
                "bad_value", f"field 'training[{i}].score': expected a number"
            ) from None
        out.append(
            TrainingRecord(
                trained_on=parse_date(t.get("date"), f"training[{i}].date"),
                syllabus_version=_required(t, "syllabus_version"),
                score=score,
            )
        )
    return tuple(out)


def roster_entry_from_row(row: Mapping[str, Any], where: str) -> RosterEntry | InputIssue:
    person = row.get("annotator_id", row.get("id"))
    try:
        person_id = _text(row, "annotator_id", required=False) or _required(row, "id")
        roles = frozenset(r.lower() for r in parse_list(row.get("roles"), "roles"))
        unknown = sorted(roles - set(ROLES))
        if not roles or unknown:
            raise _RowError("bad_value", f"field 'roles': expected some of {ROLES}")
        qualified = row.get("qualified_on")
        expires = row.get("expires_on")
        return RosterEntry(
            person_id=person_id,
            roles=roles,
            qualified_on=parse_date(qualified, "qualified_on") if qualified else None,
            expires_on=parse_date(expires, "expires_on") if expires else None,
            training=_training(row.get("training")),
        )
    except _RowError as exc:
        return InputIssue(
            scope=SCOPE_ROSTER,
            code=f"invalid_roster_row:{exc.code}",
            where=where,
            detail=exc.detail,
            person_id=str(person) if person else None,
        )


def review_from_row(row: Mapping[str, Any], where: str) -> Review | InputIssue:
    item_id = row.get("item_id")
    try:
        verdict = _required(row, "verdict").lower()
        if verdict not in VERDICTS:
            raise _RowError("bad_value", f"field 'verdict': expected one of {VERDICTS}")
        corrected = parse_list(
            row.get("corrected_labels", row.get("corrected_label")), "corrected_label"
        )
        if verdict == VERDICT_INCORRECT and not corrected:
            raise _RowError("missing_field", "verdict 'incorrect' needs 'corrected_label'")
        reviewed = row.get("reviewed_at")
        return Review(
            item_id=_required(row, "item_id"),
            reviewer_id=_required(row, "reviewer_id"),
            verdict=verdict,
            corrected_labels=corrected,
            reviewed_at=parse_timestamp(reviewed, "reviewed_at") if reviewed else None,
            where=where,
        )
    except _RowError as exc:
        return InputIssue(
            scope=SCOPE_REVIEW,
            code=f"invalid_review_row:{exc.code}",
            where=where,
            detail=exc.detail,
            item_id=str(item_id) if item_id not in (None, "") else None,
        )


def sheet_row_from_dict(row: Mapping[str, Any]) -> SheetRow:
    return SheetRow(**{k: str(row[k]) for k in SheetRow.__slots__})
