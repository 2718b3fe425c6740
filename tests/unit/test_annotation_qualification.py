"""Qualification on the day of annotation: window, role and passing training."""

from datetime import date

from tdg.transforms.annotation_config import QualificationPolicy
from tdg.transforms.annotation_qualification import qualification_problem, qualified_reviewers
from tdg.transforms.annotation_records import RosterEntry, TrainingRecord

TRAINED = (TrainingRecord(date(2025, 1, 5), "syl-1", 80.0),)
POLICY = QualificationPolicy(min_training_score=60)


def entry(**kw: object) -> RosterEntry:
    base: dict = dict(
        person_id="p",
        roles=frozenset({"annotator"}),
        qualified_on=date(2025, 1, 10),
        expires_on=date(2025, 12, 31),
        training=TRAINED,
    )
    base.update(kw)
    return RosterEntry(**base)


def test_qualified_inside_the_window() -> None:
    assert qualification_problem(entry(), "annotator", date(2025, 6, 1), POLICY) is None


def test_each_reason() -> None:
    day = date(2025, 6, 1)
    assert qualification_problem(None, "annotator", day, POLICY) == "not_in_roster"
    assert qualification_problem(entry(), "reviewer", day, POLICY) == "lacks_role"
    assert (
        qualification_problem(entry(qualified_on=None), "annotator", day, POLICY)
        == "no_qualification"
    )
    assert (
        qualification_problem(entry(), "annotator", date(2025, 1, 9), POLICY) == "not_yet_qualified"
    )
    assert (
        qualification_problem(entry(expires_on=date(2025, 3, 31)), "annotator", day, POLICY)
        == "qualification_expired"
    )
    assert qualification_problem(entry(training=()), "annotator", day, POLICY) == "training_missing"
    low = (TrainingRecord(date(2025, 1, 5), "syl-1", 40.0),)
    assert (
        qualification_problem(entry(training=low), "annotator", day, POLICY) == "training_missing"
    )
    later = (TrainingRecord(date(2025, 7, 1), "syl-1", 90.0),)
    assert (
        qualification_problem(entry(training=later), "annotator", day, POLICY) == "training_missing"
    )
    strict = QualificationPolicy(syllabus_versions=["syl-2"])
    assert qualification_problem(entry(), "annotator", day, strict) == "training_missing"


def test_qualified_reviewers_sorted() -> None:
    roster = {
        "r2": entry(person_id="r2", roles=frozenset({"reviewer"})),
        "r1": entry(person_id="r1", roles=frozenset({"reviewer", "annotator"})),
        "a1": entry(person_id="a1"),
        "r3": entry(person_id="r3", roles=frozenset({"reviewer"}), expires_on=date(2025, 2, 1)),
    }
    assert qualified_reviewers(roster, date(2025, 6, 1), POLICY) == ["r1", "r2"]
