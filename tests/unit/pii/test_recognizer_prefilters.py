"""Phone recognizers' PREFILTERs are necessary conditions of their patterns' matches.

(Others' prefilters are necessary conditions of what they report after validation, e.g. the
digit count, not of every raw pattern match, so they are not checked this way.)"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.recognizers.base import IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_landline import CnLandlineRecognizer
from tdg.transforms.pii.recognizers.cn_mobile import CnMobileRecognizer

_PREFILTERED = [CnMobileRecognizer, CnLandlineRecognizer]
# Digits, separators, number pieces, and letters and characters the patterns use.
_PIECES = [*"0123456789", *" -().+XxA转京", "86", "+86 ", "0086", "010", "021", "0755", "138"]
_PIECES += ["1234", "5678", "2345678", "Ext.", "E12345678", "H1234567890"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)
# A text each pattern set matches, so the check never depends on what hypothesis draws.
_MATCHED_EXAMPLE = {CnMobileRecognizer: "+86 138 1234 5678", CnLandlineRecognizer: "010-2345678"}


@pytest.mark.parametrize("recognizer_class", _PREFILTERED, ids=lambda cls: cls.__name__)
def test_prefilter_holds_wherever_a_pattern_matches(
    recognizer_class: type[IdentifierRecognizer],
) -> None:
    prefilter = re.compile(str(recognizer_class.PREFILTER))
    patterns = [re.compile(p.regex) for p in recognizer_class.PATTERNS]

    @given(_TEXTS)
    @example(_MATCHED_EXAMPLE[recognizer_class])
    @settings(max_examples=1500, deadline=None)
    def holds(text: str) -> None:
        if any(p.search(text) for p in patterns):
            matched.append(text)
            assert prefilter.search(text) is not None

    matched: list[str] = []
    holds()
    assert matched  # the generated texts did exercise the patterns


@pytest.mark.parametrize(
    "text", ["手机13812345678", "+86 138-1234-5678", "电话(010)62345678", "0755-8888 6666转123"]
)
def test_prefilters_pass_the_documented_examples(text: str) -> None:
    matched = [cls for cls in _PREFILTERED if any(re.search(p.regex, text) for p in cls.PATTERNS)]
    assert matched  # each example is a phone number one of the recognizers matches
    hits = [
        cls.__name__
        for cls in _PREFILTERED
        if any(re.search(p.regex, text) for p in cls.PATTERNS)
        and re.search(str(cls.PREFILTER), text) is None
    ]
    assert hits == []
