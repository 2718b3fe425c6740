"""A Python regex rewritten for RE2 so that it matches in every text the original matches in.

The engine screens each text once against all recognizers' candidate regexes with an RE2
set (`runner_screen.py`): one automaton pass per text instead of one Python `re` scan per
regex. RE2 has no lookarounds, word boundaries or backreferences, its `\\d`, `\\w` and `\\s`
are ASCII, and its case folding is not Python's, so the regexes cannot be handed over as
written. Here each is rewritten into a pattern that may match more texts but never fewer
(what a screen needs: a text it lets through still meets the recognizer's own regexes, a
text it stops could not have):

- assertions (lookarounds, `\\b`, `^`, `$`) at a pattern's edges consume what they look at
  (`(?<![0-9])x` becomes `(?:^|[^0-9])x`), which for a search is the same; elsewhere they are
  dropped: without a condition, more matches;
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
from collections.abc import Callable, Iterable
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
    RE2 may still refuse the result (nested counts whose product exceeds 1000): callers
    compile it and fall back to Python for that regex.
    """
    parsed = sre_parse.parse(pattern, flags)
    every = parsed.state.flags
    state = _Rewriter(
        dotall=bool(every & re.DOTALL),
        multiline=bool(every & re.MULTILINE),
        # A local `(?m:...)` or `(?-m:...)`: where `^` and `$` mean a line's ends is not
        # tracked, so they are dropped.
        anchors=_LOCAL_MULTILINE.search(pattern) is None,
        unicode=not every & re.ASCII and _LOCAL_ASCII.search(pattern) is None,
    )
    rewritten = state.sequence(parsed, bool(every & re.IGNORECASE), start=True, end=True)
    return Rewrite(rewritten, state.exact)


# Scoped flag groups, `(?m:...)` or `(?-m:...)` (not the global `(?m)` at the start).
_LOCAL_MULTILINE = re.compile(r"\(\?(?=[a-zA-Z-]*:)[a-zA-Z-]*m")
_LOCAL_ASCII = re.compile(r"\(\?(?=[a-zA-Z-]*:)[a-zA-Z-]*a")


class _Rewriter:
    """One rewrite; `exact` turns False at the first thing dropped or widened.

    RE2 has no lookarounds, but at the edges of a pattern they can be carried over exactly
    for a search: a lookbehind before anything is consumed looks at the characters before
    the match, which the rewrite then consumes (`(?<![0-9])x` becomes `(?:^|[^0-9])x`), and
    likewise a lookahead after the last consumed item. One edge assertion each side is
    carried (two lookbehinds look at the same characters); the rest are dropped.
    """

    def __init__(
        self, dotall: bool, multiline: bool, anchors: bool = True, unicode: bool = True
    ) -> None:
        self.dotall = dotall
        self.multiline = multiline
        self.anchors = anchors
        # Under `re.ASCII`, `\b` and the categories are ASCII: boundaries are dropped, and
        # classes with a category become any character.
        self.unicode = unicode
        self.exact = True

    def widened(self, pattern: str) -> str:
        self.exact = False
        return pattern

    def sequence(
        self, items: Iterable[tuple[Any, Any]], ignorecase: bool, start: bool, end: bool
    ) -> str:
        items = list(items)
        consuming = [i for i, (op, _) in enumerate(items) if op not in _ASSERTIONS]
        first = consuming[0] if consuming else len(items)
        last = consuming[-1] if consuming else len(items)
        lead = trail = None
        if start:
            lead = next(
                (
                    (i, piece)
                    for i, (op, arg) in enumerate(items[:first])
                    if (piece := self.edge(op, arg, items[first:], ignorecase, -1)) is not None
                ),
                None,
            )
        if end and consuming:
            trail = next(
                (
                    (i, piece)
                    for i, (op, arg) in enumerate(items)
                    if i > last
                    and (piece := self.edge(op, arg, items[: last + 1], ignorecase, 1)) is not None
                ),
                None,
            )
        out = []
        for i, (op, arg) in enumerate(items):
            if lead is not None and i == lead[0]:
                out.append(lead[1])
            elif trail is not None and i == trail[0]:
                out.append(trail[1])
            elif op in _ASSERTIONS:
                out.append(self.widened(""))
            else:
                out.append(
                    self.item(
                        op,
                        arg,
                        ignorecase,
                        start=start and lead is None and i == first,
                        end=end and trail is None and i == last,
                    )
                )
        return "".join(out)

    def edge(
        self, op: Any, arg: Any, beside: list[tuple[Any, Any]], ignorecase: bool, side: int
    ) -> str | None:
        """An assertion before anything is consumed (`side` -1) or after everything is (+1),
        as RE2 that consumes what it looks at; None if it cannot be carried over. `beside`:
        the items it borders (for `\\b`, whose meaning depends on their first or last
        character)."""
        edge_of_text = "^" if side < 0 else "$"
        if op is sre.ASSERT and arg[0] == side:  # a lookbehind before, a lookahead after
            return self.sequence(arg[1], ignorecase, start=False, end=False)
        if op is sre.ASSERT_NOT and arg[0] == side:
            other = _complement(arg[1], ignorecase, self.unicode)
            return None if other is None else f"(?:{edge_of_text}|{other})"
        if op is not sre.AT:
            return None
        if arg is (sre.AT_BEGINNING_STRING if side < 0 else sre.AT_END_STRING):
            return edge_of_text
        if arg is (sre.AT_BEGINNING if side < 0 else sre.AT_END) and self.anchors:
            if self.multiline:
                return f"(?m:{edge_of_text})"
            # `re`'s `$` also matches before a final line break
            return "^" if side < 0 else "(?:\\x{a})?$"
        if arg is sre.AT_BOUNDARY and self.unicode:
            backwards = side > 0
            if _starts_with(beside, _is_word, backwards):
                return f"(?:{edge_of_text}|[{_category(sre.CATEGORY_NOT_WORD)}])"
            if _starts_with(beside, lambda c: not _is_word(c), backwards):
                return f"[{_category(sre.CATEGORY_WORD)}]"
        return None

    def item(self, op: Any, arg: Any, ignorecase: bool, start: bool, end: bool) -> str:
        if op is sre.LITERAL:
            if not ignorecase or not _sre.unicode_iscased(arg):
                return _escape(arg)
            return self.widened(_class_of(_case_group(arg)))
        if op is sre.NOT_LITERAL:
            return self.widened(_ANY) if ignorecase else f"[^{_escape(arg)}]"
        if op is sre.ANY:
            return _ANY if self.dotall else self.widened(_ANY)
        if op is sre.IN:
            return self.in_class(arg, ignorecase)
        if op is sre.BRANCH:
            branches = (self.sequence(b, ignorecase, start, end) for b in arg[1])
            return "(?:" + "|".join(branches) + ")"
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = arg
            if (add_flags | del_flags) & re.DOTALL:
                self.exact = False  # `.` under a local DOTALL: widened to any character
            inner = (
                ignorecase or bool(add_flags & re.IGNORECASE)
            ) and not del_flags & re.IGNORECASE
            return f"(?:{self.sequence(body, inner, start, end)})"
        if op is sre.ATOMIC_GROUP:
            return self.widened(f"(?:{self.sequence(arg, ignorecase, False, False)})")
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, body = arg
            if op is sre.POSSESSIVE_REPEAT or low > _MAX_COUNT:
                self.exact = False
            if high is not sre.MAXREPEAT and high > _MAX_COUNT:
                self.exact = False
            return f"(?:{self.sequence(body, ignorecase, False, False)}){_count(low, high)}"
        if op is sre.GROUPREF:
            return self.widened(_ANYTHING)
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = arg
            self.exact = False
            yes_part = self.sequence(yes, ignorecase, False, False)
            return f"(?:{yes_part}|{self.sequence(no or (), ignorecase, False, False)})"
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
                if not self.unicode:  # ASCII categories, negated ones wider than Unicode's
                    return self.widened(_ANY)
                parts.append(_category(arg))
            else:
                raise ValueError(f"no RE2 rewrite for character class member {op}")
        if ignorecase and parts:
            member = re.compile(f"[{_python_class(''.join(parts))}]")
            extra = {
                code
                for cased in _cased_codes()
                if member.fullmatch(chr(cased))
                for code in _case_group(cased)
            }
            if extra:  # `re` ignores case only in classes with a cased member
                self.exact = False
                parts.extend(_escape(code) for code in sorted(extra))
        if not parts:
            return _ANY if negated else _NOTHING
        return f"[{'^' if negated else ''}{''.join(parts)}]"


