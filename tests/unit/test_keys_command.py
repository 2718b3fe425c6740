"""`tdg keys init` and `tdg reidentify` through the real CLI."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tdg.pipelines.cli import main
from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.operators.encrypt import encrypt_value


def test_keys_init_creates_private_keys_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "k"
    assert main(["keys", "init", str(target)]) == 0
    out = capsys.readouterr().out
    assert str(target / "pseudonym.key") in out and "secret" in out
    assert stat.S_IMODE((target / "encryption.key").stat().st_mode) == 0o600
    assert len(KeyRing(str(target)).symmetric("pseudonym")) == 32
    assert main(["keys", "init", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "refusing to overwrite" in err and err.count("\n") == 1


def test_keys_init_defaults_to_tdg_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TDG_KEYS", str(tmp_path / "from-env"))
    assert main(["keys", "init"]) == 0
    assert (tmp_path / "from-env" / "signing.pem").is_file()


@pytest.fixture
def tokens(keys_dir: Path) -> tuple[str, str]:
    key = KeyRing(str(keys_dir)).symmetric("encryption")
    return (
        encrypt_value("PHONE_NUMBER", "138 1234 5678", key),
        encrypt_value("PERSON", "张三", key),
    )


def test_reidentify_jsonl_and_text(
    tmp_path: Path, tokens: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    phone, person = tokens
    source = tmp_path / "in.jsonl"
    rows = [{"id": 1, "text": f"{person}的手机{phone}"}, {"id": 2, "text": "无"}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    target = tmp_path / "out.jsonl"
    assert main(["reidentify", str(source), "--output", str(target)]) == 0
    restored = [json.loads(line) for line in target.read_text().splitlines()]
    assert restored == [{"id": 1, "text": "张三的手机138 1234 5678"}, {"id": 2, "text": "无"}]
    assert "decrypted 2 tokens in 2 records" in capsys.readouterr().err
    assert main(["reidentify", str(source), "--output", str(target)]) == 2  # exists

    text = tmp_path / "in.txt"
    text.write_text(f"line {phone}\n")
    assert main(["reidentify", str(text)]) == 0
    assert capsys.readouterr().out == "line 138 1234 5678\n"


def test_reidentify_parquet_column(tmp_path: Path, tokens: tuple[str, str]) -> None:
    phone, person = tokens
    source = tmp_path / "in.parquet"
    table = pa.table({"record_id": ["a", "b", "c"], "text": [phone, None, f"x {person}"]})
    pq.write_table(table, source)
    target = tmp_path / "out.parquet"
    assert main(["reidentify", str(source), "-o", str(target), "--field", "text"]) == 0
    out = pq.read_table(target)
    assert out.schema == table.schema
    assert out.column("text").to_pylist() == ["138 1234 5678", None, "x 张三"]
    assert main(["reidentify", str(source)]) == 2  # Parquet needs --output


def test_reidentify_errors_are_one_line_exit_2(
    tmp_path: Path,
    tokens: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"body": tokens[0]}) + "\n")
    assert main(["reidentify", str(source)]) == 2
    assert f"{source}:1: no field 'text'" in capsys.readouterr().err

    monkeypatch.setenv("TDG_KEY_ENCRYPTION", "cd" * 32)  # another key
    assert main(["reidentify", str(source), "--field", "body"]) == 2
    err = capsys.readouterr().err
    assert "does not decrypt" in err and err.count("\n") == 1

    monkeypatch.delenv("TDG_KEY_ENCRYPTION")
    monkeypatch.setenv("TDG_KEYS", str(tmp_path / "nowhere"))
    assert main(["reidentify", str(source), "--field", "body"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: missing encryption key") and err.count("\n") == 1
    assert main(["reidentify", str(tmp_path / "absent.jsonl")]) == 2


def test_init_exist_ok_keeps_a_complete_key_set(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from tdg.pipelines.cli import main

    directory = tmp_path / "k"
    assert main(["keys", "init", str(directory)]) == 0
    before = (directory / "pseudonym.key").read_bytes()
    assert main(["keys", "init", str(directory)]) == 2
    assert main(["keys", "init", "--exist-ok", str(directory)]) == 0
    assert (directory / "pseudonym.key").read_bytes() == before
    (directory / "fingerprint.key").unlink()
    assert main(["keys", "init", "--exist-ok", str(directory)]) == 2  # partial set: refuse
