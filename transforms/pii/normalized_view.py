"""A folded view of a text, for detecting identifiers written to dodge ASCII-only patterns.

Recognizers run on the view (`１３８１２３４５６７８` and `1101\u200b05...` become ASCII digit
runs) and report offsets into it; `to_original` maps them back to exact offsets in the original
text, so de-identification replaces what the author actually wrote, zero-width characters included.

Folding is one character to one character (full-width ASCII U+FF01-FF5E to ASCII, every
Unicode space separator to a space, the dash and minus family to `-`) and removal (zero-width
and format characters). Nothing else changes, so a view character always corresponds to
exactly one original character. Spaces and dashes fold because patterns accept `[ -]` between
digit groups: `138\u00a01234\u00a05678` and `138–1234–5678` are the same phone number as
`138 1234 5678`; a folded dash still needs digits around it to be part of any match.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Zero-width space, non-joiner, joiner, word joiner, BOM / zero-width no-break space, soft hyphen.
REMOVED_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

# Unicode space separators (category Zs) other than the ASCII space: no-break space, ogham
# space mark, en quad to hair space, narrow no-break space, medium mathematical space,
# ideographic space.
SPACE_CHARACTERS = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign, small
# em dash, small hyphen-minus (full-width hyphen-minus U+FF0D folds with the full-width block).
DASH_CHARACTERS = "".join(map(chr, range(0x2010, 0x2016))) + "\u2212\ufe58\ufe63"

_FOLD_TABLE: dict[int, int | None] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD_TABLE.update({ord(c): ord(" ") for c in SPACE_CHARACTERS})
_FOLD_TABLE.update({ord(c): ord("-") for c in DASH_CHARACTERS})
_FOLD_TABLE.update({ord(c): None for c in REMOVED_CHARACTERS})

_NEEDS_FOLDING = re.compile(
    "[\uff01-\uff5e" + SPACE_CHARACTERS + DASH_CHARACTERS + REMOVED_CHARACTERS + "]"
)
# What each such character becomes. `str.translate` looks every character of a non-ASCII text
# up in the table; substituting only the matches is ~3x faster on Chinese text, where full-width
# punctuation is a few characters in a hundred.
_FOLDED = {chr(c): "" if to is None else chr(to) for c, to in _FOLD_TABLE.items()}


def _folded(match: re.Match[str]) -> str:
    return _FOLDED[match.group()]


_REMOVED_RUN = re.compile("[" + REMOVED_CHARACTERS + "]+")


class NormalizedView:
    """The folded text plus what is needed to map its offsets back to the original.

    Offsets are kept as one entry per run of removed characters (view position where the run
    was, cumulative removed count), so memory is proportional to the obfuscation, not the text.
    """

    __slots__ = ("_removed_before", "_run_view_starts", "original", "text")

    def __init__(
        self,
        original: str,
        text: str,
        run_view_starts: list[int],
        removed_before: list[int],
    ) -> None:
        self.original = original
        self.text = text
        self._run_view_starts = run_view_starts
        self._removed_before = removed_before

    @classmethod
    def of(cls, text: str) -> NormalizedView:
        if text.isascii() or _NEEDS_FOLDING.search(text) is None:
            return cls(text, text, [], [])
        view = _NEEDS_FOLDING.sub(_folded, text)
        if len(view) == len(text):  # folded only: offsets are unchanged
            return cls(text, view, [], [])
        run_view_starts: list[int] = []
        removed_before: list[int] = []
        removed = 0
        for run in _REMOVED_RUN.finditer(text):
            removed += run.end() - run.start()
            # The first kept character after the run sits at this view position.
            run_view_starts.append(run.end() - removed)
            removed_before.append(removed)
        return cls(text, view, run_view_starts, removed_before)

    @property
    def is_identity(self) -> bool:
        """True when view offsets equal original offsets (no character was removed)."""
        return not self._run_view_starts

    def _original_index(self, view_index: int) -> int:
        """Original index of the character at `view_index` (or of the end, for len(view))."""
        i = bisect_right(self._run_view_starts, view_index)
        return view_index if i == 0 else view_index + self._removed_before[i - 1]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span [start, end) to the original span covering the same characters.

        Removed characters inside the span are included; those just outside it are not.
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}..{end} is outside a view of length {len(self.text)}")
        if not self._run_view_starts:
            return start, end
        if start == end:
            position = self._original_index(start)
            return position, position
        return self._original_index(start), self._original_index(end - 1) + 1
