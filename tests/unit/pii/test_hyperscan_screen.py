"""The Hyperscan screens in the engine: the same findings with them as without them (or
without Hyperscan, or when a screen cannot be built); compiled screens cached on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tdg.transforms.pii import hyperscan_screen
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector
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
]


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
