"""English-style street addresses: `221B Baker Street`, `Apt. 4`, `PO Box 318`, `IL 62704`."""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

from tdg.transforms.pii.recognizers.base import (
    LATIN_CAPITALS,
    LATIN_LETTERS,
    CandidatePattern,
    IdentifierRecognizer,
)

STREET_SCORE = 0.6
BOX_SCORE = 0.6
STATE_ZIP_SCORE = 0.55
UNIT_SCORE = 0.45
POSTCODE_SCORE = 0.55


def _cased(words: tuple[str, ...]) -> str:
    """Each word capitalised and in capitals (`Street`, `STREET`), longest first: a street
    designator in lower case is too often an ordinary word (`on the way`)."""
    variants = {v for w in words for v in (w, w.upper())}
    return "|".join(sorted(variants, key=lambda v: (-len(v), v)))


# Street designators: USPS Publication 28, Appendix C1 (the common ones and their standard
# abbreviations), and the British and Irish ones (Close, Mews, Crescent ...). Only an
# abbreviation takes a dot: after a whole word it ends the sentence.
_DESIGNATORS = _cased(
    ("Street", "Avenue", "Road", "Boulevard", "Lane", "Drive", "Court", "Place", "Square",
     "Terrace", "Way", "Parkway", "Highway", "Circle", "Trail", "Crescent", "Close", "Row",
     "Alley", "Plaza", "Loop", "Walk", "Gardens", "Grove", "Mews", "Pike", "Quay",
     "Expressway", "Freeway", "Turnpike", "Causeway", "Esplanade", "Parade", "Heights",
     "Crossing", "Ridge", "Route", "Wharf", "Embankment", "Bridge", "Path", "Green", "Park",
     "Hill")
)  # fmt: skip
_ABBREVIATED_DESIGNATORS = _cased(
    ("St", "Ave", "Av", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Sq", "Ter", "Pkwy", "Hwy",
     "Cir", "Trl", "Cres", "Plz", "Gdns", "Expy", "Fwy", "Hts", "Rte")
)  # fmt: skip
# Directions: whole words, or letters that may take dots (`NW`, `N.E.`); a whole word takes
# no dot (`12 Oak Street North.` ends the sentence).
_DIRECTIONS = (
    r"(?:North|South|East|West|NORTH|SOUTH|EAST|WEST)(?![A-Za-z])"
    r"|(?:[NS]\.?[EW]|[NSEW])(?![A-Za-z])\.?"
)
_LATIN = LATIN_LETTERS
_UPPER = LATIN_CAPITALS
# A house number (`12`, `221B`, `10-12`), not part of a price, time, decimal or longer code.
# Every pattern here starts with a digit or a letter, not with an assertion: `re` then skips
# ahead to the next one in C (the assertions follow the first character, or are checked in
# `reported_span`).
# Before it no ASCII letter, digit, currency or number sign, and no `.,:/-` after a digit
# (a decimal, time or range); a CJK character or a label's colon may come right before it
# (`地址：12 Harlow Road`, `Address:12 Elm Street`).
_NUMBER = (
    r"[0-9](?<![A-Za-z0-9_$£€#][0-9])(?<![0-9][.,:/-][0-9])[0-9]{0,4}[A-Za-z]?"
    r"(?:[-–/][0-9]{1,5}[A-Za-z]?)?"
)
# A street-name word: capitalised (or in capitals, `O'Connell`, `Saint-Denis`), an ordinal
# (`5th`), an initial (`J.`), or a dotted Saint, Mount, Fort, Junior (`St. Mary's`).
_NAME_WORD = (
    r"(?:(?:St|Mt|Ft|Jr|Sr)\."
    f"|[{_UPPER}][{_LATIN}]*(?:['’-][{_LATIN}]+)*"
    r"|[0-9]{1,3}(?:st|nd|rd|th|ST|ND|RD|TH)"
    f"|[{_UPPER}]\\.)"
)
_END = f"(?![{_LATIN}0-9])"
_HOUSE_NUMBER = re.compile("[0-9]+")
# Secondary unit designators (USPS Publication 28, Appendix C2), and `Flat`.
_UNIT_NAMES = ("Apartment", "Apt", "Suite", "Ste", "Unit", "Flat", "Room")
_UNIT_WORDS = _cased(_UNIT_NAMES)
# Each unit word as the patterns spell it: a text holding none skips the unit pattern (a
# substring test is far cheaper than a regex scan).
_UNIT_KEYS = tuple(v for w in _UNIT_NAMES for v in (w, w.upper()))
_UNIT = f"(?:{_UNIT_WORDS})\\.?[ ]?#?[ ]?[0-9]{{1,5}}[A-Za-z]?{_END}"
_STREET = (
    f"{_NUMBER}[ ]+(?:(?:{_DIRECTIONS})[ ]+)?(?P<words>(?:{_NAME_WORD}[ ]+){{1,4}})"
    f"(?:{_DESIGNATORS}|(?:{_ABBREVIATED_DESIGNATORS})\\.?){_END}"
    f"(?:[ ]+(?:{_DIRECTIONS}))?"
    # a unit after a comma, spaces or a line break (a multi-line address)
    f"(?:(?:,[ ]*\\n?[ ]*|[ ]*\\n[ ]*|[ ]+){_UNIT})?"
)
_PO_BOX = r"P(?:\.[ ]?O\.|O|\.O|ost Office)[ ]+(?:Box|BOX)[ ]+[0-9]{1,6}(?![0-9])"
# A ZIP code after a US state's postal abbreviation (`Springfield, IL 62704-1234`: the ZIP
# code; the state alone singles out nobody). Led by the digits, so `re` scans for a digit,
# not for every capital letter.
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH"
    "|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP"
)
_STATE_ZIP = f"[0-9]{{5}}(?<=(?<![A-Za-z])(?:{_STATES})[ ][0-9]{{5}})(?:-[0-9]{{4}})?(?![0-9])"
# A UK postcode (outward code, a space, inward code: `SW1A 1AA`, `M1 1AA`; the format of
# BS 7666) and a Canadian postal code (`M5H 2N2`; Canada Post leaves out D, F, I, O, Q, U),
# in capitals and with their space, as they are written in an address. A postcode covers a
# street or a few houses: a quasi-identifier, like a ZIP+4.
# Both are matched from their inward code's digit, the outward code checked by lookbehinds
# (one per width) and added to the span in `reported_span`: a regex led by a capital letter
# would be tried at every capital of the text.
_NO_ALNUM_BEFORE = "(?<![A-Za-z0-9])"
_UK_POSTCODE = (
    f"[0-9](?:(?<={_NO_ALNUM_BEFORE}[A-Z][0-9] [0-9])"
    f"|(?<={_NO_ALNUM_BEFORE}(?:[A-Z][0-9][A-Z0-9]|[A-Z]{{2}}[0-9]|GIR) [0-9])"
    f"|(?<={_NO_ALNUM_BEFORE}[A-Z]{{2}}[0-9][A-Z0-9] [0-9]))"
    "[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])"
)
_CA_POSTAL_CODE = (
    f"[0-9](?<={_NO_ALNUM_BEFORE}[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] [0-9])"
    "[ABCEGHJ-NPRSTV-Z][0-9](?![A-Za-z0-9])"
)
# Where either can be: a digit, then two capitals or a capital and a digit (one cheap scan
# before the capital-led patterns run).
_POSTCODE_INWARD = re.compile("[0-9](?:[A-Z]{2}|[A-Z][0-9])")
# An Irish Eircode (`D02 X285`, `A65F4E2`): a routing key (a letter and two digits, or D6W)
# and a unique identifier of four characters, from the letters An Post uses (no B, G, I, J,
# L, M, O, Q, S, U, Z), with or without the space. Led by the routing key's first digit; its
# letter is checked by a lookbehind and added in `reported_span`. An identifier without a
# letter is not taken (`A12 3456` is more often a reference than an Eircode).
_EIR_LETTERS = "ACDEFHKNPRTVWXY"
_EIRCODE = (
    f"[0-9](?<={_NO_ALNUM_BEFORE}[{_EIR_LETTERS}][0-9])(?:[0-9]|(?<=D6)W)[ ]?"
    f"(?=[0-9]{{0,3}}[{_EIR_LETTERS}])[0-9{_EIR_LETTERS}]{{4}}(?![A-Za-z0-9])"
)
# An Eircode counts in an address (after a comma, colon or line break) or beside a word that
# says it is one: a letter, two digits and four characters is also a model number (`Model T12
# XK45`); An Post's closed list of 139 routing keys is not built in.
_EIRCODE_CONTEXT = re.compile("(?i:eircode|ireland|dublin|co\\.|county|address)")
_EIRCODE_CONTEXT_BEFORE = 40
# An Australian state or territory and its four-digit postcode (`Sydney NSW 2000`), the
# postcode in the state's ranges (Australia Post), after a comma or a capitalised town or
# not followed by a lower-case word (years are New South Wales postcodes: `The NSW 2023
# election`); SA, WA, NT and ACT are also words and abbreviations (`Acme SA 5000 shares`),
# so after them both.
_AU_POSTCODES: dict[str, tuple[tuple[int, int], ...]] = {
    "NSW": ((1000, 2599), (2619, 2899), (2921, 2999)),
    "ACT": ((200, 299), (2600, 2618), (2900, 2920)),
    "VIC": ((3000, 3999), (8000, 8999)),
    "QLD": ((4000, 4999), (9000, 9999)),
    "SA": ((5000, 5999),),
    "WA": ((6000, 6999),),
    "TAS": ((7000, 7999),),
    "NT": ((800, 999),),
}
_AU_AMBIGUOUS = frozenset({"SA", "WA", "NT", "ACT"})
_AU_STATES = tuple(sorted(_AU_POSTCODES, key=len, reverse=True))  # NSW before SA
_AU_STATE_POSTCODE = (
    "[0-9]{4}(?:(?<=(?<![A-Za-z])(?:NSW|VIC|QLD|TAS|ACT)[ ][0-9]{4})"
    "|(?<=(?<![A-Za-z])(?:SA|WA|NT)[ ][0-9]{4}))(?![0-9])"
)
_TOWN_BEFORE = re.compile(f"(?<![{_LATIN}])([{_UPPER}][{_LATIN}]{{2,}})[ ]$")
_NOT_TOWNS = frozenset({"The", "THE", "In", "At", "On", "By", "For", "And", "Our", "This", "That"})
_TOWN_BACK = 40  # how far back `_TOWN_BEFORE` looks
_LOWER_WORD_AFTER = re.compile("[ ]+[a-z]")

