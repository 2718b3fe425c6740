"""A Python regex rewritten for RE2 so that it matches in every text the original matches in.

The engine screens each text once against all recognizers' candidate regexes with an RE2
set (`runner_screen.py`): one automaton pass per text instead of one Python `re` scan per
regex. RE2 has no lookarounds, word boundaries or backreferences, its `\\d`, `\\w` and `\\s`
are ASCII, and its case folding is not Python's, so the regexes cannot be handed over as
written. Here each is rewritten into a pattern that may match more texts but never fewer
(what a screen needs: a text it lets through still meets the recognizer's own regexes, a
text it stops could not have):

- assertions (lookarounds, `\\b`, `^`, `$`) are dropped: without a condition, more matches;
- a backreference becomes "anything"; an atomic group or possessive repeat, a plain one;
- `\\d`, `\\w` and `\\s` become classes of exactly the characters Python's `re` takes for them,
  found by `re` itself, so RE2's older or newer Unicode tables cannot narrow them;
- under IGNORECASE a letter becomes every character that shares a lower- or upper-case
  mapping with it, or one of `re`'s extra case pairs (`K` and the Kelvin sign, `s` and
  `ſ`), a superset of what `re` matches; a negated class or letter becomes any character.

No library translates between the two dialects, hence this module. It reads the tree of
Python's own parser (`re._parser`, private but unchanged in shape since Python 3.11), so
the rewrite sees the pattern exactly as `re` compiles it.
"""

from __future__ import annotations

import _sre
import functools
import re
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from re import _casefix  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_ANY = r"(?s:.)"
_ANYTHING = r"(?s:.*)"
_NOTHING = r"[^\x{0}-\x{10ffff}]"
# RE2 refuses counted repetitions above 1000; a larger bound is widened to "or more".
_MAX_COUNT = 1000


@dataclass(frozen=True)
class Rewrite:
    """An RE2 pattern for a Python regex; `exact` when it matches in exactly the same texts
    (nothing was dropped or widened), so a text it matches need not be checked again."""

    pattern: str
    exact: bool


def re2_superset(pattern: str, flags: int = 0) -> Rewrite:
    """An RE2 pattern that finds a match in every text in which `pattern` does.

    Raises `ValueError` for a construct it has no rewrite for (none of `re`'s own is left).
    """
    parsed = sre_parse.parse(pattern, flags)
    state = _Rewriter(dotall=bool(parsed.state.flags & re.DOTALL))
    rewritten = state.sequence(parsed, bool(parsed.state.flags & re.IGNORECASE))
    return Rewrite(rewritten, state.exact)


class _Rewriter:
    def __init__(self, dotall: bool) -> None:
        self.dotall = dotall
        self.exact = True

    def widened(self, pattern: str) -> str:
        self.exact = False
        return pattern

    def sequence(self, items: Iterable[tuple[Any, Any]], ignorecase: bool) -> str:
        return "".join(self.item(op, arg, ignorecase) for op, arg in items)

    def item(self, op: Any, arg: Any, ignorecase: bool) -> str:
        if op is sre.LITERAL:
            return self.widened(_class_of(_case_group(arg))) if ignorecase else _escape(arg)
        if op is sre.NOT_LITERAL:
            return self.widened(_ANY) if ignorecase else f"[^{_escape(arg)}]"
        if op is sre.ANY:
            return _ANY if self.dotall else self.widened(_ANY)
        if op is sre.IN:
            return self.in_class(arg, ignorecase)
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return self.widened("")
        if op is sre.BRANCH:
            return "(?:" + "|".join(self.sequence(branch, ignorecase) for branch in arg[1]) + ")"
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = arg
            if (add_flags | del_flags) & re.DOTALL:
                self.exact = False  # `.` under a local DOTALL: widened to any character
            inner = (
                ignorecase or bool(add_flags & re.IGNORECASE)
            ) and not del_flags & re.IGNORECASE
            return f"(?:{self.sequence(body, inner)})"
        if op is sre.ATOMIC_GROUP:
            return self.widened(f"(?:{self.sequence(arg, ignorecase)})")
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = arg
            if op is sre.POSSESSIVE_REPEAT or (high is not sre.MAXREPEAT and high > _MAX_COUNT):
                self.exact = False
            return f"(?:{self.sequence(body, ignorecase)}){_count(low, high)}"
        if op is sre.GROUPREF:
            return self.widened(_ANYTHING)
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = arg
            self.exact = False
            return f"(?:{self.sequence(yes, ignorecase)}|{self.sequence(no or (), ignorecase)})"
        raise ValueError(f"no RE2 rewrite for regex operator {op}")

    def in_class(self, items: list[tuple[Any, Any]], ignorecase: bool) -> str:
        negated = bool(items) and items[0][0] is sre.NEGATE
        if negated:
            items = items[1:]
            if ignorecase:
                return self.widened(_ANY)
        parts: list[str] = []
        for op, arg in items:
            if op is sre.LITERAL:
                parts.append(_escape(arg))
            elif op is sre.RANGE:
                parts.append(f"{_escape(arg[0])}-{_escape(arg[1])}")
            elif op is sre.CATEGORY:
                parts.append(_category(arg))
            else:
                raise ValueError(f"no RE2 rewrite for character class member {op}")
        if ignorecase and parts:
            self.exact = False
            member = re.compile(f"[{_python_class(''.join(parts))}]")
            extra = {
                code
                for cased in _cased_codes()
                if member.fullmatch(chr(cased))
                for code in _case_group(cased)
            }
            parts.extend(_escape(code) for code in sorted(extra))
        if not parts:
            return _ANY if negated else _NOTHING
        return f"[{'^' if negated else ''}{''.join(parts)}]"


