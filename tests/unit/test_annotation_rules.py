"""Rules documents: required sections (English or Chinese), sha256 registry, versions frozen."""

from pathlib import Path

import pytest

from tdg.transforms.annotation_rules import (
    load_registry,
    missing_sections,
    read_rules_document,
    register,
    verify_registered,
)
from tdg.transforms.errors import UserError

FULL_EN = (
    "# R\n## Objectives\nx\n## Data formats\nx\n## Annotation methods\nx\n"
    "## 2. Quality indicators\n"
)
FULL_ZH = "# 规则\n## 一、目标\n## 数据格式\n## 标注方法\n## 质量指标\n"


def test_sections_found_in_english_and_chinese() -> None:
    assert missing_sections(FULL_EN) == []
    assert missing_sections(FULL_ZH) == []
    assert missing_sections("Objectives are in the text but not a heading") == [
        "objectives",
        "data formats",
        "annotation methods",
        "quality indicators",
    ]


def test_missing_section_is_one_clear_line(tmp_path: Path) -> None:
    doc = tmp_path / "rules.md"
    doc.write_text(FULL_EN.replace("## 2. Quality indicators\n", ""), encoding="utf-8")
    with pytest.raises(UserError) as info:
        read_rules_document("v1", str(doc))
    message = str(info.value)
    assert "\n" not in message
    assert str(doc) in message and "'quality indicators'" in message and "质量指标" in message


def test_register_is_idempotent_and_versions_are_frozen(tmp_path: Path) -> None:
    doc = tmp_path / "rules.md"
    doc.write_text(FULL_ZH, encoding="utf-8")
    registry = tmp_path / "out" / "registry.json"
    docs, added = register([("v1", str(doc))], registry)
    assert added == ["v1"] and len(docs[0].sha256) == 64
    _, added = register([("v1", str(doc))], registry)
    assert added == []
    assert load_registry(registry)["v1"].sha256 == docs[0].sha256
    assert verify_registered(load_registry(registry)) == []
    doc.write_text(FULL_ZH + "\n## 附录\n", encoding="utf-8")
    with pytest.raises(UserError, match="new version"):
        register([("v1", str(doc))], registry)
    assert verify_registered(load_registry(registry)) == [
        "rules v1: " + str(doc) + " changed since registration"
    ]


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_rules_document("v1", str(tmp_path / "nope.md"))
