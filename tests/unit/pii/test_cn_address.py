"""CnAddressRecognizer's grammar: the no-empty-match form finds what the plain form finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.recognizers import cn_address
from tdg.transforms.pii.recognizers.cn_address import CnAddressRecognizer

# The grammar written the plain way: every part optional, empty matches skipped.
_PLAIN = re.compile(
    rf"(?P<divisions>(?:{cn_address._DIVISION}){{0,5}})"
    rf"(?P<road>{cn_address._ROAD})?"
    rf"(?P<units>(?:{cn_address._UNIT}){{0,5}})"
)
_ALPHABET = (
    "省市区县旗镇乡村盟路街巷弄道胡同大自治州特别行政开发新工业园地社"
    "号栋室楼层单元一二十0123456789-－Ab我在住北京朝阳建国东城 \n"
)


def _plain_results(text: str) -> list[tuple[int, int, float]]:
    out = []
    for m in _PLAIN.finditer(text):
        if m.end() > m.start():
            score = cn_address._score(m["divisions"], m["road"] or "", m["units"])
            if score > 0.0:
                out.append((m.start(), m.end(), score))
    return out


@given(st.text(alphabet=_ALPHABET, max_size=40))
@settings(max_examples=500, deadline=None)
def test_same_addresses_as_the_plain_grammar(text: str) -> None:
    found = CnAddressRecognizer("zh").analyze(text, [])
    expected = _plain_results(text) if cn_address._PREFILTER.search(text) else []
    assert [(r.start, r.end, r.score) for r in found] == expected


def test_no_pattern_match_is_empty() -> None:
    text = "今天天气很好，我住在朝阳区建国路88号3栋2单元501室。"
    assert all(m.end() > m.start() for m in cn_address._ADDRESS.finditer(text))
