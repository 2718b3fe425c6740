"""The legal-basis stage: join records with their subject's consents and refusals, then decide.

Records are keyed by `subject_id` and joined with the registries by `CoGroupByKey`, so neither
side has to fit in memory; records without a subject are decided directly. TDM opt-out domains
(a short list of hosts) reach the workers as a side input, refused when larger than
`side_input_max_rows`. Outputs: `main` (records with `legal_basis`, `basis_evidence` and
`policy_sha256` set), `quarantine`, and `needs_anonymization` (policy `on_missing_basis:
anonymize`: records the pipeline must anonymize irreversibly, then pass to `mark_anonymized`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from tdg.transforms.basis_decision import (
    Decision,
    Outcome,
    SourceBasis,
    decide_basis,
    facts_of,
    host_of,
    is_refused,
    opted_out_match,
)
from tdg.transforms.consent_registry import (
    ConsentRecord,
    OptOutDomain,
    ReadRegistry,
    RefusalRecord,
    RegistrySettings,
)
from tdg.transforms.legal_basis import LegalBasis
from tdg.transforms.policy import Policy
from tdg.transforms.records import PII_ANONYMIZED, BasisEvidence, Quarantined, Record

STAGE = "legal_basis"
MAIN = "main"
QUARANTINE = "quarantine"
NEEDS_ANONYMIZATION = "needs_anonymization"
_NO_SUBJECT = "no_subject"


def apply_decision(record: Record, decision: Decision, policy_sha256: str) -> Record | Quarantined:
    """The record stamped with its basis (or flagged for anonymization), or its quarantine entry."""
    if decision.outcome is Outcome.QUARANTINE:
        assert decision.reason is not None
        return Quarantined.of(record, STAGE, str(decision.reason), decision.detail)
    if decision.outcome is Outcome.ANONYMIZE:
        return dataclasses.replace(
            record,
            legal_basis=None,
            basis_evidence=BasisEvidence(
                "anonymization_required", None, None, f"{decision.reason}: {decision.detail}"
            ),
            policy_sha256=policy_sha256,
            transformations=[*record.transformations, f"{STAGE}:needs_anonymization"],
        )
    return dataclasses.replace(
        record,
        legal_basis=str(decision.basis),
        basis_evidence=decision.evidence,
        policy_sha256=policy_sha256,
        transformations=[*record.transformations, f"{STAGE}:{decision.basis}"],
    )


def mark_anonymized(record: Record, policy_sha256: str) -> Record:
    """After irreversible anonymization of a `needs_anonymization` record: basis `anonymized`."""
    if record.pii_status != PII_ANONYMIZED:
        raise ValueError(f"record {record.record_id}: pii_status is {record.pii_status}")
    return dataclasses.replace(
        record,
        legal_basis=str(LegalBasis.ANONYMIZED),
        basis_evidence=BasisEvidence("anonymized", None, None, "anonymized after no basis"),
        policy_sha256=policy_sha256,
        transformations=[*record.transformations, f"{STAGE}:{LegalBasis.ANONYMIZED}"],
    )


class _DecideFn(beam.DoFn):
    """Shared by both paths: facts, opt-out lookup, the pure decision, counters, routing."""

    def __init__(
        self,
        policy: Policy,
        policy_sha256: str,
        sources: Mapping[str, SourceBasis],
        now: datetime,
        dataset: str | None,
        side_input_max_rows: int,
    ) -> None:
        self.policy = policy
        self.policy_sha256 = policy_sha256
        self.sources = dict(sources)
        self.now = now
        self.dataset = dataset
        self.max_rows = side_input_max_rows
        self._in = Metrics.counter("tdg", f"{STAGE}.in")
        self._quarantined = Metrics.counter("tdg", f"{STAGE}.quarantined")
        self._anonymize = Metrics.counter("tdg", f"{STAGE}.needs_anonymization")

    def _source(self, record: Record) -> SourceBasis:
        found = self.sources.get(record.source_id)
        return found or SourceBasis(record.source_id, record.source_kind)

    def _decide(
        self,
        record: Record,
        consents: Sequence[ConsentRecord],
        refusals: Iterable[RefusalRecord],
        domains: Mapping[str, OptOutDomain],
        by_fingerprint: Mapping[str, Sequence[RefusalRecord]] | None = None,
    ) -> Iterator[Any]:
        if by_fingerprint is not None and record.fingerprints:
            # Beam's multimap side input answers a missing key with an empty list
            refusals = [
                *refusals,
                *(r for _, fp in record.fingerprints for r in by_fingerprint[fp]),
            ]
        if len(domains) > self.max_rows:
            raise RuntimeError(
                f"opted_out_domains has {len(domains)} rows, above side_input_max_rows "
                f"{self.max_rows}"
            )
        host = host_of(record.metadata.get(self.policy.opt_out.url_field))
        facts = facts_of(
            record, self.policy, self.dataset, opted_out_match(host, domains, self.now)
        )
        refused = is_refused(refusals, record.source_id, self.dataset, self.now)
        decision = decide_basis(
            facts, consents, refused, self._source(record), self.policy, self.now
        )
        out = apply_decision(record, decision, self.policy_sha256)
        self._in.inc()
        Metrics.counter("tdg", f"{STAGE}.{decision.basis or decision.reason}").inc()
        if isinstance(out, Quarantined):
            self._quarantined.inc()
            yield beam.pvalue.TaggedOutput(QUARANTINE, out)
        elif decision.outcome is Outcome.ANONYMIZE:
            self._anonymize.inc()
            yield beam.pvalue.TaggedOutput(NEEDS_ANONYMIZATION, out)
        else:
            yield out


class DecideSubjectGroupFn(_DecideFn):
    """One CoGroupByKey group: every record of a subject with all its consents and refusals."""

    def process(
        self,
        group: tuple[str, dict[str, Iterable[Any]]],
        domains: Mapping[str, OptOutDomain],
        by_fingerprint: Mapping[str, Sequence[RefusalRecord]] | None = None,
    ) -> Iterator[Any]:
        _subject, sides = group
        records = sides["records"]
        consents = list(sides["consents"])
        refusals = list(sides["refusals"])
        for record in records:
            yield from self._decide(record, consents, refusals, domains, by_fingerprint)


class DecideWithoutSubjectFn(_DecideFn):
    """A record with no subject id: no consents or refusals can be its own."""

    def process(
        self,
        record: Record,
        domains: Mapping[str, OptOutDomain],
        by_fingerprint: Mapping[str, Sequence[RefusalRecord]] | None = None,
    ) -> Iterator[Any]:
        yield from self._decide(record, [], [], domains, by_fingerprint)


def _by_subject(record: Record) -> Iterator[Any]:
    if record.subject_id:
        yield (record.subject_id, record)
    else:
        yield beam.pvalue.TaggedOutput(_NO_SUBJECT, record)


class LegalBasisStage(beam.PTransform):
    """PCollection[Record] → {"main", "quarantine", "needs_anonymization"} PCollections.

    `now` is the run's time (timezone-aware), passed in so a rerun decides the same way.
    `dataset` is the dataset name consent and refusal scopes may name.
    """

    def __init__(
        self,
        policy: Policy,
        policy_sha256: str,
        registry_settings: RegistrySettings,
        sources: Mapping[str, SourceBasis],
        now: datetime,
        dataset: str | None = None,
    ) -> None:
        super().__init__()
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.policy = policy
        self.policy_sha256 = policy_sha256
        self.settings = registry_settings
        self.sources = dict(sources)
        self.now = now
        self.dataset = dataset

    def _registry(self, p: beam.Pipeline, kind: str) -> beam.PCollection:
        source = getattr(self.settings, kind)
        if source is None:
            return p | f"No{kind}" >> beam.Create([])
        return p | f"Read{kind}" >> ReadRegistry(kind, source)

    def expand(self, records: beam.PCollection) -> dict[str, beam.PCollection]:
        p = records.pipeline
        consents = self._registry(p, "consents") | "ConsentKey" >> beam.Map(
            lambda c: (c.subject_id, c)
        )
        all_refusals = self._registry(p, "refusals")
        refusals = (
            all_refusals
            | "RefusalHasSubject" >> beam.Filter(lambda r: r.subject_id is not None)
            | "RefusalKey" >> beam.Map(lambda r: (r.subject_id, r))
        )
        # Refusals by identifier fingerprint meet records through the fingerprints the PII
        # stage computed; they are few (express objections), so a side input carries them.
        by_fingerprint = beam.pvalue.AsMultiMap(
            all_refusals
            | "RefusalHasFingerprint" >> beam.Filter(lambda r: r.fingerprint is not None)
            | "FingerprintKey" >> beam.Map(lambda r: (r.fingerprint, r))
        )
        domains = beam.pvalue.AsDict(
            self._registry(p, "opted_out_domains")
            | "DomainKey" >> beam.Map(lambda d: (d.domain, d))
        )
        split = records | "BySubject" >> beam.FlatMap(_by_subject).with_outputs(
            _NO_SUBJECT, main="with_subject"
        )
        args = (
            self.policy,
            self.policy_sha256,
            self.sources,
            self.now,
            self.dataset,
            self.settings.side_input_max_rows,
        )
        grouped = {
            "records": split.with_subject,
            "consents": consents,
            "refusals": refusals,
        } | "JoinRegistry" >> beam.CoGroupByKey()
        tags = (QUARANTINE, NEEDS_ANONYMIZATION)
        joined = grouped | "DecideSubjects" >> beam.ParDo(
            DecideSubjectGroupFn(*args), domains=domains, by_fingerprint=by_fingerprint
        ).with_outputs(*tags, main=MAIN)
        alone = split[_NO_SUBJECT] | "DecideNoSubject" >> beam.ParDo(
            DecideWithoutSubjectFn(*args), domains=domains, by_fingerprint=by_fingerprint
        ).with_outputs(*tags, main=MAIN)
        return {
            tag: (joined[tag], alone[tag]) | f"Flatten_{tag}" >> beam.Flatten()
            for tag in (MAIN, *tags)
        }
