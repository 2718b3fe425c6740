"""The PII stage on the real Beam runner: language routing of mixed text, and the rescan that
quarantines a record whose identifier survives (`residual_pii`) but not one with surrogates."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.checksums import resident_id_check_char
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Finding
from tdg.transforms.pii.operator_settings import OperatorSettings, OperatorSpec
from tdg.transforms.pii.pii_stage import PiiStageSettings, original_keys, residual
from tests.pii_stage_runner import run_pii_stage
from tests.record_factory import synthetic_record

pytestmark = pytest.mark.e2e

# Synthetic: names from the sample generator's pools, a resident ID with region 110105.
ID_BODY = "11010519850612301"
RESIDENT_ID = ID_BODY + resident_id_check_char(ID_BODY)
MIXED = "会议改到三点，请通知 Nancy Nelson 和 Matthew Carter 准时参加，谢谢大家配合。"


def settings(profile: str, **by_entity: OperatorSpec) -> PiiStageSettings:
    operators = OperatorSettings()
    if by_entity:
        operators = OperatorSettings(by_entity={**operators.by_entity, **by_entity})
    return PiiStageSettings(detection=DetectionSettings(profile=profile), operators=operators)


@pytest.mark.parametrize("language", [None, "auto", "zh"])
def test_mixed_text_meets_the_english_ner_whatever_its_language_field(
    language: str | None, keys: KeyRing, tmp_path: Path
) -> None:
    record = synthetic_record(0, "notes", MIXED, language=language)  # type: ignore[arg-type]
    accepted, quarantined = run_pii_stage([record], settings("thorough"), keys, tmp_path)
    assert quarantined == []
    (out,) = accepted
    assert "Nancy Nelson" not in out.text and "Matthew Carter" not in out.text
    assert {e.entity_type for e in out.pii} >= {"PERSON"}
    assert out.language == (language if language not in (None, "auto") else "zh")


def test_an_identifier_an_operator_leaves_intact_is_quarantined(
    keys: KeyRing, tmp_path: Path
) -> None:
    text = f"身份证号码：{RESIDENT_ID}，请核对。"
    keep_all = OperatorSpec(name="mask", params={"keep_last": 18})
    accepted, quarantined = run_pii_stage(
        [synthetic_record(1, "forms", text)],
        settings("fast", CN_RESIDENT_ID=keep_all),
        keys,
        tmp_path,
    )
    assert accepted == []
    (q,) = quarantined
    assert q.reason_code == "residual_pii" and "CN_RESIDENT_ID" in q.reason_detail


def test_surrogates_and_partial_masks_pass_the_rescan(keys: KeyRing, tmp_path: Path) -> None:
    records = [
        synthetic_record(2, "forms", f"身份证号码：{RESIDENT_ID}，请核对。"),
        synthetic_record(3, "forms", "手机 138 1234 5678，车牌京A12345。"),
    ]
    accepted, quarantined = run_pii_stage(
        records,
        settings(
            "fast",
            CN_RESIDENT_ID=OperatorSpec(name="surrogate"),
            PHONE_NUMBER=OperatorSpec(name="mask", params={"keep_last": 4}),
        ),
        keys,
        tmp_path,
    )
    assert quarantined == []
    by_id = {r.record_id: r for r in accepted}
    surrogate_text = by_id[records[0].record_id].text
    assert RESIDENT_ID not in surrogate_text
    assert "5678" in by_id[records[1].record_id].text
    assert "138 1234" not in by_id[records[1].record_id].text


def test_rescan_counts_plates_and_company_codes() -> None:
    text = "车牌京A12345"
    plate = Finding(2, 9, "CN_LICENSE_PLATE", 0.9, "CnLicensePlateRecognizer")
    assert residual([plate], [], text) == [plate]
    assert residual([plate], [(2, 9)], text) == []  # the operator wrote it
    # ... but wrote the same plate back: it survives.
    assert residual([plate], [(2, 9)], text, original_keys(text, [plate])) == [plate]
    assert residual([dataclasses.replace(plate, recognizer="CnUsccRecognizer")], [], text)


def test_a_run_narrowed_to_some_types_still_rescans_for_all(keys: KeyRing, tmp_path: Path) -> None:
    narrowed = PiiStageSettings(
        detection=DetectionSettings(profile="fast", entities=["PHONE_NUMBER"]),
        operators=OperatorSettings(),
    )
    text = f"手机13812345678，身份证号码：{RESIDENT_ID}。"
    accepted, quarantined = run_pii_stage(
        [synthetic_record(4, "forms", text)], narrowed, keys, tmp_path
    )
    assert accepted == []
    (q,) = quarantined
    assert q.reason_code == "residual_pii" and "CN_RESIDENT_ID" in q.reason_detail
