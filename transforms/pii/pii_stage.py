"""The PII stage: detect, de-identify per policy, fingerprint identifiers, rescan the output.

Models and keys load once per worker in `setup()`; records arrive in batches so spaCy runs
through `nlp.pipe`. A record whose output still holds a detectable identifier outside what the
operators wrote is quarantined (`residual_pii`), never accepted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import apache_beam as beam

from tdg.transforms.keys import KeyRing
from tdg.transforms.pii.deidentify import DeidentifiedText, Deidentifier
from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import Detector, Finding
from tdg.transforms.pii.language import route_languages
from tdg.transforms.pii.operator_settings import OperatorSettings, OperatorSpec
from tdg.transforms.pii.value_normalization import fold
from tdg.transforms.records import PendingAnonymization, Quarantined, Record, sha256_text
from tdg.transforms.run_context import RunContext
from tdg.transforms.stage import QUARANTINE, BatchStageFn
from tdg.transforms.suppression import Suppression

FINGERPRINTS = "fingerprints"
DEIDENTIFY_STEP = "pii.deidentify.v1"
ANONYMIZE_STEP = "pii.anonymize.v1"

# What a rescan counts: findings of recognizers that validate a checksum or a strict layout,
# so their verdict does not depend on the detection profile. Names and places are left to the
# first pass (a rescan with the same models would only find the surrogates the operators
# wrote), and so are loose patterns (international phone shapes, US driver licences) that
# score company hotlines and reference numbers differently from one profile to the other.
RESCAN_RECOGNIZERS = frozenset(
    {
        "CnResidentIdRecognizer",
        "CnUsccRecognizer",
        "CnLicensePlateRecognizer",
        "CnMobileRecognizer",
        "CnLandlineRecognizer",
        "CnBankCardRecognizer",
        "CnPassportRecognizer",
        "CnHomeReturnPermitRecognizer",
        "CnTaiwanResidentPermitRecognizer",
        "CnExitEntryPermitRecognizer",
        "HkIdRecognizer",
        "TwIdRecognizer",
        "EmailAnyTldRecognizer",
        "EmailRecognizer",
        "CreditCardRecognizer",
        "IbanRecognizer",
        "UsSsnRecognizer",
    }
)


def rescan_settings(detection: DetectionSettings) -> DetectionSettings:
    """The rescan's detector: the fast profile over every entity type, whatever `entities`
    narrows the first pass to (a run restricted to phone numbers must not accept a resident ID
    in clear); the allow list still holds (what the policy keeps, it keeps)."""
    return detection.model_copy(update={"profile": "fast", "entities": None})


def counts_in_rescan(finding: Finding) -> bool:
    return finding.recognizer in RESCAN_RECOGNIZERS


@dataclass(frozen=True)
class PiiStageSettings:
    """Everything the stage needs, picklable and secret-free."""

    detection: DetectionSettings
    operators: OperatorSettings
    source_profiles: dict[str, str] = field(default_factory=dict)
    source_operators: dict[str, OperatorSettings] = field(default_factory=dict)
    keep_for_anonymization: bool = False
    fingerprints: bool = True
    suppression: Suppression = field(default_factory=Suppression)

    def profiles(self) -> set[str]:
        return {self.detection.profile, *self.source_profiles.values()}


def identity_key(value: str) -> str:
    """A value as compared across input and output: letters and digits only, any width, any
    case (`138 1234 5678`, `１３８１２３４５６７８` and `13812345678` are one number)."""
    return "".join(c for c in fold(value) if c.isalnum()).casefold()


def original_keys(text: str, findings: Sequence[Finding]) -> frozenset[str]:
    """Identity keys of the identifiers detected in an input text, for the rescan."""
    return frozenset(identity_key(text[f.start : f.end]) for f in findings if counts_in_rescan(f))


def residual(
    findings: Sequence[Finding],
    replaced: Sequence[tuple[int, int]],
    text: str,
    originals: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Identifiers in an output text that survive de-identification.

    A finding counts when the characters outside every replaced span still carry identifier
    characters (letters or digits of any width), or when it is one of the input's own
    identifiers (`originals`, from `original_keys`) whatever wrote it: an operator whose
    output keeps the value (a mask keeping every digit) does not make it safe. A pattern whose
    span spills from an operator's output into neighbouring Chinese text (Presidio's e-mail
    pattern uses `\\w`) is not a survivor, a half-replaced number is, and a surrogate (another
    valid number) is not.
    """
    counted = [f for f in findings if counts_in_rescan(f)]
    if not counted:
        return []
    # Which characters an operator wrote, once per text (checking every replaced span for
    # every character of every finding was quadratic in the identifiers of a record).
    written = bytearray(len(text))
    for start, end in replaced:
        written[start:end] = b"\x01" * (end - start)
    out = []
    for f in counted:
        outside = [text[i] for i in range(f.start, f.end) if not written[i]]
        spills = any((ch.isascii() and ch.isalnum()) or "０" <= ch <= "ｚ" for ch in outside)
        if spills or identity_key(text[f.start : f.end]) in originals:
            out.append(f)
    return out


