"""The hash-chained ledger: every kind of tampering is found and named; appends never fork."""

from __future__ import annotations

import itertools
import json
import multiprocessing
from pathlib import Path

import pytest

from tdg.transforms.ledger import (
    BAD_JSON,
    EDITED,
    GENESIS_PREV_SHA256,
    REMOVED,
    REORDERED,
    TRUNCATED,
    Ledger,
    LedgerError,
    entry_sha256,
)


def _run(ledger: Ledger, version: str, outcome: str = "certified") -> dict:
    return ledger.record_run(
        dataset="corpus",
        version=version,
        run_id=f"run-{version}",
        manifest_sha256="a" * 64,
        certificate_sha256="b" * 64 if outcome == "certified" else None,
        outcome=outcome,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    book = Ledger(tmp_path / "out" / "ledger.jsonl")
    for number in range(1, 6):
        _run(book, f"v{number}")
    return book


def _lines(ledger: Ledger) -> list[str]:
    return ledger.path.read_text(encoding="utf-8").splitlines(keepends=True)


def _write(ledger: Ledger, lines: list[str]) -> None:
    ledger.path.write_text("".join(lines), encoding="utf-8")


def test_chain_links_and_verifies(ledger: Ledger) -> None:
    entries = list(ledger.entries())
    assert [e["seq"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0]["prev_sha256"] == GENESIS_PREV_SHA256
    for before, after in itertools.pairwise(entries):
        assert after["prev_sha256"] == before["sha256"]
    assert all(entry_sha256(e) == e["sha256"] for e in entries)
    check = ledger.verify()
    assert check.ok and check.entries == 5 and check.head_sha256 == entries[-1]["sha256"]


def test_missing_ledger_is_empty_and_valid(tmp_path: Path) -> None:
    check = Ledger(tmp_path / "ledger.jsonl").verify()
    assert check.ok and check.entries == 0


def test_edited_entry(ledger: Ledger) -> None:
    lines = _lines(ledger)
    lines[2] = lines[2].replace('"outcome":"certified"', '"outcome":"rejected"')
    _write(ledger, lines)
    check = ledger.verify()
    assert (check.ok, check.reason_code, check.first_bad_seq, check.line) == (False, EDITED, 3, 3)


def test_edited_entry_with_a_recomputed_hash(ledger: Ledger) -> None:
    """Rewriting an entry and its own hash still breaks the link to the next entry."""
    lines = _lines(ledger)
    entry = json.loads(lines[1])
    entry["body"]["manifest_sha256"] = "c" * 64
    entry["sha256"] = entry_sha256(entry)
    lines[1] = json.dumps(entry) + "\n"
    _write(ledger, lines)
    check = ledger.verify()
    assert (check.reason_code, check.first_bad_seq) == (EDITED, 2)


def test_removed_entry(ledger: Ledger) -> None:
    lines = _lines(ledger)
    del lines[1]
    _write(ledger, lines)
    check = ledger.verify()
    assert (check.ok, check.reason_code, check.first_bad_seq) == (False, REMOVED, 2)


def test_reordered_entries(ledger: Ledger) -> None:
    lines = _lines(ledger)
    lines[2], lines[3] = lines[3], lines[2]
    _write(ledger, lines)
    check = ledger.verify()
    assert (check.ok, check.reason_code, check.first_bad_seq) == (False, REORDERED, 3)


def test_truncated_mid_entry(ledger: Ledger) -> None:
    raw = ledger.path.read_bytes()
    ledger.path.write_bytes(raw[:-40])
    check = ledger.verify()
    assert (check.ok, check.reason_code, check.first_bad_seq) == (False, TRUNCATED, 5)
    with pytest.raises(LedgerError, match="partial entry"):
        _run(ledger, "v6")


def test_cut_off_tail_needs_a_published_head(ledger: Ledger) -> None:
    head = ledger.head()
    assert head is not None and head[0] == 5
    _write(ledger, _lines(ledger)[:3])
    assert ledger.verify().ok  # the chain alone cannot see it
    check = ledger.verify(expected_head=head)
    assert (check.ok, check.reason_code, check.first_bad_seq) == (False, TRUNCATED, 4)


def test_bad_json_line(ledger: Ledger) -> None:
    lines = _lines(ledger)
    lines[3] = "{not json\n"
    _write(ledger, lines)
    check = ledger.verify()
    assert (check.ok, check.reason_code, check.first_bad_seq, check.line) == (False, BAD_JSON, 4, 4)
    with pytest.raises(LedgerError, match="line 4: not JSON"):
        list(ledger.entries())


def test_append_refuses_a_damaged_last_entry(ledger: Ledger) -> None:
    lines = _lines(ledger)
    lines[-1] = lines[-1].replace('"outcome":"certified"', '"outcome":"rejected"')
    _write(ledger, lines)
    with pytest.raises(LedgerError, match="last entry is damaged"):
        _run(ledger, "v6")


def test_status_of(ledger: Ledger) -> None:
    _run(ledger, "bad", outcome="rejected")
    ledger.revoke("corpus", "v1", "erasure request processed")
    ledger.supersede("corpus", "v2", "v5", "dedup fix")
    ledger.supersede("corpus", "v3", "v5", "dedup fix")
    ledger.revoke("corpus", "v3", "licence withdrawn")
    assert ledger.status_of("corpus", "v1") == "revoked"
    assert ledger.status_of("corpus", "v2") == "superseded"
    assert ledger.status_of("corpus", "v3") == "revoked"  # revocation wins
    assert ledger.status_of("corpus", "v4") == "active"
    assert ledger.status_of("corpus", "bad") == "rejected"
    assert ledger.status_of("corpus", "v9") == "unknown"
    assert ledger.status_of("other", "v4") == "unknown"
    assert ledger.verify().ok


def test_bodies_are_checked_before_writing(tmp_path: Path) -> None:
    book = Ledger(tmp_path / "ledger.jsonl")
    with pytest.raises(ValueError, match="needs reason"):
        book.append("certificate_revoked", {"dataset": "d", "version": "v"})
    with pytest.raises(ValueError, match="lower_snake_case"):
        book.append("Run!", {})
    with pytest.raises(ValueError):
        book.append("note", {"rate": float("nan")})
    assert not book.path.exists()
    book.record_request("req-1", "erasure", "d" * 64)
    assert next(book.entries())["body"]["request_id"] == "req-1"


def _append_many(path: str, writer: int, count: int) -> None:
    book = Ledger(path)
    for index in range(count):
        book.append("note", {"writer": writer, "index": index})


def test_concurrent_appenders_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_append_many, args=(str(path), writer, 25)) for writer in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    book = Ledger(path)
    check = book.verify()
    assert check.ok, check.reason
    assert check.entries == 100
    seen = {(e["body"]["writer"], e["body"]["index"]) for e in book.entries()}
    assert len(seen) == 100
