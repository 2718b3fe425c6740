"""The Chinese name recognizer's fast paths must find exactly what the plain ones would: the
anchored regex scans the same matches as `finditer`, the transliteration pattern the same runs
as its textbook form, and the shortcuts in `analyze` change no finding."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.recognizers.cn_person_name import (
    _NICKNAME_START,
    CnPersonNameRecognizer,
    _cue_patterns,
    _cue_word_pattern,
    _honorific_reach,
    _matches_ending_near,
    _matches_starting_at,
    _title_pattern,
    _transliteration_pattern,
    transliteration_chars,
)

# Pieces that make the patterns match, nearly match and overlap: cue words and titles, surnames
# (single and compound), given-name characters, 老 / 小 with what may stand before them, the
# 总 of 总结, transliteration characters, a middle dot, punctuation and Latin letters.
PIECES = [
    "我叫",
    "联系人",
    "联系",
    "：",
    "经理",
    "律师",
    "师傅",
    "总",
    "总结",
    "先生",
    "局长",
    "和",
    "市长",
    "王",
    "欧阳",
    "李",
    "何",
    "小",
    "老",
    "古",
    "大",
    "明",
    "娜",
    "华",
    "的",
    "说",
    "克",
    "鲁",
    "斯",
    "汤",
    "姆",
    "·",
    "，",
    "。",
    " ",
    "a",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


def spans(matches: object) -> list[tuple[int, int, dict[str, str | None]]]:
    return [(m.start(), m.end(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_anchored_scans_find_what_finditer_finds(text: str) -> None:
    prefix, honorific, nickname = _cue_patterns()
    assert spans(_matches_starting_at(prefix, _cue_word_pattern(), text)) == spans(
        prefix.finditer(text)
    )
    assert spans(_matches_starting_at(nickname, _NICKNAME_START, text)) == spans(
        nickname.finditer(text)
    )
    reach = _honorific_reach()
    assert spans(_matches_ending_near(honorific, _title_pattern(), text, reach)) == spans(
        honorific.finditer(text)
    )


def test_nickname_lookbehind_sees_before_the_anchor() -> None:
    """`pattern.match(text, pos)` still looks behind `pos`: 古老 and 大小 are no nicknames."""
    _, _, nickname = _cue_patterns()
    assert spans(_matches_starting_at(nickname, _NICKNAME_START, "古老王，大小李，老王。")) == [
        (8, 10, {"name": "老王"})
    ]


def test_honorific_scan_tries_positions_after_an_earlier_match() -> None:
    """Two titled names in a row, overlapping titles (律师傅) and a 总 that is not a title."""
    _, honorific, _ = _cue_patterns()
    text = "王经理李律师傅何总结欧阳先生"
    found = spans(_matches_ending_near(honorific, _title_pattern(), text, _honorific_reach()))
    assert found == spans(honorific.finditer(text))
    assert [name["name"] for _, _, name in found] == ["王", "李", "欧阳"]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_transliteration_pattern_matches_its_textbook_form(text: str) -> None:
    chars = "".join(sorted(transliteration_chars()))
    textbook = re.compile(rf"[{chars}]{{2,}}(?:[·•・][{chars}]{{2,}})+|[{chars}]{{3,}}")
    assert spans(_transliteration_pattern().finditer(text)) == spans(textbook.finditer(text))


def test_transliteration_at_the_end_of_the_text() -> None:
    """A run that ends the text ends its last token (no token starts there)."""
    recognizer = CnPersonNameRecognizer(use_hmm=False)
    text = "我喜欢汤姆·克鲁斯"
    tokens, starts = recognizer.segment(text)
    assert (3, 9, 0.5) in recognizer.transliteration_spans(text, tokens, starts)


def test_kin_spans_without_kinship_words_is_empty() -> None:
    tokens, starts = CnPersonNameRecognizer.segment("今天天气很好，我们去公园散步。")
    assert CnPersonNameRecognizer.kin_spans(tokens, starts) == []
    tokens, starts = CnPersonNameRecognizer.segment("明哥今天来了")
    assert CnPersonNameRecognizer.kin_spans(tokens, starts) == [(0, 2, 0.55)]


def findings(recognizer: CnPersonNameRecognizer, text: str) -> list[tuple[int, int, float]]:
    return [(r.start, r.end, r.score) for r in recognizer.analyze(text, ["PERSON"])]


def test_hmm_pass_still_runs_when_the_hmm_joins_a_name() -> None:
    """The second pass is skipped only when the HMM cut the text alike; here it joins 邬晓峰
    into one unknown word and scores it higher."""
    fast = CnPersonNameRecognizer(use_hmm=False)
    thorough = CnPersonNameRecognizer(use_hmm=True)
    assert findings(fast, "邬晓峰今天没来") == [(0, 3, 0.7)]
    assert findings(thorough, "邬晓峰今天没来") == [(0, 3, 0.75)]
    # Cut alike with and without the HMM: both modes find the same.
    assert findings(thorough, "吴思远的书") == findings(fast, "吴思远的书") == [(0, 3, 0.7)]


def test_conjunction_between_titles_is_no_name() -> None:
    """和 / 但 are surnames, but cut off by jieba they are conjunctions (局长和市长: the director
    and the mayor); a name after the conjunction is still found, a name with 和 kept."""
    for hmm in (False, True):
        recognizer = CnPersonNameRecognizer(use_hmm=hmm)
        assert findings(recognizer, "局长和市长都来了") == []
        assert findings(recognizer, "经理和主任开会，但院长没来") == []
        assert findings(recognizer, "我和老师说过了") == []
        assert findings(recognizer, "我和王老师说过了") == [(2, 3, 0.85)]
        assert findings(recognizer, "张局长和李市长握手") == [(0, 1, 0.85), (4, 5, 0.85)]
        assert findings(recognizer, "何先生你好") == [(0, 1, 0.85)]
