"""One test per rule of decide_basis, each with a small explicit fixture."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tdg.transforms.basis_decision import (
    Decision,
    Outcome,
    RecordFacts,
    SourceBasis,
    decide_basis,
    facts_of,
    host_of,
    is_refused,
    latest_versions,
    opted_out_match,
)
from tdg.transforms.consent_registry import ConsentRecord, ConsentType, OptOutDomain, RefusalRecord
from tdg.transforms.legal_basis import LegalBasis
from tdg.transforms.policy import Policy, ReasonCode
from tdg.transforms.records import PiiEntry, Record

NOW = datetime(2025, 6, 1, tzinfo=UTC)
BEFORE = datetime(2024, 1, 1, tzinfo=UTC)
AFTER = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = Policy(version="t", purpose="model_training")
USER_DATA = SourceBasis("support", "user_data", "CN", None, "auth-2024-07")
WEB = SourceBasis("web_zh", "web_crawl", "CN", "public_disclosure", "crawl-log-1")


def facts(**kw: Any) -> RecordFacts:
    base: dict[str, Any] = {
        "record_id": "r1",
        "source_id": "support",
        "source_uri": "file:///support.csv",
        "subject_id": "subj-0001",
        "pii_status": "de-identified",
        "holds_pi": True,
    }
    base.update(kw)
    return RecordFacts(**base)


def consent(**kw: Any) -> ConsentRecord:
    base: dict[str, Any] = {
        "consent_id": "c-1",
        "version": "1",
        "subject_id": "subj-0001",
        "purposes": ("model_training",),
        "scope": (),
        "consent_type": ConsentType.EXPLICIT,
        "granted_at": BEFORE,
    }
    base.update(kw)
    return ConsentRecord(**base)


def decide(
    f: RecordFacts,
    consents: Sequence[ConsentRecord] = (),
    refused: bool = False,
    source: SourceBasis = USER_DATA,
    policy: Policy = POLICY,
) -> Decision:
    return decide_basis(f, list(consents), refused, source, policy, NOW)


def test_valid_consent_is_accepted_with_its_id_and_version() -> None:
    d = decide(facts(), [consent(version="3", evidence_ref="form-7")])
    assert d.outcome is Outcome.ACCEPT and d.basis is LegalBasis.CONSENT
    assert d.evidence is not None
    assert (d.evidence.kind, d.evidence.reference, d.evidence.version) == ("consent", "c-1", "3")


def test_no_consent_and_no_source_basis_is_no_legal_basis() -> None:
    assert decide(facts()).reason is ReasonCode.NO_LEGAL_BASIS


def test_withdrawn_consent() -> None:
    assert decide(facts(), [consent(withdrawn_at=BEFORE)]).reason is ReasonCode.CONSENT_WITHDRAWN


def test_withdrawal_after_the_run_time_does_not_count() -> None:
    assert decide(facts(), [consent(withdrawn_at=AFTER)]).accepted


def test_expired_consent() -> None:
    assert decide(facts(), [consent(expires_at=NOW)]).reason is ReasonCode.CONSENT_EXPIRED


def test_consent_granted_after_the_run_time_is_no_basis() -> None:
    assert decide(facts(), [consent(granted_at=AFTER)]).reason is ReasonCode.NO_LEGAL_BASIS


def test_purpose_mismatch() -> None:
    d = decide(facts(), [consent(purposes=("customer_service",))])
    assert d.reason is ReasonCode.CONSENT_PURPOSE_MISMATCH
    assert "model_training" in d.detail


def test_scope_not_covering_the_source_is_a_purpose_mismatch() -> None:
    d = decide(facts(), [consent(scope=("other_source",))])
    assert d.reason is ReasonCode.CONSENT_PURPOSE_MISMATCH
    assert decide(facts(), [consent(scope=("support",))]).accepted
    assert decide(facts(dataset="ds"), [consent(scope=("dataset:ds",))]).accepted


def test_implied_consent_is_not_accepted_by_default() -> None:
    d = decide(facts(), [consent(consent_type=ConsentType.IMPLIED)])
    assert d.reason is ReasonCode.NO_LEGAL_BASIS


def test_sensitive_pi_needs_separate_consent() -> None:
    f = facts(holds_sensitive_pi=True)
    assert decide(f, [consent()]).reason is ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT
    assert decide(f, [consent(consent_type=ConsentType.SEPARATE)]).accepted


def test_minor_needs_guardian_consent_known_from_the_consent_row() -> None:
    explicit = consent(subject_is_minor=True)
    d = decide(facts(), [explicit])
    assert d.reason is ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT
    guardian = consent(consent_type=ConsentType.GUARDIAN, subject_is_minor=True)
    assert decide(facts(), [guardian]).accepted


def test_minor_known_from_birth_date_at_run_time() -> None:
    twelve = consent(subject_birth_date=date(2013, 1, 1))
    fourteen_today = consent(subject_birth_date=date(2011, 6, 1))
    assert decide(facts(), [twelve]).reason is ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT
    assert decide(facts(), [fourteen_today]).accepted


def test_minor_known_from_record_metadata() -> None:
    assert decide(facts(is_minor=True), [consent()]).reason is (
        ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT
    )


def test_guardian_consent_counts_as_separate_for_a_minors_sensitive_pi() -> None:
    guardian = consent(consent_type=ConsentType.GUARDIAN, subject_is_minor=True)
    assert decide(facts(holds_sensitive_pi=True), [guardian]).accepted


def test_refused_subject_with_consent() -> None:
    assert decide(facts(), [consent()], refused=True).reason is ReasonCode.SUBJECT_REFUSED


def test_public_disclosure_accepted_with_the_url_as_evidence() -> None:
    f = facts(source_id="web_zh", subject_id=None, url="https://forum.example/t/1")
    d = decide(f, source=WEB)
    assert d.basis is LegalBasis.PUBLIC_DISCLOSURE
    assert d.evidence is not None and d.evidence.reference == "https://forum.example/t/1"


def test_public_disclosure_defeated_by_refusal() -> None:
    d = decide(facts(source_id="web_zh"), refused=True, source=WEB)
    assert d.reason is ReasonCode.SUBJECT_REFUSED


def test_opted_out_host_is_quarantined_before_anything_else() -> None:
    f = facts(pii_status="none", holds_pi=False, subject_id=None, opted_out_domain="optout.example")
    assert decide(f, source=WEB).reason is ReasonCode.SOURCE_OPTED_OUT


def test_no_pi_gets_basis_anonymized() -> None:
    d = decide(facts(subject_id=None, pii_status="none", holds_pi=False))
    assert d.basis is LegalBasis.ANONYMIZED
    d = decide(facts(subject_id=None, pii_status="anonymized", holds_pi=False))
    assert d.basis is LegalBasis.ANONYMIZED


def test_subject_linked_record_without_pi_still_needs_a_basis() -> None:
    f = facts(pii_status="none", holds_pi=False)
    assert decide(f).reason is ReasonCode.NO_LEGAL_BASIS
    linked = POLICY.model_copy(
        update={"anonymized": POLICY.anonymized.model_copy(update={"subject_linked": True})}
    )
    assert decide(f, policy=linked).basis is LegalBasis.ANONYMIZED


def test_anonymized_basis_can_be_switched_off() -> None:
    off = POLICY.model_copy(
        update={"anonymized": POLICY.anonymized.model_copy(update={"allowed": False})}
    )
    f = facts(subject_id=None, pii_status="none", holds_pi=False)
    assert decide(f, policy=off).reason is ReasonCode.NO_LEGAL_BASIS


def test_record_field_basis_with_reference() -> None:
    d = decide(facts(declared_basis="contract", declared_reference="contract-42"))
    assert d.basis is LegalBasis.CONTRACT
    assert d.evidence is not None and d.evidence.reference == "contract-42"


def test_declared_basis_without_evidence_is_no_basis() -> None:
    src = SourceBasis("s", "user_data", "CN", "contract", None)
    assert decide(facts(source_id="s"), source=src).reason is ReasonCode.NO_LEGAL_BASIS


def test_unknown_declared_basis_is_no_basis() -> None:
    d = decide(facts(declared_basis="because", declared_reference="x"))
    assert d.reason is ReasonCode.NO_LEGAL_BASIS and "unknown basis" in d.detail


def test_first_claim_decides_a_withdrawn_consent_does_not_fall_back_to_the_source() -> None:
    src = SourceBasis("support", "user_data", "CN", "public_disclosure", "e")
    d = decide(facts(), [consent(withdrawn_at=BEFORE)], source=src)
    assert d.reason is ReasonCode.CONSENT_WITHDRAWN


def test_source_declared_consent_without_registry_entry_is_no_basis() -> None:
    src = SourceBasis("support", "user_data", "CN", "consent", "e")
    assert decide(facts(), source=src).reason is ReasonCode.NO_LEGAL_BASIS


def test_consent_ref_selects_the_consent() -> None:
    good, other = consent(consent_id="c-1"), consent(consent_id="c-2", withdrawn_at=BEFORE)
    assert decide(facts(consent_ref="c-1"), [good, other]).accepted
    assert decide(facts(consent_ref="c-2"), [good, other]).reason is ReasonCode.CONSENT_WITHDRAWN
    assert decide(facts(consent_ref="c-9"), [good]).reason is ReasonCode.NO_LEGAL_BASIS


def test_latest_version_of_a_consent_wins() -> None:
    v1 = consent(version="1")
    v10 = consent(version="10", withdrawn_at=BEFORE)
    assert latest_versions([v10, v1]) == [v10]
    assert decide(facts(), [v1, v10]).reason is ReasonCode.CONSENT_WITHDRAWN


def test_a_valid_consent_beats_a_withdrawn_one() -> None:
    d = decide(facts(), [consent(consent_id="a", withdrawn_at=BEFORE), consent(consent_id="b")])
    assert d.accepted and d.evidence is not None and d.evidence.reference == "b"


def test_sensitive_pi_under_public_disclosure_needs_separate_consent_by_default() -> None:
    f = facts(source_id="web_zh", subject_id=None, holds_sensitive_pi=True)
    assert decide(f, source=WEB).reason is ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT
    relaxed = POLICY.model_copy(
        update={"sensitive_pi": POLICY.sensitive_pi.model_copy(update={"applies": "consent_basis"})}
    )
    assert decide(f, source=WEB, policy=relaxed).basis is LegalBasis.PUBLIC_DISCLOSURE


def test_gdpr_names_map_under_an_eu_source() -> None:
    eu = SourceBasis("eu", "user_data", "EU", "legal_obligation", "reg-1")
    assert decide(facts(source_id="eu"), source=eu).basis is LegalBasis.LEGAL_DUTY
    li = SourceBasis("eu", "user_data", "EU", "legitimate_interests", "lia-1")
    d = decide(facts(source_id="eu"), source=li)
    assert d.reason is ReasonCode.NO_LEGAL_BASIS and "no PIPL" in d.detail
    cn = SourceBasis("cn", "user_data", "CN", "legal_obligation", "reg-1")
    assert decide(facts(source_id="cn"), source=cn).reason is ReasonCode.NO_LEGAL_BASIS


def test_basis_not_allowed_by_policy() -> None:
    strict = POLICY.model_copy(update={"allowed_bases": [LegalBasis.CONSENT]})
    assert decide(facts(source_id="web_zh"), source=WEB, policy=strict).reason is (
        ReasonCode.NO_LEGAL_BASIS
    )


def test_on_missing_basis_anonymize() -> None:
    anon = POLICY.model_copy(update={"on_missing_basis": "anonymize"})
    d = decide(facts(), policy=anon)
    assert d.outcome is Outcome.ANONYMIZE and d.reason is ReasonCode.NO_LEGAL_BASIS
    # withdrawal is never cured by anonymizing
    assert decide(facts(), [consent(withdrawn_at=BEFORE)], policy=anon).outcome is (
        Outcome.QUARANTINE
    )


def test_details_hold_no_subject_id() -> None:
    for d in (
        decide(facts(), [consent(withdrawn_at=BEFORE)]),
        decide(facts(), refused=True, source=WEB),
        decide(facts(holds_sensitive_pi=True), [consent()]),
    ):
        assert "subj-0001" not in d.detail


# ---------------------------------------------------------------- helpers the stage uses


def test_opted_out_match_covers_subdomains_and_respects_reservation_time() -> None:
    domains = {"optout.example": OptOutDomain("optout.example", BEFORE, "tdmrep")}
    assert opted_out_match("forum.optout.example", domains, NOW) is not None
    assert opted_out_match("optout.example", domains, NOW) is not None
    assert opted_out_match("notoptout.example", domains, NOW) is None
    later = {"optout.example": OptOutDomain("optout.example", AFTER, None)}
    assert opted_out_match("forum.optout.example", later, NOW) is None
    assert host_of("https://Forum.OptOut.Example:8443/a?b") == "forum.optout.example"


def test_is_refused_respects_scope_and_time() -> None:
    r = RefusalRecord("subj-0001", None, ("support",), BEFORE)
    assert is_refused([r], "support", None, NOW)
    assert not is_refused([r], "web_zh", None, NOW)
    assert not is_refused([RefusalRecord("s", None, (), AFTER)], "support", None, NOW)


def test_facts_of_reads_pi_and_metadata() -> None:
    rec = Record(
        record_id="r",
        text="x",
        source_id="support",
        source_uri="u",
        source_offset=0,
        source_kind="user_data",
        licence="proprietary",
        content_sha256="h",
        output_sha256="h",
        ingested_at=NOW,
        run_id="run",
        pipeline_version="0",
        config_sha256="c",
        subject_id="subj-0001",
        metadata={"consent_ref": "c-1", "birth_date": "2015-02-03", "url": "https://a.b/"},
        pii=[
            PiiEntry("CN_RESIDENT_ID", 1, "keyed_pseudonym", "sensitive_pi"),
            PiiEntry("CREDIT_CARD", 1, "redact", "sensitive_pi"),
        ],
        pii_status="de-identified",
    )
    f = facts_of(rec, POLICY)
    assert f.holds_pi and f.holds_sensitive_pi
    assert f.consent_ref == "c-1" and f.birth_date == date(2015, 2, 3) and f.url == "https://a.b/"
    redacted = facts_of(dataclasses.replace(rec, pii=rec.pii[1:]), POLICY)
    assert not redacted.holds_pi


@pytest.mark.parametrize("reason", list(ReasonCode))
def test_every_reason_code_is_reachable(reason: ReasonCode) -> None:
    cases = {
        ReasonCode.NO_LEGAL_BASIS: decide(facts()),
        ReasonCode.CONSENT_WITHDRAWN: decide(facts(), [consent(withdrawn_at=BEFORE)]),
        ReasonCode.CONSENT_EXPIRED: decide(facts(), [consent(expires_at=BEFORE)]),
        ReasonCode.CONSENT_PURPOSE_MISMATCH: decide(facts(), [consent(purposes=("x",))]),
        ReasonCode.SENSITIVE_WITHOUT_SEPARATE_CONSENT: decide(
            facts(holds_sensitive_pi=True), [consent()]
        ),
        ReasonCode.MINOR_WITHOUT_GUARDIAN_CONSENT: decide(facts(is_minor=True), [consent()]),
        ReasonCode.SUBJECT_REFUSED: decide(facts(), [consent()], refused=True),
        ReasonCode.SOURCE_OPTED_OUT: decide(facts(opted_out_domain="x.example")),
    }
    assert cases[reason].reason is reason
