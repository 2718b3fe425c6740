"""`verify_certificate` and `tdg verify` on a small version directory built here, then tampered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tdg.pipelines import verify as v
from tdg.pipelines.cli import main
from tdg.pipelines.verify import NotCertifiedError, require_certified, verify_certificate
from tdg.transforms.certificate import (
    build_certificate,
    build_rejection,
    sha256_file,
    write_signed,
)
from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing, init_keys
from tdg.transforms.ledger import Ledger
from tdg.transforms.signing import public_key_id, sign_document

DATASET, VERSION = "corpus", "2026.11.1"
SUITE = {"suite": "provenance", "success": True, "statistics": {"evaluated_expectations": 2}}


def _parquet(path: Path, ids: list[str], texts: list[str]) -> dict[str, Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"record_id": ids, "text": texts}), path)
    return {"sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": len(ids)}


def make_certified_version(output_root: Path, keys: Path, *, ledger: bool = True) -> Path:
    """OUTPUT/corpus/2026.11.1 with two data shards, one quarantine shard, manifest, certificate."""
    version_dir = output_root / DATASET / VERSION
    shards = {
        "data/part-00000-of-00002.parquet": ("data", ["r1", "r2"], ["hello world", "你好，世界"]),
        "data/part-00001-of-00002.parquet": ("data", ["r3"], ["synthetic text three"]),
        "quarantine/part-00000-of-00001.parquet": ("quarantine", ["r4"], ["{broken"]),
    }
    files = [
        {"path": rel, "kind": kind, **_parquet(version_dir / rel, ids, texts)}
        for rel, (kind, ids, texts) in shards.items()
    ]
    manifest = {
        "format": "tdg-manifest/v1",
        "dataset": DATASET,
        "version": VERSION,
        "run_id": "run-1",
        "tdg_version": "0.1.0",
        "config_sha256": "c" * 64,
        "policy_sha256": None,
        "counts": {"read": 4, "accepted": 3, "quarantined": 1},
        "content_digest": "d" * 64,
        "files": files,
    }
    manifest_path = version_dir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    manifest_sha256 = sha256_file(manifest_path)
    key = KeyRing(str(keys)).signing_key()
    payload = build_certificate(
        manifest,
        manifest_sha256,
        [SUITE],
        "approver@example.org",
        key_id=public_key_id(key.public_key()),
    )
    certificate_sha256 = write_signed(version_dir / "certificate.json", sign_document(payload, key))
    if ledger:
        Ledger.at_output_root(output_root).record_run(
            dataset=DATASET,
            version=VERSION,
            run_id="run-1",
            manifest_sha256=manifest_sha256,
            certificate_sha256=certificate_sha256,
            outcome="certified",
        )
    return version_dir


@pytest.fixture
def version_dir(tmp_path: Path, keys_dir: Path) -> Path:
    return make_certified_version(tmp_path / "out", keys_dir)


def _code(path: Path, **kwargs: Any) -> str:
    return verify_certificate(path, **kwargs).reason_code


def test_valid_certificate_passes(version_dir: Path) -> None:
    result = verify_certificate(version_dir)
    assert result.ok, result.reason
    assert (result.reason_code, result.dataset, result.version) == ("ok", DATASET, VERSION)
    assert {c.name for c in result.checks} >= {"signature", "manifest", "files", "ledger"}
    assert all(c.status == "pass" for c in result.checks)
    assert verify_certificate(version_dir / "certificate.json", deep=True).ok
    assert require_certified(version_dir).ok


def test_same_size_edit_only_deep_catches(version_dir: Path) -> None:
    shard = version_dir / "data/part-00001-of-00002.parquet"
    raw = bytearray(shard.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    shard.write_bytes(bytes(raw))
    assert verify_certificate(version_dir).ok
    assert _code(version_dir, deep=True) == v.FILE_DIGEST_MISMATCH


def test_size_change_is_caught_without_deep(version_dir: Path) -> None:
    with (version_dir / "data/part-00000-of-00002.parquet").open("ab") as handle:
        handle.write(b"\0")
    assert _code(version_dir) == v.FILE_SIZE_MISMATCH


def test_removed_file(version_dir: Path) -> None:
    (version_dir / "quarantine/part-00000-of-00001.parquet").unlink()
    result = verify_certificate(version_dir)
    assert result.reason_code == v.FILE_MISSING
    assert "quarantine/part-00000-of-00001.parquet is missing" in result.reason


def test_added_file(version_dir: Path) -> None:
    shutil.copy(
        version_dir / "data/part-00001-of-00002.parquet", version_dir / "data/part-extra.parquet"
    )
    assert _code(version_dir) == v.UNLISTED_FILE


def test_edited_manifest(version_dir: Path) -> None:
    manifest = version_dir / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"accepted": 3', '"accepted": 4'))
    assert _code(version_dir) == v.MANIFEST_MISMATCH
    manifest.unlink()
    assert _code(version_dir) == v.MANIFEST_MISSING


def test_edited_certificate(version_dir: Path) -> None:
    path = version_dir / "certificate.json"
    signed = json.loads(path.read_text())
    signed["payload"]["counts"]["quarantined"] = 0
    path.write_text(json.dumps(signed, indent=2))
    assert _code(version_dir) == v.BAD_SIGNATURE


def test_certificate_signed_with_another_key(version_dir: Path, tmp_path: Path) -> None:
    other_keys = tmp_path / "other-keys"
    init_keys(other_keys)
    other = KeyRing(str(other_keys)).signing_key()
    path = version_dir / "certificate.json"
    payload = json.loads(path.read_text())["payload"]
    payload["key_id"] = public_key_id(other.public_key())
    write_signed(path, sign_document(payload, other))
    assert _code(version_dir) == v.WRONG_KEY
    # ...and with the other key's public key it verifies the signature but not the ledger record
    result = verify_certificate(version_dir, public_key=other_keys / "signing.pub.pem")
    assert result.reason_code == v.LEDGER_MISMATCH


def test_revoked(version_dir: Path) -> None:
    Ledger(version_dir.parents[1] / "ledger.jsonl").revoke(DATASET, VERSION, "erasure request")
    result = verify_certificate(version_dir)
    assert result.reason_code == v.REVOKED
    assert "erasure request" in result.reason
    with pytest.raises(NotCertifiedError) as raised:
        require_certified(version_dir)
    assert raised.value.reason_code == v.REVOKED


def test_superseded(version_dir: Path) -> None:
    Ledger(version_dir.parents[1] / "ledger.jsonl").supersede(
        DATASET, VERSION, "2026.11.2", "dedup fix"
    )
    result = verify_certificate(version_dir)
    assert result.reason_code == v.SUPERSEDED
    assert "superseded by 2026.11.2" in result.reason


def test_tampered_ledger(version_dir: Path) -> None:
    ledger = version_dir.parents[1] / "ledger.jsonl"
    Ledger(ledger).revoke(DATASET, VERSION, "oops")
    lines = ledger.read_text().splitlines(keepends=True)
    ledger.write_text(lines[0])  # the revocation cut off: the chain alone cannot see that...
    assert verify_certificate(version_dir).ok
    ledger.write_text(lines[1])  # ...but removing the run entry it can
    assert _code(version_dir) == v.LEDGER_TAMPERED


def test_no_ledger_is_a_skip_unless_required(tmp_path: Path, keys_dir: Path) -> None:
    version_dir = make_certified_version(tmp_path / "copy", keys_dir, ledger=False)
    result = verify_certificate(version_dir)
    assert result.ok
    assert [c.status for c in result.checks if c.name == "ledger"] == ["skip"]
    assert _code(version_dir, require_ledger=True) == v.LEDGER_MISSING


def test_version_unknown_to_the_ledger(version_dir: Path) -> None:
    ledger = Ledger(version_dir.parents[1] / "ledger.jsonl")
    ledger.path.unlink()
    ledger.record_run(
        dataset=DATASET,
        version="2020.1",
        run_id="r0",
        manifest_sha256="a" * 64,
        certificate_sha256=None,
        outcome="certified",
    )
    assert _code(version_dir) == v.NOT_IN_LEDGER


def test_rejected_version(version_dir: Path) -> None:
    manifest = json.loads((version_dir / "manifest.json").read_text())
    failed = {"suite": "quality", "success": False, "statistics": {}}
    key = KeyRing.default().signing_key()
    rejection = build_rejection(manifest, "f" * 64, [failed])
    write_signed(version_dir / "rejection.json", sign_document(rejection, key))
    result = verify_certificate(version_dir)
    assert result.reason_code == v.REJECTED
    assert "expectation suites failed: quality" in result.reason


def test_missing_and_malformed_certificate(version_dir: Path) -> None:
    path = version_dir / "certificate.json"
    path.write_text("{not json")
    assert _code(version_dir) == v.MALFORMED
    path.unlink()
    assert _code(version_dir) == v.NOT_CERTIFIED


def test_usage_errors(tmp_path: Path, version_dir: Path) -> None:
    with pytest.raises(UserError, match="no such version directory"):
        verify_certificate(tmp_path / "nowhere")
    with pytest.raises(UserError, match="public key file not found"):
        verify_certificate(version_dir, public_key=tmp_path / "missing.pem")


# -- the commands ---------------------------------------------------------------------------


def test_tdg_verify_exit_codes(
    version_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(version_dir)]) == 0
    assert capsys.readouterr().out.startswith(f"certified: {DATASET} {VERSION} (3 files")
    assert main(["verify", str(version_dir), "--deep", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reason_code"] == "ok"
    assert main(["verify", str(tmp_path / "nowhere")]) == 2
    assert "no such version directory" in capsys.readouterr().err
    assert main(["verify", str(version_dir), "--public-key", str(tmp_path / "x.pem")]) == 2
    (version_dir / "data/part-00000-of-00002.parquet").unlink()
    assert main(["verify", str(version_dir)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("not certified (file_missing):") and out.count("\n") == 1


def test_tdg_ledger_commands(version_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(version_dir.parents[1])
    assert main(["ledger", "verify", root]) == 0
    assert "1 entries" in capsys.readouterr().out
    assert main(["ledger", "show", root, "--head"]) == 0
    head = capsys.readouterr().out.strip()
    assert (
        main(["ledger", "revoke", DATASET, VERSION, "--reason", "licence", "--output", root]) == 0
    )
    assert main(["ledger", "revoke", DATASET, "9.9", "--reason", "x", "--output", root]) == 2
    assert main(["verify", str(version_dir)]) == 1
    assert "not certified (revoked)" in capsys.readouterr().out
    assert main(["ledger", "show", root]) == 0
    table = capsys.readouterr().out
    assert "certificate_revoked" in table and "certified run run-1" in table
    ledger = version_dir.parents[1] / "ledger.jsonl"
    ledger.write_text(ledger.read_text().splitlines(keepends=True)[1])
    assert main(["ledger", "verify", str(ledger)]) == 1
    assert "broken (removed) at entry 1" in capsys.readouterr().out
    ledger.write_text("")
    assert main(["ledger", "verify", root, "--head", head]) == 1
    assert main(["ledger", "verify", root, "--head", "nonsense"]) == 2
