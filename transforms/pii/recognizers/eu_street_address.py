"""Continental European street addresses: `Lindenstraße 8`, `Via Roma 131`, `12 rue de la Paix`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby

from tdg.transforms.pii.recognizers.base import (
    LATIN_CAPITALS,
    LATIN_LETTERS,
    CandidatePattern,
    IdentifierRecognizer,
)
from tdg.transforms.pii.recognizers.en_street_address import (
    QUANTITY_WORDS,
    YEAR,
    numbered_otherwise,
)

STREET_SCORE = 0.6

_UPPER = LATIN_CAPITALS
_LATIN = LATIN_LETTERS
# A house number after the street (`8`, `8a`, `12-14`, `12–14`, `5/7`): no digit or letter
# right after.
_AFTER_NUMBER = f"[0-9]{{0,4}}[A-Za-z]?(?:[-–/][0-9]{{1,5}}[A-Za-z]?)?(?![{_LATIN}0-9])"
# A name word: capitalised (`Roma`, `Saint-Denis`, `D'Azeglio`) or in capitals.
_NAME_WORD = f"[{_UPPER}][{_LATIN}]*(?:['’-][{_LATIN}]+)*"
# Articles and prepositions inside street names (`Calle de Alcalá`, `Rua dos Anjos`,
# `Via della Scala`, `Place de l'Opéra`).
_PARTICLE = (
    r"(?:de|del|della|delle|dei|degli|di|da|do|dos|das|la|le|les|los|las|du|des|van|von|der"
    r"|den|het|y|e|et|i)"
)
_ELIDED = "(?:[dlDL]['’])"

# Street names written as one word ending in a designator, the house number after them:
# German (`Lindenstraße 8`, `Hauptstr. 5`), Dutch (`Keizersgracht 123`), Scandinavian
# (`Storgatan 5`, `Nørregade 12`), Finnish (`Koskikatu 25`). Words of English that end in one
# are left out by `_ENGLISH_WORDS` (`Brigade 5`); endings that are also common English word
# endings (`-ring`, `-gate`, Finnish `-tie`) are not designators here.
_SUFFIXES = (
    "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer", "chaussee",
    "steig", "pfad", "straat", "gracht", "laan", "plein", "kade", "singel", "dijk", "gade",
    "vej", "vejen", "veien", "vegen", "gata", "gatan", "vägen", "väg", "gränd", "torget",
    "katu", "kuja", "polku",
)  # fmt: skip
# The same designators as words of their own after a name (`Berliner Straße 5`, `Am Alten
# Weg 3`), capitalised.
_SEPARATE = ("Straße", "Strasse", "Str.", "Gasse", "Weg", "Allee", "Platz", "Damm", "Ufer")
_ENGLISH_WORDS = frozenset({"brigade", "renegade", "stockade", "blockade"})


def _led_by_number(designators: Sequence[str], before: str) -> str:
    """A pattern led by the house number's first digit, the designator checked by lookbehinds
    (one per length, as `re` needs): a pattern led by a capital letter would be tried at every
    capital of the text. `before`: what must come right before the designator."""
    lookbehinds = [
        f"(?<={before}(?:{'|'.join(re.escape(d) for d in same)})[ ][0-9])"
        for _, same in groupby(sorted(designators, key=len), key=len)
    ]
    # First one cheap test of the character before the space, which most digits fail.
    last = re.escape("".join(sorted({d[-1] for d in designators})))
    return f"[0-9](?<=[{last}][ ][0-9])(?:{'|'.join(lookbehinds)}){_AFTER_NUMBER}"


_SUFFIXED = _led_by_number(_SUFFIXES, f"[{_LATIN}]{{2}}")
# after a word and a space, or a hyphen (`Karl-Marx-Straße 5`)
_SEPARATE_WORD = _led_by_number(_SEPARATE, f"[{_LATIN}][ -]")

# Designator first, the name and the house number after (Italian, Spanish, Catalan,
# Portuguese, and French written that way): `Via Roma 131`, `Calle de Alcalá, 12`.
_NAME_FIRST = (
    "Via", "Viale", "Piazza", "Piazzale", "Corso", "Largo", "Vicolo", "Calle", "Avenida",
    "Avinguda", "Carrer", "Paseo", "Passeig", "Plaza", "Plaça", "Praça", "Rua", "Travessa",
    "Estrada", "Rambla", "Camino", "Carretera", "Strada", "Rue", "Chemin", "Allée", "Impasse",
    "Quai", "Place",
)  # fmt: skip
_LEAD = f"(?:{_PARTICLE}[ ]|{_ELIDED})*"
# One to four name words, articles between them (`de la Paix`, `Vittorio Emanuele`).
_NAME = f"{_LEAD}{_NAME_WORD}(?:[ ]{_LEAD}{_NAME_WORD}){{0,3}}"
# Led by the designator word (the letter before it is checked in `reported_span`).
_DESIGNATOR_FIRST = f"(?:{'|'.join(_NAME_FIRST)})[ ]+{_NAME}(?:,[ ]*|[ ]+)[0-9]{_AFTER_NUMBER}"
# French: number, then the designator in lower case (or `Rue`), then the name (`12 rue de la
# Paix`, `5, avenue Victor Hugo`, `3 bis rue des Lilas`).
_FRENCH = (
    r"[0-9](?<![A-Za-z0-9_$£€#][0-9])[0-9]{0,3}(?:[ ]?(?:bis|ter))?,?[ ]+"
    r"(?P<designator>rue|Rue|avenue|boulevard|bd|place|allée|chemin|impasse|quai|cours|route)"
    f"[ ]+(?P<street>{_NAME})(?![{_LATIN}])"
)
# French designators that are English words (`Bus 42 route Downtown`, `exit 5 avenue North`):
# a one-word name after them must not be an English direction or place word.
_ENGLISH_FRENCH = frozenset({"route", "place", "avenue", "cours", "boulevard"})
_ENGLISH_PLACE_WORDS = frozenset(
    {"North", "South", "East", "West", "Downtown", "Uptown", "Midtown", "Behind", "Ahead",
     "Express", "Central", "Main", "Home", "Here", "There"}
)  # fmt: skip
# A name that starts like an English phrase (`Place Your Order 5`), or a number that counts
# or is a year, a decimal or a version (`Via USB 3.0`, `Calle Ocho 2024`).
_NOT_NAMES = frozenset(
    {"The", "A", "An", "Your", "Our", "My", "His", "Her", "Their", "Its", "This", "That",
     "These", "Those"}
)  # fmt: skip
_COUNTED = QUANTITY_WORDS | {
    "minutes", "hours", "days", "members", "episodes", "inches", "years", "months", "weeks",
    "seconds", "stars", "items", "codes", "games", "goals", "players", "units", "pieces",
}  # fmt: skip
_NEXT_WORD = re.compile(r"[ ]+([a-z]+)")
_ALL_CAPS = re.compile("[A-Z]{2,}")
_ROMAN = re.compile("[IVXLC]+")  # `Via XX Settembre`, `Corso Vittorio Emanuele II`
# A number followed right away by a Chinese classifier counts something (`3个`, `3张`); a
# Chinese house number is followed by 号.
_CLASSIFIERS = frozenset("个張张次人位名年月日天岁歲元块塊件条條本")
# How far back a hyphenated compound before a separate designator may reach.
_COMPOUND_BACK = 48
_LATIN_LETTER = re.compile(f"[{_LATIN}]")
_SUFFIXED_PATTERN = "eu_street_suffix_v1"
_SEPARATE_PATTERN = "eu_street_word_v1"
_FIRST_PATTERN = "eu_street_designator_first_v1"
_FRENCH_PATTERN = "fr_street_number_first_v1"
# After a street line: a postcode and a town on the same line or the next (`, 10115
# Berlin`, `\n1012 AB Amsterdam`, `, 00184 Roma`, `, F-75001 Paris`, `, 1100-053 Lisboa`).
_POSTCODE_TOWN = re.compile(
    f"(?:,[ ]*|[ ]*\\n[ ]*)(?:[A-Z]{{1,2}}-)?[0-9]{{4,5}}(?:-[0-9]{{3}})?"
    f"(?:[ ][A-Z]{{2}})?[ ]+{_NAME_WORD}(?:[ ]{_NAME_WORD})?(?![{_LATIN}])"
)
# One or two capitalised words before a separate designator (`Am Alten Weg`).
_WORDS_BEFORE = re.compile(f"(?:{_NAME_WORD}[ ]){{1,2}}$")
# How far back `_WORDS_BEFORE` looks: two long words.
_WORDS_BACK = 64


class EuropeanStreetAddressRecognizer(IdentifierRecognizer):
    """A street address written the continental European way (LOCATION): the house number
    after the street name, or before a lower-case French designator.

    `EnglishStreetAddressRecognizer` reads `221B Baker Street`; most of Europe writes the
    number last (`Lindenstraße 8`, `Via Roma 131`) or, in French, first but with the
    designator in lower case (`12 rue de la Paix`). A postcode and town following on the
    same line or the next are part of the span.

    **Format**: a capitalised word ending in a designator (German -straße/-str./-weg/-platz,
    Dutch -straat/-gracht/-laan, Scandinavian -gatan/-gade/-vej, Finnish -katu ...), a
    hyphenated compound before a designator (`Karl-Marx-Straße`), or one or two capitalised
    words and a separate designator (`Berliner Straße`), then a number; or a designator word
    (Via, Piazza, Calle, Avenida, Rua, Rue, Carrer ...), up to four name words with articles,
    and a number; or a number, a lower-case French designator (or `Rue`) and the name.
    Optionally `, 10115 Berlin` after.

    **Matches**: `Lindenstraße 8`; `Hauptstr. 5`; `Keizersgracht 123, 1015 CJ Amsterdam`;
    `Storgatan 5`; `Berliner Straße 5`; `Karl-Marx-Straße 5`; `Via Roma 131`; `Calle de
    Alcalá, 12`; `Rua dos Anjos 27`; `12 rue de la Paix`; `5, avenue Victor Hugo`; `寄到
    Lindenstraße 8` (Lindenstraße 8).

    **Does not match**: `the 3rd Brigade 5`, `Operation Stockade 3` (English words), `via
    email 3 times` (lower case), `Via 3` (no name), `Place Your Order 5 minutes`, `Via Twitter 3
    people`, `Via SMS 2`, `Via USB 3.0`, `Calle Ocho 2024` (a phrase, an acronym, a count, a
    version, a year), `Via Twitter 3个人` (a count), `Bus 42 route Downtown` (an English
    word after an English designator), `page 12 rue Morgue` (the word before says what the
    number is).

    **Reference**: UPU address formats of Germany, the Netherlands, Sweden, Denmark, Finland,
    Italy, Spain, Portugal and France; GDPR Art. 4(1) (a personal address is personal data).
    """

    ENTITY = "LOCATION"
    PATTERNS = (
        CandidatePattern(_SUFFIXED_PATTERN, _SUFFIXED, STREET_SCORE),
        CandidatePattern(_SEPARATE_PATTERN, _SEPARATE_WORD, STREET_SCORE),
        CandidatePattern(_FIRST_PATTERN, _DESIGNATOR_FIRST, STREET_SCORE),
        CandidatePattern(_FRENCH_PATTERN, _FRENCH, STREET_SCORE),
    )
    CONTEXT = ()
    MIN_DIGIT_RUN = 1
    # every candidate holds an ASCII letter (its designator): most Chinese text
    # with digits has none, and this is a much cheaper scan than the candidates
    PREFILTER = "[A-Za-z]"

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """The street line with the name before a trailing number, and a postcode and town
        after; None where the name is not capitalised, is an English word or starts like an
        English phrase, or the number is a year, a decimal or counts something."""
        start, end = match.start(), match.end()
        name = pattern.name
        if end < len(text) - 1 and text[end] == "." and text[end + 1].isdigit():
            return None  # a decimal or version (`Via USB 3.0`)
        if end < len(text) and text[end] in _CLASSIFIERS:
            return None  # a count (`Via Twitter 3个人`)
        if name in (_SUFFIXED_PATTERN, _SEPARATE_PATTERN):
            name_start = _name_start(text, start - 1, name == _SUFFIXED_PATTERN)
            if name_start is None:
                return None
            start = name_start
        elif name == _FIRST_PATTERN:
            if start > 0 and _LATIN_LETTER.match(text, start - 1):
                return None  # inside a word (`Trivia Night 3`)
            if not _first_line_ok(text, match):
                return None
        else:  # French, number first
            number = match.group().split(" ", 1)[0].rstrip(",")
            if numbered_otherwise(text, start, number):
                return None  # `page 12 rue Morgue`
            street = match.group("street")
            if match.group("designator") in _ENGLISH_FRENCH and street in _ENGLISH_PLACE_WORDS:
                return None  # `Bus 42 route Downtown`
        after = _POSTCODE_TOWN.match(text, end)
        if after is not None:
            end = after.end()
        return start, end, pattern.score


def _first_line_ok(text: str, match: re.Match[str]) -> bool:
    """A designator-first line (`Via Roma 131`) whose name does not start like an English
    phrase or hold an acronym (`Place Your Order 5`, `Via SMS 2`; Roman numerals are names,
    `Via XX Settembre`), whose number is not followed by what it counts (`Via Twitter 3
    people`) and is not a year unless a postcode follows (`Calle Ocho 2024`, but `Calle de
    Alcalá 2001, 28001 Madrid`)."""
    words = match.group().split()
    first = words[1]
    if first in _NOT_NAMES:
        return False
    for word in words[1:-1]:
        word = word.rstrip(",")
        if _ALL_CAPS.fullmatch(word) and not _ROMAN.fullmatch(word):
            return False
    number = re.match("[0-9]+", words[-1].split(",")[-1])
    if (
        number is not None
        and YEAR.fullmatch(number.group())
        and _POSTCODE_TOWN.match(text, match.end()) is None
    ):
        return False
    following = _NEXT_WORD.match(text, match.end())
    return following is None or following.group(1) not in _COUNTED


def _name_start(text: str, space: int, suffixed: bool) -> int | None:
    """Where the street name before the number's space starts: the word holding the suffix
    (`Lindenstraße`), a hyphenated compound (`Karl-Marx-Straße`), or one or two capitalised
    words before a separate designator (`Am Alten Weg`); None if the word is not capitalised
    or is an English word. Only Latin letters count: `寄到Lindenstraße 8` starts at L."""
    word_start = space
    while word_start > 0 and (
        _LATIN_LETTER.match(text, word_start - 1) or text[word_start - 1] in "'’-."
    ):
        word_start -= 1
    word = text[word_start:space]
    if not word[:1].isupper() or word.lower() in _ENGLISH_WORDS:
        return None
    if suffixed:
        return word_start
    if "-" in word:
        return word_start if space - word_start <= _COMPOUND_BACK else None
    before = _WORDS_BEFORE.search(text, max(0, word_start - _WORDS_BACK), word_start)
    if before is None:
        return None  # a designator alone (`Platz 3`)
    start = before.start()
    first = before.group().split(" ", 1)[0]
    if first in _NOT_NAMES:  # `The Old Weg 5` starts at Old
        start += len(first) + 1
    return start if start < word_start else None


RECOGNIZER = EuropeanStreetAddressRecognizer
