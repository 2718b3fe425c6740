"""Check-character algorithms of the identifiers tdg validates and forges surrogates for.

Pure functions over ASCII strings; callers fold full-width digits first.
"""

from __future__ import annotations

# GB 11643-1999, ISO 7064 MOD 11-2.
_RID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _RID_WEIGHTS, strict=True))
    return _RID_CHECK[total % 11]


def resident_id_checksum_ok(value: str) -> bool:
    v = value.upper()
    return len(v) == 18 and v[:17].isdigit() and resident_id_check_char(v[:17]) == v[17]


# GB 32100-2015, unified social credit code, MOD 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_checksum_ok(value: str) -> bool:
    v = value.upper()
    if len(v) != 18 or any(c not in USCC_ALPHABET for c in v):
        return False
    return uscc_check_char(v[:17]) == v[17]


def luhn_check_digit(payload: str) -> str:
    """The digit that, appended to payload, makes the Luhn sum a multiple of 10."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return len(number) >= 2 and number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def hk_id_check_char(prefix: str, digits: str) -> str:
    """Hong Kong identity card: 1-2 letters + 6 digits, check digit mod 11 (A = 10)."""
    letters = prefix.upper().rjust(2, " ")
    values = [36 if c == " " else ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


# Taiwan national ID: letter -> two-digit code (A=10 ... with the official irregular order).
_TW_LETTER_CODES = {c: i + 10 for i, c in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO")}


def tw_id_checksum_ok(value: str) -> bool:
    v = value.upper()
    if len(v) != 10 or v[0] not in _TW_LETTER_CODES or not v[1:].isdigit():
        return False
    code = _TW_LETTER_CODES[v[0]]
    digits = [code // 10, code % 10] + [int(c) for c in v[1:]]
    weights = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def tw_id_check_digit(first9: str) -> str:
    """The last digit that makes `first9` + digit a valid Taiwan ID."""
    for d in "0123456789":
        if tw_id_checksum_ok(first9 + d):
            return d
    raise ValueError("no check digit")  # unreachable: weight 1 on the last digit


def icao_check_digit(field: str) -> str:
    """ICAO 9303 7-3-1 check digit over digits, letters (A=10) and '<' (0)."""
    total = 0
    for i, c in enumerate(field.upper()):
        if c.isdigit():
            v = int(c)
        elif "A" <= c <= "Z":
            v = ord(c) - 55
        else:
            v = 0
        total += v * (7, 3, 1)[i % 3]
    return str(total % 10)
