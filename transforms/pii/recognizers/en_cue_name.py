"""An English name announced by its cue: a title (`Mr.`, `Dr.`) or a self-introduction."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tdg.transforms.pii.data_files import english_given_names
from tdg.transforms.pii.recognizers.base import (
    LATIN_LETTERS,
    CandidatePattern,
    IdentifierRecognizer,
)

TITLE_SCORE = 0.7
INTRODUCTION_SCORE = 0.65
FORM_FIELD_SCORE = 0.6

# Latin letters, never an ideograph (`Mr. Wang北京市...` ends at `Wang`: the address after it
# is the address rules').
_LATIN = LATIN_LETTERS
# A name word: Latin letters, inner apostrophes or hyphens (O'Brien, Jean-Luc); or an initial
# (`J.`, `Ž.`). Up to three after the cue.
_WORD = f"(?:[{_LATIN}]\\.|[{_LATIN}](?:[{_LATIN}]|['’-](?=[{_LATIN}]))*)(?![{_LATIN}])"
# A lookahead: a match takes only the cue, so the next cue inside a rejected name is still
# scanned (`Mr. And Mrs. Smith`).
_NAME = f"(?=(?P<name>{_WORD}(?:[ ]{_WORD}){{0,2}}))"
_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Mlle"


def _any_case(phrases: tuple[str, ...]) -> str:
    """Alternatives for each phrase in lower case, with a capital, and in capitals: an
    explicit first character keeps the regex fast to scan, where a scoped `(?i:...)` would
    make it be tried at every position."""
    variants = {v for p in phrases for v in (p, p[0].upper() + p[1:], p.upper())}
    return "|".join(re.escape(v) for v in sorted(variants, key=lambda v: (-len(v), v)))


# Self-introductions and the like that are followed by a person's name, and only by one:
# not `called` or `named` alone (a company called Apple, a file named Report).
_INTRODUCTIONS = _any_case(
    ("my name is", "my name's", "my full name is", "his name is", "her name is",
     "their name is", "i'm called", "i am called", "call me")
)  # fmt: skip
# A form's `Name:` line (capitalised: a lower-case `name:` is a key in code and config).
_FORM_FIELD = "(?:^|(?<=\\n))(?:Name|NAME|Full [Nn]ame|FULL NAME)[ \\t]*:[ \\t]*"
_WORDS = re.compile(_WORD)
# Capitalised words that follow a cue without being a name (`Call me Monday`, `Madam Speaker`,
# a Title-Case heading `Meeting With Dr. Smith About The Budget`), and brands (`Dr. Pepper`).
_NOT_NAME_WORDS = frozenset(
    {"a", "an", "and", "the", "or", "but", "if", "i", "me", "my", "you", "your", "we", "he",
     "she", "it", "they", "at", "on", "in", "to", "for", "of", "by", "as", "is", "was", "will",
     "would", "can", "has", "had", "said", "says", "about", "with", "from", "into", "over",
     "after", "before", "during", "without", "under", "between", "regarding", "re", "vs",
     "who", "which", "what", "when", "where", "why", "how", "that", "this", "these", "those",
     "here", "there", "back", "later", "now", "today", "tomorrow", "tonight", "asap",
     "anytime", "please", "again", "soon", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday", "crazy", "maybe", "whatever", "not", "mr", "mrs", "ms",
     "miss", "dr", "prof", "sir", "madam", "president", "chairman", "chair", "speaker",
     "secretary", "mayor", "director", "manager", "doctor", "professor", "officer",
     "mister", "pepper", "martens",
     # an address's unit after the name (`Ms Dana Reyes Apt. 4`): the address rule's
     "apt", "apartment", "suite", "unit", "flat", "room"}
)  # fmt: skip


class EnglishCueNameRecognizer(IdentifierRecognizer):
    """A name (PERSON) that a title or a self-introduction announces.

    Statistical NER misses many names in short or informal text, and the fast profile has no
    NER at all; a title or an introduction is evidence enough. The name is the capitalised
    words after the cue (up to three, initials allowed); after an introduction a lower-case
    word counts only if it is a common given name (`call me emily`).

    **Format**: `Mr.` `Mrs` `Ms` `Miss` `Mx` `Dr` `Prof` `Sir` `Madam` `Mme` `Mlle` (dot
    optional), or `my name is`, `his/her/their name is`, `I'm called`, `call me` (lower case,
    capitalised or in capitals), then the name in Latin letters; or a line starting `Name:`
    (capitalised) and a name of two words at least.

    **Matches**: `Dr. Amelia Watts` (Amelia Watts), `my name is Tomás O'Brien` (Tomás O'Brien),
    `Please call me Jean-Luc.` (Jean-Luc), `Mrs J. Okafor` (J. Okafor), `call me emily` (emily),
    `Name: Grace Liu` on its own line (Grace Liu).

    **Does not match**: `call me back`, `call me Monday`, `my name is not important`, `a
    company called Apple`, `name: String` (a key in code), `Name: Report.docx` (one word),
    `Dr. Pepper`, `Madam Speaker`, `Mr. And Mrs. Smith` (only `Smith`, after the second title),
    `Mr. Wang北京市` (only `Wang`).

    **Reference**: GB/T 35273-2020 Annex A; GDPR Art. 4(1) (a name is personal data).
    """

    ENTITY = "PERSON"
    PATTERNS = (
        CandidatePattern(
            "en_title_name_v1", f"(?<![A-Za-z])(?:{_TITLES})\\.?[ ]+{_NAME}", TITLE_SCORE
        ),
        CandidatePattern(
            "en_introduced_name_v1",
            f"(?<![A-Za-z])(?:{_INTRODUCTIONS})[ ]+{_NAME}",
            INTRODUCTION_SCORE,
        ),
        CandidatePattern("en_form_name_v1", f"{_FORM_FIELD}{_NAME}", FORM_FIELD_SCORE),
    )
    CONTEXT = ()
    PREFILTER = f"(?:{_TITLES})\\b|\\b(?:[Nn]ame|NAME|[Cc]all|CALL)\\b"

    def patterns_for(self, text: str) -> Sequence[tuple[CandidatePattern, re.Pattern[str]]]:
        """The title pattern always (it starts with a capital, so scans fast); the others only
        where their key word is: they start with common lower-case letters."""
        named = "name" in text or "Name" in text or "NAME" in text
        called = "call" in text or "Call" in text or "CALL" in text
        if named:
            return self._compiled
        title, introduced, _form = self._compiled
        return (title, introduced) if called else (title,)

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """The name's words: the leading capitalised ones (two at least on a form line), or
        one listed given name in lower case after an introduction."""
        start = match.start("name")
        end = start
        words = 0
        for word in _WORDS.finditer(match.group("name")):
            value = word.group()
            if value.rstrip(".").lower() in _NOT_NAME_WORDS:
                break
            if not value[0].isupper():
                introduced = pattern.name == "en_introduced_name_v1" and words == 0
                if introduced and value.lower() in english_given_names():
                    end, words = start + word.end(), 1
                break
            end, words = start + word.end(), words + 1
        if words == 0 or (pattern.name == "en_form_name_v1" and words < 2):
            return None
        return start, end, pattern.score


RECOGNIZER = EnglishCueNameRecognizer
