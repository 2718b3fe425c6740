"""Surrogate: a realistic fake of the same kind and layout, e.g. `154 0938 2271` for a mobile.

Deterministic per key, entity type and normalized value: one person's number gets one
surrogate everywhere, so a model still sees that two mentions are the same, and the text stays
natural. Never a real identifier by construction (the ranges are in surrogate_values.py).
Keyed, so whoever holds the `pseudonym` key can test a guess: the output is de-identified
(PIPL Art. 73). Types without a generator, and values in a form a generator does not know,
get the typed placeholder instead.
"""

from __future__ import annotations

from typing import Any

from presidio_anonymizer.operators import Operator, OperatorType

from tdg.transforms.pii.operators.keyed_digest import entity_type_param, key_param, keyed_digest
from tdg.transforms.pii.operators.placeholder import placeholder_for
from tdg.transforms.pii.operators.surrogate_values import GENERATORS, Draw
from tdg.transforms.pii.value_normalization import normalize_value

SURROGATE_DOMAIN = b"tdg-surrogate-v1"
_ATTEMPTS = 4


def has_generator(entity_type: str) -> bool:
    """Whether `surrogate` really forges this type (else it writes the typed placeholder)."""
    return entity_type in GENERATORS


def surrogate_value(entity_type: str, value: str, key: bytes) -> str:
    """The surrogate for one value, or the typed placeholder."""
    generator = GENERATORS.get(entity_type)
    if generator is None:
        return placeholder_for(entity_type)
    normalized = normalize_value(entity_type, value)
    seed = keyed_digest(key, SURROGATE_DOMAIN, entity_type, normalized)
    for attempt in range(_ATTEMPTS):
        fake = generator(Draw(seed + bytes([attempt])), value, normalized)
        if fake is None:
            return placeholder_for(entity_type)
        if normalize_value(entity_type, fake) != normalized:  # pools can redraw the original
            return fake
    return placeholder_for(entity_type)


class Surrogate(Operator):
    """params: `key` (bytes, the `pseudonym` key, injected), `entity_type` (set by the engine)."""

    def operate(self, text: str, params: dict[str, Any] | None = None) -> str:
        return surrogate_value(entity_type_param(params), text, key_param(params))

    def validate(self, params: dict[str, Any] | None = None) -> None:
        key_param(params)

    def operator_name(self) -> str:
        return "surrogate"

    def operator_type(self) -> OperatorType:
        return OperatorType.Anonymize
