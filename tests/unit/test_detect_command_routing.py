"""`tdg detect --lang` routing and the default (thorough) profile, through the real CLI.

Routing rule (transforms/pii/language.py): the hinted language comes first and the script adds
any other it shows, so a hint can add a language but never hide one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tdg.pipelines.cli import main

# Synthetic texts. Mostly Chinese with one capitalised English word: the script routes it to
# the English NER too, whatever the hint.
ZH_WITH_ONE_EN_NAME = (
    "会议改到下午三点，地点在三楼会议室，请大家提前十分钟到场签到，"
    "并把材料交给 Matthew 统一整理，谢谢配合。"
)
EN_PROSE = "Please forward this to Nancy Nelson."
ZH_NAME = "联系人张伟先生，电话请另询。"
DIGITS_ONLY = "13812345678"
ROUTING_RECORDS = {
    "zh_one_en": ZH_WITH_ONE_EN_NAME,
    "en": EN_PROSE,
    "zh": ZH_NAME,
    "digits": DIGITS_ONLY,
}


def write_jsonl(path: Path, records: dict[str, str]) -> Path:
    lines = [json.dumps({"id": k, "text": v}, ensure_ascii=False) for k, v in records.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def detect(source: Path, out: Path, *options: str) -> dict[str, list[dict[str, Any]]]:
    assert main(["detect", str(source), "--output", str(out), *options]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {line["id"]: line["findings"] for line in lines}


def spans(text: str, findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(text[f["start"] : f["end"]], f["entity_type"]) for f in findings]


@pytest.fixture(scope="module")
def by_lang(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Findings per --lang value (default thorough profile), for the same records."""
    work = tmp_path_factory.mktemp("routing")
    source = write_jsonl(work / "in.jsonl", ROUTING_RECORDS)
    return {
        lang: detect(source, work / f"out-{lang}.jsonl", "--lang", lang)
        for lang in ("auto", "en", "zh")
    }


def test_one_english_name_in_chinese_text_meets_the_ner_under_every_hint(
    by_lang: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    text = ZH_WITH_ONE_EN_NAME
    name_at = text.index("Matthew")
    for lang in ("auto", "en", "zh"):
        (person,) = by_lang[lang]["zh_one_en"]
        assert person["entity_type"] == "PERSON", lang
        assert person["start"] == name_at and person["end"] >= name_at + len("Matthew"), lang


def test_a_hint_never_hides_the_language_the_script_shows(
    by_lang: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    for lang in ("auto", "en", "zh"):
        # English prose hinted zh still meets the English NER ...
        assert spans(EN_PROSE, by_lang[lang]["en"]) == [("Nancy Nelson", "PERSON")], lang
        # ... and a Chinese name in Chinese text hinted en still meets the Chinese recognizers.
        assert spans(ZH_NAME, by_lang[lang]["zh"]) == [("张伟", "PERSON")], lang


def test_identifier_patterns_run_whatever_the_language(
    by_lang: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    for lang in ("auto", "en", "zh"):
        assert spans(DIGITS_ONLY, by_lang[lang]["digits"]) == [(DIGITS_ONLY, "PHONE_NUMBER")]


def test_unsupported_lang_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", {"a": "x"})
    with pytest.raises(SystemExit) as exited:
        main(["detect", str(source), "-o", str(tmp_path / "o.jsonl"), "--lang", "fr"])
    assert exited.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_an_english_name_in_chinese_text_has_exact_offsets(
    by_lang: dict[str, dict[str, list[dict[str, Any]]]],
) -> None:
    assert spans(ZH_WITH_ONE_EN_NAME, by_lang["en"]["zh_one_en"]) == [("Matthew", "PERSON")]


DEFAULT_PROFILE_RECORDS = {
    "en": "Hi team, Oliver Bennett will take over the billing questions.",
    "zh": "客户来电：请尽快回电，手机 139-1234-5678，下午都在。",
    "none": "The meeting moved to the second floor.",
}


def test_default_profile_is_thorough_with_spacy_ner(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", DEFAULT_PROFILE_RECORDS)
    found = detect(source, tmp_path / "default.jsonl")  # no --profile
    en, zh = DEFAULT_PROFILE_RECORDS["en"], DEFAULT_PROFILE_RECORDS["zh"]
    assert spans(en, found["en"]) == [("Oliver Bennett", "PERSON")]
    assert spans(zh, found["zh"]) == [("139-1234-5678", "PHONE_NUMBER")]
    assert found["none"] == []
    # the name comes from the statistical NER: the fast profile (no NER) does not find it
    fast = detect(source, tmp_path / "fast.jsonl", "--profile", "fast")
    assert fast["en"] == []
    assert spans(zh, fast["zh"]) == [("139-1234-5678", "PHONE_NUMBER")]
