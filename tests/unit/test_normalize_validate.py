import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from tdg.pipelines.config import SourceConfig
from tdg.transforms.normalize import normalize_record, normalize_text
from tdg.transforms.records import Quarantined, Record
from tdg.transforms.validate import validate_record
from tests.unit.test_records import make_record


def test_nfc_controls_and_invisible_characters() -> None:
    text, notes = normalize_text("Cafe\u0301\x00 ok\u200b\tend\n")
    assert text == "Café ok\tend\n"
    assert notes == [
        "normalize.nfc",
        "normalize.removed_invisible=1",
        "normalize.removed_control=1",
    ]
    assert normalize_text("plain ascii\n") == ("plain ascii\n", [])


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once, _ = normalize_text(text)
    assert normalize_text(once) == (once, [])


def test_normalize_record_records_what_was_done() -> None:
    r = dataclasses.replace(make_record(), text="a\x00b", transformations=[])
    out = normalize_record(r)
    assert out.text == "ab" and out.transformations == ["normalize.removed_control=1"]
    assert out.output_sha256 != r.output_sha256 and out.content_sha256 == r.content_sha256


SOURCE = SourceConfig.model_validate(
    {
        "id": "src",
        "uri": "x",
        "format": "jsonl",
        "kind": "web_crawl",
        "licence": "CC0-1.0",
        "evidence": "log",
        "fields": {"robots": "robots"},
    }
)


def test_validate_quarantines_empty_long_unlicensed_and_disallowed() -> None:
    r = make_record()
    assert validate_record(r, SOURCE, None) is r
    empty = validate_record(dataclasses.replace(r, text=" \n"), SOURCE, None)
    assert isinstance(empty, Quarantined) and empty.reason_code == "empty_text"
    long = validate_record(r, SOURCE, 3)
    assert isinstance(long, Quarantined) and long.reason_code == "text_too_long"
    unlicensed = validate_record(r, SOURCE.model_copy(update={"licence": None}), None)
    assert isinstance(unlicensed, Quarantined) and unlicensed.reason_code == "missing_provenance"
    blocked = dataclasses.replace(r, metadata={"robots": "disallowed"})
    out = validate_record(blocked, SOURCE, None)
    assert isinstance(out, Quarantined) and out.reason_code == "robots_disallowed"
    assert isinstance(validate_record(r, SOURCE, None), Record)


def test_validate_quarantines_a_language_tdg_cannot_check() -> None:
    r = make_record()
    for supported in (None, "auto", "zh-CN", "en", "mixed"):
        record = dataclasses.replace(r, language=supported)
        assert validate_record(record, SOURCE, None) is record  # passed on untouched
        assert isinstance(validate_record(record, SOURCE, None), Record)
    french = validate_record(dataclasses.replace(r, language="fr"), SOURCE, None)
    assert isinstance(french, Quarantined) and french.reason_code == "unsupported_language"
    assert "'fr'" in french.reason_detail
    wrong_column = dataclasses.replace(r, language="Call Jane Roe on 138 1234 5678")
    hidden = validate_record(wrong_column, SOURCE, None)
    assert isinstance(hidden, Quarantined) and hidden.reason_code == "unsupported_language"
    assert "Jane" not in hidden.reason_detail and "not a language tag" in hidden.reason_detail
