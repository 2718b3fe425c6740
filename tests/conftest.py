"""Shared test fixtures: small corpora written by the tests themselves (all synthetic)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Nothing in the test suite may reach the network; Beam and GX must not phone home either.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def keys_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh trial keys, found through $TDG_KEYS like a user's would be."""
    from tdg.transforms.keys import init_keys

    directory = tmp_path / "keys"
    init_keys(directory)
    monkeypatch.setenv("TDG_KEYS", str(directory))
    return directory
