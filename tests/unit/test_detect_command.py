"""`tdg detect`: JSONL in, one findings line per record out; user errors are one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tdg.pipelines.cli import main


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_detect_writes_one_line_per_record(tmp_path: Path) -> None:
    records = [
        {"id": "r1", "text": "mail jane@example.com"},
        {"id": 2, "text": "手机：１３８１２３４５６７８"},
        {"id": "r3", "text": "nothing to see"},
    ]
    source = write_lines(
        tmp_path / "in.jsonl", [json.dumps(r, ensure_ascii=False) for r in records]
    )
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(source), "--output", str(out), "--profile", "fast"]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["r1", 2, "r3"]
    email = lines[0]["findings"][0]
    assert records[0]["text"][email["start"] : email["end"]] == "jane@example.com"
    assert email["entity_type"] == "EMAIL_ADDRESS"
    assert set(email) == {"start", "end", "entity_type", "score"}
    phone = lines[1]["findings"][0]
    assert records[1]["text"][phone["start"] : phone["end"]] == "１３８１２３４５６７８"
    assert lines[2]["findings"] == []


def test_config_under_pii_detection(tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text(
        "pii:\n  detection:\n    profile: fast\n    allow_list: [jane@example.com]\n",
        encoding="utf-8",
    )
    source = write_lines(tmp_path / "in.jsonl", ['{"id": "a", "text": "mail jane@example.com"}'])
    out = tmp_path / "out.jsonl"
    assert main(["detect", str(source), "-o", str(out), "--config", str(config)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["findings"] == []


def test_bad_line_names_its_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "text": "ok"}', "{not json"])
    code = main(["detect", str(source), "--output", str(tmp_path / "o.jsonl"), "--profile", "fast"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{source}:2:" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_text_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "body": "x"}'])
    assert main(["detect", str(source), "-o", str(tmp_path / "o.jsonl"), "--profile", "fast"]) == 2
    assert ":1: field `text` must be a string" in capsys.readouterr().err


def test_unknown_config_key_names_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("pii:\n  detection:\n    profil: fast\n", encoding="utf-8")
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "text": "x"}'])
    code = main(["detect", str(source), "-o", str(tmp_path / "o.jsonl"), "--config", str(config)])
    assert code == 2
    assert "pii.detection.profil: unknown key" in capsys.readouterr().err


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["detect", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_a_bad_line_leaves_no_partial_output(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": f"mail u{i}@example.com"}) for i in range(300)]
    source = write_lines(tmp_path / "in.jsonl", [*lines, "{not json"])
    out = tmp_path / "o.jsonl"
    assert main(["detect", str(source), "-o", str(out), "--profile", "fast"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_output_may_not_overwrite_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_lines(tmp_path / "in.jsonl", ['{"id": 1, "text": "x"}'])
    before = source.read_bytes()
    assert main(["detect", str(source), "-o", str(source), "--profile", "fast"]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_byte_order_mark_and_unpaired_surrogates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bom.jsonl"
    source.write_bytes("\ufeff".encode() + b'{"id": 1, "text": "mail a@example.com"}\n')
    out = tmp_path / "o.jsonl"
    assert main(["detect", str(source), "-o", str(out), "--profile", "fast"]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["findings"]
    broken = write_lines(
        tmp_path / "s.jsonl", ['{"id": 1, "text": "ok"}', '{"id": 2, "text": "\\ud83d 1"}']
    )
    assert main(["detect", str(broken), "-o", str(out), "--profile", "fast"]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:2: field `text` holds an unpaired surrogate" in err
    assert len(err.strip().splitlines()) == 1
