"""The fast profile's scanning shortcuts find exactly what plain scans find.

`scan_matches` (class-led search, then `match`) against `finditer`; URL patterns run on
whitespace-free pieces against the whole text; the crypto prefilter against Presidio's
patterns (which match ignoring case)."""

from __future__ import annotations

import re
from itertools import chain
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.engine import _PRESIDIO_PREFILTERS, _name_of
from tdg.transforms.pii.recognizers.base import class_led, scan_matches
from tests.detectors import fast_detector


def _runner_patterns() -> list[re.Pattern[str]]:
    patterns: list[re.Pattern[str]] = []
    for runner in fast_detector()._universal:
        if runner.patterns is not None:
            patterns += [p for p, _ in runner.patterns if isinstance(p, re.Pattern)]
        if runner.identifier is not None:
            patterns += [regex for _, regex in runner.identifier.compiled_patterns]
    return patterns


_PIECES = [*"0123456789", *" -/.:()+@XxABbcK\u212a京\n", "bc1", "138", "2024-", "12/31/", "JAN"]
_PIECES += ["1234", "5678", "0755-", "+86 ", "E1234", "H12345678", "110105194912310", "4111"]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=16).map("".join)


@given(_TEXTS, st.integers(0, 8), st.integers(0, 8))
@settings(max_examples=300, deadline=None)
def test_scan_matches_finds_what_finditer_finds(text: str, skip: int, cut: int) -> None:
    led_any = False
    end = max(0, len(text) - cut)
    for regex in _runner_patterns():
        led_any = led_any or class_led(regex) is not None
        expected = [m.span() for m in regex.finditer(text)]
        assert [m.span() for m in scan_matches(regex, text)] == expected, regex.pattern
        expected = [m.span() for m in regex.finditer(text, skip, end)]
        assert [m.span() for m in scan_matches(regex, text, skip, end)] == expected
    assert led_any  # some patterns are scanned class-led


def test_class_led_left_alone() -> None:
    assert class_led(re.compile("[0-9]-")) is None  # already a class first
    assert class_led(re.compile("abc|d")) is None  # literal alternatives: `re` scans for them
    assert class_led(re.compile(r"\b[a-z]+@")) is None  # most lowercase letters: no gain
    assert class_led(re.compile(r"(a)(?<![0-9])\1")) is None  # a group referred to
    led = class_led(re.compile(r"(?<![0-9])[0-9]{3}"))
    assert led is not None and led.pattern.startswith("[0-9](?<=")


_URL_PIECES = [*" \n\t\"'/.-:Kk\u212a", "www.", "http://", "https://", "example", "com", "co"]
_URL_PIECES += ["org", "uk", "a1", ".com/", "path?q=1", "<", ">", "(", ")", "京"]


@given(st.lists(st.sampled_from(_URL_PIECES), max_size=14).map("".join))
@settings(max_examples=300, deadline=None)
def test_url_patterns_match_the_same_on_pieces(text: str) -> None:
    runner = next(
        r for r in fast_detector()._universal if _name_of(r.recognizer) == "UrlRecognizer"
    )
    assert runner.pieces is not None and runner.patterns is not None
    pieces = [m.span() for m in runner.pieces.finditer(text)]
    for compiled, _ in runner.patterns:
        on_pieces = chain.from_iterable(compiled.finditer(text, a, b) for a, b in pieces)
        assert [m.span() for m in on_pieces] == [m.span() for m in compiled.finditer(text)]


_CRYPTO_PIECES = [*"13bcBC", "bc1", "BC1", "\u212a", "\u017f", "q", "Z", "9", "x" * 10, "A1" * 6]


@given(st.lists(st.sampled_from(_CRYPTO_PIECES), max_size=16).map("".join))
@example("bc1" + "q" * 25)
@example("1" + "\u212a" * 25)
@settings(max_examples=500, deadline=None)
def test_crypto_prefilter_holds_wherever_a_pattern_matches(text: str) -> None:
    runner: Any = next(
        r for r in fast_detector()._universal if _name_of(r.recognizer) == "CryptoRecognizer"
    )
    prefilter = re.compile(_PRESIDIO_PREFILTERS["CryptoRecognizer"])
    if any(p.search(text) for p, _ in runner.patterns):
        assert prefilter.search(text) is not None
    if text in ("bc1" + "q" * 25, "1" + "\u212a" * 25):
        assert any(p.search(text) for p, _ in runner.patterns)  # the examples do match


_URL_PIECES = ["http://", "https://", "www.", "www2.", ".", "-", "/", "'", '"', " ", "x", "a"]
_URL_PIECES += ["co", "com", "community", "org", "uk", "io", "museum", "c", "m", "example", "?q=1"]


@given(st.lists(st.sampled_from(_URL_PIECES), max_size=20).map("".join))
@example("visit www.example.com, 'https://sub.example.co.uk/p?x=1' or x.community.io")
@example("'http://example.comm' and \"www.example.co\"")
@settings(max_examples=1500, deadline=None)
def test_grouped_top_level_domains_match_exactly_like_presidios_alternation(text: str) -> None:
    from presidio_analyzer.predefined_recognizers import UrlRecognizer

    from tdg.transforms.pii.engine import grouped_alternations

    flags = re.DOTALL | re.MULTILINE | re.IGNORECASE
    for pattern in UrlRecognizer.PATTERNS:
        grouped = grouped_alternations(pattern.regex)
        assert len(grouped) < len(pattern.regex)  # the rewrite applied
        original = [m.span() for m in re.finditer(pattern.regex, text, flags)]
        assert [m.span() for m in re.finditer(grouped, text, flags)] == original


def test_regex_identity_cache_computes_once_per_regex_object() -> None:
    import re

    from tdg.transforms.pii.recognizers import base
    from tdg.transforms.pii.recognizers.base import cached_by_regex_identity

    calls: list[str] = []

    @cached_by_regex_identity
    def pattern_of(regex: re.Pattern[str]) -> str:
        calls.append(regex.pattern)
        return regex.pattern

    first = re.compile("[0-9]{3}")
    assert pattern_of(first) == "[0-9]{3}"
    assert pattern_of(first) == "[0-9]{3}"
    assert calls == ["[0-9]{3}"]
    other = re.compile("x+")
    assert pattern_of(other) == "x+"
    assert calls == ["[0-9]{3}", "x+"]
    # past its bound the memo starts again rather than growing
    many = [re.compile(f"a{{{n}}}") for n in range(base._IDENTITY_CACHE_SIZE + 1)]
    assert [pattern_of(r) for r in many] == [r.pattern for r in many]
    assert pattern_of(first) == "[0-9]{3}"
    assert calls.count("[0-9]{3}") == 2