_ASSERTIONS = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


def _complement(body: Any, ignorecase: bool, unicode: bool) -> str | None:
    """The RE2 class of characters a one-character negative lookaround body does not take,
    exactly; None if the body is longer, not a plain literal or class, or its class could
    only be widened (ignoring case; a category under `re.ASCII`), since the complement of a
    widened class is narrower."""
    items = list(body)
    if len(items) != 1 or ignorecase:
        return None
    op, arg = items[0]
    if op is sre.LITERAL:
        return f"[^{_escape(arg)}]"
    if op is sre.NOT_LITERAL:
        return _escape(arg)
    if op is not sre.IN:
        return None
    rewriter = _Rewriter(dotall=False, multiline=False, unicode=unicode)
    negated = bool(arg) and arg[0][0] is sre.NEGATE
    members = rewriter.in_class(arg[1:] if negated else arg, False)
    if not rewriter.exact or members in (_ANY, _NOTHING):
        return None
    return members if negated else f"[^{members[1:]}"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _starts_with(
    items: list[tuple[Any, Any]], accept: Callable[[str], bool], backwards: bool = False
) -> bool:
    """Whether every match of `items` starts (`backwards`: ends) with a character `accept`
    takes (False when unsure)."""
    for op, arg in reversed(items) if backwards else items:
        if op in _ASSERTIONS:
            continue
        if op is sre.LITERAL:
            return all(accept(chr(code)) for code in _case_group(arg))
        if op is sre.IN:
            if not arg or arg[0][0] is sre.NEGATE:
                return False
            for member, value in arg:
                if member is sre.LITERAL:
                    if not all(accept(chr(code)) for code in _case_group(value)):
                        return False
                elif member is sre.RANGE:
                    low, high = value
                    # Every case partner too: ignoring case, a range takes them (one case
                    # group mixes word and non-word characters: U+0345 with iota).
                    if high - low > 0x10000 or not all(
                        accept(chr(partner))
                        for code in range(low, high + 1)
                        for partner in _case_group(code)
                    ):
                        return False
                elif not (member is sre.CATEGORY and value in _WORD_CATEGORIES and accept("a")):
                    return False
            return True
        if op is sre.SUBPATTERN:
            return _starts_with(list(arg[3]), accept, backwards)
        if op is sre.BRANCH:
            return all(_starts_with(list(branch), accept, backwards) for branch in arg[1])
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
            return _starts_with(list(arg[2]), accept, backwards)
        return False
    return False


_WORD_CATEGORIES = frozenset({sre.CATEGORY_DIGIT, sre.CATEGORY_WORD})


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
