"""E-mail addresses under any syntactically valid top-level domain."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


class EmailAnyTldRecognizer(IdentifierRecognizer):
    """E-mail addresses whose top-level domain Presidio's recognizer does not know.

    Presidio's EmailRecognizer keeps only addresses whose domain ends in a public suffix it
    knows; internal hosts (`mail.corp`), reserved names (`.example`, `.test`, RFC 2606/6761)
    and new TLDs then slip through. An address reaches a person whatever its TLD, so this one
    accepts any alphabetic TLD of 2-24 letters; where both fire, the engine keeps one finding.

    **Format**: `local@label(.label)*.tld`, local part of letters, digits and `._%+-`.

    **Matches**: `hr@student.univ.example`, `王芳的邮箱 wang.fang@mail.corp。`

    **Does not match**: `a@b` (no TLD), `user@localhost`, `1.2@3.4` (numeric TLD).

    **Reference**: RFC 5322 3.4.1 (addr-spec, simplified), RFC 1035 2.3.1 (labels).
    """

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = (
        CandidatePattern(
            "email_any_tld_v1",
            r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])",
            0.85,
        ),
    )
    CONTEXT = ("邮箱", "郵箱", "电邮", "email", "e-mail", "mail")
    CONTEXT_BOOST = 0.1
    PREFILTER = "@"


RECOGNIZER = EmailAnyTldRecognizer