# A number after one of these is not a house number: it numbers a chapter, a rule or a page
# (`Chapter 11 Bankruptcy Court`), counts something (`the 9 Supreme Court justices`, `about
# 100 Wall Street firms`) or is a day (`On May 5 Park Avenue was closed`); or, when it looks
# like a year, dates something (`In 2019 Apple Park opened`). Not `No.`: `No. 10 Downing
# Street` is an address.
_NUMBERING_WORDS = frozenset(
    {"chapter", "section", "sec", "article", "art", "part", "rule", "title", "volume", "vol",
     "page", "p", "pp", "figure", "fig", "table", "step", "level", "grade", "week", "day",
     "version", "episode", "season", "round", "top", "paragraph", "clause", "item", "line",
     "exhibit", "schedule", "appendix", "annex", "form", "psalm", "verse",
     "the", "a", "an", "our", "their", "his", "her", "its", "my", "your", "these", "those",
     "all", "some", "every", "each", "only", "just", "about", "around", "approximately",
     "roughly", "nearly", "almost", "over", "under", "than", "among", "first", "last", "next",
     "best", "january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul",
     "aug", "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip
_YEAR_WORDS = frozenset(
    {"in", "since", "by", "from", "until", "till", "after", "before", "during", "circa",
     "year", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter"}
)  # fmt: skip
# A first street-name word that makes the number a quantity (`3 Mile Loop`, `10 Best Hiking
# Trail Tips`, `the 12 Week Path`); the European rule also reads them after a number.
QUANTITY_WORDS = frozenset(
    {"mile", "miles", "km", "kilometre", "kilometer", "meter", "metre", "foot", "feet", "inch",
     "yard", "minute", "hour", "day", "week", "month", "year", "best", "top", "star", "step",
     "ways", "things", "tips", "reasons", "times", "percent", "per", "points", "people",
     "million", "billion", "thousand", "hundred"}
)  # fmt: skip
YEAR = re.compile("(?:19|20)[0-9]{2}")  # a number that may be a year
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[.,:]?[ ]+$")
_STREET_PATTERN = "en_street_address_v1"
_UNIT_PATTERN = "en_address_unit_v1"
_BOX_PATTERN = "en_po_box_v1"
_ZIP_PATTERN = "us_state_zip_v1"
_UK_PATTERN = "uk_postcode_v1"
_CA_PATTERN = "ca_postal_code_v1"
_EIRCODE_PATTERN = "ie_eircode_v1"
_AU_PATTERN = "au_state_postcode_v1"
_POSTCODES = frozenset({_UK_PATTERN, _CA_PATTERN})
_WORD_LED = frozenset({_UNIT_PATTERN, _BOX_PATTERN})
_ASCII_LETTERS = frozenset(string.ascii_letters)
# State codes that are also English words or common abbreviations (`Order ID 48213`, `AS
# 15169`): their ZIP is reported only after a comma (`Boise, ID 83702`).
_AMBIGUOUS_STATES = frozenset({"ID", "AS", "IN", "OR", "ME", "OK", "HI", "DE", "PA", "MD"})
# What sits next to a unit that stands alone in an address (`Apt. 460, Albany`, a line of its
# own): not `Unit 3 covers algebra` or `Cello Suite 3.`
_ADDRESS_SEPARATORS = ",;\n"


def numbered_otherwise(text: str, number_start: int, number: str) -> bool:
    """Whether the word before a street line's number says the number is something else."""
    before = _WORD_BEFORE.search(text, max(0, number_start - 16), number_start)
    if before is None:
        return False
    word = before.group(1).lower()
    return word in _NUMBERING_WORDS or (word in _YEAR_WORDS and YEAR.fullmatch(number) is not None)


def _au_postcode_ok(text: str, start: int, end: int) -> bool:
    """The postcode is in its state's ranges; after NSW, VIC, QLD or TAS it follows a comma
    or a capitalised town, or no lower-case word follows it (`Address: NSW 2000`, but not
    `The NSW 2023 election`); after SA, WA, NT or ACT, which are also words and abbreviations,
    both."""
    head = text[max(0, start - _TOWN_BACK) : start - 1]  # up to the space before the postcode
    state = next(s for s in _AU_STATES if head.endswith(s))
    postcode = int(text[start:end])
    if not any(lo <= postcode <= hi for lo, hi in _AU_POSTCODES[state]):
        return False
    before = head[: -len(state)]
    town = _TOWN_BEFORE.search(before)
    placed = before.rstrip(" ").endswith(",") or (
        town is not None and town.group(1) not in _NOT_TOWNS
    )
    prose_after = _LOWER_WORD_AFTER.match(text, end) is not None
    if state in _AU_AMBIGUOUS:
        return placed and not prose_after
    return placed or not prose_after


def _eircode_in_address(text: str, start: int) -> bool:
    """A comma or line break before the code (spaces aside), or an Eircode word near it."""
    before = text[max(0, start - _EIRCODE_CONTEXT_BEFORE) : start].rstrip(" ")
    return not before or before[-1] in ",:\n" or _EIRCODE_CONTEXT.search(before) is not None


def _lone_unit_in_address(text: str, start: int, end: int) -> bool:
    """A separator right after the unit, or right before it (spaces aside)."""
    if end < len(text) and text[end] in _ADDRESS_SEPARATORS:
        return True
    before = start - 1
    while before >= 0 and text[before] == " ":
        before -= 1
    return before >= 0 and text[before] in _ADDRESS_SEPARATORS


class EnglishStreetAddressRecognizer(IdentifierRecognizer):
    """A street address written the English way (LOCATION): house number, street name and a
    street designator, with an apartment or suite; a unit, PO box or state-and-ZIP alone.

    spaCy's NER finds cities and countries, which identify nobody, and mostly misses the
    street line, which does: `40 Dame Street` often came out as a LOCATION `Dame Street` with
    the house number left in clear. Reported as LOCATION, like the NER's places, so the two
    readings of one address merge into one span.

    **Format**: a number (`12`, `221B`, `10-12`), an optional direction (`N`, `West`, `N.E.`),
    one to four capitalised words, ordinals, initials or `St.`/`Mt.`, and a designator from
    USPS Publication 28 (Street, St, Avenue, Ave, Road, Rd, Boulevard, Lane, Drive, Court,
    Place, Way, Highway ...) or a British one (Close, Crescent, Mews, Terrace ...),
    capitalised or in capitals, optionally followed by a direction and a unit; or a unit alone
    beside a comma or line break (`Apt. 460`, `Suite 318`, `Flat 2`), a PO box, a ZIP code
    after a US state abbreviation, a UK postcode or a Canadian postal code (in capitals, with
    its space), an Irish Eircode, an Australian state and postcode (in the state's ranges).

    **Matches**: `221B Baker Street`; `1600 Pennsylvania Ave NW, Suite 200` (all of it); `12
    St Omers Road`; `350 W. 5th Ave`; `Apt. 460` on a line of its own; `P.O. Box 318`;
    `Springfield, IL 62704` (62704); `London SW1A 1AA`; `Toronto, ON M5H 2N2`; `Dublin 2, D02
    X285`; `Perth WA 6000` (6000); `地址：12 Harlow Road` (12 Harlow Road).

    **Does not match**: `I walked 3 blocks down the street` (lower case), `$5 Main Street
    special` (a price), `at 10:30 Park Lane` (a time), `2 dogs on the way`, `Suite` or
    `Apt` without a number, `CA 9410` (four digits), `SW1A1AA` and `sw1a 1aa` (no space, lower
    case), `Chapter 11 Bankruptcy Court`, `In 2019 Apple Park opened`, `the 9 Supreme Court
    justices` (the word before says what the number is), `Our 3 Mile Loop` (a quantity), `Unit
    3 covers algebra` (a unit outside an address), `Order ID 48213`, `A12 3456` (no letter in
    the Eircode's identifier), `Model T12 XK45` (an Eircode's shape outside an address),
    `NSW 7000` (not a New South Wales postcode), `the ACT 2023 exam`, `Acme SA 5000 shares`.

    **Reference**: USPS Publication 28 (street suffix abbreviations, secondary unit
    designators); GB/T 35273-2020 Annex A and GDPR Art. 4(1) (a personal address is personal
    information).
    """

    ENTITY = "LOCATION"
    PATTERNS = (
        CandidatePattern(_STREET_PATTERN, _STREET, STREET_SCORE),
        CandidatePattern(_BOX_PATTERN, _PO_BOX, BOX_SCORE),
        CandidatePattern(_ZIP_PATTERN, _STATE_ZIP, STATE_ZIP_SCORE),
        CandidatePattern(_UNIT_PATTERN, _UNIT, UNIT_SCORE),
        CandidatePattern(_UK_PATTERN, _UK_POSTCODE, POSTCODE_SCORE),
        CandidatePattern(_CA_PATTERN, _CA_POSTAL_CODE, POSTCODE_SCORE),
        CandidatePattern(_EIRCODE_PATTERN, _EIRCODE, POSTCODE_SCORE),
        CandidatePattern(_AU_PATTERN, _AU_STATE_POSTCODE, STATE_ZIP_SCORE),
    )
    CONTEXT = ()
    MIN_DIGIT_RUN = 1
    # every candidate holds an ASCII letter (its designator, box, state, unit word or
    # postcode letter): most Chinese text with digits has none, and this is a much cheaper
    # scan than the candidates
    PREFILTER = "[A-Za-z]"

    def patterns_for(self, text: str) -> Sequence[tuple[CandidatePattern, re.Pattern[str]]]:
        """The digit-led patterns always; the unit, PO box and postcode ones only where their
        word or inward code is (they start with capitals, which are everywhere in prose)."""
        postcodes = _POSTCODE_INWARD.search(text) is not None
        return [
            (pattern, regex)
            for pattern, regex in self._compiled
            if (pattern.name != _UNIT_PATTERN or any(key in text for key in _UNIT_KEYS))
            and (pattern.name != _BOX_PATTERN or "Box" in text or "BOX" in text)
            and (pattern.name not in _POSTCODES or postcodes)
        ]

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """The match (a postcode with its outward code), unless: a unit or PO box continues a
        word (`xApt 4`); a unit stands alone outside an address; the word before a street
        line's number, or its first name word, makes the number something else; an ambiguous
        state code has no comma before."""
        start, end = match.start(), match.end()
        name = pattern.name
        if name in _WORD_LED:
            if start > 0 and text[start - 1] in _ASCII_LETTERS:
                return None
            if name == _UNIT_PATTERN and not _lone_unit_in_address(text, start, end):
                return None
        elif name == _STREET_PATTERN:
            number = _HOUSE_NUMBER.match(match.group())
            if number is not None and numbered_otherwise(text, start, number.group()):
                return None
            first = match.group("words").split(" ", 1)[0].rstrip(".").lower()
            if first in QUANTITY_WORDS:
                return None
        elif name in _POSTCODES:
            start = text.rindex(" ", 0, start)
            while start > 0 and text[start - 1].isalnum():
                start -= 1
        elif name == _ZIP_PATTERN:
            state = text[start - 3 : start - 1]
            if state in _AMBIGUOUS_STATES and not text[: start - 3].rstrip(" ").endswith(","):
                return None
        elif name == _EIRCODE_PATTERN:
            start -= 1  # the routing key's letter
            if not _eircode_in_address(text, start):
                return None
        elif name == _AU_PATTERN and not _au_postcode_ok(text, start, end):
            return None
        return start, end, pattern.score


RECOGNIZER = EnglishStreetAddressRecognizer
