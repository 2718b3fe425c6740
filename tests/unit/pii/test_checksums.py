"""Check-character algorithms and the resident-ID / USCC validators.

Property tests check that a computed check character validates and that changing it breaks
validation; the python-stdnum vectors in ../shared/bench check the validators against an
independent implementation (skipped when the bench folder is absent).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.pii import checksums
from tdg.transforms.pii.recognizers.base import compact
from tdg.transforms.pii.recognizers.cn_resident_id import resident_id_plausible
from tdg.transforms.pii.recognizers.cn_uscc import uscc_plausible

VECTORS = Path(__file__).resolve().parents[3].parent / "shared/bench/cn_id_validator_vectors.jsonl"
digits = st.text(alphabet="0123456789", min_size=17, max_size=17)
uscc_bodies = st.text(alphabet=checksums.USCC_ALPHABET, min_size=17, max_size=17)


def test_worked_examples() -> None:
    assert checksums.resident_id_checksum_ok("11010519491231002X")
    assert checksums.uscc_checksum_ok("91350100M000100Y43")
    assert checksums.luhn_ok("6200000000000005")
    assert checksums.hk_id_check_char("A", "123456") == "3"
    assert checksums.tw_id_checksum_ok("A123456789")


@given(digits)
def test_resident_id_check_char_validates_and_detects_a_change(first17: str) -> None:
    check = checksums.resident_id_check_char(first17)
    assert checksums.resident_id_checksum_ok(first17 + check)
    assert checksums.resident_id_checksum_ok(first17 + check.lower())
    for other in "0123456789X".replace(check, ""):
        assert not checksums.resident_id_checksum_ok(first17 + other)


@given(uscc_bodies)
def test_uscc_check_char_validates_and_detects_a_change(first17: str) -> None:
    check = checksums.uscc_check_char(first17)
    assert checksums.uscc_checksum_ok(first17 + check)
    assert not checksums.uscc_checksum_ok(
        first17 + checksums.USCC_ALPHABET[(checksums.USCC_ALPHABET.index(check) + 1) % 31]
    )


@given(st.text(alphabet="0123456789", min_size=1, max_size=18), st.integers(1, 9), st.data())
def test_luhn_detects_any_single_digit_change(
    payload: str, delta: int, data: st.DataObject
) -> None:
    number = payload + checksums.luhn_check_digit(payload)
    assert checksums.luhn_ok(number)
    i = data.draw(st.integers(0, len(number) - 1))
    changed = number[:i] + str((int(number[i]) + delta) % 10) + number[i + 1 :]
    assert not checksums.luhn_ok(changed)


def _vectors() -> list[dict[str, object]]:
    if not VECTORS.is_file():
        pytest.skip(f"validator vectors not present at {VECTORS}")
    return [json.loads(line) for line in VECTORS.read_text(encoding="utf-8").splitlines() if line]


def test_validators_agree_with_stdnum_vectors() -> None:
    latest = date.today()
    checked = 0
    for vector in _vectors():
        value = compact(str(vector["value"]))
        if vector["kind"] == "CN_RESIDENT_ID":
            if vector["valid"] is not None:
                assert resident_id_plausible(value, latest) is vector["valid"], vector["value"]
            assert checksums.resident_id_checksum_ok(value) is vector["checksum_ok"]
        elif vector["kind"] == "CN_USCC":
            if vector["valid"] is not None:
                assert uscc_plausible(value) is vector["valid"], vector["value"]
            assert checksums.uscc_checksum_ok(value) is vector["checksum_ok"]
        checked += 1
    assert checked > 200
