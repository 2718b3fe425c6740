"""The annotation config: strict keys, discriminated plans, `file: key.path: expected` errors."""

from pathlib import Path

import pytest

from tdg.transforms.annotation_config import ConfidencePlan, FractionPlan, load_annotation_config
from tdg.transforms.errors import UserError

BASE = """
name: t
inputs:
  annotations: {uri: a.jsonl, format: jsonl}
  roster: {uri: r.jsonl, format: jsonl}
rules:
  documents: [{version: v1, path: rules.md}]
sampling:
  seed: s
  plan: PLAN
output: {root: out}
"""


def _write(tmp_path: Path, plan: str, extra: str = "") -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(BASE.replace("PLAN", plan) + extra, encoding="utf-8")
    return p


def test_loads_and_resolves_relative_paths(tmp_path: Path) -> None:
    loaded = load_annotation_config(_write(tmp_path, "{kind: zero_failure}"))
    assert isinstance(loaded.config.sampling.plan, ConfidencePlan)
    assert loaded.output_root == tmp_path / "out"
    assert loaded.registry_path == tmp_path / "out" / "rules_registry.json"
    assert loaded.resolve("gs://b/x") == "gs://b/x"
    loaded = load_annotation_config(_write(tmp_path, "{kind: fraction, fraction: 0.1}"))
    assert isinstance(loaded.config.sampling.plan, FractionPlan)


def test_unknown_key_names_file_and_path(tmp_path: Path) -> None:
    path = _write(tmp_path, "{kind: zero_failure, confidense: 0.9}")
    with pytest.raises(UserError) as info:
        load_annotation_config(path)
    assert f"{path}: sampling.plan.zero_failure.confidense: unknown key" in str(info.value)


def test_zero_failure_refuses_allowed_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="allows 0 errors"):
        load_annotation_config(_write(tmp_path, "{kind: zero_failure, allowed_errors: 1}"))


def test_records_need_one_way_to_an_id(tmp_path: Path) -> None:
    extra = "  records: {uri: x.jsonl, format: jsonl}\n"
    text = BASE.replace("PLAN", "{kind: zero_failure}").replace(
        "  roster: {uri: r.jsonl, format: jsonl}\n",
        "  roster: {uri: r.jsonl, format: jsonl}\n" + extra,
    )
    p = tmp_path / "c.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=r"inputs\.records"):
        load_annotation_config(p)
