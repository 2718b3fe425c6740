"""English names spelled out by the e-mail address next to them (contact lists, signatures)."""

from __future__ import annotations

import re

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

# What may stand between a name and its address on one line: `Name <addr>`, `Name, addr`,
# `Name\taddr`, `Name (addr)`, `Name - addr`, `Name: addr`.
_GAP = r"[ \t]*[,;:<(\-–—|]?[ \t]*<?"
_LOCAL = re.compile(r"[A-Za-z0-9._%+-]{1,64}(?=@)")
_PIECES = re.compile(r"[a-z]+")
_WORD = re.compile(r"[A-Z][a-z]*\.?")
MATCH_SCORE = 0.75


def local_part_spells(name: str, local: str) -> bool:
    """Whether an address's local part is built from the name: `emily.young79`,
    `emilyyoung`, `eyoung`, `emily_y`, `young.emily` for "Emily Young" (two of its words, or one
    word whole and the other's initial)."""
    words = [w.lower() for w in name.split()]
    first, last = words[0], words[-1]
    pieces = _PIECES.findall(local.lower())
    joined = "".join(pieces)
    if len(pieces) >= 2 and {first, last} <= set(pieces):
        return True
    return (
        joined
        in {
            first + last,
            last + first,
            first[0] + last,
            first + last[0],
            last + first[0],
        }
        and len(joined) >= 4
    )


class EmailNamedPersonRecognizer(IdentifierRecognizer):
    """A person's name (PERSON) written right before an e-mail address that spells it.

    Contact lists, signatures and forms put a name next to its address (`Emily Young
    <emily.young79@example.com>`). Statistical NER misses names in such bare rows, and the
    fast profile has no NER at all; the address itself is the evidence: a capitalised two- or
    three-word name whose first and last words (or one of them and the other's initial) make up
    the address's local part.

    **Format**: `First [Middle] Last`, then on the same line optional `,` `;` `:` `<` `(` `-`
    and the address.

    **Matches**: `Emily Young\\temily.young79@example.com` (Emily Young), `Contact Mark Hill
    <mhill@example.org>` (Mark Hill: the words before the name are left out).

    **Does not match**: `Sarah Collins, megan.wilson@example.com` (the address is someone
    else's); `Support Team <help@example.com>`; a name on the previous line.

    **Reference**: GB/T 35273-2020 Annex A; GDPR Art. 4(1) (a name is personal data).
    """

    ENTITY = "PERSON"
    PATTERNS = (
        CandidatePattern(
            "email_named_person_v1",
            r"(?<![A-Za-z])(?:[A-Z][a-z]*\.?[ ]){1,3}[A-Z][a-z]+"
            rf"(?={_GAP}[A-Za-z0-9._%+-]{{1,64}}@)",
            MATCH_SCORE,
        ),
    )
    CONTEXT = ()
    PREFILTER = "@"

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """The words the address spells: the whole match, or its last two or three words
        (`Dear Emily Young` -> `Emily Young`)."""
        local = _LOCAL.search(text, match.end(), match.end() + 72)
        if local is None:
            return None
        words = list(_WORD.finditer(match.group()))
        for first in range(max(0, len(words) - 3), len(words) - 1):  # longest first
            start = match.start() + words[first].start()
            if local_part_spells(text[start : match.end()], local.group()):
                return start, match.end(), pattern.score
        return None


RECOGNIZER = EmailNamedPersonRecognizer
