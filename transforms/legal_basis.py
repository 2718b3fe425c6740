"""The legal bases a record may be processed under: PIPL Art. 13, plus `anonymized`.

`legal_basis` in the output is always one of these values, never free text. Sources and records
from a GDPR jurisdiction may declare GDPR Art. 6 names; `parse_basis` maps them onto this enum.

GDPR Art. 6(1) → PIPL Art. 13 (decided here, overridable per policy with `gdpr_basis_map`):

- (a) consent → consent (13(1))
- (b) contract → contract (13(2))
- (c) legal_obligation → legal_duty (13(3))
- (d) vital_interests → emergency (13(4): life, health and property in an emergency)
- (e) public_task → other_law (13(7)): Art. 6(3) requires the task to be laid down by law
- (f) legitimate_interests → no counterpart: PIPL has no legitimate-interests basis, so a record
  resting on it alone has no basis under PIPL and is quarantined `no_legal_basis` (an EU-only
  user may map it explicitly in the policy, taking responsibility for that choice).
"""

from __future__ import annotations

from enum import StrEnum


class LegalBasis(StrEnum):
    CONSENT = "consent"  # 13(1)
    CONTRACT = "contract"  # 13(2): contract with the subject, or HR management
    LEGAL_DUTY = "legal_duty"  # 13(3): statutory duties or obligations
    EMERGENCY = "emergency"  # 13(4): public-health emergency, life, health, property
    NEWS_REPORTING = "news_reporting"  # 13(5): news reporting, public-opinion supervision
    PUBLIC_DISCLOSURE = "public_disclosure"  # 13(6): PI lawfully disclosed (Art. 27)
    OTHER_LAW = "other_law"  # 13(7): other circumstances provided by laws
    ANONYMIZED = "anonymized"  # PIPL Art. 4, 73: not PI, so no basis is needed


class Vocabulary(StrEnum):
    """Which law's names a jurisdiction's declarations use."""

    PIPL = "pipl"
    GDPR = "gdpr"


class GdprBasis(StrEnum):
    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


DEFAULT_GDPR_MAP: dict[GdprBasis, LegalBasis | None] = {
    GdprBasis.CONSENT: LegalBasis.CONSENT,
    GdprBasis.CONTRACT: LegalBasis.CONTRACT,
    GdprBasis.LEGAL_OBLIGATION: LegalBasis.LEGAL_DUTY,
    GdprBasis.VITAL_INTERESTS: LegalBasis.EMERGENCY,
    GdprBasis.PUBLIC_TASK: LegalBasis.OTHER_LAW,
    GdprBasis.LEGITIMATE_INTERESTS: None,
}


class UnknownBasis(ValueError):
    """A declared basis that is not a name of the jurisdiction's vocabulary."""


def parse_basis(
    value: str,
    vocabulary: Vocabulary,
    gdpr_map: dict[GdprBasis, LegalBasis | None] | None = None,
) -> LegalBasis | None:
    """The enum value a declaration means; None when it maps to no PIPL basis.

    Under the GDPR vocabulary both GDPR names and the enum's own names are accepted (a record
    already labelled by tdg keeps its label). Raises UnknownBasis for anything else.
    """
    name = value.strip().lower()
    if vocabulary is Vocabulary.GDPR and name in GdprBasis.__members__.values():
        mapping = DEFAULT_GDPR_MAP if gdpr_map is None else {**DEFAULT_GDPR_MAP, **gdpr_map}
        return mapping[GdprBasis(name)]
    try:
        return LegalBasis(name)
    except ValueError:
        names = [b.value for b in LegalBasis]
        if vocabulary is Vocabulary.GDPR:
            names += [g.value for g in GdprBasis]
        raise UnknownBasis(
            f"unknown legal basis {value!r} ({vocabulary.value}); expected one of "
            f"{', '.join(sorted(set(names)))}"
        ) from None
