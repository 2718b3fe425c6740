"""`tdg keys init` with no DIR and no $TDG_KEYS: keys land in `.tdg/keys` under the current
directory, and every command's `KeyRing.default()` finds them there (the quick start)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tdg.pipelines.cli import main
from tdg.transforms.keys import (
    SIGNING_KEY_FILE,
    SYMMETRIC_KEYS,
    VERIFY_KEY_FILE,
    KeyRing,
    env_var,
)
from tdg.transforms.pii.operators.encrypt import encrypt_value

KEY_FILES = (*SYMMETRIC_KEYS.values(), SIGNING_KEY_FILE, VERIFY_KEY_FILE)


@pytest.fixture
def bare_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with no key settings at all: no $TDG_KEYS, no $TDG_KEY_<NAME>."""
    monkeypatch.delenv("TDG_KEYS", raising=False)
    for name in (*SYMMETRIC_KEYS, "signing"):
        monkeypatch.delenv(env_var(name), raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_keys_init_without_arguments_writes_dot_tdg_keys_in_the_current_directory(
    bare_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "init"]) == 0
    directory = bare_cwd / ".tdg" / "keys"
    assert sorted(p.name for p in directory.iterdir()) == sorted(KEY_FILES)
    for name in (*SYMMETRIC_KEYS.values(), SIGNING_KEY_FILE):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    assert "created 5 key files in .tdg/keys" in capsys.readouterr().out
    # a second run in the same place refuses to overwrite, naming the default directory
    assert main(["keys", "init"]) == 2
    err = capsys.readouterr().err
    assert ".tdg/keys" in err and "refusing to overwrite" in err


def test_keyring_default_finds_the_keys_keys_init_made(
    bare_cwd: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["keys", "init"]) == 0
    directory = bare_cwd / ".tdg" / "keys"
    ring = KeyRing.default()
    assert Path(ring.directory) == directory.resolve()
    assert Path(ring.directory).is_absolute()
    for name, file_name in SYMMETRIC_KEYS.items():
        assert ring.symmetric(name) == bytes.fromhex((directory / file_name).read_text())
    public = (
        ring.signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert public == (directory / VERIFY_KEY_FILE).read_bytes()
    assert ring.verify_key_path() == directory.resolve() / VERIFY_KEY_FILE
    # made absolute when built: a worker started in another directory finds the same keys
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert ring.symmetric("pseudonym") == bytes.fromhex(
        (directory / SYMMETRIC_KEYS["pseudonym"]).read_text()
    )


def test_a_command_finds_the_default_keys_with_no_other_step(
    bare_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The quick start: `tdg keys init`, then `tdg reidentify` needs no key option."""
    assert main(["keys", "init"]) == 0
    key = bytes.fromhex((bare_cwd / ".tdg" / "keys" / "encryption.key").read_text())
    token = encrypt_value("PHONE_NUMBER", "138 1234 5678", key)
    (bare_cwd / "in.txt").write_text(f"call {token}\n")
    capsys.readouterr()
    assert main(["reidentify", "in.txt"]) == 0
    assert capsys.readouterr().out == "call 138 1234 5678\n"


def test_without_keys_a_command_names_the_default_directory(
    bare_cwd: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (bare_cwd / "in.txt").write_text("nothing\n")
    assert main(["reidentify", "in.txt"]) == 2
    err = capsys.readouterr().err
    assert str(bare_cwd.resolve() / ".tdg" / "keys" / "encryption.key") in err
    assert "tdg keys init" in err
