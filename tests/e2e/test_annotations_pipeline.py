"""End to end: the annotation workflow through the `tdg` CLI on the shipped sample."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tdg.pipelines.cli import main
from tdg.transforms.keys import init_keys
from tdg.transforms.signing import load_public_key, verify_document

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "annotations"
CONFIG = REPO / "configs" / "annotations.yaml"


def _planted() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("annotation_sample", SAMPLE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PLANTED  # type: ignore[no-any-return]


@pytest.fixture()
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "keys"
    init_keys(directory)
    monkeypatch.setenv("TDG_KEYS", str(directory))
    return directory


def _config(tmp_path: Path, annotations: Path | None = None) -> Path:
    """The shipped config with absolute inputs and output under tmp_path."""
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    for spec in cfg["inputs"].values():
        spec["uri"] = str((CONFIG.parent / spec["uri"]).resolve())
    if annotations is not None:
        cfg["inputs"]["annotations"]["uri"] = str(annotations)
    for doc in cfg["rules"]["documents"]:
        doc["path"] = str((CONFIG.parent / doc["path"]).resolve())
    cfg["output"]["root"] = str(tmp_path / "out")
    path = tmp_path / "annotations.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_planted_cases_give_their_outcomes(tmp_path: Path, keys: Path) -> None:
    planted = _planted()
    config = _config(tmp_path)
    out = tmp_path / "out"
    assert main(["annotations", "register-rules", str(config)]) == 0
    assert main(["annotations", "sample", str(config)]) == 0
    sheet = _jsonl(out / "sample" / "review_sheet.jsonl")
    plan = json.loads((out / "sample" / "sample_plan.json").read_text())
    assert {b["sample_size"] for b in plan["batches"]} == {29}  # ceil(ln .05 / ln .9)
    assert all(r["reviewer_id"] != r["annotator_id"] for r in sheet)
    security = [r for r in sheet if r["rule_type"] == "security"]
    assert len(security) == 30  # every security label
    assert main(["annotations", "review", str(config), str(SAMPLE / "reviews.jsonl")]) == 0

    summary = json.loads((out / "review" / "review_summary.json").read_text())
    status = {b["batch_id"]: b for b in summary["batches"]}
    assert {b: s["status"] for b, s in status.items()} == planted["status"]
    assert status["batch-02"]["incorrect"] == planted["incorrect_in"]["batch-02"]
    assert status["batch-03"]["harmful"] == planted["harmful_in"]["batch-03"]
    for code, n in planted["issue_counts"].items():
        assert summary["issue_counts"].get(code, 0) >= n, code
    issues = summary["issues"]
    unqualified = {i["person_id"] for i in issues if i["code"] == "unqualified_annotator"}
    assert unqualified == {planted["unqualified_annotator"]}
    assert any(
        i["code"] == "unknown_annotator" and i["person_id"] == planted["unknown_annotator"]
        for i in issues
    )
    assert any(
        i["code"] == "self_review" and i["person_id"] == planted["self_reviewer"] for i in issues
    )
    annotators = {a["annotator_id"]: a for a in summary["annotators"]}
    assert annotators[planted["unqualified_annotator"]]["flagged_labels"] > 0
    follow = summary["follow_up"]
    assert {f["action"] for f in follow if f["batch_id"] == "batch-02"} == {"re-annotate"}
    assert sum(1 for f in follow if f["batch_id"] == "batch-02") == status["batch-02"]["items"]
    assert {f["action"] for f in follow if f["batch_id"] == "batch-03"} == {"discard"}

    assert main(["annotations", "certify", str(config)]) == 1
    signed = json.loads((out / "annotation_rejection.json").read_text())
    assert verify_document(signed, load_public_key(keys / "signing.pub.pem"))
    failed = {g["check"] for g in signed["payload"]["gate"] if not g["passed"]}
    assert failed == {
        "batches_accepted",
        "no_self_review",
        "annotators_qualified",
        "label_inputs_clean",
    }
    assert [r["version"] for r in signed["payload"]["rules"]] == ["v1", "v2"]
    page = (out / "annotation_report.html").read_text()
    assert "NOT CERTIFIED" in page and "<svg" in page and "<script" not in page
    for code in planted["issue_counts"]:
        assert code in page


def test_sample_is_reproducible_and_a_clean_batch_certifies(tmp_path: Path, keys: Path) -> None:
    one_batch = tmp_path / "batch-01.jsonl"
    lines = (SAMPLE / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    one_batch.write_text("\n".join(x for x in lines if '"batch-01"' in x) + "\n", encoding="utf-8")
    config = _config(tmp_path, one_batch)
    sheet = tmp_path / "out" / "sample" / "review_sheet.jsonl"
    assert main(["annotations", "register-rules", str(config)]) == 0
    assert main(["annotations", "sample", str(config)]) == 0
    first = sheet.read_bytes()
    argv = ["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"]
    assert main(["annotations", "sample", str(config), "--", *argv]) == 0
    assert sheet.read_bytes() == first
    chosen = {r["item_id"] for r in _jsonl(sheet)}
    assert len(chosen) == 29 + 5

    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text(
        "".join(
            json.dumps(r) + "\n" for r in _jsonl(SAMPLE / "reviews.jsonl") if r["item_id"] in chosen
        ),
        encoding="utf-8",
    )
    assert main(["annotations", "review", str(config), str(reviews)]) == 0
    assert main(["annotations", "certify", str(config)]) == 0
    signed = json.loads((tmp_path / "out" / "annotation_certificate.json").read_text())
    assert verify_document(signed, load_public_key(keys / "signing.pub.pem"))
    payload = signed["payload"]
    assert payload["status"] == "certified"
    assert payload["qa"]["batches"][0]["wilson_low"] >= 0.85


def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    assert main(["annotations", "sample", str(config)]) == 2  # rules not registered yet
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "register-rules" in err and "\n" not in err
    bad = tmp_path / "bad.md"
    bad.write_text("# Rules\n## Objectives\n## 数据格式\n## 标注方法\n", encoding="utf-8")
    cfg = yaml.safe_load(config.read_text())
    cfg["rules"]["documents"] = [{"version": "v9", "path": str(bad)}]
    config.write_text(yaml.safe_dump(cfg))
    assert main(["annotations", "register-rules", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(bad) in err and "quality indicators" in err and "\n" not in err


def test_no_eligible_reviewer_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.jsonl"
    rows = [r for r in _jsonl(SAMPLE / "roster.jsonl") if r["annotator_id"].startswith("ann-")]
    for r in rows:
        r["roles"] = ["annotator"]
    roster.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = _config(tmp_path)
    cfg = yaml.safe_load(config.read_text())
    cfg["inputs"]["roster"]["uri"] = str(roster)
    config.write_text(yaml.safe_dump(cfg))
    assert main(["annotations", "register-rules", str(config)]) == 0
    capsys.readouterr()
    assert main(["annotations", "sample", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert "no qualified reviewer other than annotator" in err and "\n" not in err
    assert not (tmp_path / "out" / "sample" / "review_sheet.jsonl").exists()
