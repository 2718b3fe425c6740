"""Mainland residents' permits for travel to Hong Kong and Macao (港澳通行证)."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


class CnExitEntryPermitRecognizer(IdentifierRecognizer):
    """Exit-Entry Permit for Travelling to and from Hong Kong and Macao (往来港澳通行证,
    港澳通行证), a mainland resident's travel document (`CN_EXIT_ENTRY_PERMIT`).

    **Format**: `C` (electronic card, since 2014) or `W` (older booklet) and 8 digits; one
    space or dash may follow the first 4 digits. A letter and 8 digits are also order, parcel
    and model numbers, and there is no check digit, so it is reported only next to a context
    word (港澳通行证, 往来港澳, 通行证 ...).

    **Matches**: `港澳通行证号码：C12345678`, `往来港澳通行证 W1234 5678`.

    **Does not match**: `订单C12345678` (no context word); `港澳通行证C123456789` (9 digits);
    the number inside a longer letter or digit run.

    **Reference**: 往来港澳通行证 numbering, National Immigration Administration (2014 card).
    """

    ENTITY = "CN_EXIT_ENTRY_PERMIT"
    PATTERNS = (
        CandidatePattern(
            "cn_exit_entry_permit_v1",
            r"(?<![0-9A-Za-z])[CW][0-9]{4}[ -]?[0-9]{4}(?![0-9A-Za-z]|[ -][0-9])",
            0.85,
        ),
    )
    CONTEXT = (
        "港澳通行证",
        "港澳通行證",
        "往来港澳",
        "往來港澳",
        "通行证",
        "通行證",
        "exit-entry permit",
        "two-way permit",
    )
    CONTEXT_REQUIRED = True
    MIN_DIGIT_RUN = 4
    MIN_GROUPED_DIGITS = 8
    PREFILTER = "港澳|通行|(?i:exit-entry permit|two-way permit)"


RECOGNIZER = CnExitEntryPermitRecognizer
