"""A training job gated on verification, run as its own process, as an orchestrator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tdg.transforms.ledger import Ledger
from tests.unit.test_verify import DATASET, VERSION, make_certified_version

TRAINING_JOB = Path(__file__).resolve().parents[1] / "fixtures" / "training_job.py"


def _run(*args: str, keys: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TDG_KEYS": str(keys)}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.fixture
def version_dir(tmp_path: Path, keys_dir: Path) -> Path:
    return make_certified_version(tmp_path / "out", keys_dir)


def test_training_starts_on_a_certified_version(version_dir: Path, keys_dir: Path) -> None:
    done = _run(sys.executable, str(TRAINING_JOB), str(version_dir), keys=keys_dir)
    assert done.returncode == 0, done.stderr
    assert f"training on 3 certified records of {DATASET} {VERSION}" in done.stdout


def test_training_refuses_a_revoked_version(version_dir: Path, keys_dir: Path) -> None:
    Ledger(version_dir.parents[1] / "ledger.jsonl").revoke(DATASET, VERSION, "erasure request")
    done = _run(sys.executable, str(TRAINING_JOB), str(version_dir), keys=keys_dir)
    assert done.returncode == 3
    assert "refusing to train: not certified (revoked)" in done.stderr
    assert "training on" not in done.stdout


def test_training_refuses_tampered_data(version_dir: Path, keys_dir: Path) -> None:
    shard = version_dir / "data/part-00000-of-00002.parquet"
    raw = bytearray(shard.read_bytes())
    raw[10] ^= 0xFF  # same size: only the deep check the job asks for sees it
    shard.write_bytes(bytes(raw))
    done = _run(sys.executable, str(TRAINING_JOB), str(version_dir), keys=keys_dir)
    assert done.returncode == 3
    assert "file_digest_mismatch" in done.stderr


def test_cli_gate_as_a_shell_step(version_dir: Path, keys_dir: Path) -> None:
    """`tdg verify DIR && train`: the shape of an Airflow BashOperator or a Kubeflow step."""
    cli = (sys.executable, "-m", "tdg.pipelines.cli")
    assert _run(*cli, "verify", str(version_dir), keys=keys_dir).returncode == 0
    (version_dir / "manifest.json").write_text("{}")
    done = _run(*cli, "verify", str(version_dir), keys=keys_dir)
    assert done.returncode == 1
    assert done.stdout.startswith("not certified (manifest_mismatch):")
