"""The batch status machine and the follow-up per item."""

from tdg.transforms.annotation_decisions import decide_batch, follow_up, tally_batch
from tdg.transforms.annotation_review import ItemOutcome

PLAN = {"sample_size": 4, "acceptance_number": 1}


def outcome(
    i: int, verdict: str | None, sampled: bool = True, rule: str = "functional"
) -> ItemOutcome:
    corrected = ("y",) if verdict == "incorrect" else ()
    return ItemOutcome(f"i{i}", "b", "r", "a", rule, "v1", sampled, verdict, corrected)


def decide(verdicts: list[str | None], plan: dict | None = PLAN) -> dict:
    outcomes = [outcome(i, v) for i, v in enumerate(verdicts)]
    return decide_batch(tally_batch("b", 10, 0, outcomes), plan)


def test_accepted_within_acceptance_number() -> None:
    d = decide(["correct", "correct", "correct", "incorrect"])
    assert d["status"] == "accepted" and d["incorrect_items"] == ["i3"]
    assert d["accuracy"] == 0.75 and d["wilson_low"] < 0.75 < d["wilson_high"]


def test_rejected_void_pending() -> None:
    assert decide(["incorrect", "incorrect", None, None])["status"] == "rejected"
    assert decide(["incorrect", "incorrect", "harmful", None])["status"] == "void"
    assert decide(["correct", None, "correct", "correct"])["status"] == "pending"
    assert decide([])["status"] == "pending"


def test_security_counts_every_label() -> None:
    outcomes = [outcome(1, "correct", rule="security")]
    tally = tally_batch("b", 3, 2, outcomes)
    assert (tally.security_items, tally.security_reviewed) == (2, 1)


def test_follow_up_actions() -> None:
    wrong, right = outcome(1, "incorrect"), outcome(2, "correct", sampled=False)
    assert follow_up(wrong, "accepted")["action"] == "correct"  # type: ignore[index]
    assert follow_up(right, "accepted") is None
    assert follow_up(right, "rejected")["action"] == "re-annotate"  # type: ignore[index]
    assert follow_up(right, "void")["action"] == "discard"  # type: ignore[index]
