"""The Latin-script parts of a Chinese text, joined into a short text for the English NER.

In Chinese text the English model may only report what has a Latin letter in it (it reads the
digits between ideographs as dates and prices). Giving it the whole text with the ideographs
blanked made it tokenize, tag and parse every blank run: in a Chinese corpus most of its time.
So it gets only the runs between ideographs that hold a Latin letter, joined by a line break,
and its spans are mapped back and cut where the original had Chinese text between the parts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tdg.transforms.pii.language import CJK_IDEOGRAPHS

_SEPARATOR = "\n"
_LATIN_RUN = re.compile(f"[^{CJK_IDEOGRAPHS}]*[A-Za-z][^{CJK_IDEOGRAPHS}]*")


@dataclass(frozen=True, slots=True)
class LatinView:
    """`text` is the runs of the original holding a Latin letter, in order, each followed by
    `_SEPARATOR`; run i starts at `starts[i]` in `text` and at `origins[i]` in the original."""

    text: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> LatinView:
        parts: list[str] = []
        starts: list[int] = []
        origins: list[int] = []
        position = 0
        for match in _LATIN_RUN.finditer(original):
            starts.append(position)
            origins.append(match.start())
            parts.append(match.group())
            position += len(match.group()) + len(_SEPARATOR)
        return cls("".join(part + _SEPARATOR for part in parts), tuple(starts), tuple(origins))

    def to_original(self, start: int, end: int) -> list[tuple[int, int]]:
        """The original spans of `text[start:end]`: one per run it touches, separators
        dropped."""
        spans: list[tuple[int, int]] = []
        run = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while run < len(self.starts) and self.starts[run] < end:
            run_start = self.starts[run]
            run_end = self._run_end(run)
            lo, hi = max(start, run_start), min(end, run_end)
            if hi > lo:
                origin = self.origins[run] - run_start
                spans.append((lo + origin, hi + origin))
            run += 1
        return spans

    def _run_end(self, run: int) -> int:
        following = self.starts[run + 1] if run + 1 < len(self.starts) else len(self.text)
        return following - len(_SEPARATOR)
