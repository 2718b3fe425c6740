"""The legal-basis policy: which bases are tried in which order and what each one requires.

Loaded from `configs/policy.yaml` (or the run config's `policy:` path); its sha256 is stamped on
every record as `policy_sha256`, so a certificate names the exact rules that admitted a record.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tdg.pipelines.config import load_yaml_model
from tdg.transforms.consent_registry import ConsentType
from tdg.transforms.legal_basis import GdprBasis, LegalBasis, Vocabulary


class ReasonCode(StrEnum):
    """Why the legal-basis stage quarantined a record."""

    NO_LEGAL_BASIS = "no_legal_basis"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_PURPOSE_MISMATCH = "consent_purpose_mismatch"
    SENSITIVE_WITHOUT_SEPARATE_CONSENT = "sensitive_without_separate_consent"
    MINOR_WITHOUT_GUARDIAN_CONSENT = "minor_without_guardian_consent"
    SUBJECT_REFUSED = "subject_refused"
    SOURCE_OPTED_OUT = "source_opted_out"


# Anonymizing cannot cure these: the subject said no, or the rights holder reserved the text.
NEVER_ANONYMIZE = {
    ReasonCode.CONSENT_WITHDRAWN,
    ReasonCode.SUBJECT_REFUSED,
    ReasonCode.SOURCE_OPTED_OUT,
}


class BasisStep(StrEnum):
    RECORD_FIELD = "record_field"  # the record's own `record_basis_field` in its metadata
    CONSENT_REGISTRY = "consent_registry"  # the subject has consents in the registry
    SOURCE_DECLARED = "source_declared"  # the source's `default_legal_basis`


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConsentRules(Strict):
    """PIPL Art. 14-16: consent is specific to a purpose, revocable, and may lapse."""

    accepted_types: list[ConsentType] = Field(
        default_factory=lambda: [
            ConsentType.EXPLICIT,
            ConsentType.SEPARATE,
            ConsentType.WRITTEN,
            ConsentType.GUARDIAN,
        ],
        description="consent types that count at all (implied consent is off by default)",
    )
    consent_ref_field: str = Field(
        default="consent_ref",
        description="metadata field naming the consent a record was collected under; when "
        "present only that consent id is considered",
    )


class SensitiveRules(Strict):
    """PIPL Art. 28-29: sensitive PI needs separate consent."""

    accepted_consent_types: list[ConsentType] = Field(
        default_factory=lambda: [ConsentType.SEPARATE, ConsentType.WRITTEN]
    )
    applies: Literal["always", "consent_basis"] = Field(
        default="always",
        description="always: sensitive PI needs separate consent whatever the basis; "
        "consent_basis: only when the basis is consent",
    )
    removed_by_operators: list[str] = Field(
        default_factory=lambda: ["redact", "replace", "mask", "drop"],
        description="PII operators that remove the value irreversibly: such entries no longer "
        "count as held sensitive PI",
    )


class MinorRules(Strict):
    """PIPL Art. 31: subjects under 14 need their guardian's consent.

    A subject is a minor when a consent row says `subject_is_minor` or its `subject_birth_date`
    is under `age` years before the run time, or the record's metadata says so in
    `is_minor_field` / `birth_date_field`. Unknown means not known to be a minor.
    """

    age: int = Field(default=14, ge=1, le=21)
    applies: Literal["always", "consent_basis"] = "always"
    is_minor_field: str = "is_minor"
    birth_date_field: str = "birth_date"


class OptOutRules(Strict):
    """AI Act Art. 53(1)(c): honour text-and-data-mining reservations by host (and subdomains)."""

    url_field: str = Field(default="url", description="metadata field holding the record's URL")


class AnonymizedRules(Strict):
    """PIPL Art. 4, 73: anonymized information is not PI and needs no basis."""

    allowed: bool = Field(
        default=True,
        description="records with pii_status anonymized, or none with no PI found, get basis "
        "`anonymized`",
    )
    subject_linked: bool = Field(
        default=False,
        description="also for records that carry a subject_id (off: a record linked to a "
        "person stays personal even when its text holds no PI)",
    )


class Policy(Strict):
    version: str
    purpose: str = Field(
        description="the processing purpose consents must name, e.g. model_training"
    )
    basis_order: list[BasisStep] = Field(
        default_factory=lambda: [
            BasisStep.RECORD_FIELD,
            BasisStep.CONSENT_REGISTRY,
            BasisStep.SOURCE_DECLARED,
        ],
        min_length=1,
        description="the first step that yields a claim decides the record",
    )
    record_basis_field: str = "legal_basis"
    record_basis_reference_field: str = Field(
        default="basis_reference",
        description="metadata field with a contract id or other evidence for a record's own basis",
    )
    allowed_bases: list[LegalBasis] = Field(
        default_factory=lambda: list[LegalBasis](
            b for b in LegalBasis if b is not LegalBasis.ANONYMIZED
        ),
        description="bases this policy accepts at all; others are treated as no basis",
    )
    refusal_applies_to: list[LegalBasis] = Field(
        default_factory=lambda: [
            LegalBasis.CONSENT,
            LegalBasis.PUBLIC_DISCLOSURE,
            LegalBasis.NEWS_REPORTING,
        ],
        description="bases an express refusal defeats (PIPL Art. 27 for public_disclosure)",
    )
    consent: ConsentRules = Field(default_factory=ConsentRules)
    sensitive_pi: SensitiveRules = Field(default_factory=SensitiveRules)
    minors: MinorRules = Field(default_factory=MinorRules)
    opt_out: OptOutRules = Field(default_factory=OptOutRules)
    anonymized: AnonymizedRules = Field(default_factory=AnonymizedRules)
    on_missing_basis: Literal["quarantine", "anonymize"] = "quarantine"
    anonymize_reasons: list[ReasonCode] = Field(
        default_factory=lambda: [ReasonCode.NO_LEGAL_BASIS],
        description="with on_missing_basis: anonymize, the reasons that send a record to "
        "irreversible anonymization instead of quarantine",
    )
    jurisdictions: dict[str, Vocabulary] = Field(
        default_factory=lambda: {"EU": Vocabulary.GDPR, "EEA": Vocabulary.GDPR},
        description="jurisdiction -> vocabulary of declared bases; unlisted ones use pipl",
    )
    gdpr_basis_map: dict[GdprBasis, LegalBasis | None] = Field(
        default_factory=dict, description="overrides of the GDPR Art. 6 -> PIPL Art. 13 mapping"
    )

    @model_validator(mode="after")
    def _check(self) -> Policy:
        if len(set(self.basis_order)) != len(self.basis_order):
            raise ValueError("basis_order: each step at most once")
        bad = sorted(set(self.anonymize_reasons) & NEVER_ANONYMIZE)
        if bad:
            raise ValueError(f"anonymize_reasons: {', '.join(bad)} cannot be cured by anonymizing")
        return self

    def vocabulary(self, jurisdiction: str | None) -> Vocabulary:
        return self.jurisdictions.get((jurisdiction or "").upper(), Vocabulary.PIPL)


DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "configs" / "policy.yaml"


def load_policy(path: str | Path = DEFAULT_POLICY_PATH) -> tuple[Policy, str]:
    """The validated policy and the sha256 of its file; UserError as `file: key.path: what`."""
    return load_yaml_model(path, Policy)
