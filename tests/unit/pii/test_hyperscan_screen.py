"""The Hyperscan screens in the engine: the same findings with them as without them (or
without Hyperscan, or when a screen cannot be built); compiled screens cached on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tdg.transforms.pii import hyperscan_screen
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector, _gate_regexes, _name_of
from tdg.transforms.pii.hyperscan_rewrite import hyperscan_pattern
from tdg.transforms.pii.hyperscan_screen import HyperscanScreen
from tests.detectors import fast_detector

pytestmark = pytest.mark.skipif(not hyperscan_screen.available(), reason="hyperscan not installed")


def _findings(detector: Detector, texts: list[str]) -> list[object]:
    return [detector.detect_batch([(t, "en")]) for t in texts] + [
        detector.detect_batch([(t, "en") for t in texts])
    ]


_SAMPLE = [
    "Call Dana Reyes on +1 415 555 0136 or write to 12 Harlow Road, Perth WA 6000.",
    "SSN 078-05-1120, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00.",
    "Mail dana.reyes@example.com from 192.168.0.12 or 2001:db8::7; see http://example.org/a",
    "Passport A12803456, licence Z12803456, NHS 943 476 5919, born 1984-03-07.",
    "Lindenstraße 8, 10115 Berlin; Via Roma 5; 12 rue de la Paix; D02 X285",
    "手机 13812345678，身份证 11010519491231002X。 QQ 123456789",
    "nothing to see here, just words and 3 numbers 42",
    # texts the screens leave to `re`: an Arabic-Indic digit, a line separator
    "رقم ١٢٣ and mobile 13812345678, Lindenstraße 8",
    "Apt 4\u2028221B Baker Street, card 4111-1111-1111-1111",
    # a NUL inside the text (the screens' sentinel), an empty text, a text longer than a chunk
    "SSN 078-05-1120\x00 card 4111 1111 1111 1111",
    "",
    "filler words " * 900 + "call 13812345678 or dana.reyes@example.com",
    # a review found these read by the screens only: IPv6 shapes without a digit (the gates
    # need one), a long s before a medical licence (its prefilter is case-sensitive)
    "::E and x ::ab",
    "x\u017f3842728 and \u212a3842728",
]


_GATE_PIECES = [*"0123456789", " ", "-", "--", "  ", "a", "é", "@", ".", ":", "/", "１"]


@given(st.lists(st.sampled_from(_GATE_PIECES), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
@example("110105 19491231 002X")
@example("A123 456(3)")
def test_gate_regexes_pass_exactly_the_texts_the_gates_pass(text: str) -> None:
    detector = fast_detector()
    gated = {id(runner) for runner, _ in detector._gate([text], [0])}
    for runner in detector._universal:
        if runner.needs_non_ascii and text.isascii():
            continue  # the ASCII screen does not run such runners at all
        assert (id(runner) in gated) == all(g.search(text) for g in _gate_regexes(runner)), (
            _name_of(runner.recognizer)
        )


def test_engine_finds_the_same_with_and_without_the_screens() -> None:
    settings_ = DetectionSettings(profile="fast")
    plain = Detector(settings_, use_screen=False)
    assert not plain._screenings
    assert set(fast_detector()._screenings) == {False, True}
    assert _findings(fast_detector(), _SAMPLE) == _findings(plain, _SAMPLE)


def test_without_hyperscan_the_engine_uses_re(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hyperscan_screen, "_hyperscan", lambda: None)
    detector = Detector(DetectionSettings(profile="fast"))
    assert not detector._screenings
    assert _findings(detector, _SAMPLE) == _findings(fast_detector(), _SAMPLE)


def test_a_screen_that_cannot_be_built_leaves_the_work_to_re(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no SIMD on this CPU")  # what Hyperscan says on an old CPU

    monkeypatch.setattr(hyperscan_screen, "HyperscanScreen", refuse)
    detector = Detector(DetectionSettings(profile="fast"))
    assert not detector._screenings
    assert _findings(detector, _SAMPLE) == _findings(fast_detector(), _SAMPLE)


def test_a_group_hyperscan_cannot_and_is_screened_by_its_last_regex(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hyperscan refuses the AND of some regexes ("unordered match"); such a group passes on
    # its last regex, and the engine checks the others with `re`. A few real groups are so.
    assert not all(fast_detector()._screenings[False].screen.whole)
    monkeypatch.setenv("TDG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(hyperscan_screen, "_SERIALIZED", {})
    first, last = hyperscan_pattern("q"), hyperscan_pattern("[0-9]{3}x")
    assert first is not None and last is not None
    assert HyperscanScreen([[first, last], [first]]).whole == (True, False)
    assert HyperscanScreen([[first, last], [first]]).passing("123x") == []
    monkeypatch.setattr(hyperscan_screen, "_combinable", lambda *args: False)
    monkeypatch.setattr(hyperscan_screen, "_SERIALIZED", {})
    for cached in tmp_path.glob("*.hsdb"):
        cached.unlink()
    screen = HyperscanScreen([[first, last], [first]])
    assert screen.whole == (False, False)
    assert screen.passing("123x") == [0]
    assert sorted(screen.passing("q 123x")) == [0, 1]


def test_compiled_screens_are_cached_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TDG_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(hyperscan_screen, "_SERIALIZED", {})
    pattern = hyperscan_pattern("cache[0-9]{3}")
    assert pattern is not None
    assert HyperscanScreen([[pattern]]).passing("cache123") == [0]
    (cached,) = tmp_path.glob("screen-*.hsdb")
    # another process loads it; a damaged copy is compiled again and replaced
    monkeypatch.setattr(hyperscan_screen, "_SERIALIZED", {})
    cached.write_bytes(b"not a database")
    assert HyperscanScreen([[pattern]]).passing("cache123") == [0]
    assert cached.read_bytes() != b"not a database"


def test_without_a_cache_directory_the_screen_is_compiled_all_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("TDG_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    monkeypatch.setattr(hyperscan_screen, "_SERIALIZED", {})
    pattern = hyperscan_pattern("nohome[0-9]{2}")
    assert pattern is not None
    assert HyperscanScreen([[pattern]]).passing("nohome12") == [0]