def deidentified_record(
    record: Record,
    out: DeidentifiedText,
    step: str,
    keep_pending: bool,
    findings: Sequence[Any],
    fingerprints: Sequence[tuple[str, str]] = (),
) -> Record:
    changed = out.text != record.text
    return dataclasses.replace(
        record,
        text=out.text,
        output_sha256=sha256_text(out.text) if changed else record.output_sha256,
        transformations=[*record.transformations, step] if out.pii else record.transformations,
        pii=out.pii,
        pii_status=out.status,
        pending=PendingAnonymization(record.text, tuple(findings)) if keep_pending else None,
        fingerprints=tuple(fingerprints),
    )


def with_language(record: Record) -> Record:
    """Resolve `auto` or a missing language to the one detected (mixed text: the first)."""
    if record.language and record.language != "auto":
        return record
    detected = route_languages(record.text, None)
    return dataclasses.replace(record, language=detected[0] if detected else None)


def residual_quarantine(record: Record, found: Sequence[Finding]) -> Quarantined:
    types = sorted({f.entity_type for f in found})
    return Quarantined.of(
        record, "rescan", "residual_pii", f"identifiers survive de-identification: {types}"
    )


class DeidentifyFn(BatchStageFn):
    """Detect -> de-identify -> fingerprint -> rescan, for a batch of records."""

    stage = "pii"

    def __init__(self, ctx: RunContext, settings: PiiStageSettings, keys: KeyRing) -> None:
        super().__init__(ctx)
        self._settings = settings
        self._keys = keys

    def load(self) -> None:
        s = self._settings
        self._detectors = {
            p: Detector(s.detection.model_copy(update={"profile": p})) for p in s.profiles()
        }
        rescan = rescan_settings(s.detection)
        fast = self._detectors.get("fast")
        # A fast source's detector already is the rescanner unless `entities` narrows it.
        self._rescanner = fast if fast is not None and fast.settings == rescan else Detector(rescan)
        # Fingerprints feed the index, the suppression list and refusals by identifier.
        self._default = Deidentifier(s.operators, self._keys, fingerprints=True)
        self._by_source = {
            sid: Deidentifier(ops, self._keys, fingerprints=True)
            for sid, ops in s.source_operators.items()
        }

    def process(self, batch: Sequence[Record]) -> Iterator[Any]:
        s = self._settings
        # Detection routes by the record's own hint (None: by script, so mixed text runs both
        # languages); the record keeps the first language for the dataset's metrics.
        hints = [r.language for r in batch]
        batch = [with_language(r) for r in batch]
        findings: list[list[Finding]] = [[] for _ in batch]
        by_profile: dict[str, list[int]] = {}
        for i, r in enumerate(batch):
            by_profile.setdefault(
                s.source_profiles.get(r.source_id, s.detection.profile), []
            ).append(i)
        for profile, idx in by_profile.items():
            detected = self._detectors[profile].detect_batch(
                [(batch[i].text, hints[i]) for i in idx]
            )
            for i, f in zip(idx, detected, strict=True):
                findings[i] = f
        outs: list[tuple[Record, DeidentifiedText, frozenset[str]]] = []
        for record, found in zip(batch, findings, strict=True):
            deid = self._by_source.get(record.source_id, self._default)
            prints = deid.fingerprints(record.text, found) if found else []
            if s.suppression and s.suppression.is_suppressed(record.subject_id, prints):
                # PIPL Art. 44-47: a blocked subject's data is excluded from every later run.
                yield from self._emit(
                    Quarantined.of(record, "pii", "subject_blocked", "the subject asked to block")
                )
                continue
            out = deid.apply(record.text, found)
            if s.fingerprints:
                for entity_type, fp in prints:
                    yield beam.pvalue.TaggedOutput(
                        FINGERPRINTS, (fp, entity_type, record.record_id, record.source_id)
                    )
            new = deidentified_record(
                record, out, DEIDENTIFY_STEP, s.keep_for_anonymization, found, prints
            )
            outs.append((new, out, original_keys(record.text, found)))
        rescans = self._rescanner.detect_batch([(r.text, r.language) for r, _, _ in outs])
        for (record, out, keys), found in zip(outs, rescans, strict=True):
            left = residual(found, out.replaced, record.text, keys)
            yield from self._emit(residual_quarantine(record, left) if left else record)


