"""One canonical spelling per identifier value, so equal identifiers hash equally.

Keyed pseudonyms, surrogates and subject fingerprints are all computed over
`normalize_value(entity_type, value)`: `138 1234 5678`, `+86-138-1234-5678` and
`１３８１２３４５６７８` are one phone number and must get one token, and an erasure
request that spells a number differently from the corpus must still find it.
Versioned by behaviour: changing a rule changes every fingerprint, so add a new
function rather than editing one that stored fingerprints depend on.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

# Zero-width and invisible formatting characters that survive NFKC.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)

# Separators people put inside numbers and codes (after NFKC folding).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.·・/()\[\]]+")
_NON_DIGITS = re.compile(r"[^0-9]+")
_WHITESPACE = re.compile(r"\s+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_NAME_DOTS = re.compile(r"[·・•‧∙]")

# Mainland mobile: 1[3-9] + 9 digits (REQUIREMENTS §5).
_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# North American number without country code: area code NXX (N = 2-9, no 9 in the middle,
# reserved for expansion), exchange NXX, four-digit line.
_NANP = re.compile(r"[2-9][0-8][0-9][2-9][0-9]{6}")
_DIGIT_RUN = re.compile(r"[0-9]+")

# Identifier types compared without separators and without case.
_CODE_TYPES = frozenset(
    {
        "CREDIT_CARD",
        "IBAN_CODE",
        "US_SSN",
        "US_BANK_NUMBER",
        "US_DRIVER_LICENSE",
        "US_PASSPORT",
        "US_ITIN",
        "UK_NHS",
        "MEDICAL_LICENSE",
        "CN_RESIDENT_ID",
        "CN_USCC",
        "CN_PASSPORT",
        "CN_HOME_RETURN_PERMIT",
        "CN_EXIT_ENTRY_PERMIT",
        "HK_ID",
        "TW_ID",
        "CN_LICENSE_PLATE",
        "QQ_NUMBER",
    }
)


def fold(value: str) -> str:
    """NFKC (full-width digits, letters and punctuation become ASCII) without invisibles."""
    return unicodedata.normalize("NFKC", value).translate(_INVISIBLE)


def normalize_phone(value: str) -> str:
    """Digits only; a Chinese country prefix (+86, 0086, 86) is dropped; NANP gets `+1`.

    A mainland mobile keeps its 11 digits; a mainland landline written internationally
    (`+86 10 1234 5678`) gets its trunk `0` back, so it equals `010-1234-5678`.

    A North American number is `+1` and its ten digits, however it is written: `+1 415 555
    0134`, `001 415 555 0134`, `1-415-555-0134`, `(415) 555-0134` and `415.555.0134` are one
    number. The `+` keeps it apart from the mainland mobile `141 5555 0134`, whose canonical
    form is the bare `14155550134`, so that spelling (eleven digits run together or grouped
    3-4-4) stays a mobile. Country code 1 is read from an explicit `+1`/`001`, or from a `1`
    standing alone before a ten-digit NANP number (`1 (415) ...`, `1-415-...`). Earlier
    versions kept a NANP number's bare digits, with or without the 1, so keyed pseudonyms
    and fingerprints of NANP numbers made by them differ. Chinese mobiles and landlines did
    not change, but a ten-digit number of NANP shape without a trunk 0 now reads as NANP:
    mainland 400 / 800 service numbers (`400-810-1234` -> `+14008101234`) among them, whose
    pseudonyms and fingerprints moved with it.
    """
    folded = fold(value).strip()
    digits = _NON_DIGITS.sub("", folded)
    explicit = folded.startswith("+") or digits.startswith("00")
    national = digits[2:] if digits.startswith("00") else digits
    if national.startswith("86") and len(national) > 2:
        rest = national[2:]
        if _CN_MOBILE.fullmatch(rest):
            return rest
        if explicit and 9 <= len(rest) <= 11 and not rest.startswith("0"):
            return "0" + rest
        if explicit and 10 <= len(rest) <= 12 and rest.startswith("0"):
            return rest  # `+86 (0)10 ...`: the trunk zero written in brackets
    if explicit:
        if len(national) == 11 and national.startswith("1"):
            return "+" + national
        # Ten digits after `+` include a country code: keep the `+`, or they read as NANP.
        return "+" + digits if _NANP.fullmatch(digits) else digits
    if _NANP.fullmatch(digits):
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1") and _NANP.fullmatch(digits[1:]):
        first_run = _DIGIT_RUN.search(folded)
        if not _CN_MOBILE.fullmatch(digits) or (first_run and first_run.group() == "1"):
            return "+" + digits
    return digits


def normalize_value(entity_type: str, value: str) -> str:
    """The canonical form of an identifier value, by entity type (see module docstring)."""
    # Removing separators and changing case can leave a string that is not NFKC any more
    # (`A´` -> `A` + combining acute); compose once more so normalizing twice changes nothing.
    return unicodedata.normalize("NFKC", _normalize_by_type(entity_type, value))


def _normalize_by_type(entity_type: str, value: str) -> str:
    if entity_type == "PHONE_NUMBER":
        return normalize_phone(value)
    folded = fold(value).strip()
    if entity_type in _CODE_TYPES:
        return _SEPARATORS.sub("", folded).upper()
    if entity_type == "WECHAT_ID":
        return folded.casefold()  # one ID written in either case keeps one token
    if entity_type == "EMAIL_ADDRESS":
        return _WHITESPACE.sub("", folded).lower()
    if entity_type == "IP_ADDRESS":
        compact = _WHITESPACE.sub("", folded).lower()
        try:
            return str(ipaddress.ip_address(compact))
        except ValueError:
            return compact
    if entity_type == "PERSON":
        spaced = _WHITESPACE.sub(" ", _NAME_DOTS.sub("·", folded))
        return _SPACE_NEXT_TO_CJK.sub("", spaced).casefold()
    return _WHITESPACE.sub(" ", folded)
