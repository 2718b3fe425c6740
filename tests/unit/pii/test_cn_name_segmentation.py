"""Chinese names are segmented by rjieba but scored with jieba's dictionary tables: the two
must cut alike, or frequencies and tags would describe words the segmenter never made."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jieba
import pytest
import yaml

from tdg.transforms.pii.recognizers.cn_person_name import CnPersonNameRecognizer, dictionary

CASES = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "fixtures/recognizers/cn_person_name.yaml").read_text(
        encoding="utf-8"
    )
)
# Synthetic sentences: names, places, numbers, Latin text and punctuation mixed.
SENTENCES = (
    [c["text"] for c in CASES["match"]]
    + CASES["no_match"]
    + [
        "昨天下午3点，联系人王小明在安澜市高新区华府路88号等你，电话138 0013 8000。",
        "罗建在发布会上说，我们现在就出发去北京，和Alice一起。",
        "这个周末天气不错，小李和他哥哥去爬山了！#户外# @晴天小猪",
    ]
)


@pytest.fixture(scope="module")
def jieba_tokenizer() -> Any:
    logging.getLogger("jieba").setLevel(logging.CRITICAL)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@pytest.mark.parametrize("hmm", [False, True])
def test_rjieba_cuts_like_jieba(hmm: bool, jieba_tokenizer: Any) -> None:
    tokenizer = jieba_tokenizer
    for text in SENTENCES:
        tokens, _ = CnPersonNameRecognizer.segment(text, hmm=hmm)
        assert tokens == tokenizer.lcut(text, HMM=hmm), text


def test_offsets_are_token_starts() -> None:
    text = SENTENCES[-3]
    tokens, starts = CnPersonNameRecognizer.segment(text)
    assert "".join(tokens) == text
    for token, start in zip(tokens, starts, strict=True):
        assert text[start : start + len(token)] == token


def test_dictionary_holds_jiebas_frequencies_and_tags(jieba_tokenizer: Any) -> None:
    freq, tags = dictionary()
    words = {w: f for w, f in jieba_tokenizer.FREQ.items() if f > 0}
    assert {w: f for w, f in freq.items() if f > 0} == words
    assert tags["北京"] == "ns"
    assert tags["周杰伦"] == "nr"
