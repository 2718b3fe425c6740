"""Runs every recognizer case file (tests/fixtures/recognizers/<module>.yaml).

Each `match` case must be found, with its exact original substring, by a registered recognizer
of the file's entity after folding through NormalizedView; each `no_match` text must yield no
finding of that entity. A registered recognizer module without a case file fails the suite.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from presidio_analyzer import EntityRecognizer

from tdg.transforms.pii.normalized_view import NormalizedView
from tdg.transforms.pii.recognizers import build_recognizers, recognizer_modules

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "recognizers"
MODULES = recognizer_modules()


def _load(module: str) -> dict[str, Any]:
    path = CASES_DIR / f"{module}.yaml"
    if not path.is_file():
        pytest.fail(f"recognizer module {module!r} has no case file {path}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    params = []
    for module in MODULES:
        path = CASES_DIR / f"{module}.yaml"
        if not path.is_file():
            params.append(pytest.param(module, "missing", 0, id=f"{module}-missing"))
            continue
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        params += [
            pytest.param(module, "match", i, id=f"{module}-match-{i}")
            for i in range(len(spec.get("match", [])))
        ]
        params += [
            pytest.param(module, "no_match", i, id=f"{module}-no_match-{i}")
            for i in range(len(spec.get("no_match", [])))
        ]
    return params


@pytest.fixture(scope="module")
def by_entity() -> dict[str, list[EntityRecognizer]]:
    grouped: dict[str, list[EntityRecognizer]] = defaultdict(list)
    for recognizer in build_recognizers(("zh",)):
        for entity in recognizer.supported_entities:
            grouped[entity].append(recognizer)
    return grouped


def _findings(
    text: str, entity: str, recognizers: list[EntityRecognizer]
) -> list[tuple[str, float]]:
    """(original substring, score) of every finding of `entity`."""
    view = NormalizedView.of(text)
    found = []
    for recognizer in recognizers:
        for result in recognizer.analyze(view.text, entities=[entity], nlp_artifacts=None):  # type: ignore[arg-type]
            if result.entity_type == entity:
                start, end = view.to_original(result.start, result.end)
                found.append((text[start:end], result.score))
    return found


@pytest.mark.parametrize(("module", "kind", "index"), _cases())
def test_case(
    module: str, kind: str, index: int, by_entity: dict[str, list[EntityRecognizer]]
) -> None:
    spec = _load(module)
    entity = spec["entity"]
    assert entity in MODULES[module](supported_language="zh").supported_entities
    recognizers = by_entity[entity]
    if kind == "match":
        case = spec["match"][index]
        assert case["value"] in case["text"], "value must be a substring of text"
        scores = [
            s for value, s in _findings(case["text"], entity, recognizers) if value == case["value"]
        ]
        assert scores, f"{entity} not found as the expected span"
        best = max(scores)
        assert best >= case.get("min_score", 0.0)
        assert best <= case.get("max_score", 1.0)
    else:
        text = spec["no_match"][index]
        assert _findings(text, entity, recognizers) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_docstring_documents_the_format(module: str) -> None:
    doc = MODULES[module].__doc__ or ""
    for section in ("**Format**", "**Matches**", "**Does not match**", "**Reference**"):
        assert section in doc, f"{module}: docstring lacks {section}"


def test_build_recognizers_one_per_class_and_language() -> None:
    recognizers = build_recognizers(("en", "zh"))
    assert len(recognizers) == 2 * len(MODULES)
    assert {r.supported_language for r in recognizers} == {"en", "zh"}
