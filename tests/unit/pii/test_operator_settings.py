"""OperatorSettings: strict config models with documented defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tdg.transforms.pii.operator_settings import OperatorSettings, OperatorSpec


def test_defaults() -> None:
    settings = OperatorSettings()
    assert settings.spec_for("PERSON").name == "surrogate"
    assert settings.spec_for("CN_RESIDENT_ID").name == "surrogate"
    assert settings.spec_for("LOCATION").name == "placeholder"
    assert settings.spec_for("SOMETHING_NEW").name == "placeholder"


def test_parsed_from_config_data() -> None:
    settings = OperatorSettings.model_validate(
        {
            "default": {"name": "redact"},
            "by_entity": {"CREDIT_CARD": {"name": "mask", "params": {"keep_last": 4}}},
        }
    )
    assert settings.spec_for("CREDIT_CARD").presidio_params() == {
        "masking_char": "*",
        "keep_first": 0,
        "keep_last": 4,
    }
    assert settings.spec_for("PERSON").name == "redact"  # by_entity replaces the table


@pytest.mark.parametrize(
    "data",
    [
        {"default": {"name": "hash"}},
        {"default": {"name": "mask", "params": {"key": "00" * 32}}},  # keys never in config
        {"default": {"name": "placeholder", "params": {"keep_last": 4}}},
        {"by_entity": {"person": {"name": "redact"}}},
        {"default": {"name": "mask"}, "extra": 1},
        {"default": {"name": "mask", "params": {"masking_char": "**"}}},
    ],
)
def test_invalid_settings_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        OperatorSettings.model_validate(data)


def test_spec_is_frozen() -> None:
    with pytest.raises(ValidationError):
        OperatorSpec(name="redact").name = "mask"
