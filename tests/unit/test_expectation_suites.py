"""Every suite JSON loads into a GX ExpectationSuite and declares what tdg needs from it."""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

from tdg.transforms.errors import UserError
from tdg.transforms.expectations_runner import (
    DEFAULT_SUITES,
    ExpectationSettings,
    build_gx_suite,
    load_suite_spec,
    load_suites,
    packaged_suite_names,
)

SUITE_FILES = sorted(
    (p for p in resources.files("tdg.expectations").iterdir() if p.name.endswith(".json")),
    key=lambda p: p.name,
)


def _parameters_used(node: object) -> set[str]:
    if isinstance(node, dict):
        if set(node) == {"$PARAMETER"}:
            return {node["$PARAMETER"]}
        return set().union(*(_parameters_used(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_parameters_used(v) for v in node)) if node else set()
    return set()


def test_default_suites_are_packaged() -> None:
    assert set(DEFAULT_SUITES) <= set(packaged_suite_names())
    assert len(SUITE_FILES) >= len(DEFAULT_SUITES)


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.name)
def test_suite_loads_into_gx(path: Traversable) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**document)
    assert suite.name == path.name.removesuffix(".json")
    assert len(suite.expectations) == len(document["expectations"]) > 0
    # round trip: what GX serializes loads again into the same expectations
    again = gx.ExpectationSuite(**json.loads(json.dumps(suite.to_json_dict())))
    assert [e.expectation_type for e in again.expectations] == [
        e.expectation_type for e in suite.expectations
    ]
    spec = load_suite_spec(suite.name)
    assert spec.kind in ("row", "dataset")
    assert build_gx_suite(spec).name == suite.name
    # every $PARAMETER has a default and every default is used
    assert _parameters_used(document["expectations"]) == set(spec.parameter_defaults)
    for e in document["expectations"]:
        assert e["meta"].get("description"), f"{suite.name}: {e['type']} has no description"
        if "regex" in e["kwargs"]:
            re.compile(e["kwargs"]["regex"])
            assert "\\d" not in e["kwargs"]["regex"] and "\\b" not in e["kwargs"]["regex"]


def test_identifier_patterns_mean_the_same_in_pandas_and_python_re() -> None:
    """pandas' Arrow strings use RE2 unless a pattern needs Python's re; results must agree."""
    spec = load_suite_spec("no_raw_identifiers")
    texts = [
        "手机13812345678。",
        "身份证号11010519491231002X。",
        "x@mail.example.cn",
        "x@example.org",  # a surrogate's domain (RFC 2606): not a raw identifier
        "卡号6200000000000005",
        "１３８１２３４５６７８",
        "订单20241001号，138元",
        "<PHONE_NUMBER_1>",
    ]
    series = pd.Series(texts, dtype="str")
    for e in spec.expectations:
        rx = e["kwargs"]["regex"]
        python = [re.search(rx, t) is not None for t in texts]
        assert series.str.contains(rx).tolist() == python
        assert any(python), f"{e['meta']['identifier']} matches none of the positive texts"


def test_unknown_suite_and_threshold_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="unknown suite 'nope'"):
        load_suites(ExpectationSettings(suites=["nope"]))
    with pytest.raises(UserError, match="unknown threshold 'max_typo'"):
        load_suites(ExpectationSettings(thresholds={"max_typo": 0.1}))
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "bad", "expectations": []}', encoding="utf-8")
    with pytest.raises(UserError, match=r"bad.json: meta.tdg.kind"):
        load_suite_spec(str(bad))
    with pytest.raises(Exception, match="extra"):
        ExpectationSettings.model_validate({"suites": [], "unexpected_key": 1})
