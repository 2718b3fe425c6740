"""Bank card numbers (debit and credit), with UnionPay's prefix as extra evidence."""

from __future__ import annotations

import re
from datetime import date

from tdg.transforms.pii.checksums import luhn_ok
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer
from tdg.transforms.pii.recognizers.cn_resident_id import resident_id_plausible

_UNIONPAY_BONUS = 0.1
_ISSUER_FIRST_DIGITS = frozenset("3456")  # ISO/IEC 7812 major industry: travel, banking


class CnBankCardRecognizer(IdentifierRecognizer):
    """Bank card number (银行卡号), including UnionPay debit cards.

    **Format**: 16-19 digits, written as one run or in groups of four separated by spaces or
    dashes; the last digit is a Luhn check digit. A UnionPay `62` prefix raises the score.

    **Matches**: `卡号6200000000000005`, `6200 0000 0000 0005`, `6200-0000-0000-0005`; with a
    context word (卡号, 银行卡, 账号, 开户), also a number that fails Luhn (low score).

    **Does not match**: a number that fails Luhn without a context word; 16 digits inside a
    longer run; an 18-digit number that is a valid resident ID.

    **Reference**: ISO/IEC 7812-1 §4 (issuer identification number) and Annex B (Luhn);
    UnionPay IIN range 62.
    """

    ENTITY = "CREDIT_CARD"
    PATTERNS = (
        CandidatePattern(
            "cn_bank_card_v1",
            r"(?<![0-9A-Za-z])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9A-Za-z])",
            0.85,
        ),
    )
    CONTEXT = (
        "卡号",
        "卡號",
        "银行卡",
        "銀行卡",
        "信用卡",
        "借记卡",
        "储蓄卡",
        "账号",
        "帳號",
        "账户",
        "開戶",
        "开户",
        "card number",
        "card no",
        "credit card",
        "debit card",
        "account",
        "UnionPay",
        "银联",
    )
    MIN_DIGIT_RUN = 4  # one group of four

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(supported_language)
        self._latest_birth = date.today()

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        if not 16 <= len(compact_candidate) <= 19:
            return False
        if len(compact_candidate) == 18 and resident_id_plausible(
            compact_candidate, self._latest_birth
        ):
            return False
        return compact_candidate[0] in _ISSUER_FIRST_DIGITS and luhn_ok(compact_candidate)

    def adjust_score(self, match: re.Match[str]) -> float:
        return _UNIONPAY_BONUS if match.group().startswith("62") else 0.0


RECOGNIZER = CnBankCardRecognizer
