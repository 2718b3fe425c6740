"""Redact: remove the value. Irreversible and keyless, so it keeps a record `anonymized`."""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType


class Redact(Operator):
    """Replaces the value with nothing (the surrounding text closes up)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return ""

    def validate(self, params: dict[str, Any] | None = None) -> None:
        return None

    def operator_name(self) -> str:
        return "redact"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
