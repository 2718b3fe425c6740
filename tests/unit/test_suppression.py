"""The suppression list: append-only, fingerprints never values, read back for `tdg run`."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from tdg.transforms.errors import UserError
from tdg.transforms.pii.fingerprint import FINGERPRINT_SCHEME, fingerprint
from tdg.transforms.subject_requests import parse_requests
from tdg.transforms.suppression import (
    Suppression,
    append_suppression,
    load_suppression,
    suppression_path,
)

PHONE = "13912345678"  # synthetic
KEY = b"f" * 32


def test_missing_list_suppresses_nobody(tmp_path: Path) -> None:
    s = load_suppression(tmp_path)
    assert not s and not s.is_suppressed("subj-1", [("PHONE_NUMBER", "ab")])
    assert not s.is_suppressed(None)


def test_append_then_load(tmp_path: Path) -> None:
    [request] = parse_requests(
        [
            json.dumps(
                {
                    "request_id": "r-1",
                    "kind": "block",
                    "subject_id": "subj-7",
                    "identifiers": [{"type": "phone", "value": "139 1234 5678"}],
                }
            )
        ]
    )
    prints = request.fingerprints(KEY)
    added = append_suppression(
        tmp_path, "r-1", subject_id=request.subject_id, fingerprints=prints, time="T"
    )
    assert added == 2
    append_suppression(tmp_path, "r-2", subject_id="subj-8", fingerprints=[])
    s = load_suppression(tmp_path)
    assert s.subject_ids == {"subj-7", "subj-8"}
    assert s.is_suppressed("subj-7") and s.is_suppressed("subj-8", [])
    same_number = ("PHONE_NUMBER", fingerprint("PHONE_NUMBER", "+86 13912345678", KEY))
    assert s.is_suppressed(None, [("EMAIL_ADDRESS", "x"), same_number])
    assert s.is_suppressed("subj-9", [list(same_number)])  # type: ignore[list-item]
    other = ("PHONE_NUMBER", fingerprint("PHONE_NUMBER", "13800000000", KEY))
    assert not s.is_suppressed("subj-9", [other])
    # the same fingerprint under another entity type is a different identifier
    assert not s.is_suppressed(None, [("EMAIL_ADDRESS", same_number[1])])
    text = suppression_path(tmp_path).read_text()
    assert PHONE not in text and "1234" not in text
    lines = [json.loads(x) for x in text.splitlines()]
    assert [x["request_id"] for x in lines] == ["r-1", "r-1", "r-2"]


def test_suppression_travels_to_workers() -> None:
    s = Suppression(frozenset({"a"}), frozenset({("PHONE_NUMBER", "f")}))
    assert pickle.loads(pickle.dumps(s)) == s


@pytest.mark.parametrize(
    "bad", ['{"subject_id": 1}', "not json", '["subject_id"]', '{"entity_type": "X"}']
)
def test_bad_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    path = suppression_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"subject_id": "s", "request_id": "r", "time": "t"}\n' + bad + "\n")
    with pytest.raises(UserError, match=rf"^{path}:2: "):
        load_suppression(tmp_path)


def test_entries_record_their_fingerprint_scheme(tmp_path: Path) -> None:
    append_suppression(tmp_path, "r-1", subject_id=None, fingerprints=[("PHONE_NUMBER", "ab")])
    [entry] = [json.loads(x) for x in suppression_path(tmp_path).read_text().splitlines()]
    assert entry["scheme"] == FINGERPRINT_SCHEME
    assert load_suppression(tmp_path).is_suppressed(None, [("PHONE_NUMBER", "ab")])


def test_entry_without_a_scheme_is_read_as_the_first_one(tmp_path: Path) -> None:
    path = suppression_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"entity_type": "PHONE_NUMBER", "fingerprint": "ab", "request_id": "r"}\n')
    assert load_suppression(tmp_path).is_suppressed(None, [("PHONE_NUMBER", "ab")])


def test_entry_of_another_scheme_stops_the_run_instead_of_blocking_no_one(tmp_path: Path) -> None:
    path = suppression_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(
        '{"subject_id": "s", "request_id": "r"}\n'
        '{"entity_type": "PHONE_NUMBER", "fingerprint": "ab", "scheme": "tdg-fingerprint-v9"}\n'
    )
    with pytest.raises(UserError, match=rf"^{path}:2: fingerprints made under scheme"):
        load_suppression(tmp_path)
