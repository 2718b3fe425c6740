"""The test PostgreSQL server (started by `.ci/postgres.sh`) and the sample registry in it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE_CONSENTS = Path(__file__).resolve().parents[1] / "samples" / "registry" / "consents.sqlite"


def require_postgres_url() -> str:
    """The server's URL; the test is skipped without one, except in CI where it must exist."""
    url = os.environ.get("TDG_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI is set but TDG_TEST_POSTGRES_URL is not: run .ci/postgres.sh")
        pytest.skip("TDG_TEST_POSTGRES_URL is unset (start one with .ci/postgres.sh)")
    return url


def sample_consents_in_postgres(url: str) -> tuple[str, Callable[[], None]]:
    """The shipped SQLite consent table copied into a fresh PostgreSQL table: (name, drop)."""
    import sqlalchemy as sa

    src = sa.create_engine(f"sqlite:///{SAMPLE_CONSENTS}")
    with src.connect() as conn:
        result = conn.execute(sa.text("SELECT * FROM consents"))
        columns, rows = list(result.keys()), [dict(r) for r in result.mappings()]
    src.dispose()
    name = f"sample_consents_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table(name, metadata, *(sa.Column(c, sa.Text) for c in columns))
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)

    def drop() -> None:
        metadata.drop_all(engine)
        engine.dispose()

    return name, drop
