"""Regexes rewritten for Hyperscan: every rewritten regex matches wherever the original does
(exactly where, when the rewrite says it is exact), on ASCII text and, rewritten wide, on any
text. Matches are tested through a real Hyperscan database."""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tdg.transforms.pii import hyperscan_rewrite, hyperscan_screen
from tdg.transforms.pii.engine import _screen_pattern
from tdg.transforms.pii.hyperscan_rewrite import ScreenPattern, hyperscan_pattern
from tdg.transforms.pii.hyperscan_screen import HyperscanScreen
from tests.detectors import fast_detector

pytestmark = pytest.mark.skipif(not hyperscan_screen.available(), reason="hyperscan not installed")


def _matches(pattern: ScreenPattern, text: str) -> bool:
    return HyperscanScreen([[pattern]]).passing(text) == [0]


@cache
def _conditions(wide: bool = False) -> list[tuple[re.Pattern[str], bool, ScreenPattern]]:
    """Every condition the fast profile screens, with its rewrite."""
    found = []
    for runner in fast_detector()._universal:
        for regex, folded in (
            (runner.prefilter, False),
            (runner.context_words, True),
            (runner.candidates, False),
        ):
            if regex is not None:
                rewritten = _screen_pattern(regex, folded, wide)
                assert rewritten is not None, regex.pattern
                if rewritten is not hyperscan_rewrite.ANYTHING:
                    found.append((regex, folded, rewritten))
    return found


@cache
def _screen(wide: bool = False) -> HyperscanScreen:
    return HyperscanScreen([[p] for _, _, p in _conditions(wide)], wide)


_PIECES = [*"0123456789", *" -/.:,()+#@_'\nXxABKQq", "NSW ", "WA ", "CA ", "Street", "St.", "Rd"]
_PIECES += ["Strasse ", "straat ", "Via ", "rue ", "Apt ", "PO Box ", "SW1A ", "D02 ", "QQ"]
_PIECES += ["1234", "5678", "0755-", "+86 ", "H12345678", "110105194912310", "4111", "::", "ff"]
_PIECES += ["john@", "example.com", "http://", "www.", "Dana ", "Reyes", "license", "DE89"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=18).map("".join)


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
@example("Send it to 12 Harlow Road, Perth WA 6000 or PO Box 7")
@example("QQ123456789 and 0755-12345678, card 4111 1111 1111 1111")
@example("9")
@example("")
def test_rewritten_conditions_match_wherever_the_originals_do(text: str) -> None:
    passing = set(_screen().passing(text))
    for index, (regex, folded, rewritten) in enumerate(_conditions()):
        found = regex.search(text.casefold() if folded else text) is not None
        if found:
            assert index in passing, regex.pattern
        elif rewritten.exact:
            assert index not in passing, regex.pattern


_WIDE_PIECES = [
    *_PIECES,
    "电话",
    "手机",
    "身份证",
    "护照",
    "号",
    "：",
    "。",
    "é",
    "ß",
    "Straße ",
    "中",
]
_WIDE_PIECES += [
    "\u212a",
    "\u017f",
    "\u0130",
    "\u0131",
    "\u00e9t\u00e9 ",
    "\ud83d\ude00",
    "\ud800",
    "١",
]
_WIDE_TEXTS = st.lists(st.sampled_from(_WIDE_PIECES), max_size=18).map("".join)


@given(_WIDE_TEXTS)
@settings(max_examples=300, deadline=None)
@example("寄到Lindenstraße 8，手机13812345678")
@example("身份证11010519491231002X，\u212aK 护照E12345678")
def test_wide_rewrites_match_wherever_the_originals_do(text: str) -> None:
    if hyperscan_rewrite.ODD_CHARACTERS.search(text):
        return  # such texts are not screened
    passing = set(_screen(wide=True).passing(text))
    for index, (regex, folded, rewritten) in enumerate(_conditions(wide=True)):
        found = regex.search(text.casefold() if folded else text) is not None
        if found:
            assert index in passing, regex.pattern
        elif rewritten.exact:
            assert index not in passing, regex.pattern


def test_non_ascii_digits_and_spaces_are_left_to_re() -> None:
    assert hyperscan_rewrite.ODD_CHARACTERS.search("电话 ١٢٣")  # Arabic-Indic digits
    assert hyperscan_rewrite.ODD_CHARACTERS.search("a\u2028b")
    assert hyperscan_rewrite.ODD_CHARACTERS.search("１")  # the engine screens views: ASCII digits
    assert not hyperscan_rewrite.ODD_CHARACTERS.search("电话138 123 é")


