"""Placeholder: replace the value with its type, `<PHONE_NUMBER>`. Irreversible and keyless."""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from tdg.transforms.pii.operators.keyed_digest import entity_type_param


def placeholder_for(entity_type: str) -> str:
    """The typed placeholder; also the surrogate fallback for types without a generator."""
    return f"<{entity_type}>"


class Placeholder(Operator):
    """Keeps what kind of thing was there (useful to a model) and nothing about which one."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return placeholder_for(entity_type_param(params))

    def validate(self, params: dict[str, Any] | None = None) -> None:
        return None

    def operator_name(self) -> str:
        return "placeholder"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
