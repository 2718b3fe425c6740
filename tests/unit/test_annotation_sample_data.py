"""The shipped annotation sample refers to records of the shipped corpus."""

import json
from pathlib import Path

import pytest

from tdg.transforms.records import make_record_id

REPO = Path(__file__).resolve().parents[2]
DIALOGUES = REPO / "samples" / "corpus" / "synthetic" / "dialogues.jsonl"
RECORDS = REPO / "samples" / "annotations" / "records.jsonl"
ANNOTATIONS = REPO / "samples" / "annotations" / "annotations.jsonl"


def _ids(path: Path, field: str) -> set[str]:
    return {json.loads(line)[field] for line in path.read_text(encoding="utf-8").splitlines()}


def test_labels_refer_to_listed_records_except_the_planted_one() -> None:
    missing = _ids(ANNOTATIONS, "record_id") - _ids(RECORDS, "record_id")
    assert missing == {make_record_id("synthetic", "dlg-9999", 0)}
    assert 290 <= len(ANNOTATIONS.read_text().splitlines()) <= 310


@pytest.mark.skipif(not DIALOGUES.exists(), reason="sample corpus not generated")
def test_record_list_is_the_corpus_synthetic_source() -> None:
    corpus = {make_record_id("synthetic", i, 0) for i in _ids(DIALOGUES, "id")}
    assert _ids(RECORDS, "record_id") <= corpus
