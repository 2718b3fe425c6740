"""The policy file: the shipped one loads, and mistakes are named by file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from tdg.transforms.errors import UserError
from tdg.transforms.legal_basis import LegalBasis
from tdg.transforms.policy import DEFAULT_POLICY_PATH, BasisStep, ReasonCode, load_policy


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_policy_loads_with_its_digest() -> None:
    policy, digest = load_policy(DEFAULT_POLICY_PATH)
    assert policy.purpose == "model_training"
    assert policy.basis_order[0] is BasisStep.RECORD_FIELD
    assert LegalBasis.PUBLIC_DISCLOSURE in policy.refusal_applies_to
    assert len(digest) == 64


def test_minimal_policy_takes_defaults(tmp_path: Path) -> None:
    policy, _ = load_policy(write(tmp_path, "version: '1'\npurpose: model_training\n"))
    assert policy.minors.age == 14 and policy.on_missing_basis == "quarantine"


def test_unknown_key_names_file_and_path(tmp_path: Path) -> None:
    p = write(tmp_path, "version: '1'\npurpose: x\nminors:\n  age: 14\n  guardian: yes\n")
    with pytest.raises(UserError) as err:
        load_policy(p)
    assert str(err.value) == f"{p}: minors.guardian: unknown key"


def test_bad_enum_value_names_the_list_index(tmp_path: Path) -> None:
    p = write(tmp_path, "version: '1'\npurpose: x\nbasis_order: [record_field, vibes]\n")
    with pytest.raises(UserError) as err:
        load_policy(p)
    assert str(err.value).startswith(f"{p}: basis_order[1]: ")


def test_missing_required_key(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"policy.yaml: purpose: required key is missing"):
        load_policy(write(tmp_path, "version: '1'\n"))


def test_withdrawal_cannot_be_anonymized_away(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "version: '1'\npurpose: x\non_missing_basis: anonymize\n"
        "anonymize_reasons: [no_legal_basis, consent_withdrawn]\n",
    )
    with pytest.raises(UserError, match="consent_withdrawn cannot be cured"):
        load_policy(p)


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"policy.yaml: line [0-9]+: not valid YAML"):
        load_policy(write(tmp_path, "version: '1'\npurpose: [\n"))
    with pytest.raises(UserError, match="no such file"):
        load_policy(tmp_path / "absent.yaml")


def test_reason_codes_are_the_documented_ones() -> None:
    assert {r.value for r in ReasonCode} == {
        "no_legal_basis",
        "consent_withdrawn",
        "consent_expired",
        "consent_purpose_mismatch",
        "sensitive_without_separate_consent",
        "minor_without_guardian_consent",
        "subject_refused",
        "source_opted_out",
    }
