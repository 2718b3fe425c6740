"""Passports issued by the People's Republic of China and its SARs."""

from __future__ import annotations

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

# The 9 characters may be written 5-4 (`E1234 5678`, `EA123-4567`): one space or dash there.
_SERIES = (
    r"E[0-9]{4}[ -]?[0-9]{4}"  # ordinary e-passport
    r"|E[A-HJ-NP-Z][0-9]{3}[ -]?[0-9]{4}"  # ordinary, since 2017 (second letter not I or O)
    r"|G[0-9]{4}[ -]?[0-9]{4}"  # ordinary, pre-2012 series
    r"|[PSD]E[0-9]{3}[ -]?[0-9]{4}"  # public affairs, service, diplomatic
    r"|K[0-9]{4}[ -]?[0-9]{4}"  # Hong Kong SAR
    r"|MA[0-9]{3}[ -]?[0-9]{4}"  # Macao SAR
)


class CnPassportRecognizer(IdentifierRecognizer):
    """Passport number of the PRC, the Hong Kong SAR or the Macao SAR (护照号码).

    **Format**: `E` + 8 digits, `E` + letter (not I/O) + 7 digits, `G` + 8 digits, `PE`/`SE`/`DE`
    + 7 digits, `K` + 8 digits (HKSAR), `MA` + 7 digits (Macao SAR). The number itself has no
    check digit (only the machine-readable zone does), so without a context word (护照, passport,
    证件) the score stays conservative (0.3). Grouped 5-4 by one space or dash: `E1234 5678`.

    **Matches**: `护照号码E12345678`, `passport no. EA1234567`, `MA1234567` (low score alone),
    `护照E1234-5678`.

    **Does not match**: `EI1234567` / `EO1234567`; the series inside a longer alphanumeric run
    (`XE12345678`, `E123456789`); `H12345678` (a home-return permit).

    **Reference**: ICAO Doc 9303 part 4 (document number field); series as issued by the
    National Immigration Administration and the SAR governments.
    """

    ENTITY = "CN_PASSPORT"
    PATTERNS = (
        CandidatePattern("cn_passport_v2", rf"(?<![0-9A-Za-z])(?:{_SERIES})(?![0-9A-Za-z])", 0.3),
    )
    CONTEXT = (
        "护照",
        "護照",
        "证件",
        "證件",
        "旅行证件",
        "passport",
        "travel document",
    )
    CONTEXT_BOOST = 0.55
    # English labels run long ("Passport number for the visa letter: E..."): look further back.
    CONTEXT_BEFORE = 48
    MIN_DIGIT_RUN = 4  # `E1234 5678`, `EA123 4567`
    MIN_GROUPED_DIGITS = 7  # `123-4567` in `EA123-4567`


RECOGNIZER = CnPassportRecognizer
