"""The detector must work with no network at all: building it (spaCy, the Chinese NER model)
and detecting e-mails and URLs (whose Presidio validators use tldextract's public suffix list)
must not try to connect."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tdg.transforms.pii import chinese_ner
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise NetworkUsed(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.mark.parametrize("profile", ["fast", "thorough"])
def test_detects_offline(no_network: list[Any], profile: str) -> None:
    chinese_ner._loaded_tagger.cache_clear()  # the model loads here, not in an earlier test
    detector = Detector(DetectionSettings(profile=profile))  # type: ignore[arg-type]
    text = (
        "Write to jane.doe@example.co.uk or visit https://www.example.org/about, "
        "phone +1 415 867 5309, 手机 13812345678, 联系人晓红。"
    )
    found = {(text[f.start : f.end], f.entity_type) for f in detector.detect(text)}
    assert ("jane.doe@example.co.uk", "EMAIL_ADDRESS") in found
    assert any(kind == "URL" and "example.org" in value for value, kind in found)
    assert ("13812345678", "PHONE_NUMBER") in found
    assert any(kind == "PHONE_NUMBER" and "867" in value for value, kind in found)
    if profile == "thorough":
        assert detector.detect("昨天晓红和建国去看电影了。")[0].recognizer == "LacChineseNer"
    assert no_network == []
