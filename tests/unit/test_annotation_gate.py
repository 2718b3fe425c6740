"""The certification gate and the HTML report."""

import re

from tdg.transforms.annotation_config import CertificationConfig
from tdg.transforms.annotation_gate import gate_checks, is_certified
from tdg.transforms.annotation_report import render_report


def batch(bid: str, status: str = "accepted", low: float = 0.9) -> dict:
    return {
        "batch_id": bid,
        "status": status,
        "reason": "r",
        "items": 50,
        "sample_size": 29,
        "acceptance_number": 0,
        "sampled": 34,
        "unreviewed": 0,
        "security_items": 5,
        "security_reviewed": 5,
        "reviewed": 34,
        "correct": 34,
        "incorrect": 0,
        "harmful": 0,
        "accuracy": 1.0,
        "wilson_low": low,
        "wilson_high": 1.0,
        "incorrect_items": [],
        "harmful_items": [],
    }


def summary(batches: list, counts: dict | None = None) -> dict:
    return {
        "name": "t",
        "reviewed_at": "2025-06-20",
        "tdg_version": "0",
        "config_sha256": "0" * 64,
        "sampling": {"seed": "s", "formula": "n = 29"},
        "batches": batches,
        "annotators": [
            {
                "annotator_id": "a<1>",
                "labels": 3,
                "sampled": 2,
                "flagged_labels": 0,
                "reviewed": 2,
                "correct": 2,
                "incorrect": 0,
                "harmful": 0,
                "accuracy": 1.0,
                "wilson_low": 0.34,
                "wilson_high": 1.0,
            }
        ],
        "issue_counts": counts or {},
        "issues": [],
        "follow_up": [],
        "rules": [{"version": "v1", "sha256": "ab" * 32, "path": "r.md"}],
    }


def failed(checks: list) -> list[str]:
    return [c.name for c in checks if not c.passed]


def test_clean_summary_certifies() -> None:
    checks = gate_checks(summary([batch("b1"), batch("b2")]), CertificationConfig(), [])
    assert is_certified(checks), failed(checks)


def test_each_condition_blocks() -> None:
    policy = CertificationConfig(min_accuracy=0.9)
    assert failed(gate_checks(summary([batch("b1", "rejected")]), policy, [])) == [
        "batches_accepted"
    ]
    assert failed(gate_checks(summary([batch("b1", low=0.8)]), policy, [])) == [
        "wilson_lower_bound"
    ]
    b = batch("b1")
    b["security_reviewed"] = 4
    assert failed(gate_checks(summary([b]), policy, [])) == ["security_labels_reviewed"]
    assert failed(gate_checks(summary([batch("b1")], {"self_review": 1}), policy, [])) == [
        "no_self_review"
    ]
    assert failed(
        gate_checks(summary([batch("b1")], {"unregistered_rules_version": 2}), policy, [])
    ) == ["rules_registered"]
    assert failed(gate_checks(summary([batch("b1")]), policy, ["rules v1: changed"])) == [
        "rules_registered"
    ]
    assert failed(
        gate_checks(summary([batch("b1")], {"unqualified_annotator": 3}), policy, [])
    ) == ["annotators_qualified"]
    lenient = CertificationConfig(require_qualified_annotators=False)
    assert is_certified(
        gate_checks(summary([batch("b1")], {"unqualified_annotator": 3}), lenient, [])
    )
    assert failed(gate_checks(summary([batch("b1")], {"missing_record": 1}), policy, [])) == [
        "label_inputs_clean"
    ]
    malformed = {"invalid_label_row:malformed": 1}
    assert failed(gate_checks(summary([batch("b1")], malformed), policy, [])) == [
        "label_inputs_clean"
    ]
    assert failed(gate_checks(summary([]), policy, [])) == ["batches_accepted"]


def test_report_is_self_contained_and_escaped() -> None:
    s = summary([batch("b1"), batch("b2", "void")])
    checks = [c.as_dict() for c in gate_checks(s, CertificationConfig(), [])]
    page = render_report(s, 0.9, checks, False)
    assert page.count("<svg") == 2 and "<script" not in page
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"] * 2
    assert "a&lt;1&gt;" in page and "a<1>" not in page
    assert "NOT CERTIFIED" in page and "b2: void" in page
