"""Canonical JSON: equal values give equal bytes; non-JSON values are refused, not coerced."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdg.transforms.canonical_json import CanonicalJsonError, canonical_json, sha256_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_sorted_keys_no_whitespace_utf8() -> None:
    assert canonical_json({"b": 1, "a": [1, 2], "名": "数据"}) == (
        '{"a":[1,2],"b":1,"名":"数据"}'.encode()
    )


def test_key_order_does_not_change_the_bytes() -> None:
    assert canonical_json({"a": 1, "b": {"y": 2, "x": 3}}) == canonical_json(
        {"b": {"x": 3, "y": 2}, "a": 1}
    )
    assert sha256_json({"a": 1, "b": 2}) == sha256_json({"b": 2, "a": 1})


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), {1: "int key"}, {"a": {1, 2}}, b"bytes", {"s": "\ud800"}],
)
def test_refuses_values_without_a_canonical_form(value: object) -> None:
    with pytest.raises(CanonicalJsonError):
        canonical_json(value)


def test_error_names_the_place() -> None:
    with pytest.raises(CanonicalJsonError, match=r"\$\.stats\.rate"):
        canonical_json({"stats": {"rate": float("nan")}})


@given(json_values)
def test_round_trip_through_pretty_json_keeps_the_bytes(value: object) -> None:
    """What verification relies on: a pretty-printed file re-canonicalizes to the signed bytes."""
    pretty = json.dumps(value, indent=2, ensure_ascii=True)
    assert canonical_json(json.loads(pretty)) == canonical_json(value)
