"""QQ account numbers (Tencent's messenger), next to a context word."""

from __future__ import annotations

import re

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

# A group's number is not a person's account: 群 right before the number (QQ群：12345678,
# 群号 12345678).
_GROUP_BEFORE = re.compile(r"群[号號]?[码碼]?\s*[:：是为為]?\s*$")
_GROUP_WINDOW = 6


class QqNumberRecognizer(IdentifierRecognizer):
    """A person's QQ number: an online account identifier that singles its holder out
    (PIPL Art. 4), all over Chinese forums, résumés and contact lists.

    **Format**: 5 to 11 digits, not starting with 0 (accounts are numbered from 10000). Any
    number has that shape and there is no check digit, so it is reported only right after or
    before a context word (QQ, 扣扣, 企鹅号, Q号: within 8 characters before, 4 after), and not
    when 群 (a group's number) comes right before it. An 11-digit mainland mobile next to "QQ"
    is reported as the phone number it also is (its recognizer scores higher).

    **Matches**: `QQ：123456789`, `加我QQ1234567890`, `qq号码是 20481234`, `扣扣 987654321`,
    `12345678（QQ）`.

    **Does not match**: `订单号123456789` (no context word); `QQ群：123456789` (a group);
    `QQ 0123456` (leading 0); `QQ 1234` (4 digits); the number inside a longer digit or letter run.

    **Reference**: Tencent QQ account numbering (numeric, from 10000).
    """

    ENTITY = "QQ_NUMBER"
    PATTERNS = (
        CandidatePattern(
            "qq_number_v1",
            r"(?:(?<![0-9A-Za-z])|(?<=[Qq][Qq]))[1-9][0-9]{4,10}(?![0-9A-Za-z])",
            0.6,
        ),
    )
    CONTEXT = ("QQ", "扣扣", "企鹅号", "企鵝號", "Q号", "Q號")
    CONTEXT_REQUIRED = True
    CONTEXT_BEFORE = 8
    CONTEXT_AFTER = 4
    MIN_DIGIT_RUN = 5
    PREFILTER = "[Qq][Qq号號]|扣扣|企鹅|企鵝"

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        start = match.start()
        if _GROUP_BEFORE.search(text, max(0, start - _GROUP_WINDOW), start) is not None:
            return 0.0
        return super().score_candidate(text, match, pattern)


RECOGNIZER = QqNumberRecognizer
