"""Certificate and rejection documents, and the order-independent content digest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from tdg import __version__
from tdg.transforms.certificate import (
    CERTIFICATE_FORMAT,
    REJECTION_FORMAT,
    build_certificate,
    build_rejection,
    certificate_digest,
    digest_accumulate,
    digest_hex,
    digest_merge,
    order_independent_digest,
    write_signed,
)
from tdg.transforms.signing import public_key_id, sign_document, verify_document

hashes = st.lists(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64), max_size=30)


@given(hashes, st.randoms())
def test_digest_ignores_order(items: list[str], rng: object) -> None:
    shuffled = list(items)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert order_independent_digest(shuffled) == order_independent_digest(items)


@given(hashes, st.integers(min_value=0, max_value=30))
def test_partial_digests_combine(items: list[str], cut: int) -> None:
    """What a Beam CombineFn does: accumulate shards separately, then merge."""
    left = right = 0
    for item in items[:cut]:
        left = digest_accumulate(left, item)
    for item in items[cut:]:
        right = digest_accumulate(right, item)
    assert digest_hex(digest_merge([left, right])) == order_independent_digest(items)


@given(hashes.filter(bool), st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_digest_changes_when_the_multiset_changes(items: list[str], extra: str) -> None:
    base = order_independent_digest(items)
    assert order_independent_digest([*items, extra]) != base
    assert order_independent_digest(items[1:]) != base
    assert order_independent_digest([*items, items[0]]) != base  # a duplicate counts


def test_empty_digest_is_64_zeros() -> None:
    assert order_independent_digest([]) == "0" * 64


MANIFEST = {
    "format": "tdg-manifest/v1",
    "dataset": "corpus",
    "version": "2026.11.1",
    "run_id": "run-1",
    "tdg_version": "0.1.0",
    "config_sha256": "c" * 64,
    "policy_sha256": None,
    "counts": {"read": 3, "accepted": 2, "quarantined": 1, "quarantined_by_reason": {"x": 1}},
    "sources": {
        "web": {
            "read": 3,
            "accepted": 2,
            "quarantined": 1,
            "kind": "web_crawl",
            "licence": "CC-BY-4.0",
            "quarantined_by_reason": {"x": 1},
        }
    },
    "content_digest": "d" * 64,
    "legal_basis": {"consent": 2},
    "pii": {"PHONE_NUMBER": {"count": 1, "records": 1}},
    "pii_status": {"none": 1, "de-identified": 1},
    "files": [
        {"path": "data/part-0.parquet", "kind": "data", "sha256": "e" * 64, "bytes": 10, "rows": 2}
    ],
}
PASSED = {"suite": "provenance", "success": True, "statistics": {"evaluated_expectations": 3}}
GX_FAILED = {
    "suite_name": "text_quality",
    "success": False,
    "statistics": {"evaluated_expectations": 2, "unsuccessful_expectations": 1},
    "results": [
        {
            "success": True,
            "expectation_config": {"type": "expect_column_to_exist", "kwargs": {"column": "text"}},
        },
        {
            "success": False,
            "expectation_config": {
                "type": "expect_column_values_to_not_match_regex",
                "kwargs": {"column": "text", "regex": "[0-9]{11}"},
            },
            "result": {
                "element_count": 2,
                "unexpected_count": 1,
                "unexpected_percent": 50.0,
                "partial_unexpected_list": ["call 13812345678"],
            },
        },
    ],
}


def test_certificate_payload() -> None:
    key = Ed25519PrivateKey.generate()
    key_id = public_key_id(key.public_key())
    payload = build_certificate(
        MANIFEST,
        "f" * 64,
        [PASSED],
        "alice@example.org",
        {"pia": "PIA-7"},
        key_id=key_id,
        issued_at="2026-11-24T15:00:00Z",
    )
    assert payload["format"] == CERTIFICATE_FORMAT
    assert (payload["dataset"], payload["version"]) == ("corpus", "2026.11.1")
    assert payload["tdg_version"] == __version__
    assert payload["manifest_sha256"] == "f" * 64
    assert payload["content_digest"] == "d" * 64
    assert payload["files"][0] == {
        "path": "data/part-0.parquet",
        "kind": "data",
        "sha256": "e" * 64,
        "bytes": 10,
        "rows": 2,
    }
    assert payload["expectations"] == [PASSED]
    assert payload["sources"]["web"]["licence"] == "CC-BY-4.0"
    assert payload["key_id"] == key_id and payload["extras"] == {"pia": "PIA-7"}
    signed = sign_document(payload, key)
    assert verify_document(signed, key.public_key())


def test_no_certificate_with_failing_expectations() -> None:
    with pytest.raises(ValueError, match="text_quality"):
        build_certificate(MANIFEST, "f" * 64, [PASSED, GX_FAILED], "alice@example.org")


def test_rejection_names_failures_without_record_values() -> None:
    payload = build_rejection(MANIFEST, "f" * 64, [PASSED, GX_FAILED])
    assert payload["format"] == REJECTION_FORMAT
    assert payload["reason"] == "expectation suites failed: text_quality"
    [failing] = payload["failing"]
    assert failing["suite"] == "text_quality"
    assert failing["failed_expectations"] == [
        {
            "type": "expect_column_values_to_not_match_regex",
            "column": "text",
            "element_count": 2,
            "unexpected_count": 1,
            "unexpected_percent": 50.0,
        }
    ]
    assert "13812345678" not in json.dumps(payload)


def test_write_signed_is_pretty_and_verifiable(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_document(build_certificate(MANIFEST, "f" * 64, [PASSED], "a"), key)
    path = tmp_path / "certificate.json"
    digest = write_signed(path, signed)
    assert digest == certificate_digest(signed)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\n  " in text
    reread = json.loads(text)
    assert verify_document(reread, key.public_key())
    assert certificate_digest(reread) == digest
    assert [p.name for p in tmp_path.iterdir()] == ["certificate.json"]
