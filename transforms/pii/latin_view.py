"""The Latin-script parts of a Chinese text, joined into a short text for the English NER.

In Chinese text the English model may only report what has a Latin letter in it (it reads the
digits between ideographs as dates and prices). Giving it the whole text with the ideographs
blanked made it tokenize, tag and parse every blank run: in a Chinese corpus most of its time.
So it gets only the runs between ideographs that hold a Latin letter, trimmed to their letters
and digits and joined by a space, and its spans are mapped back and cut where the original had
Chinese text between the parts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from tdg.transforms.pii.language import CJK_IDEOGRAPHS

_SEPARATOR = " "  # attaches to the token before it, so costs the model no token of its own
_RUN = re.compile(f"[^{CJK_IDEOGRAPHS}]+")
# A run from its first to its last letter or digit: punctuation and blanks at the edges only
# cost the model tokens (a third of them in Chinese text).
_CORE = re.compile(r"[^\W_](?:.*[^\W_])?", re.DOTALL)
_LATIN_LETTER = re.compile("[A-Za-z]")


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
        for run in _RUN.finditer(original):
            core = _CORE.search(run.group())
            if core is None or _LATIN_LETTER.search(core.group()) is None:
                continue
            starts.append(position)
            origins.append(run.start() + core.start())
            parts.append(core.group())
            position += len(core.group()) + len(_SEPARATOR)
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
