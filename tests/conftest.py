"""Shared test fixtures: small corpora written by the tests themselves (all synthetic)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Nothing in the test suite may reach the network; Beam and GX must not phone home either.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session", autouse=True)
def session_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Trial keys for the whole session, found through $TDG_KEYS as a user's would be, so no
    test depends on a developer's own `.tdg/keys`."""
    from tdg.transforms.keys import init_keys

    directory = tmp_path_factory.mktemp("session-keys")
    init_keys(directory)
    before = os.environ.get("TDG_KEYS")
    os.environ["TDG_KEYS"] = str(directory)
    yield directory
    if before is None:
        os.environ.pop("TDG_KEYS", None)
    else:
        os.environ["TDG_KEYS"] = before


@pytest.fixture(scope="session")
def keys(session_keys: Path) -> Any:
    """The session's trial keys as the KeyRing a stage receives."""
    from tdg.transforms.keys import KeyRing

    return KeyRing(str(session_keys))


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


@pytest.fixture
def postgres_url() -> str:
    from tests.postgres import require_postgres_url

    return require_postgres_url()
