"""Which recognizers can find anything in a text: one RE2 set pass per text for all of them.

Each recognizer has regexes that every text it finds something in must match (its prefilter,
the union of its patterns). Searching them one by one with Python's `re` costs a scan of the
text per regex; an RE2 set (`re2.Set`) runs all of them as one automaton over the text and
says which matched. The regexes are rewritten for RE2 by `re2_superset`, which may widen
them but never narrows them, so a recognizer the screen stops could not have found anything;
where a rewrite had to widen, the caller checks the original regex on the texts let through
(`exact`).

RE2's set matcher has no fallback when its automaton runs out of memory, and would then
report no match. Its many-match automaton never gives up for slowness, though: when its
state cache is full it empties it and goes on, and it fails only if the budget cannot hold a
few states (RE2 wants room for 20 of the largest size), which `Set.Compile` already refuses
(loudly). tdg's ~60 conditions need ~30 MB
of states on the Chinese benchmark corpus; with less the answers are the same but the pass is
~40x slower (states are rebuilt), so the budget, `_MAX_MEMORY`, is set well above that. The
cache grows only as far as the text needs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import re2

from tdg.transforms.pii.re2_superset import Rewrite, re2_superset

_MAX_MEMORY = 256 << 20
_CACHE_SIZE = 4096  # distinct sets of matched conditions remembered (a few hundred occur)

_log = logging.getLogger(__name__)


class RunnerScreen:
    """For each text, the runners whose every condition matches somewhere in it.

    `conditions[i]` holds runner i's regexes (None entries are skipped); a runner without
    any passes every text.
    """

    def __init__(
        self,
        conditions: Sequence[Sequence[re.Pattern[str] | None]],
        max_memory: int = _MAX_MEMORY,
    ) -> None:
        options = re2.Options()
        options.max_mem = max_memory
        automaton = re2.Set.SearchSet(options)
        self._needs: list[frozenset[int]] = []
        # Per runner, per condition: whether RE2's answer is final (else the caller checks).
        self.exact: list[tuple[bool, ...]] = []
        for regexes in conditions:
            needs: set[int] = set()
            exact: list[bool] = []
            for regex in regexes:
                if regex is None:
                    exact.append(True)
                    continue
                rewrite = _rewrite(regex, options)
                if rewrite is None:
                    exact.append(False)  # no condition in RE2: the caller checks it all
                    continue
                needs.add(automaton.Add(rewrite.pattern))
                exact.append(rewrite.exact)
            self._needs.append(frozenset(needs))
            self.exact.append(tuple(exact))
        self._empty = not any(self._needs)
        if not self._empty:
            automaton.Compile()
        self._match = automaton._set.Match  # the wrapper's `Match` only adds an `isinstance`
        self._runners: dict[tuple[int, ...], tuple[int, ...]] = {}

    def passing(self, texts: Sequence[str]) -> list[tuple[int, list[int]]]:
        """Each runner with the indexes of the texts it passes in, in runner order; runners
        passing no text are left out."""
        found: dict[int, list[int]] = {}
        for index, text in enumerate(texts):
            matched = () if self._empty else tuple(sorted(self._match(_utf8(text))))
            for runner in self._runners_for(matched):
                indexes = found.get(runner)
                if indexes is None:
                    found[runner] = [index]
                else:
                    indexes.append(index)
        return sorted(found.items())

    def _runners_for(self, matched: tuple[int, ...]) -> tuple[int, ...]:
        runners = self._runners.get(matched)
        if runners is None:
            present = frozenset(matched)
            runners = tuple(i for i, needs in enumerate(self._needs) if needs <= present)
            if len(self._runners) < _CACHE_SIZE:
                self._runners[matched] = runners
        return runners


def _rewrite(regex: re.Pattern[str], options: re2.Options) -> Rewrite | None:
    """`regex` for RE2, or None (logged) if it cannot be carried over."""
    try:
        rewrite = re2_superset(regex.pattern, regex.flags)
        re2.compile(rewrite.pattern, options)
    except (ValueError, re.error, re2.error) as exc:
        _log.warning("regex screened in Python only (%s): %.80s", exc, regex.pattern)
        return None
    return rewrite


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(text: str) -> bytes:
    """`text` for RE2. A lone surrogate (which UTF-8 cannot hold) becomes U+FFFD: like it, not
    a word, digit or space character, so no condition matches differently around it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")