PLACEHOLDER_ONLY = OperatorSettings(default=OperatorSpec(name="placeholder"), by_entity={})


class AnonymizeFn(BatchStageFn):
    """Irreversible anonymization (typed placeholders for every finding) of records that the
    policy lets go without a legal basis; works from the original text kept in flight."""

    stage = "anonymize"

    def __init__(self, ctx: RunContext, detection: DetectionSettings, keys: KeyRing) -> None:
        super().__init__(ctx)
        self._detection = detection
        self._keys = keys

    def load(self) -> None:
        self._deid = Deidentifier(PLACEHOLDER_ONLY, self._keys, fingerprints=False)
        self._rescanner = Detector(rescan_settings(self._detection))

    def apply_batch(self, records: Sequence[Record]) -> list[Record | Quarantined]:
        outs = []
        for r in records:
            if r.pending is None:
                raise ValueError(f"record {r.record_id} reached anonymization without its original")
            original, found = r.pending.original_text, r.pending.findings
            out = self._deid.apply(original, found)
            base = dataclasses.replace(r, text=original, pending=None)
            record = deidentified_record(base, out, ANONYMIZE_STEP, False, ())
            outs.append((record, out, original_keys(original, found)))
        rescans = self._rescanner.detect_batch([(r.text, r.language) for r, _, _ in outs])
        return [
            residual_quarantine(r, left)
            if (left := residual(found, out.replaced, r.text, keys))
            else r
            for (r, out, keys), found in zip(outs, rescans, strict=True)
        ]


def clear_pending(record: Record) -> Record:
    """Drop what travelled only between stages (original text, fingerprints)."""
    if record.pending is None and not record.fingerprints:
        return record
    return dataclasses.replace(record, pending=None, fingerprints=())


def apply_pii(
    records: beam.PCollection,
    ctx: RunContext,
    settings: PiiStageSettings,
    keys: KeyRing,
    batch_size: int,
) -> tuple[beam.PCollection, beam.PCollection, beam.PCollection]:
    """(de-identified records, quarantined, fingerprint rows)."""
    outputs = (
        records
        | "Pii.Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=batch_size)
        | "Pii"
        >> beam.ParDo(DeidentifyFn(ctx, settings, keys)).with_outputs(
            QUARANTINE, FINGERPRINTS, main="main"
        )
    )
    return outputs.main, outputs[QUARANTINE], outputs[FINGERPRINTS]