def test_most_conditions_are_rewritten_exactly() -> None:
    exact = sum(p.exact for _, _, p in _conditions())
    assert exact >= 0.6 * len(_conditions())
    exact = sum(p.exact for _, _, p in _conditions(wide=True))
    assert exact >= 0.4 * len(_conditions(wide=True))


@pytest.mark.parametrize(
    ("pattern", "flags", "inside", "outside"),
    [
        # a lookbehind before the match and a lookahead after it: consumed, exact
        (r"(?<![0-9])[0-9]{3}(?![0-9])", 0, ["ab 123 cd", "123", "x123"], ["1234", "12"]),
        # a first character with lookbehinds over it (the digit-led shape)
        (r"[0-9](?<![A-Za-z][0-9])[0-9]{2}", 0, ["a 123", "123"], ["a123", "12"]),
        # alternative lookbehinds ending in the first run of characters
        (
            r"[0-9]{4}(?:(?<=(?<![A-Za-z])NSW [0-9]{4})|(?<=(?<![A-Za-z])WA [0-9]{4}))",
            0,
            ["Sydney NSW 2000", "WA 6000"],
            ["XNSW 2000", "NT 0800", "NSW 200"],
        ),
        (r"\bcat\b", 0, ["a cat.", "cat"], ["cats", "bobcat"]),
        # a boundary at an edge, before a word character: a non-word one (or none) outside
        (r"\b[0-9]{3}\b", 0, ["a 123.", "123"], ["a123", "1234", "123_"]),
        (r"\B-[0-9]", 0, ["--1", " -1"], ["a-1", "1-1"]),
        # case folding is `re`'s own: the Kelvin sign is not ASCII, `k` and `K` are
        (r"\u212a9", re.IGNORECASE, ["k9", "K9"], ["x9"]),
    ],
)
def test_rewrites(pattern: str, flags: int, inside: list[str], outside: list[str]) -> None:
    rewritten = hyperscan_pattern(pattern, flags)
    assert rewritten is not None and rewritten.exact
    for text in inside:
        assert re.search(pattern, text, flags) and _matches(rewritten, text), text
    for text in outside:
        assert not re.search(pattern, text, flags) and not _matches(rewritten, text), text


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        # anchors are dropped: written as a character, they took one a neighbour needed
        (r"a$\n", 0, "a\n"),
        (r"\n^b", re.MULTILINE, "\nb"),
        (r"^\Ax", 0, "x"),
        (r"x$\Z", 0, "x"),
        (r"(?<!a)^x", 0, "x"),
        (r"x$(?!a)", 0, "x"),
        (r"x$(?=\n)", 0, "x\n"),
    ],
)
def test_anchors_next_to_what_they_share_a_character_with(
    pattern: str, flags: int, text: str
) -> None:
    assert re.search(pattern, text, flags)
    for wide in (False, True):
        rewritten = hyperscan_pattern(pattern, flags, wide)
        assert rewritten is not None and not rewritten.exact
        assert HyperscanScreen([[rewritten]], wide).passing(text) == [0], (pattern, wide)


def test_what_cannot_be_said_exactly_is_widened() -> None:
    # a lookahead inside the regex is dropped; a back-reference becomes its group's regex
    for pattern, wider in ((r"a(?=b)c", "ac"), (r"(a|b)\1", "ab")):
        rewritten = hyperscan_pattern(pattern)
        assert rewritten is not None and not rewritten.exact
        assert not re.search(pattern, wider) and _matches(rewritten, wider)


def test_non_ascii_literals_never_match_ascii_text() -> None:
    rewritten = hyperscan_pattern("电话[0-9]+|tel[0-9]+")
    assert rewritten is not None and rewritten.exact
    assert _matches(rewritten, "tel123") and not _matches(rewritten, "123")


def test_wide_rewrites_keep_non_ascii_literals_and_widen_classes() -> None:
    rewritten = hyperscan_pattern("电话[0-9]{3}", wide=True)
    assert rewritten is not None and rewritten.exact
    screen = HyperscanScreen([[rewritten]], wide=True)
    assert screen.passing("我的电话123") == [0] and screen.passing("电邮123") == []
    # a word boundary cannot be told on UTF-8 bytes: dropped, so wider than `re`
    rewritten = hyperscan_pattern(r"\b[0-9]{3}\b", wide=True)
    assert rewritten is not None and not rewritten.exact
    assert HyperscanScreen([[rewritten]], wide=True).passing("号123") == [0]
    assert not re.search(r"\b[0-9]{3}\b", "号123")
