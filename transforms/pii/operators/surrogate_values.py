"""Format-preserving fake identifiers, one generator per entity type, never a real person's.

Each generator gets a `Draw` (deterministic choices from the keyed seed), the original text and
its normalized value, and returns the surrogate in the original's layout (separators, spaces,
full-width digits and letter case kept), or None when the value is not in a form it knows (then
the operator writes the typed placeholder). Check characters are valid (checksums.py), so a
surrogate looks and validates like the real thing, but each is taken from a range that is never
issued to anyone:

- CN_RESIDENT_ID: province part of the region code from 19/29/39/49/59/69; GB/T 2260 assigns
  11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81-83 and nothing ending in 9. Random real
  birth date 1940-2009, random sequence, valid MOD 11-2 check.
- CREDIT_CARD: first digit 0, the major industry identifier ISO/IEC 7812-1 keeps for ISO/TC 68
  and future assignment, never a card issuer; same length, valid Luhn.
- PHONE_NUMBER: mainland mobiles `154` + 8 digits (154 is not allocated to any operator in the
  MIIT numbering plan, as of 2024); mainland landlines keep the area code and get a local number
  starting with `1` (reserved for special-service codes, never a subscriber line); North
  American numbers (normalized `+1` + ten digits, with or without the 1 in the original)
  `NPA-555-01XX` (reserved for fiction by the NANPA), country code kept. Others: placeholder.
- EMAIL_ADDRESS: example.com / example.org / example.net (RFC 2606).
- IP_ADDRESS: RFC 5737 TEST-NET-1/2/3 for IPv4, 2001:db8::/32 (RFC 3849) for IPv6.
- URL: example.com (RFC 2606). US_SSN: area 666, never issued by the SSA.
- HK_ID: prefix letter `I` (not used as a prefix, to our knowledge: it reads as 1); valid check.
- TW_ID: second digit 3-7 (1/2 are citizens by sex, 8/9 residents); valid check digit.
- CN_USCC: region code in an unassigned province (as resident IDs); category kept; valid MOD 31.
- CN_PASSPORT: `E` + `I` or `O` + 7 digits; the E-letter series skips I and O.
- CN_LICENSE_PLATE: province kept, serial contains `I`, which plates never use (GA 36).
- PERSON, LOCATION, CN_ADDRESS: drawn from synthetic pools (surrogate_pools.py).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import struct
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TypeVar

from tdg.transforms.pii import checksums
from tdg.transforms.pii.operators import surrogate_pools as pools

T = TypeVar("T")

# Province codes that GB/T 2260 never assigns (none ends in 9). "49" is left out: an 18-digit
# number starting with 4 has the shape of a Visa card, and a surrogate must not look like one.
UNASSIGNED_PROVINCES = ("19", "29", "39", "59", "69")
_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # GA 36: no I, no O
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BIRTH_START = date(1940, 1, 1)
_BIRTH_DAYS = (date(2009, 12, 31) - _BIRTH_START).days


class Draw:
    """Deterministic choices from a seed: a SHAKE-256 stream, stable across Python versions.

    Each draw takes the next 8 bytes of the stream as a big-endian integer. SHAKE is an
    extendable-output function (a longer output starts with the shorter one), so the stream
    is squeezed one Keccak block (136 bytes, 17 draws) at first and lengthened when used up;
    no generator needs more than one block.
    """

    __slots__ = ("_position", "_seed", "_words")

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._words: tuple[int, ...] = _WORDS_PER_BLOCK.unpack(
            hashlib.shake_256(seed).digest(_BLOCK_BYTES)
        )
        self._position = 0

    def _take(self, n: int) -> tuple[int, ...]:
        end = self._position + n
        if end > len(self._words):
            count = max(end, 2 * len(self._words))
            self._words = struct.unpack(
                f">{count}Q", hashlib.shake_256(self._seed).digest(8 * count)
            )
        words = self._words[self._position : end]
        self._position = end
        return words

    def below(self, n: int) -> int:
        """An integer in [0, n); 64 bits per draw, so the modulo bias is negligible."""
        position = self._position
        if position < len(self._words):
            self._position = position + 1
            return self._words[position] % n
        return self._take(1)[0] % n

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def chars(self, alphabet: str, n: int) -> str:
        size = len(alphabet)
        return "".join([alphabet[word % size] for word in self._take(n)])


_BLOCK_BYTES = 136  # the SHAKE-256 rate: one Keccak permutation
_WORDS_PER_BLOCK = struct.Struct(f">{_BLOCK_BYTES // 8}Q")


# --- layout -------------------------------------------------------------------------------


# Full-width ASCII (U+FF01-FF5E) to ASCII, one character to one, so positions line up.
_NARROW = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_NOT_CONTENT = re.compile(r"[^0-9A-Za-z]+")


def content_of(original: str) -> str:
    """The ASCII letters and digits of a value after folding full-width forms, in order."""
    return _NOT_CONTENT.sub("", original.translate(_NARROW))


def _widen(c: str) -> str:
    return chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c


def relayout(original: str, new_content: str) -> str:
    """Put new letters and digits where the original had its own, keeping everything else.

    Full-width originals get full-width replacements; lower-case letters stay lower-case.
    """
    if original.isascii():
        return _relayout_ascii(original, new_content)
    return _relayout_any(original, new_content)


def _relayout_any(original: str, new_content: str) -> str:
    out: list[str] = []
    it = iter(new_content)
    for c, f in zip(original, original.translate(_NARROW), strict=True):
        if not (f.isascii() and f.isalnum()):
            out.append(c)
            continue
        n = next(it)
        if f.islower():
            n = n.lower()
        out.append(_widen(n) if c != f else n)
    return "".join(out)


_CONTENT_RUN = re.compile("[0-9A-Za-z]+")


def _relayout_ascii(original: str, new_content: str) -> str:
    """`relayout` for an ASCII original (nothing to widen): whole runs of content at a time."""
    out: list[str] = []
    position = 0
    used = 0
    for match in _CONTENT_RUN.finditer(original):
        start, end = match.span()
        run = match.group()
        new = new_content[used : used + len(run)]
        if len(new) < len(run):  # too little content: fail exactly as the general path does
            return _relayout_any(original, new_content)
        if run.upper() != run:
            new = "".join([n.lower() if c.islower() else n for c, n in zip(run, new, strict=True)])
        out += (original[position:start], new)
        used += len(run)
        position = end
    out.append(original[position:])
    return "".join(out)


def match_width(original: str, new: str) -> str:
    """Full-width output when most of the original's ASCII-like characters were full-width."""
    wide = sum(1 for c in original if "\uff01" <= c <= "\uff5e")
    narrow = sum(1 for c in original if "!" <= c <= "~")
    return "".join(_widen(c) for c in new) if wide > narrow else new


