"""Registries read through Beam from every file format, SQLite and PostgreSQL; bad rows named."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from apache_beam.testing.util import assert_that, equal_to

from tdg.transforms.consent_registry import (
    ConsentRecord,
    ConsentType,
    FileRegistry,
    OptOutDomain,
    ReadRegistry,
    RefusalRecord,
    RegistrySettings,
    RowError,
    SqlRegistry,
    parse_consent,
    read_registry_rows,
)
from tdg.transforms.errors import CorruptInputError, UserError

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
T1 = datetime(2026, 1, 1, tzinfo=UTC)

ROWS: list[dict[str, Any]] = [
    {
        "consent_id": "c-1",
        "version": "2",
        "subject_id": "subj-0001",
        "purposes": ["model_training", "customer_service"],
        "scope": [],
        "consent_type": "separate",
        "granted_at": "2024-01-02T03:04:05Z",
        "expires_at": "2026-01-01T00:00:00+00:00",
        "withdrawn_at": None,
        "evidence_ref": "form-1",
        "jurisdiction": "CN",
        "subject_birth_date": None,
        "subject_is_minor": None,
    },
    {
        "consent_id": "c-2",
        "version": "1",
        "subject_id": "subj-0002",
        "purposes": ["customer_service"],
        "scope": ["support"],
        "consent_type": "guardian",
        "granted_at": "2024-01-02T03:04:05",
        "expires_at": None,
        "withdrawn_at": "2026-01-01",
        "evidence_ref": None,
        "jurisdiction": None,
        "subject_birth_date": "2014-05-06",
        "subject_is_minor": True,
    },
]
EXPECTED = [
    ConsentRecord(
        "c-1",
        "2",
        "subj-0001",
        ("model_training", "customer_service"),
        (),
        ConsentType.SEPARATE,
        T0,
        T1,
        None,
        "form-1",
        "CN",
    ),
    ConsentRecord(
        "c-2",
        "1",
        "subj-0002",
        ("customer_service",),
        ("support",),
        ConsentType.GUARDIAN,
        T0,
        None,
        T1,
        None,
        None,
        date(2014, 5, 6),
        True,
    ),
]


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """CSV / SQL form: lists joined with ';', None as empty."""
    out = {}
    for k, v in row.items():
        out[k] = ";".join(v) if isinstance(v, list) else v
    return out


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow({k: "" if v is None else v for k, v in flat(r).items()})


def run_read(kind: str, source: Any) -> None:
    """Read a registry with the real runner (for the errors it raises)."""
    with beam.Pipeline() as p:
        _ = p | ReadRegistry(kind, source) | beam.combiners.Count.Globally()


def check_read(kind: str, source: Any, expected: list[Any]) -> None:
    with beam.Pipeline() as p:
        assert_that(p | ReadRegistry(kind, source), equal_to(expected))


def test_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "consents.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    check_read("consents", FileRegistry(uri=str(path)), EXPECTED)


def test_csv_glob_over_two_files(tmp_path: Path) -> None:
    write_csv(tmp_path / "part-0.csv", ROWS[:1])
    write_csv(tmp_path / "part-1.csv", ROWS[1:])
    check_read("consents", FileRegistry(uri=str(tmp_path / "part-*.csv")), EXPECTED)


def test_parquet_with_native_types(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(
        [
            {
                **r,
                "granted_at": T0,
                "expires_at": T1 if r["expires_at"] else None,
                "withdrawn_at": T1 if r["withdrawn_at"] else None,
                "subject_birth_date": date(2014, 5, 6) if r["subject_birth_date"] else None,
            }
            for r in ROWS
        ]
    )
    pq.write_table(table, tmp_path / "consents.parquet")
    check_read("consents", FileRegistry(uri=str(tmp_path / "consents.parquet")), EXPECTED)


def test_column_mapping(tmp_path: Path) -> None:
    rows = [{("person" if k == "subject_id" else k): v for k, v in r.items()} for r in ROWS]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    src = FileRegistry(uri=str(path), columns={"subject_id": "person"})
    check_read("consents", src, EXPECTED)


def test_refusals_and_opt_out_domains(tmp_path: Path) -> None:
    (tmp_path / "refusals.csv").write_text(
        "subject_id,fingerprint,scope,recorded_at\nsubj-0003,,,2025-03-01\n,ab12,web_zh,2025-03-02\n"
    )
    (tmp_path / "domains.csv").write_text(
        "domain,reserved_at,evidence\n*.OptOut.Example,2024-01-01,tdmrep.json\n"
    )
    check_read(
        "refusals",
        FileRegistry(uri=str(tmp_path / "refusals.csv")),
        [
            RefusalRecord("subj-0003", None, (), datetime(2025, 3, 1, tzinfo=UTC)),
            RefusalRecord(None, "ab12", ("web_zh",), datetime(2025, 3, 2, tzinfo=UTC)),
        ],
    )
    check_read(
        "opted_out_domains",
        FileRegistry(uri=str(tmp_path / "domains.csv")),
        [OptOutDomain("optout.example", datetime(2024, 1, 1, tzinfo=UTC), "tdmrep.json")],
    )


def test_bad_row_fails_the_run_naming_file_line_and_field(tmp_path: Path) -> None:
    rows = [ROWS[0], {**ROWS[1], "expires_at": "next tuesday"}]
    path = tmp_path / "consents.csv"
    write_csv(path, rows)
    with pytest.raises(Exception, match=r"consents\.csv: line 3: expires_at: expected an ISO 8601"):
        run_read("consents", FileRegistry(uri=str(path)))
    with pytest.raises(UserError, match=r"consents\.csv: line 3: expires_at: expected an ISO"):
        read_registry_rows("consents", path)


def test_bad_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "consents.jsonl"
    path.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(Exception, match=CorruptInputError.MARKER + r".*consents\.jsonl: line 2"):
        run_read("consents", FileRegistry(uri=str(path)))


def test_row_errors_never_carry_the_value() -> None:
    with pytest.raises(RowError) as err:
        parse_consent({**ROWS[0], "consent_type": "subj-0001-secret"})
    assert "subj-0001-secret" not in str(err.value)
    assert str(err.value).startswith("consent_type: expected one of implied")


def test_no_matching_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no file matches"):
        run_read("consents", FileRegistry(uri=str(tmp_path / "none-*.csv")))


def test_settings_forbid_unknown_keys_and_resolve_relative_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="extra"):
        RegistrySettings.model_validate({"consents": {"uri": "a.csv", "delimiter": ";"}})
    with pytest.raises(ValueError, match="exactly one of"):
        RegistrySettings.model_validate({"consents": {"sqlalchemy_url": "sqlite://"}})
    s = RegistrySettings.model_validate(
        {
            "consents": {"sqlalchemy_url": "sqlite:///reg/c.sqlite", "table": "consents"},
            "refusals": {"uri": "reg/refusals.csv"},
        }
    ).with_base_dir(tmp_path)
    assert isinstance(s.consents, SqlRegistry) and isinstance(s.refusals, FileRegistry)
    assert s.consents.sqlalchemy_url == f"sqlite:///{tmp_path}/reg/c.sqlite"
    assert s.refusals.uri == f"{tmp_path}/reg/refusals.csv"


# ---------------------------------------------------------------- SQL: SQLite and PostgreSQL


def load_rows(url: str, table: str, rows: list[dict[str, Any]]) -> None:
    engine = sa.create_engine(url)
    md = sa.MetaData()
    t = sa.Table(table, md, *(sa.Column(k, sa.Text) for k in rows[0]))
    md.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [flat(r) for r in rows])
    engine.dispose()


def many_rows(n: int) -> tuple[list[dict[str, Any]], list[ConsentRecord]]:
    rows = [{**ROWS[0], "consent_id": f"c-{i}", "subject_id": f"subj-{i:04d}"} for i in range(n)]
    return rows, [parse_consent(r) for r in rows]


def test_sqlite_in_partitions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/registry.sqlite"
    rows, expected = many_rows(40)
    load_rows(url, "consents", rows)
    for partitions in (1, 3):
        src = SqlRegistry(sqlalchemy_url=url, table="consents", partitions=partitions)
        check_read("consents", src, expected)


def test_sqlite_query_and_bad_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/registry.sqlite"
    load_rows(url, "consents", [*ROWS, {**ROWS[0], "consent_id": "c-bad", "granted_at": "soon"}])
    query = "SELECT * FROM consents WHERE consent_id <> 'c-bad'"
    check_read("consents", SqlRegistry(sqlalchemy_url=url, query=query, partitions=2), EXPECTED)
    with pytest.raises(Exception, match=r"consents: consent_id c-bad: granted_at: expected"):
        run_read("consents", SqlRegistry(sqlalchemy_url=url, table="consents"))


def test_sql_missing_table_or_column_is_a_user_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/registry.sqlite"
    load_rows(url, "other", [{"consent_id": "c"}])
    with pytest.raises(UserError, match=r"registry consents: sqlite:///.* absent: no such table"):
        run_read("consents", SqlRegistry(sqlalchemy_url=url, table="absent"))
    with pytest.raises(UserError, match=r"missing column\(s\) consent_type, granted_at"):
        run_read("consents", SqlRegistry(sqlalchemy_url=url, table="other"))


@pytest.mark.postgres
def test_postgres_in_partitions_with_url_from_the_environment(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`${VAR}` in the URL is expanded where the engine is made, never stored in the pipeline."""
    url = sa.engine.make_url(postgres_url)
    monkeypatch.setenv("TDG_TEST_REGISTRY_DB", str(url.database))
    templated = url.render_as_string(hide_password=False).replace(
        f"/{url.database}", "/${TDG_TEST_REGISTRY_DB}"
    )
    table = f"consents_{uuid.uuid4().hex[:8]}"
    rows, expected = many_rows(50)
    rows.append({**ROWS[1], "consent_id": "c-null-subject", "subject_id": "subj-x"})
    expected.append(parse_consent(rows[-1]))
    load_rows(postgres_url, table, rows)
    try:
        for partitions in (1, 4):
            src = SqlRegistry(sqlalchemy_url=templated, table=table, partitions=partitions)
            check_read("consents", src, expected)
    finally:
        engine = sa.create_engine(postgres_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE {table}"))
        engine.dispose()


@pytest.mark.postgres
def test_postgres_unreachable_is_a_user_error(postgres_url: str) -> None:
    bad = sa.engine.make_url(postgres_url).set(database="tdg_no_such_db", password="hunter2")
    src = SqlRegistry(sqlalchemy_url=bad.render_as_string(hide_password=False), table="consents")
    with pytest.raises(UserError) as err:
        run_read("consents", src)
    assert "tdg_no_such_db" in str(err.value) and "hunter2" not in str(err.value)
