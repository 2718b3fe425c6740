"""Mask: hide characters behind a mask character, optionally keeping the first / last few.

Only letters and digits are masked and counted; separators stay, so `138 1234 5678` with
`keep_last=4` becomes `*** **** 5678`. Irreversible and keyless; what is kept is kept in clear,
so keep counts small (card numbers: last 4, as on receipts).
"""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.entities import InvalidParamError
from presidio_anonymizer.operators import Operator, OperatorType

DEFAULT_MASKING_CHAR = "*"


class Mask(Operator):
    """params: `masking_char` (one character, default `*`), `keep_first`, `keep_last` (0)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        params = params or {}
        char = params.get("masking_char", DEFAULT_MASKING_CHAR)
        keep_first = int(params.get("keep_first", 0))
        keep_last = int(params.get("keep_last", 0))
        content = sum(1 for c in text if c.isalnum())
        out: list[str] = []
        seen = 0
        for c in text:
            if not c.isalnum():
                out.append(c)
                continue
            kept = seen < keep_first or seen >= content - keep_last
            out.append(c if kept else char)
            seen += 1
        return "".join(out)

    def validate(self, params: dict[str, Any] | None = None) -> None:
        params = params or {}
        char = params.get("masking_char", DEFAULT_MASKING_CHAR)
        if not isinstance(char, str) or len(char) != 1:
            raise InvalidParamError("mask: masking_char must be exactly one character")
        for name in ("keep_first", "keep_last"):
            value = params.get(name, 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidParamError(f"mask: {name} must be a non-negative integer")

    def operator_name(self) -> str:
        return "mask"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
