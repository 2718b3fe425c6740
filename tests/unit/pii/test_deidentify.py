"""Deidentifier: keys, overlaps, offsets, consistency across records and runs, summary, status."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tdg.transforms.errors import UserError
from tdg.transforms.keys import KeyRing, init_keys
from tdg.transforms.pii.deidentify import Deidentifier, resolve_overlaps
from tdg.transforms.pii.fingerprint import fingerprint
from tdg.transforms.pii.operator_settings import OperatorSettings, OperatorSpec
from tdg.transforms.pii.operators.encrypt import decrypt_tokens
from tdg.transforms.records import PII_ANONYMIZED, PII_DEIDENTIFIED, PII_NONE


@dataclass(frozen=True, slots=True)
class Finding:
    """Stands in for tdg.transforms.pii.engine.Finding (same attributes)."""

    start: int
    end: int
    entity_type: str
    score: float = 0.9
    recognizer: str = "test"


def find(text: str, value: str, entity_type: str, occurrence: int = 0) -> Finding:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(value, start + 1)
    return Finding(start, start + len(value), entity_type)


RECORD = "联系人张三，手机138 1234 5678，身份证11010519491231002X，邮箱 zhang.san@qq.com。"
VALUES = {
    "张三": "PERSON",
    "138 1234 5678": "PHONE_NUMBER",
    "11010519491231002X": "CN_RESIDENT_ID",
    "zhang.san@qq.com": "EMAIL_ADDRESS",
}
FINDINGS = [find(RECORD, v, t) for v, t in VALUES.items()]


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    directory = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    return KeyRing(str(directory))


@pytest.fixture(scope="module")
def other_keyring(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    directory = tmp_path_factory.mktemp("other-keys")
    init_keys(directory)
    return KeyRing(str(directory))


def only(name: str, **params: object) -> OperatorSettings:
    return OperatorSettings(default=OperatorSpec(name=name, params=params), by_entity={})


def test_defaults_replace_every_value_and_report_counts_not_values(keyring: KeyRing) -> None:
    result = Deidentifier(OperatorSettings(), keyring).apply(RECORD, FINDINGS)
    for value in VALUES:
        assert value not in result.text
        assert value not in repr(result.pii)
    assert result.text.startswith("联系人") and result.text.endswith("。")
    assert re.search(r"手机154 [0-9]{4} [0-9]{4}，", result.text)
    assert {(p.entity_type, p.count, p.operator) for p in result.pii} == {
        (t, 1, "surrogate") for t in VALUES.values()
    }
    sensitivity = {p.entity_type: p.sensitivity for p in result.pii}
    assert sensitivity["CN_RESIDENT_ID"] == "sensitive_pi"
    assert sensitivity["PERSON"] == "direct_identifier"
    assert result.status == PII_DEIDENTIFIED


def test_pseudonyms_are_consistent_across_records_and_runs(
    keyring: KeyRing, other_keyring: KeyRing
) -> None:
    first_run = Deidentifier(only("keyed_pseudonym"), keyring)
    second_run = Deidentifier(only("keyed_pseudonym"), keyring)
    a = first_run.apply(RECORD, FINDINGS).text
    other_record = "客户 138-1234-5678 来电"
    b = second_run.apply(other_record, [find(other_record, "138-1234-5678", "PHONE_NUMBER")]).text
    token = re.search(r"<PHONE_NUMBER_[bcdfghjkmnpqrstv]{12}>", a)
    assert token is not None and b == f"客户 {token.group()} 来电"
    assert a == second_run.apply(RECORD, FINDINGS).text
    c = Deidentifier(only("keyed_pseudonym"), other_keyring).apply(RECORD, FINDINGS).text
    assert token.group() not in c


def test_surrogates_are_consistent_across_runs(keyring: KeyRing, other_keyring: KeyRing) -> None:
    one = Deidentifier(OperatorSettings(), keyring).apply(RECORD, FINDINGS).text
    assert one == Deidentifier(OperatorSettings(), keyring).apply(RECORD, FINDINGS).text
    assert one != Deidentifier(OperatorSettings(), other_keyring).apply(RECORD, FINDINGS).text


def test_encryption_round_trip(keyring: KeyRing) -> None:
    result = Deidentifier(only("encrypt"), keyring).apply(RECORD, FINDINGS)
    assert result.status == PII_DEIDENTIFIED
    assert decrypt_tokens(result.text, keyring.symmetric("encryption")) == RECORD


def test_irreversible_operators_give_anonymized_and_no_findings_give_none(
    keyring: KeyRing,
) -> None:
    settings_ = OperatorSettings(
        default=OperatorSpec(name="placeholder"),
        by_entity={"PHONE_NUMBER": OperatorSpec(name="mask", params={"keep_last": 4})},
    )
    result = Deidentifier(settings_, keyring).apply(RECORD, FINDINGS)
    assert result.text == (
        "联系人<PERSON>，手机*** **** 5678，身份证<CN_RESIDENT_ID>，邮箱 <EMAIL_ADDRESS>。"
    )
    assert result.status == PII_ANONYMIZED
    assert Deidentifier(settings_, keyring).apply(RECORD, []).status == PII_NONE
    # a surrogate for a type without a generator is really a placeholder: still anonymized
    d = Deidentifier(only("surrogate"), keyring)
    dated = d.apply("on 2024-01-01", [Finding(3, 13, "DATE_TIME")])
    assert dated.text == "on <DATE_TIME>" and dated.status == PII_ANONYMIZED


def test_missing_needed_key_is_a_user_error_and_unneeded_keys_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PSEUDONYM", "ENCRYPTION", "FINGERPRINT"):
        monkeypatch.delenv(f"TDG_KEY_{name}", raising=False)
    empty = KeyRing(str(tmp_path))
    with pytest.raises(UserError, match="missing pseudonym key"):
        Deidentifier(OperatorSettings(), empty, fingerprints=False)
    with pytest.raises(UserError, match="missing fingerprint key"):
        Deidentifier(only("placeholder"), empty)
    Deidentifier(only("placeholder"), empty, fingerprints=False)  # needs no key at all
    monkeypatch.setenv("TDG_KEY_ENCRYPTION", "ab" * 32)
    Deidentifier(only("encrypt"), empty, fingerprints=False)


def test_overlapping_findings_are_merged_so_nothing_is_left_in_clear(keyring: KeyRing) -> None:
    text = "地址浙江省杭州市西湖区文三路100号张三收"
    address = find(text, "浙江省杭州市西湖区文三路100号", "CN_ADDRESS")
    inner = find(text, "杭州市", "LOCATION")
    straddling = Finding(address.end - 2, address.end + 2, "PERSON", 0.95)  # "0号张三"
    spans = resolve_overlaps([inner, straddling, address], len(text))
    assert [(s.start, s.end, s.entity_type) for s in spans] == [
        (address.start, straddling.end, "CN_ADDRESS")
    ]
    result = Deidentifier(only("placeholder"), keyring).apply(text, [inner, straddling, address])
    assert result.text == "地址<CN_ADDRESS>收"
    assert {p.entity_type for p in result.pii} == {"CN_ADDRESS", "LOCATION", "PERSON"}


def test_findings_outside_the_text_are_a_bug(keyring: KeyRing) -> None:
    with pytest.raises(ValueError, match="outside"):
        Deidentifier(only("redact"), keyring).apply("short", [Finding(2, 9, "PERSON")])


def test_presidio_engine_and_direct_pass_agree(keyring: KeyRing) -> None:
    for settings_ in (OperatorSettings(), only("keyed_pseudonym"), only("mask", keep_last=2)):
        direct = Deidentifier(settings_, keyring).apply(RECORD, FINDINGS)
        engine = Deidentifier(settings_, keyring, use_presidio_engine=True).apply(RECORD, FINDINGS)
        assert direct == engine


NAMES = st.sampled_from(["张三", "李四", "John Smith", "王小明"])
PHONES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, PHONES, st.sampled_from(["，", " and ", "；电话"])), max_size=5))
def test_many_findings_with_changing_lengths(
    keyring: KeyRing, parts: list[tuple[str, str, str]]
) -> None:
    text, findings = "", []
    for name, phone, glue in parts:
        for value, entity_type in ((name, "PERSON"), (phone, "PHONE_NUMBER")):
            findings.append(Finding(len(text), len(text) + len(value), entity_type))
            text += value + glue
    d = Deidentifier(only("keyed_pseudonym"), keyring)
    out = d.apply(text, findings).text
    tokens = re.findall(r"<(PERSON|PHONE_NUMBER)_[bcdfghjkmnpqrstv]{12}>", out)
    assert tokens == [t for _, _, _ in parts for t in ("PERSON", "PHONE_NUMBER")]
    assert re.sub(r"<[A-Z_]+_[bcdfghjkmnpqrstv]{12}>", "", out) == "".join(
        g + g for _, _, g in parts
    )
    for name, phone, _ in parts:
        assert phone not in out and name not in out


def test_fingerprints_of_direct_and_sensitive_identifiers(keyring: KeyRing) -> None:
    text = RECORD + " 住在杭州，手机 +86 138-1234-5678"
    findings = [
        *FINDINGS,
        find(text, "杭州", "LOCATION", 0),
        find(text, "+86 138-1234-5678", "PHONE_NUMBER"),
    ]
    pairs = Deidentifier(only("placeholder"), keyring).fingerprints(text, findings)
    key = keyring.symmetric("fingerprint")
    assert pairs == [(t, fingerprint(t, v, key)) for v, t in VALUES.items()]  # phone once
    assert not any(v in repr(pairs) for v in VALUES)


def test_redact_removes_every_value_and_keeps_the_record_anonymized(keyring: KeyRing) -> None:
    redact = OperatorSettings(default=OperatorSpec(name="redact"), by_entity={})
    result = Deidentifier(redact, keyring).apply(RECORD, FINDINGS)
    for value in VALUES:
        assert value not in result.text
    assert result.text == "联系人，手机，身份证，邮箱 。"
    assert result.replaced == ((3, 3), (6, 6), (10, 10), (14, 14))  # empty, where values were
    assert sorted((p.entity_type, p.count, p.operator) for p in result.pii) == sorted(
        (t, 1, "redact") for t in VALUES.values()
    )
    assert result.status == PII_ANONYMIZED


def test_online_accounts_get_the_typed_placeholder_and_a_fingerprint(keyring: KeyRing) -> None:
    text = "加我QQ1234567890或微信号 zhang_san88"  # synthetic
    findings = [find(text, "1234567890", "QQ_NUMBER"), find(text, "zhang_san88", "WECHAT_ID")]
    deidentifier = Deidentifier(OperatorSettings(), keyring)
    result = deidentifier.apply(text, findings)
    assert result.text == "加我QQ<QQ_NUMBER>或微信号 <WECHAT_ID>"
    assert {p.sensitivity for p in result.pii} == {"direct_identifier"}
    key = keyring.symmetric("fingerprint")
    assert set(deidentifier.fingerprints(text, findings)) == {
        ("QQ_NUMBER", fingerprint("QQ_NUMBER", "1234567890", key)),
        ("WECHAT_ID", fingerprint("WECHAT_ID", "Zhang_San88", key)),
    }


@pytest.mark.parametrize("operator", ["surrogate", "keyed_pseudonym", "encrypt"])
def test_kept_outputs_of_repeated_values_equal_fresh_ones_and_stay_bounded(
    keyring: KeyRing, operator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tdg.transforms.pii.deidentify._MEMO_SIZE", 3)
    kept = Deidentifier(only(operator), keyring)
    names = ["Dana Reyes", "Lee Park", "Dana Reyes", "Ana Silva", "Tom Baker", "Lee Park"]
    for name in names + names[::-1]:
        text = f"Call {name} on 138 1234 5678 today"
        findings = [find(text, name, "PERSON"), find(text, "138 1234 5678", "PHONE_NUMBER")]
        fresh = Deidentifier(only(operator), keyring).apply(text, findings)
        assert kept.apply(text, findings) == fresh
        assert len(kept._memo) <= 3
