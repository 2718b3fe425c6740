"""Which operator de-identifies which entity type: the `deidentify` section of a run config.

Defaults, and why:
- Identifiers whose surrogates come from never-issued ranges (resident IDs, bank cards,
  phones, e-mails, HK/TW IDs, passports, USCCs, plates, IPs, SSNs) and PERSON / CN_ADDRESS get
  `surrogate`: the text stays natural training text (a model learns what a phone number looks
  like, not anyone's number), mentions of one value stay consistent, and check characters stay
  valid, so nothing downstream trips over broken formats.
- Everything else gets `placeholder`: LOCATION and URL findings are often public places and
  sites, where an invented city would put false facts into the corpus; DATE_TIME, NRP, IBAN and
  types without a generator have no safe fake.
Keyed surrogates make a record `de-identified`, not `anonymized` (PIPL Art. 73). For output
that is anonymized, configure only `redact`, `placeholder` or `mask`.

Key bytes are never configured here: keyed operators get them from a KeyRing at run time.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tdg.transforms.pii.entities import check_entity_names

OperatorName = Literal["redact", "placeholder", "mask", "keyed_pseudonym", "surrogate", "encrypt"]

_MASK_PARAMS = frozenset({"masking_char", "keep_first", "keep_last"})
_PSEUDONYM_PARAMS = frozenset({"token_chars"})
_PARAMS_BY_OPERATOR: dict[str, frozenset[str]] = {
    "mask": _MASK_PARAMS,
    "keyed_pseudonym": _PSEUDONYM_PARAMS,
}


class OperatorParams(BaseModel):
    """Operator parameters a config may set (keys are injected by code, never configured)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    masking_char: str = Field(
        default="*", min_length=1, max_length=1, description="mask: the character"
    )
    keep_first: int = Field(default=0, ge=0, le=64, description="mask: leading letters/digits kept")
    keep_last: int = Field(default=0, ge=0, le=64, description="mask: trailing letters/digits kept")
    token_chars: int = Field(
        default=12, ge=8, le=64, description="keyed_pseudonym: hex digits in token"
    )


class OperatorSpec(BaseModel):
    """One operator and its parameters, e.g. `{name: mask, params: {keep_last: 4}}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: OperatorName
    params: OperatorParams = OperatorParams()

    @model_validator(mode="after")
    def _params_belong_to_operator(self) -> OperatorSpec:
        allowed = _PARAMS_BY_OPERATOR.get(self.name, frozenset())
        stray = sorted(self.params.model_fields_set - allowed)
        if stray:
            raise ValueError(f"{', '.join(stray)} do not apply to operator {self.name}")
        return self

    def presidio_params(self) -> dict[str, object]:
        """The parameters the operator reads (only those that apply to it)."""
        allowed = _PARAMS_BY_OPERATOR.get(self.name, frozenset())
        return {k: v for k, v in self.params.model_dump().items() if k in allowed}


def _spec(name: OperatorName) -> OperatorSpec:
    return OperatorSpec(name=name)


DEFAULT_BY_ENTITY: dict[str, OperatorSpec] = {
    entity_type: _spec("surrogate")
    for entity_type in (
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "CN_RESIDENT_ID",
        "HK_ID",
        "TW_ID",
        "CN_PASSPORT",
        "CN_USCC",
        "CN_LICENSE_PLATE",
        "CN_ADDRESS",
        "IP_ADDRESS",
        "US_SSN",
    )
}


class OperatorSettings(BaseModel):
    """`default` applies to every entity type not named in `by_entity`.

    `by_entity` given in a config replaces the built-in table as a whole, so what a run does is
    exactly what its config says.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: OperatorSpec = _spec("placeholder")
    by_entity: dict[str, OperatorSpec] = Field(default_factory=lambda: dict(DEFAULT_BY_ENTITY))

    @field_validator("by_entity")
    @classmethod
    def _entity_names(cls, value: dict[str, OperatorSpec]) -> dict[str, OperatorSpec]:
        check_entity_names(value)
        return value

    def spec_for(self, entity_type: str) -> OperatorSpec:
        return self.by_entity.get(entity_type, self.default)

    def operator_names(self) -> set[str]:
        return {self.default.name, *(spec.name for spec in self.by_entity.values())}
