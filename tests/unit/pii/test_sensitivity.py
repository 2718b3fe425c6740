"""Sensitivity classes (issue 3, clause 7): which entity types are sensitive PI (PIPL Art. 28),
direct or quasi-identifiers; every type a recognizer can report is classed; the class reaches
the per-record `pii` summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration

from tdg.transforms.keys import KeyRing, init_keys
from tdg.transforms.pii.checksums import luhn_check_digit
from tdg.transforms.pii.deidentify import Deidentifier
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector
from tdg.transforms.pii.entities import (
    NOT_PERSONAL_BY_DEFAULT,
    SENSITIVITY,
    Sensitivity,
    sensitivity_of,
)
from tdg.transforms.pii.operator_settings import OperatorSettings, OperatorSpec
from tdg.transforms.pii.recognizers import build_recognizers
from tests.detectors import fast_detector


@pytest.mark.parametrize(
    ("entity_type", "expected"),
    [
        # PIPL Art. 28: specific identity and financial accounts need separate consent
        ("CN_RESIDENT_ID", Sensitivity.SENSITIVE),
        ("CREDIT_CARD", Sensitivity.SENSITIVE),  # bank cards are reported as CREDIT_CARD
        ("CN_PASSPORT", Sensitivity.SENSITIVE),
        ("CN_HOME_RETURN_PERMIT", Sensitivity.SENSITIVE),
        ("HK_ID", Sensitivity.SENSITIVE),
        ("TW_ID", Sensitivity.SENSITIVE),
        # identify a person on their own
        ("PHONE_NUMBER", Sensitivity.DIRECT),
        ("EMAIL_ADDRESS", Sensitivity.DIRECT),
        ("PERSON", Sensitivity.DIRECT),
        # identify in combination
        ("LOCATION", Sensitivity.QUASI),
        ("CN_ADDRESS", Sensitivity.QUASI),
        ("CN_LICENSE_PLATE", Sensitivity.QUASI),
        ("CN_USCC", Sensitivity.QUASI),
    ],
)
def test_entity_type_classes(entity_type: str, expected: Sensitivity) -> None:
    assert SENSITIVITY[entity_type] is expected
    assert sensitivity_of(entity_type) is expected


def test_class_names_written_to_the_pii_column() -> None:
    """Stored in every record's `pii` entries and read by the consent stage: a rename breaks
    datasets already written."""
    assert {s.value for s in Sensitivity} == {
        "direct_identifier",
        "quasi_identifier",
        "sensitive_pi",
    }


def test_unknown_types_default_to_direct_identifier() -> None:
    assert sensitivity_of("SOME_NEW_TYPE") is Sensitivity.DIRECT


def tdg_recognizer_entities() -> set[str]:
    return {e for r in build_recognizers(("en", "zh")) for e in r.supported_entities}


def presidio_pattern_entities() -> set[str]:
    """What the fast Detector's Presidio pattern runners may report (NER excluded: the engine
    runs spaCy itself): the recognizers exactly as the engine loads them."""
    return {
        e
        for runner in fast_detector()._universal
        if runner.identifier is None
        for e in runner.entities
    }


def default_model_ner_entities() -> set[str]:
    """Presidio types the default spaCy model's NER labels map to (the engine adds FAC)."""
    model = DetectionSettings().spacy_model
    ner: Any = spacy.load(model).get_pipe("ner")
    labels: tuple[str, ...] = ner.labels
    mapping = {**(NerModelConfiguration().model_to_presidio_entity_mapping or {})}
    mapping["FAC"] = "LOCATION"
    return {mapping[label] for label in labels if label in mapping} - NOT_PERSONAL_BY_DEFAULT


def test_every_type_tdg_recognizers_report_is_classed() -> None:
    entities = tdg_recognizer_entities()
    assert {"CN_RESIDENT_ID", "CREDIT_CARD", "PERSON", "CN_ADDRESS"} <= entities  # enumerated
    assert entities - SENSITIVITY.keys() == set()


def test_every_type_the_default_ner_model_reports_is_classed() -> None:
    entities = default_model_ner_entities()
    assert {"PERSON", "LOCATION"} <= entities
    assert entities - SENSITIVITY.keys() == set()


def test_every_type_presidio_pattern_recognizers_report_is_classed() -> None:
    entities = presidio_pattern_entities()
    assert {"EMAIL_ADDRESS", "IBAN_CODE", "US_SSN"} <= entities  # enumerated
    assert entities - SENSITIVITY.keys() == set()


# A UnionPay-range card number, Luhn-valid (synthetic).
CARD_BODY = "622202123456789012"
CARD = CARD_BODY + luhn_check_digit(CARD_BODY)


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    directory: Path = tmp_path_factory.mktemp("keys")
    init_keys(directory)
    return KeyRing(str(directory))


def test_deidentified_bank_card_is_summarized_as_sensitive_pi(keyring: KeyRing) -> None:
    text = f"请把退款打到我的银行卡，卡号 {CARD}，谢谢。"
    findings = Detector(DetectionSettings(profile="fast")).detect(text, "zh")
    assert [(text[f.start : f.end], f.entity_type) for f in findings] == [(CARD, "CREDIT_CARD")]
    settings = OperatorSettings(default=OperatorSpec(name="placeholder"), by_entity={})
    result = Deidentifier(settings, keyring).apply(text, findings)
    assert CARD not in result.text
    assert [(p.entity_type, p.count, p.sensitivity) for p in result.pii] == [
        ("CREDIT_CARD", 1, "sensitive_pi")
    ]
