"""An English name announced by its cue: a title (`Mr.`, `Dr.`) or a self-introduction."""

from __future__ import annotations

import re

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer
from tdg.transforms.pii.recognizers.latin_given_name_in_chinese import english_given_names

TITLE_SCORE = 0.7
INTRODUCTION_SCORE = 0.65

# A name word: letters (any script's), inner apostrophes or hyphens (O'Brien, Jean-Luc); or an
# initial (`J.`). Up to three after the cue.
_WORD = r"(?:[A-Z]\.|[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*)"
# A lookahead: a match takes only the cue, so the next cue inside a rejected name is still
# scanned (`Mr. And Mrs. Smith`).
_NAME = rf"(?=(?P<name>{_WORD}(?:[ ]{_WORD}){{0,2}}))"
_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle"
# Self-introductions and the like that are followed by a person's name, and only by one:
# not `called` or `named` alone (a company called Apple, a file named Report).
_INTRODUCTIONS = (
    r"my name is|my name's|my full name is|his name is|her name is|their name is"
    r"|i'm called|i am called|call me|my name:"
)
_FORM_FIELD = r"(?:^|(?<=\n))[ \t]*(?:full )?name[ \t]*:"  # a form's `Name:` line
_WORDS = re.compile(_WORD)
# Capitalised words that follow a cue without being a name (`Call me Monday`, `Mr. And Mrs.`).
_NOT_NAME_WORDS = frozenset(
    {"a", "an", "and", "the", "or", "but", "if", "i", "me", "my", "you", "we", "he", "she",
     "it", "they", "at", "on", "in", "to", "for", "of", "by", "as", "back", "later", "now",
     "today", "tomorrow", "tonight", "asap", "anytime", "please", "again", "soon", "monday",
     "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "crazy", "maybe",
     "whatever", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "president",
     "chairman", "director", "manager", "doctor", "professor", "officer", "mister"}
)  # fmt: skip


class EnglishCueNameRecognizer(IdentifierRecognizer):
    """A name (PERSON) that a title or a self-introduction announces.

    Statistical NER misses many names in short or informal text, and the fast profile has no
    NER at all; a title or an introduction is evidence enough. The name is the capitalised
    words after the cue (up to three, initials allowed); after an introduction a lower-case
    word counts only if it is a common given name (`call me emily`).

    **Format**: `Mr.` `Mrs` `Ms` `Miss` `Mx` `Dr` `Prof` `Sir` `Dame` `Madam` `Mme` `Mlle` (dot
    optional), or `my name is`, `his/her/their name is`, `I'm called`, `call me` (any case),
    or a line starting `Name:`, then the name.

    **Matches**: `Dr. Amelia Watts` (Amelia Watts), `my name is Tomás O'Brien` (Tomás O'Brien),
    `Please call me Jean-Luc.` (Jean-Luc), `Mrs J. Okafor` (J. Okafor), `call me emily` (emily),
    `Name: Grace Liu` on its own line (Grace Liu).

    **Does not match**: `call me back`, `call me Monday`, `my name is not important`, `a
    company called Apple`, `File name: Report` (not a line's start), `Mr. And Mrs. Smith` (only
    `Smith`, after the second title).

    **Reference**: GB/T 35273-2020 Annex A; GDPR Art. 4(1) (a name is personal data).
    """

    ENTITY = "PERSON"
    PATTERNS = (
        CandidatePattern(
            "en_title_name_v1", rf"(?<![A-Za-z])(?:{_TITLES})\.?[ ]+{_NAME}", TITLE_SCORE
        ),
        CandidatePattern(
            "en_introduced_name_v1",
            rf"(?:(?<![A-Za-z])(?i:{_INTRODUCTIONS})|(?i:{_FORM_FIELD}))[ ]*{_NAME}",
            INTRODUCTION_SCORE,
        ),
    )
    CONTEXT = ()
    PREFILTER = rf"(?:{_TITLES})\b|(?i:name|call)"

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """The name's words: the leading capitalised ones, or one listed given name in lower
        case after an introduction."""
        start = match.start("name")
        end = start
        for i, word in enumerate(_WORDS.finditer(match.group("name"))):
            value = word.group()
            if value.rstrip(".").lower() in _NOT_NAME_WORDS:
                break
            if not value[0].isupper():
                introduced = pattern.name == "en_introduced_name_v1" and i == 0
                if introduced and value.lower() in english_given_names():
                    end = start + word.end()
                break
            end = start + word.end()
        return (start, end, pattern.score) if end > start else None


RECOGNIZER = EnglishCueNameRecognizer
