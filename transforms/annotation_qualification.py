"""Was a person qualified for a role on a given day? (Interim Measures Art. 8: train annotators.)

Qualified means: on the roster with the role, inside the qualification window
(qualified_on <= day <= expires_on), and with a passing training record dated on or before
that day (score >= the configured minimum, syllabus in the accepted list when one is given).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from tdg.transforms.annotation_config import QualificationPolicy
from tdg.transforms.annotation_records import RosterEntry

NOT_IN_ROSTER = "not_in_roster"
LACKS_ROLE = "lacks_role"
NO_QUALIFICATION = "no_qualification"
NOT_YET_QUALIFIED = "not_yet_qualified"
QUALIFICATION_EXPIRED = "qualification_expired"
TRAINING_MISSING = "training_missing"


def qualification_problem(
    entry: RosterEntry | None, role: str, day: date, policy: QualificationPolicy
) -> str | None:
    """None when qualified on `day`, else a reason code (the first that applies)."""
    if entry is None:
        return NOT_IN_ROSTER
    if role not in entry.roles:
        return LACKS_ROLE
    if entry.qualified_on is None:
        return NO_QUALIFICATION
    if day < entry.qualified_on:
        return NOT_YET_QUALIFIED
    if entry.expires_on is not None and day > entry.expires_on:
        return QUALIFICATION_EXPIRED
    allowed = policy.syllabus_versions
    passed = [
        t
        for t in entry.training
        if t.trained_on <= day
        and t.score >= policy.min_training_score
        and (allowed is None or t.syllabus_version in allowed)
    ]
    if not passed:
        return TRAINING_MISSING
    return None


def qualified_reviewers(
    roster: Mapping[str, RosterEntry], day: date, policy: QualificationPolicy
) -> list[str]:
    """Reviewer ids qualified on `day`, sorted (the candidate list for assignment)."""
    return sorted(
        pid
        for pid, entry in roster.items()
        if qualification_problem(entry, "reviewer", day, policy) is None
    )
