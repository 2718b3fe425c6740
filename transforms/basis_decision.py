"""Decide one record's legal basis from its facts, its subject's consents and refusals, the
source's declaration and the policy: a pure function, so every rule is a unit test.

Order of the checks (the first that decides wins):

1. the record's host reserved TDM rights → quarantine `source_opted_out`;
2. the record holds no PI (pii_status `anonymized`, or `none` with nothing found) and, unless
   `anonymized.subject_linked`, carries no subject id → basis `anonymized`;
3. `basis_order`: the first step with a claim decides (a failed claim is never rescued by a
   later step, so a withdrawn consent cannot fall back on a source's declaration):
   - `record_field`: the record's metadata names a basis (GDPR names under a GDPR jurisdiction);
   - `consent_registry`: the subject has consents (only the one named by `consent_ref`, if any);
   - `source_declared`: the source's `default_legal_basis`;
4. a claim is checked: allowed by the policy; not defeated by a refusal (PIPL Art. 27);
   consent valid at run time for the purpose and scope (Art. 14-16), separate consent for
   sensitive PI (Art. 29), guardian consent under 14 (Art. 31); other bases need evidence;
5. nothing claimed → `no_legal_basis`; with `on_missing_basis: anonymize`, listed reasons become
   the ANONYMIZE outcome instead (the pipeline must then anonymize the record irreversibly).

Only the latest version of each consent id counts. Details never hold personal values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from tdg.transforms.consent_registry import (
    ConsentRecord,
    ConsentType,
    OptOutDomain,
    RefusalRecord,
    parse_flag,
)
from tdg.transforms.legal_basis import LegalBasis, UnknownBasis, parse_basis
from tdg.transforms.policy import BasisStep, Policy, ReasonCode
from tdg.transforms.records import PII_ANONYMIZED, BasisEvidence, Record


@dataclass(frozen=True, slots=True)
class SourceBasis:
    """What a source declares about lawfulness (from the run config's source entry)."""

    source_id: str
    kind: str
    jurisdiction: str = "CN"
    default_legal_basis: str | None = None
    evidence: str | None = None

    @classmethod
    def from_config(cls, source: Any) -> SourceBasis:
        """From a `tdg.pipelines.config.SourceConfig` (or anything with the same attributes)."""
        return cls(
            source_id=source.id,
            kind=str(source.kind),
            jurisdiction=source.jurisdiction,
            default_legal_basis=source.default_legal_basis,
            evidence=source.evidence,
        )


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the decision needs to know about a record; never its text."""

    record_id: str
    source_id: str
    source_uri: str
    subject_id: str | None = None
    pii_status: str = "none"
    holds_pi: bool = False
    holds_sensitive_pi: bool = False
    declared_basis: str | None = None
    declared_reference: str | None = None
    consent_ref: str | None = None
    is_minor: bool | None = None
    birth_date: date | None = None
    url: str | None = None
    dataset: str | None = None
    opted_out_domain: str | None = None  # set when the record's host reserved TDM rights


class Outcome(StrEnum):
    ACCEPT = "accept"
    QUARANTINE = "quarantine"
    ANONYMIZE = "anonymize"  # no basis, but anonymizing the record irreversibly would cure it


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    basis: LegalBasis | None = None
    evidence: BasisEvidence | None = None
    reason: ReasonCode | None = None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome is Outcome.ACCEPT


def _accept(
    basis: LegalBasis, kind: str, reference: str | None, version: str | None, detail: str
) -> Decision:
    return Decision(Outcome.ACCEPT, basis, BasisEvidence(kind, reference, version, detail))


def _reject(reason: ReasonCode, detail: str) -> Decision:
    return Decision(Outcome.QUARANTINE, reason=reason, detail=detail)


# ---------------------------------------------------------------------------- record facts


def _meta(record: Record, name: str) -> str | None:
    value = record.metadata.get(name) if name else None
    return value.strip() if value and value.strip() else None


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    return host.lower().strip(".") if host else None


def opted_out_match(
    host: str | None, domains: Mapping[str, OptOutDomain], now: datetime
) -> OptOutDomain | None:
    """The reservation covering a host or any parent domain of it, in force at run time."""
    if not host:
        return None
    labels = host.split(".")
    for i in range(len(labels)):
        hit = domains.get(".".join(labels[i:]))
        if hit is not None and (hit.reserved_at is None or hit.reserved_at <= now):
            return hit
    return None


def facts_of(
    record: Record,
    policy: Policy,
    dataset: str | None = None,
    opted_out: OptOutDomain | None = None,
) -> RecordFacts:
    removed = set(policy.sensitive_pi.removed_by_operators)
    held = (
        []
        if record.pii_status == PII_ANONYMIZED
        else [p for p in record.pii if p.count > 0 and p.operator not in removed]
    )
    try:
        is_minor = parse_flag(_meta(record, policy.minors.is_minor_field), "is_minor")
    except ValueError:
        is_minor = None
    try:
        birth = _meta(record, policy.minors.birth_date_field)
        birth_date = date.fromisoformat(birth[:10]) if birth else None
    except ValueError:
        birth_date = None
    return RecordFacts(
        record_id=record.record_id,
        source_id=record.source_id,
        source_uri=record.source_uri,
        subject_id=record.subject_id or None,
        pii_status=record.pii_status,
        holds_pi=bool(held),
        holds_sensitive_pi=any(p.sensitivity == "sensitive_pi" for p in held),
        declared_basis=_meta(record, policy.record_basis_field),
        declared_reference=_meta(record, policy.record_basis_reference_field),
        consent_ref=_meta(record, policy.consent.consent_ref_field),
        is_minor=is_minor,
        birth_date=birth_date,
        url=_meta(record, policy.opt_out.url_field),
        dataset=dataset,
        opted_out_domain=opted_out.domain if opted_out else None,
    )


# ---------------------------------------------------------------------------- registry facts


def covers(scope: Sequence[str], source_id: str, dataset: str | None) -> bool:
    """Empty scope or `*` covers all; otherwise a dataset name or source id (bare or prefixed)."""
    if not scope:
        return True
    names = {"*", source_id, f"source:{source_id}"}
    if dataset:
        names |= {dataset, f"dataset:{dataset}"}
    return any(s in names for s in scope)


def is_refused(
    refusals: Iterable[RefusalRecord], source_id: str, dataset: str | None, now: datetime
) -> bool:
    return any(r.recorded_at <= now and covers(r.scope, source_id, dataset) for r in refusals)


def _version_key(version: str) -> tuple[int, int, str]:
    return (1, int(version), "") if version.isdigit() else (0, 0, version)


def latest_versions(consents: Iterable[ConsentRecord]) -> list[ConsentRecord]:
    """One row per consent id: its highest version (numeric versions compare as numbers)."""
    best: dict[str, ConsentRecord] = {}
    for c in consents:
        seen = best.get(c.consent_id)
        if seen is None or _version_key(c.version) > _version_key(seen.version):
            best[c.consent_id] = c
    return [best[k] for k in sorted(best)]


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def subject_is_minor(
    facts: RecordFacts, consents: Sequence[ConsentRecord], policy: Policy, now: datetime
) -> bool:
    """Known to be under `minors.age` at run time, from the record or any consent row."""
    flags = [facts.is_minor, *(c.subject_is_minor for c in consents)]
    births = [facts.birth_date, *(c.subject_birth_date for c in consents)]
    if any(f is True for f in flags):
        return True
    return any(b is not None and _age_on(b, now.date()) < policy.minors.age for b in births)


# ---------------------------------------------------------------------------- consent checks

_PASSED = 6  # the number of consent checks below


def _check_consent(
    c: ConsentRecord,
    facts: RecordFacts,
    policy: Policy,
    now: datetime,
    need_guardian: bool,
    need_separate: bool,
) -> tuple[int, ReasonCode | None, str]:
    """How far one consent gets through the checks, and why it stops (index, reason, detail)."""
    ref = f"consent {c.consent_id} v{c.version}"
    if c.withdrawn_at is not None and c.withdrawn_at <= now:
        return 0, ReasonCode.CONSENT_WITHDRAWN, f"{ref} was withdrawn before the run"
    if c.granted_at > now:
        return 0, ReasonCode.NO_LEGAL_BASIS, f"{ref} is granted after the run time"
    if c.expires_at is not None and c.expires_at <= now:
        return 1, ReasonCode.CONSENT_EXPIRED, f"{ref} expired before the run"
    if c.consent_type not in policy.consent.accepted_types:
        return 2, ReasonCode.NO_LEGAL_BASIS, f"{ref}: consent type {c.consent_type} not accepted"
    if policy.purpose not in c.purposes:
        return 3, ReasonCode.CONSENT_PURPOSE_MISMATCH, f"{ref} does not name {policy.purpose}"
    if not covers(c.scope, facts.source_id, facts.dataset):
        return (
            3,
            ReasonCode.CONSENT_PURPOSE_MISMATCH,
            f"{ref} scope does not cover source {facts.source_id}",
        )
    if need_guardian and c.consent_type is not ConsentType.GUARDIAN:
        return (
            4,
            ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT,
            f"subject under {policy.minors.age}; {ref} is {c.consent_type}, not guardian",
        )
    separate_ok = c.consent_type in policy.sensitive_pi.accepted_consent_types or (
        need_guardian and c.consent_type is ConsentType.GUARDIAN
    )
    if need_separate and not separate_ok:
        return (
            5,
            ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT,
            f"record holds sensitive PI; {ref} is {c.consent_type}, not separate",
        )
    return _PASSED, None, ref


def _best_consent(
    consents: Sequence[ConsentRecord],
    facts: RecordFacts,
    policy: Policy,
    now: datetime,
    need_guardian: bool,
    need_separate: bool,
) -> tuple[ConsentRecord, int, ReasonCode | None, str]:
    """The consent that gets furthest; ties go to the latest grant, then the lowest id."""
    scored = [
        (c, *_check_consent(c, facts, policy, now, need_guardian, need_separate)) for c in consents
    ]
    scored.sort(key=lambda s: (-s[1], -s[0].granted_at.timestamp(), s[0].consent_id))
    return scored[0]


def _consent_evidence(c: ConsentRecord) -> BasisEvidence:
    return BasisEvidence(
        kind="consent",
        reference=c.consent_id,
        version=c.version,
        detail=f"{c.consent_type} consent for {','.join(c.purposes)}"
        + (f"; evidence {c.evidence_ref}" if c.evidence_ref else ""),
    )


# ---------------------------------------------------------------------------- the decision


@dataclass(frozen=True, slots=True)
class _Claim:
    basis: LegalBasis | None  # None: declared, but maps to no PIPL basis
    step: BasisStep
    reference: str | None
    detail: str = ""


def _parse_claim(
    value: str, step: BasisStep, reference: str | None, vocab: Any, policy: Policy
) -> _Claim:
    try:
        basis = parse_basis(value, vocab, dict(policy.gdpr_basis_map))
    except UnknownBasis:
        return _Claim(None, step, reference, f"{step}: unknown basis name {value[:40]!r}")
    if basis is None:
        return _Claim(None, step, reference, f"{step}: {value} has no PIPL Art. 13 counterpart")
    return _Claim(basis, step, reference)


def _claim(
    step: BasisStep,
    facts: RecordFacts,
    consents: Sequence[ConsentRecord],
    source: SourceBasis,
    policy: Policy,
) -> _Claim | None:
    vocab = policy.vocabulary(source.jurisdiction)
    if step is BasisStep.RECORD_FIELD and facts.declared_basis:
        return _parse_claim(facts.declared_basis, step, facts.declared_reference, vocab, policy)
    if step is BasisStep.CONSENT_REGISTRY and (consents or facts.consent_ref):
        return _Claim(LegalBasis.CONSENT, step, facts.consent_ref)
    if step is BasisStep.SOURCE_DECLARED and source.default_legal_basis:
        return _parse_claim(source.default_legal_basis, step, source.evidence, vocab, policy)
    return None


def _check_claim(
    claim: _Claim,
    facts: RecordFacts,
    consents: Sequence[ConsentRecord],
    refused: bool,
    minor: bool,
    policy: Policy,
    now: datetime,
) -> Decision:
    basis = claim.basis
    if basis is None:
        return _reject(ReasonCode.NO_LEGAL_BASIS, claim.detail)
    if basis not in policy.allowed_bases:
        return _reject(ReasonCode.NO_LEGAL_BASIS, f"{claim.step}: basis {basis} not allowed")
    if refused and basis in policy.refusal_applies_to:
        return _reject(ReasonCode.SUBJECT_REFUSED, f"the subject refused processing ({basis})")
    is_consent = basis is LegalBasis.CONSENT
    need_guardian = minor and (is_consent or policy.minors.applies == "always")
    need_separate = facts.holds_sensitive_pi and (
        is_consent or policy.sensitive_pi.applies == "always"
    )
    if is_consent:
        if not consents:
            what = "the record's consent_ref" if facts.consent_ref else "the subject"
            return _reject(ReasonCode.NO_LEGAL_BASIS, f"no consent in the registry for {what}")
        c, _passed, reason, detail = _best_consent(
            consents, facts, policy, now, need_guardian, need_separate
        )
        if reason is None:
            return Decision(Outcome.ACCEPT, basis, _consent_evidence(c))
        return _reject(reason, detail)
    if need_guardian or need_separate:
        reason = (
            ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT
            if need_guardian
            else ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT
        )
        if not consents:
            return _reject(reason, f"{basis} needs a consent the registry does not hold")
        c, _passed, failed, detail = _best_consent(
            consents, facts, policy, now, need_guardian, need_separate
        )
        if failed is not None:
            own = failed in (reason, ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT)
            return _reject(failed if own else reason, f"{basis}: {detail}")
        extra = f"; with {c.consent_type} consent {c.consent_id} v{c.version}"
    else:
        extra = ""
    if basis is LegalBasis.PUBLIC_DISCLOSURE:
        disclosed_at = facts.url or facts.source_uri
        return _accept(
            basis, str(basis), disclosed_at, None, f"disclosed; no refusal recorded{extra}"
        )
    reference = claim.reference
    if not reference:
        return _reject(
            ReasonCode.NO_LEGAL_BASIS, f"{claim.step}: {basis} declared without evidence"
        )
    return _accept(basis, str(basis), reference, None, f"declared by {claim.step}{extra}")


def _holds_no_pi(facts: RecordFacts, policy: Policy) -> bool:
    if not policy.anonymized.allowed or facts.holds_pi:
        return False
    return facts.subject_id is None or policy.anonymized.subject_linked


def decide_basis(
    facts: RecordFacts,
    consents: Sequence[ConsentRecord],
    refused: bool,
    source: SourceBasis,
    policy: Policy,
    now: datetime,
) -> Decision:
    """The legal basis of one record at run time `now` (timezone-aware), or why it has none."""
    if facts.opted_out_domain:
        return _reject(
            ReasonCode.SOURCE_OPTED_OUT, f"host {facts.opted_out_domain} reserved TDM rights"
        )
    if _holds_no_pi(facts, policy):
        return _accept(
            LegalBasis.ANONYMIZED,
            "anonymized",
            None,
            None,
            f"pii_status {facts.pii_status}; no personal information held",
        )
    current = latest_versions(consents)
    minor = subject_is_minor(facts, current, policy, now)
    if facts.consent_ref:
        current = [c for c in current if c.consent_id == facts.consent_ref]
    decision = _reject(ReasonCode.NO_LEGAL_BASIS, "no basis declared by record, registry or source")
    for step in policy.basis_order:
        claim = _claim(step, facts, current, source, policy)
        if claim is not None:
            decision = _check_claim(claim, facts, current, refused, minor, policy, now)
            break
    if (
        decision.reason is not None
        and policy.on_missing_basis == "anonymize"
        and decision.reason in policy.anonymize_reasons
    ):
        return Decision(Outcome.ANONYMIZE, reason=decision.reason, detail=decision.detail)
    return decision