def _case_like(original: str, new: str) -> str:
    letters = [c for c in original if c.isalpha() and c.isascii()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return new.upper()
    if letters and all(c.islower() for c in letters):
        return new.lower()
    return new


# --- generators ---------------------------------------------------------------------------

Generator = Callable[[Draw, str, str], str | None]


def _resident_id(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original)
    if len(content) not in (18, 15) or not content[:15].isdigit():
        return None
    region = draw.choice(UNASSIGNED_PROVINCES) + draw.chars(_DIGITS, 4)
    born = _BIRTH_START + timedelta(days=draw.below(_BIRTH_DAYS + 1))
    sequence = draw.chars(_DIGITS, 3)
    if len(content) == 15:  # legacy: YYMMDD, no check character
        return relayout(original, region + born.strftime("%y%m%d") + sequence)
    first17 = region + born.strftime("%Y%m%d") + sequence
    return relayout(original, first17 + checksums.resident_id_check_char(first17))


def _bank_card(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original)
    if not content.isdigit() or not 12 <= len(content) <= 19:
        return None
    payload = "0" + draw.chars(_DIGITS, len(content) - 2)
    return relayout(original, payload + checksums.luhn_check_digit(payload))


def _phone(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original)
    if not content.isdigit():
        return None
    if normalized.startswith("+1"):  # NANP, whatever the spelling (value_normalization)
        subscriber = normalized[2:]
        if not content.endswith(subscriber):
            return None
        national = _fictional_nanp(draw)
        return relayout(original, content[: len(content) - len(subscriber)] + national)
    if re.fullmatch(r"1[3-9][0-9]{9}", normalized):
        national = "154" + draw.chars(_DIGITS, 8)
    elif re.fullmatch(r"0[1-9][0-9]{8,10}", normalized):
        area_len = 3 if normalized[1] in "12" else 4
        local_len = len(normalized) - area_len
        national = normalized[:area_len] + "1" + draw.chars(_DIGITS, local_len - 1)
    else:
        return None
    if content.endswith(normalized):
        return relayout(original, content[: len(content) - len(normalized)] + national)
    if normalized.startswith("0") and content.endswith(normalized[1:]):  # +86 10 ...: no trunk 0
        return relayout(original, content[: len(content) - len(normalized) + 1] + national[1:])
    return None


def _fictional_nanp(draw: Draw) -> str:
    """Ten digits `NPA-555-01XX`: a plausible area code (no N11 service code, no 9 in the
    middle) and a line the NANPA reserves for fiction in every area code."""
    first = draw.choice("23456789")
    middle = draw.choice("012345678")
    last = draw.choice("023456789" if middle == "1" else _DIGITS)
    return first + middle + last + "55501" + draw.chars(_DIGITS, 2)


def _email(draw: Draw, original: str, normalized: str) -> str:
    if _CJK.search(original) is None and draw.below(2):
        local = f"{draw.choice(pools.EN_GIVEN_NAMES)}.{draw.choice(pools.EN_SURNAMES)}".lower()
    else:
        local = f"user{draw.chars(_DIGITS, 6)}"
    domain = draw.choice(("example.com", "example.org", "example.net"))
    return match_width(original, f"{local}{draw.chars(_DIGITS, 2)}@{domain}")


def _person(draw: Draw, original: str, normalized: str) -> str:
    cjk = len(_CJK.findall(original))
    if cjk:
        if cjk >= 4:
            surname = draw.choice(pools.CN_COMPOUND_SURNAMES)
        else:
            surname = draw.choice(pools.CN_SURNAMES)
        given_length = max(0, min(cjk, 4) - len(surname))
        return surname + "".join(
            draw.choice(pools.CN_GIVEN_CHARACTERS) for _ in range(given_length)
        )
    words = original.split()
    given = draw.choice(pools.EN_GIVEN_NAMES)
    if len(words) <= 1:
        name = given
    elif len(words) == 2:
        name = f"{given} {draw.choice(pools.EN_SURNAMES)}"
    else:
        name = f"{given} {draw.choice(_UPPER)}. {draw.choice(pools.EN_SURNAMES)}"
    return match_width(original, _case_like(original, name))


def _location(draw: Draw, original: str, normalized: str) -> str:
    if _CJK.search(original):
        return draw.choice(pools.CN_CITIES)
    return match_width(original, _case_like(original, draw.choice(pools.EN_CITIES)))


def _cn_address(draw: Draw, original: str, normalized: str) -> str:
    if not _CJK.search(original):
        street = f"{draw.below(900) + 100} {draw.choice(pools.EN_STREET_WORDS)} Street"
        return match_width(original, f"{street}, {draw.choice(pools.EN_CITIES)}")
    parts = []
    if "省" in original:
        parts.append(draw.choice(pools.CN_PROVINCES) + "省")
    parts.append(draw.choice(pools.CN_CITIES) + "市")
    if re.search("[区县]", original):
        parts.append(draw.choice(pools.CN_PLACE_WORDS) + "区")
    parts.append(draw.choice(pools.CN_PLACE_WORDS) + draw.choice(("路", "街", "大道")))
    parts.append(f"{draw.below(300) + 1}号")
    if "室" in original:
        parts.append(f"{draw.below(30) + 1}栋{draw.below(20) + 1}0{draw.below(9) + 1}室")
    return match_width(original, "".join(parts))


def _ip(draw: Draw, original: str, normalized: str) -> str | None:
    try:
        address = ipaddress.ip_address(normalized)
    except ValueError:
        return None
    if address.version == 4:
        net = draw.choice(("192.0.2", "198.51.100", "203.0.113"))
        return match_width(original, f"{net}.{draw.below(254) + 1}")
    groups = ":".join(f"{draw.below(0x10000):x}" for _ in range(3))
    return match_width(original, f"2001:db8:{groups}::{draw.below(0xFFFF) + 1:x}")


def _url(draw: Draw, original: str, normalized: str) -> str:
    folded = unicodedata.normalize("NFKC", original).lower()
    scheme = "http://" if folded.startswith("http://") else "https://"
    if not folded.startswith(("http://", "https://")):
        scheme = "www." if folded.startswith("www.") else ""
    path = draw.chars("abcdefghijklmnopqrstuvwxyz0123456789", 8)
    return match_width(original, f"{scheme}example.com/{path}")


def _us_ssn(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original)
    if len(content) != 9 or not content.isdigit():
        return None
    group = f"{draw.below(99) + 1:02d}"
    serial = f"{draw.below(9999) + 1:04d}"
    return relayout(original, "666" + group + serial)


def _hk_id(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original).upper()
    match = re.fullmatch(r"([A-Z]{1,2})([0-9]{6})([0-9A])", content)
    if match is None:
        return None
    prefix = "I" if len(match.group(1)) == 1 else "I" + draw.choice(_UPPER)
    digits = draw.chars(_DIGITS, 6)
    return relayout(original, prefix + digits + checksums.hk_id_check_char(prefix, digits))


def _tw_id(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original).upper()
    if re.fullmatch(r"[A-Z][0-9]{9}", content) is None:
        return None
    first9 = draw.choice("ABCDEFGHJKMNPQTUVXZ") + draw.choice("34567") + draw.chars(_DIGITS, 7)
    return relayout(original, first9 + checksums.tw_id_check_digit(first9))


def _uscc(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original).upper()
    alphabet = checksums.USCC_ALPHABET
    if len(content) != 18 or any(c not in alphabet for c in content):
        return None
    region = draw.choice(UNASSIGNED_PROVINCES) + draw.chars(_DIGITS, 4)
    first17 = content[:2] + region + draw.chars(_DIGITS + "ABCDEFGHJKLMNPQRTUWXY", 9)
    return relayout(original, first17 + checksums.uscc_check_char(first17))


def _cn_passport(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original).upper()
    if len(content) != 9 or not content[0].isalpha():
        return None
    return relayout(original, "E" + draw.choice("IO") + draw.chars(_DIGITS, 7))


def _plate(draw: Draw, original: str, normalized: str) -> str | None:
    content = content_of(original).upper()
    if len(content) not in (6, 7) or not content[0].isalpha():
        return None
    serial_len = len(content) - 1
    if serial_len == 6 and content[1] in "DFACGHJK":  # new-energy: keep the energy letter
        body = draw.chars(_DIGITS, 4)
        position = draw.below(5)
        serial = content[1] + body[:position] + "I" + body[position:]
    else:
        body = draw.chars(_PLATE_CHARS, serial_len - 1)
        position = draw.below(serial_len)
        serial = body[:position] + "I" + body[position:]
    city = draw.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
    return relayout(original, city + serial)


GENERATORS: dict[str, Generator] = {
    "CN_RESIDENT_ID": _resident_id,
    "CREDIT_CARD": _bank_card,
    "PHONE_NUMBER": _phone,
    "EMAIL_ADDRESS": _email,
    "PERSON": _person,
    "LOCATION": _location,
    "CN_ADDRESS": _cn_address,
    "IP_ADDRESS": _ip,
    "URL": _url,
    "US_SSN": _us_ssn,
    "HK_ID": _hk_id,
    "TW_ID": _tw_id,
    "CN_USCC": _uscc,
    "CN_PASSPORT": _cn_passport,
    "CN_LICENSE_PLATE": _plate,
}
