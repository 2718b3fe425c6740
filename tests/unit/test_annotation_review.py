"""judge_item: which verdicts count, and every reason a verdict or label is flagged."""

from datetime import UTC, date, datetime

from tdg.transforms.annotation_config import QualificationPolicy
from tdg.transforms.annotation_records import (
    Annotation,
    Review,
    RosterEntry,
    SheetRow,
    TrainingRecord,
)
from tdg.transforms.annotation_review import judge_item

TRAINED = (TrainingRecord(date(2025, 1, 1), "s", 90.0),)
ROSTER = {
    "a1": RosterEntry("a1", frozenset({"annotator", "reviewer"}), date(2025, 1, 1), None, TRAINED),
    "a2": RosterEntry("a2", frozenset({"annotator"}), date(2025, 1, 1), date(2025, 3, 1), TRAINED),
    "r1": RosterEntry("r1", frozenset({"reviewer"}), date(2025, 1, 1), None, TRAINED),
    "r2": RosterEntry("r2", frozenset({"reviewer"}), date(2025, 1, 1), None, TRAINED),
}
POLICY = QualificationPolicy()
VERSIONS = frozenset({"v1"})


def label(annotator: str = "a1", version: str = "v1", item: str = "i1") -> Annotation:
    return Annotation(
        item,
        "rec",
        ("x",),
        annotator,
        "b1",
        "t",
        "functional",
        version,
        datetime(2025, 6, 1, tzinfo=UTC),
        10.0,
        "a.jsonl:1",
    )


def sheet(item: str = "i1") -> SheetRow:
    return SheetRow("b1", item, "rec", "t", "a1", "functional", "v1", "sample", "h", "r1")


def review(reviewer: str = "r1", verdict: str = "correct", line: int = 1) -> Review:
    corrected = ("y",) if verdict == "incorrect" else ()
    return Review("i1", reviewer, verdict, corrected, None, f"v.jsonl:{line}")


def codes(issues: list) -> list[str]:
    return sorted(i.code for i in issues)


def judge(labels: list, sheets: list, reviews: list):  # type: ignore[no-untyped-def]
    return judge_item("i1", labels, sheets, reviews, ROSTER, POLICY, VERSIONS)


def test_counted_review() -> None:
    outcome, issues = judge([label()], [sheet()], [review()])
    assert outcome is not None and outcome.verdict == "correct" and outcome.sampled
    assert issues == []


def test_self_review_is_not_counted() -> None:
    outcome, issues = judge([label()], [sheet()], [review("a1")])
    assert outcome is not None and outcome.verdict is None
    assert codes(issues) == ["missing_review", "self_review"]


def test_duplicate_review_counts_once() -> None:
    outcome, issues = judge([label()], [sheet()], [review(line=1), review(line=2)])
    assert outcome is not None and outcome.verdict == "correct" and outcome.reviewers == ("r1",)
    assert codes(issues) == ["duplicate_review"]


def test_unsampled_and_unknown_items() -> None:
    outcome, issues = judge([label()], [], [review()])
    assert outcome is not None and not outcome.sampled and outcome.verdict is None
    assert codes(issues) == ["review_of_unsampled_item"]
    outcome, issues = judge([], [], [review()])
    assert outcome is None and codes(issues) == ["review_of_unknown_item"]


def test_unqualified_reviewer_and_annotators() -> None:
    _, issues = judge([label()], [sheet()], [review("a2")])
    assert "unqualified_reviewer" in codes(issues)
    outcome, issues = judge([label("a2")], [sheet()], [review()])
    assert outcome is not None and outcome.flags == ("unqualified_annotator",)
    assert "qualification_expired" in issues[0].detail
    _, issues = judge([label("zz", "v9")], [sheet()], [review()])
    assert codes(issues) == ["unknown_annotator", "unregistered_rules_version"]


def test_worst_verdict_wins_when_reviewers_disagree() -> None:
    outcome, issues = judge([label()], [sheet()], [review("r1"), review("r2", "incorrect")])
    assert outcome is not None and outcome.verdict == "incorrect"
    assert outcome.corrected_labels == ("y",)
    assert codes(issues) == ["reviewers_disagree"]


def test_duplicate_item_ids_are_ambiguous() -> None:
    outcome, issues = judge([label(), label()], [sheet()], [review()])
    assert outcome is None and codes(issues) == ["duplicate_item_id"] * 3