def _count(low: int, high: Any) -> str:
    if high is sre.MAXREPEAT or high > _MAX_COUNT:
        return f"{{{min(low, _MAX_COUNT)},}}"
    return f"{{{low},{high}}}"


def _class_of(codes: Iterable[int]) -> str:
    return "[" + "".join(_escape(code) for code in sorted(codes)) + "]"


def _escape(code: int) -> str:
    return f"\\x{{{code:x}}}"


def _python_class(members: str) -> str:
    """An RE2 class body (`\\x{...}` escapes and ranges) as a Python class body."""
    return re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: f"\\U{int(m.group(1), 16):08x}", members)


@functools.cache
def _every_character() -> str:
    """All code points but the surrogates (which UTF-8, RE2's input, cannot hold), in order."""
    low = array("I", range(0xD800)).tobytes()
    high = array("I", range(0xE000, sys.maxunicode + 1)).tobytes()
    return (low + high).decode("utf-32-le")


@functools.cache
def _category(category: Any) -> str:
    """The characters `re` takes for a category (`\\d`, `\\W` ...), as RE2 class ranges."""
    regex = re.compile(f"(?:{_CATEGORY_ESCAPES[category]})+")
    return "".join(
        _escape(ord(m.group()[0]))
        + ("" if len(m.group()) == 1 else "-" + _escape(ord(m.group()[-1])))
        for m in _contiguous(regex)
    )


def _contiguous(regex: re.Pattern[str]) -> Iterable[re.Match[str]]:
    """Runs of `regex` over all characters, split where the code points jump (surrogates)."""
    for m in regex.finditer(_every_character()):
        text = m.group()
        gap = text.find(chr(0xE000)) if ord(text[0]) < 0xD800 < ord(text[-1]) else -1
        if gap < 0:
            yield m
        else:
            yield from regex.finditer(_every_character(), m.start(), m.start() + gap)
            yield from regex.finditer(_every_character(), m.start() + gap, m.end())


_CATEGORY_ESCAPES: dict[Any, str] = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
}


@functools.cache
def _cased_codes() -> tuple[int, ...]:
    """Code points with a lower- or upper-case mapping of their own."""
    return tuple(filter(_sre.unicode_iscased, range(sys.maxunicode + 1)))


@functools.cache
def _case_groups() -> dict[int, frozenset[int]]:
    """Each cased code point's group: joined with its simple lower and upper case mappings
    (as `re` computes them) and `re`'s extra case pairs, transitively."""
    parent: dict[int, int] = {}

    def root(code: int) -> int:
        while parent.get(code, code) != code:
            code = parent[code]
        return code

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    for code in _cased_codes():
        join(code, _sre.unicode_tolower(code))
        upper = chr(code).upper()
        if len(upper) == 1:
            join(code, ord(upper))
    for code, extras in _casefix._EXTRA_CASES.items():
        for extra in extras:
            join(code, extra)
    members: dict[int, set[int]] = {}
    for code in list(parent):
        members.setdefault(root(code), set()).add(code)
    return {code: frozenset(members[root(code)]) for code in parent}


def _case_group(code: int) -> frozenset[int]:
    return _case_groups().get(code, frozenset({code}))
