"""The fast profile's segmentation for Chinese names: forward maximum matching against jieba's
dictionary must cut like jieba where names are concerned, and find every name the case file
lists."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.normalized_view import NormalizedView
from tdg.transforms.pii.recognizers.cn_person_name import (
    CnPersonNameRecognizer,
    forward_maximum_match,
    segmenter,
)

CASES = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "fixtures/recognizers/cn_person_name.yaml").read_text(
        encoding="utf-8"
    )
)


def _fmm(text: str) -> list[str]:
    tokenizer, _ = segmenter()
    tokens, _ = forward_maximum_match(text, tokenizer.FREQ, tokenizer.total)
    return tokens


def test_longest_dictionary_word_first() -> None:
    assert _fmm("中华人民共和国") == ["中华人民", "共和国"]


def test_two_character_word_yields_to_its_characters_when_jieba_prefers_them() -> None:
    # 建在 is a (rare) word, but 建 + 在 is far likelier: the given name stays whole.
    assert _fmm("罗建在发布会上说")[:3] == ["罗", "建", "在"]
    assert "现在" in _fmm("我们现在出发")


def test_text_between_cjk_runs_is_one_token_with_exact_offsets() -> None:
    text = "Tel 138，联系人王伟 ok"
    tokenizer, _ = segmenter()
    tokens, starts = forward_maximum_match(text, tokenizer.FREQ, tokenizer.total)
    assert tokens[0] == "Tel 138，"  # everything outside CJK ideographs, punctuation too
    assert tokens[-1] == " ok"
    for token, start in zip(tokens, starts, strict=True):
        assert text[start : start + len(token)] == token


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="王小明在北京工作了三年，ab 12李老师说现在", max_size=40))
def test_tokens_cover_the_text_in_order(text: str) -> None:
    tokenizer, _ = segmenter()
    tokens, starts = forward_maximum_match(text, tokenizer.FREQ, tokenizer.total)
    assert "".join(tokens) == text
    assert starts == sorted(starts)
    assert all(tokens)


@pytest.fixture(scope="module")
def fmm_recognizer() -> CnPersonNameRecognizer:
    recognizer = CnPersonNameRecognizer(segmentation="fmm")
    recognizer.load()
    return recognizer


def _names(recognizer: CnPersonNameRecognizer, text: str) -> list[str]:
    view = NormalizedView.of(text)
    found = []
    for result in recognizer.analyze(view.text, ["PERSON"]):
        if result.score >= 0.35:
            start, end = view.to_original(result.start, result.end)
            found.append(text[start:end])
    return found


@pytest.mark.parametrize("case", CASES["match"], ids=lambda c: c["value"])
def test_fmm_finds_every_listed_name(
    case: dict[str, str], fmm_recognizer: CnPersonNameRecognizer
) -> None:
    assert case["value"] in _names(fmm_recognizer, case["text"])


@pytest.mark.parametrize("text", CASES["no_match"])
def test_fmm_finds_nothing_where_the_case_file_says_so(
    text: str, fmm_recognizer: CnPersonNameRecognizer
) -> None:
    assert _names(fmm_recognizer, text) == []


def test_unknown_segmentation_is_refused() -> None:
    with pytest.raises(ValueError, match="segmentation"):
        CnPersonNameRecognizer(segmentation="hmm")
