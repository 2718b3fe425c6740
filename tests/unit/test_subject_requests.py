"""Request files: validation errors name file:line and field, never the identifier value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tdg.pipelines.cli import main
from tdg.transforms.errors import UserError
from tdg.transforms.pii.fingerprint import fingerprint
from tdg.transforms.subject_requests import (
    RequestKind,
    canonical_identifier_type,
    load_requests,
    parse_requests,
)

PHONE = "13912345678"  # synthetic
KEY = b"k" * 32


def line(**fields: object) -> str:
    return json.dumps(fields)


def test_parses_kinds_aliases_and_dates() -> None:
    text = [
        line(
            request_id="r-1",
            kind="erase",
            subject_id="subj-1",
            identifiers=[{"type": "phone", "value": "139 1234 5678"}],
            received_at="2026-11-20T09:00:00Z",
        ),
        "",
        line(request_id="r-2", kind="block", subject_id="subj-2"),
        line(
            request_id="r-3",
            kind="access",
            identifiers=[{"type": "email", "value": "a@example.com"}],
        ),
    ]
    erase, block, access = parse_requests(text, "req.jsonl")
    assert erase.kind is RequestKind.ERASE and erase.identifiers[0].type == "PHONE_NUMBER"
    assert erase.received_at is not None and erase.received_at.year == 2026
    assert block.kind is RequestKind.BLOCK and block.identifiers == []
    assert access.identifiers[0].type == "EMAIL_ADDRESS" and access.subject_id is None


@pytest.mark.parametrize(
    ("alias", "entity"),
    [
        ("phone", "PHONE_NUMBER"),
        ("email", "EMAIL_ADDRESS"),
        ("resident_id", "CN_RESIDENT_ID"),
        ("bank_card", "CREDIT_CARD"),
        ("passport", "CN_PASSPORT"),
        ("PHONE_NUMBER", "PHONE_NUMBER"),
        ("cn_resident_id", "CN_RESIDENT_ID"),
    ],
)
def test_identifier_aliases(alias: str, entity: str) -> None:
    assert canonical_identifier_type(alias) == entity


def test_fingerprints_match_any_spelling_of_a_number() -> None:
    [a, b] = parse_requests(
        [
            line(request_id="a", kind="erase", identifiers=[{"type": "phone", "value": PHONE}]),
            line(
                request_id="b",
                kind="erase",
                identifiers=[{"type": "PHONE_NUMBER", "value": "+86 139-1234-5678"}],
            ),
        ]
    )
    assert a.fingerprints(KEY) == b.fingerprints(KEY)
    assert a.fingerprints(KEY) == {("PHONE_NUMBER", fingerprint("PHONE_NUMBER", PHONE, KEY))}
    assert PHONE not in repr(a) and PHONE not in str(a.identifiers)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"request_id": "r", "kind": "delete", "subject_id": "s"}, "kind: must be one of"),
        ({"request_id": "r", "kind": "erase"}, "needs subject_id and/or identifiers"),
        (
            {"request_id": "r", "kind": "erase", "identifiers": [{"type": "shoe", "value": PHONE}]},
            "identifiers.0.type: unknown or unindexed identifier type 'shoe'",
        ),
        (
            {"request_id": "r", "kind": "erase", "identifiers": [{"type": PHONE, "value": "x"}]},
            "identifiers.0.type: unknown or unindexed identifier type (not shown)",
        ),
        (
            {
                "request_id": "r",
                "kind": "erase",
                "identifiers": [{"type": "address", "value": PHONE}],
            },
            "unknown or unindexed identifier type",
        ),
        (
            {"request_id": "r", "kind": "erase", "identifiers": [{"type": "phone", "value": " "}]},
            "identifiers.0.value: must not be blank",
        ),
        ({"kind": "erase", "subject_id": "s"}, "request_id: required field is missing"),
        ({"request_id": "r", "kind": "erase", "subject_id": "s", "x": 1}, "x: unknown field"),
        ({"request_id": "../r", "kind": "erase", "subject_id": "s"}, "request_id: String should"),
    ],
)
def test_bad_request_names_file_line_and_field(fields: dict[str, object], expected: str) -> None:
    text = [line(request_id="ok", kind="block", subject_id="s"), json.dumps(fields)]
    with pytest.raises(UserError) as caught:
        parse_requests(text, "req.jsonl")
    message = str(caught.value)
    assert message.startswith("req.jsonl:2: ") and expected in message
    assert PHONE not in message and "\n" not in message


def test_bad_json_and_non_objects() -> None:
    with pytest.raises(UserError, match=r"^req.jsonl:1: not valid JSON"):
        parse_requests(['{"request_id": "r", '], "req.jsonl")
    with pytest.raises(UserError, match=r"^req.jsonl:1: expected a JSON object"):
        parse_requests(["[1, 2]"], "req.jsonl")


def test_repeated_request_id_is_refused() -> None:
    text = [line(request_id="r", kind="block", subject_id="s")] * 2
    with pytest.raises(UserError, match=r"req.jsonl:2: request_id 'r' repeats line 1"):
        parse_requests(text, "req.jsonl")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        load_requests(tmp_path / "nope.jsonl")


def test_cli_bad_request_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "req.jsonl"
    bad.write_text(
        line(request_id="r", kind="erase", identifiers=[{"type": "shoe", "value": PHONE}]) + "\n"
    )
    assert main(["requests", "apply", str(bad), "--catalog", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}:1: ") and PHONE not in err[0]


def test_cli_missing_catalog_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = tmp_path / "req.jsonl"
    ok.write_text(line(request_id="r", kind="block", subject_id="s") + "\n")
    assert main(["requests", "apply", str(ok), "--catalog", str(tmp_path / "none")]) == 2
    assert "no such catalog" in capsys.readouterr().err


def test_sample_requests_parse(repo: Path) -> None:
    files = sorted((repo / "samples" / "requests").glob("*.jsonl"))
    kinds = {r.kind for f in files for r in load_requests(f)}
    assert kinds == {RequestKind.ERASE, RequestKind.BLOCK, RequestKind.ACCESS}
    fixture = json.loads((repo / "samples/corpus/erasure_fixture.json").read_text())
    [erase] = load_requests(repo / "samples/requests/erase-subj-0042.jsonl")
    assert erase.subject_id == fixture["subject_id"]
    assert erase.fingerprints(KEY) == {
        (fixture["entity_type"], fingerprint(fixture["entity_type"], fixture["value"], KEY))
    }
