"""Mainland travel permits for Taiwan residents (台胞证)."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer


class CnTaiwanResidentPermitRecognizer(IdentifierRecognizer):
    """Mainland Travel Permit for Taiwan Residents (台湾居民来往大陆通行证, 台胞证), reported
    as `CN_HOME_RETURN_PERMIT`: the Taiwan counterpart of the Hong Kong and Macao permit.

    **Format**: 8 digits on the current card (since 2015); one space or dash may follow the
    first 4. Eight digits alone are anything (dates, order numbers), and the number has no
    check digit, so it is reported only next to a context word (台胞证, 台湾居民来往大陆通行证,
    通行证 ...).

    **Matches**: `台胞证号码：12345678`, `台湾居民来往大陆通行证 1234 5678`.

    **Does not match**: `订单号12345678` (no context word); `台胞证123456789` (9 digits); the
    number inside a longer digit or letter run.

    **Reference**: 台湾居民来往大陆通行证 card numbering, National Immigration Administration
    (2015 card).
    """

    ENTITY = "CN_HOME_RETURN_PERMIT"
    PATTERNS = (
        CandidatePattern(
            "cn_taiwan_resident_permit_v1",
            r"(?<![0-9A-Za-z])[0-9]{4}[ -]?[0-9]{4}(?![0-9A-Za-z]|[ -][0-9])",
            0.85,
        ),
    )
    CONTEXT = (
        "台胞证",
        "台胞證",
        "台湾居民来往大陆通行证",
        "臺灣居民來往大陸通行證",
        "台湾居民来往大陆",
        "通行证",
        "通行證",
        "Taiwan compatriot permit",
        "MTP",
    )
    CONTEXT_REQUIRED = True
    MIN_DIGIT_RUN = 4
    MIN_GROUPED_DIGITS = 8
    PREFILTER = "台胞|臺胞|台湾居民|臺灣居民|通行|(?i:taiwan compatriot|MTP)"


RECOGNIZER = CnTaiwanResidentPermitRecognizer
