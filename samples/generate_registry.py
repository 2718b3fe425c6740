#!/usr/bin/env python3
"""Generate the sample consent / refusal / opt-out registries for the sample corpus.

Deterministic: cases are chosen by fixed rules from `samples/corpus/subjects.json` (run
`samples/generate.py` first), never at random, and every time derives from the subject's number.
Writes, next to this script, `registry/`:

- `consents.sqlite` (table `consents`): one consent per subject with a `consent_ref` (separate
  consent when the subject's tickets hold sensitive PI, explicit otherwise), plus the cases below;
- `refusals.csv`, `opted_out_domains.csv`;
- `expected_decisions.json`: subject id -> the decision LegalBasisStage must reach for every one
  of that subject's tickets (under configs/policy.yaml), and host -> decision for the crawl.

Cases: granted, expired, withdrawn (as version 2 of the consent), purpose-limited
(customer_service only), refused, sensitive PI with separate consent, sensitive PI with only an
explicit consent, a minor with guardian consent, a minor with a non-guardian consent, a minor
and an adult with no consent at all.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SUBJECTS = HERE / "corpus" / "subjects.json"
DEFAULT_OUT = HERE / "registry"
OPTOUT_HOST = "forum.optout.example"
PURPOSES_ALL = "model_training;customer_service"
COLUMNS = [
    "consent_id",
    "version",
    "subject_id",
    "purposes",
    "scope",
    "consent_type",
    "granted_at",
    "expires_at",
    "withdrawn_at",
    "evidence_ref",
    "jurisdiction",
    "subject_birth_date",
    "subject_is_minor",
]
# Consents are granted in 2024; the cases expire or are withdrawn in 2025; refusals are recorded
# in 2025. Expected decisions hold for any run time in VALID_FROM..VALID_UNTIL.
EXPIRED_AT = "2025-06-30T00:00:00+08:00"
WITHDRAWN_AT = "2025-09-01T10:00:00+08:00"
REFUSED_AT = "2025-10-01T09:00:00+08:00"
VALID_FROM = "2025-10-02"
VALID_UNTIL = "2030-12-31"
VALID_EXPIRES_AT = "2031-12-31T00:00:00+08:00"


def granted_at(subject_id: str) -> str:
    n = int(subject_id.rsplit("-", 1)[1])
    return f"{date(2024, 1, 1) + timedelta(days=n % 300)}T09:00:00+08:00"


def consent_row(subject: dict[str, Any], consent_id: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "consent_id": consent_id,
        "version": "1",
        "subject_id": subject["subject_id"],
        "purposes": PURPOSES_ALL,
        "scope": "",
        "consent_type": "separate" if subject["has_sensitive"] else "explicit",
        "granted_at": granted_at(subject["subject_id"]),
        "expires_at": None,
        "withdrawn_at": None,
        "evidence_ref": f"consent-form/{consent_id}.pdf",
        "jurisdiction": "CN",
        "subject_birth_date": None,
        "subject_is_minor": None,
    }
    row.update(kw)
    return row


def build(subjects: list[dict[str, Any]], erasure_subject: str | None) -> dict[str, Any]:
    """All rows and expectations, chosen by rule from the subjects list."""
    subjects = sorted(subjects, key=lambda s: s["subject_id"])
    adults = [s for s in subjects if not s["is_minor"] and s["subject_id"] != erasure_subject]
    plain = [s for s in adults if s["consent_ref"] and not s["sensitive_kinds"]]
    single_id = [
        s
        for s in adults
        if s["consent_ref"]
        and len(s["ticket_ids"]) == 1
        and "cn_resident_id" in s["sensitive_kinds"]
    ]
    minors = [s for s in subjects if s["is_minor"]]
    nobody = [s for s in adults if not s["consent_ref"]]
    if len(plain) < 5 or len(single_id) < 2 or len(minors) < 3 or not nobody:
        raise SystemExit("subjects.json has too few subjects for every registry case")

    cases: dict[str, tuple[dict[str, Any], str]] = {
        "granted": (plain[0], "consent"),
        "expired": (plain[1], "consent_expired"),
        "withdrawn": (plain[2], "consent_withdrawn"),
        "purpose_limited": (plain[3], "consent_purpose_mismatch"),
        "refused": (plain[4], "subject_refused"),
        "sensitive_separate": (single_id[0], "consent"),
        "sensitive_without_separate": (single_id[1], "sensitive_without_separate_consent"),
        "minor_guardian": (minors[0], "consent"),
        "minor_without_guardian": (minors[1], "minor_without_guardian_consent"),
        "minor_no_consent": (minors[2], "no_legal_basis"),
        "adult_no_consent": (nobody[0], "no_legal_basis"),
    }
    special = {s["subject_id"]: name for name, (s, _) in cases.items()}

    consents: list[dict[str, Any]] = []
    for s in subjects:
        sid, ref, case = s["subject_id"], s["consent_ref"], special.get(s["subject_id"])
        if case == "expired":
            consents.append(consent_row(s, ref, expires_at=EXPIRED_AT))
        elif case == "withdrawn":
            consents.append(consent_row(s, ref))
            consents.append(consent_row(s, ref, version="2", withdrawn_at=WITHDRAWN_AT))
        elif case == "purpose_limited":
            consents.append(consent_row(s, ref, purposes="customer_service"))
        elif case == "sensitive_separate":
            consents.append(consent_row(s, ref, consent_type="separate"))
        elif case == "sensitive_without_separate":
            consents.append(consent_row(s, ref, consent_type="explicit"))
        elif case == "minor_guardian":
            cid = f"guardian-{sid}"
            consents.append(consent_row(s, cid, consent_type="guardian", subject_is_minor="true"))
        elif case == "minor_without_guardian":
            cid = f"self-{sid}"
            consents.append(consent_row(s, cid, consent_type="explicit", subject_is_minor="true"))
        elif ref:  # granted, refused and every ordinary subject with a consent
            consents.append(consent_row(s, ref, expires_at=VALID_EXPIRES_AT))
    refusals = [
        {"subject_id": cases["refused"][0]["subject_id"], "fingerprint": "", "scope": "",
         "recorded_at": REFUSED_AT}
    ]  # fmt: skip
    domains = [
        {
            "domain": OPTOUT_HOST,
            "reserved_at": "2024-03-01T00:00:00Z",
            "evidence": f"https://{OPTOUT_HOST}/.well-known/tdmrep.json",
        }
    ]
    expected = {
        "note": "Decisions LegalBasisStage must reach under configs/policy.yaml for every ticket "
        "of each subject that reaches the stage (tickets quarantined earlier are outside this "
        "map), for run times within valid_run_times. Generated by samples/generate_registry.py.",
        "valid_run_times": {"from": VALID_FROM, "until": VALID_UNTIL},
        "subjects": {
            s["subject_id"]: {"case": name, "expected": outcome, "ticket_ids": s["ticket_ids"]}
            for name, (s, outcome) in sorted(cases.items(), key=lambda kv: kv[1][0]["subject_id"])
        },
        "hosts": {OPTOUT_HOST: "source_opted_out"},
    }
    return {"consents": consents, "refusals": refusals, "domains": domains, "expected": expected}


def write_sqlite(path: Path, rows: list[dict[str, Any]]) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.execute(f"CREATE TABLE consents ({', '.join(f'{c} TEXT' for c in COLUMNS)})")
        con.executemany(
            f"INSERT INTO consents VALUES ({', '.join('?' for _ in COLUMNS)})",
            [[r[c] for c in COLUMNS] for r in rows],
        )
        con.commit()
    finally:
        con.close()


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=Path, default=DEFAULT_SUBJECTS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.subjects.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(
            f"error: {args.subjects}: no such file (run samples/generate.py first)", file=sys.stderr
        )
        return 2
    subjects = data["subjects"] if isinstance(data, dict) else data
    erasure_path = args.subjects.parent / "erasure_fixture.json"
    erasure = (
        json.loads(erasure_path.read_text(encoding="utf-8")).get("subject_id")
        if erasure_path.exists()
        else None
    )
    built = build(subjects, erasure)
    args.out.mkdir(parents=True, exist_ok=True)
    write_sqlite(args.out / "consents.sqlite", built["consents"])
    (args.out / "refusals.csv").write_bytes(csv_bytes(built["refusals"]))
    (args.out / "opted_out_domains.csv").write_bytes(csv_bytes(built["domains"]))
    (args.out / "expected_decisions.json").write_text(
        json.dumps(built["expected"], indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(built['consents'])} consents and {len(built['expected']['subjects'])} "
          f"expected cases to {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
