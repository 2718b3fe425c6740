"""Python regexes rewritten for Hyperscan: each matches every text the original matches.

Hyperscan (see `hyperscan_screen`) does not speak Python's regex dialect: no lookarounds, no
back-references, no anchors inside a pattern, and its own idea of Unicode. So each regex is
rewritten (`hyperscan_pattern`) from the parse tree `re` itself builds, for ASCII text or,
`wide`, for any text as UTF-8 bytes:

- every one-character node (literal, class, `.`, category) becomes the exact set of ASCII
  characters Python's `re` matches with it under the same flags (`_ascii_set`: each of the 128
  is tried), so case folding, `\\w` and `\\d` mean what they mean to `re`; wide, plus its
  non-ASCII characters: a literal by its UTF-8 bytes (and the Kelvin sign for `k` when
  ignoring case), a small class each of its characters, anything larger any non-ASCII
  character; `\\d` and `\\s` their ASCII characters only (texts holding another digit or
  space, `ODD_CHARACTERS`, are left to `re`);
- the text is scanned framed by NUL sentinels (`SENTINEL`; texts holding a NUL are left to
  `re`): `\\b` and `\\B` see the sentinel as the non-word character that the start or end of
  a text is to `re` (wide, they are dropped: to Hyperscan the bytes of a non-ASCII letter are
  not word characters); `^`, `$`, `\\A`, `\\Z` are dropped;
- lookbehinds before anything else in the regex and lookaheads after everything become what
  they look at (consumed: a screen asks only whether there is a match, not where), also in
  the shape that leads with one character and looks behind it (`[0-9](?<![A-Za-z][0-9])`);
  other lookarounds are dropped, back-references become the group they repeat,
  conditionals both branches, atomic groups plain groups.

Dropping or widening keeps the rewritten regex a superset; the rewrite says whether it was
exact (nothing dropped or widened), in which case a text it passes has a match. Regexes it
cannot rewrite return None.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# What the scanned text is framed by (see the module docstring).
SENTINEL = "\x00"
_ASCII = range(128)
# Hyperscan matches bytes; a class no character can be in must still be a valid pattern.
NEVER = r"\xff"  # no such byte in ASCII or in UTF-8
# A character set here holds ASCII code points, explicit non-ASCII code points (the wide
# rewrite, for UTF-8 text) and two pseudo-members: SOME (it may hold any other non-ASCII
# character) and ALL (it holds every non-ASCII character).
SOME = -1
ALL = -2
# How a non-ASCII character looks in UTF-8 from where the rewrite stands: a whole character,
# the last byte of the one before a position, the first byte of the one after it.
_NON_ASCII_BYTES = {
    "char": r"[\xc0-\xff][\x80-\xbf]*",
    "before": r"[\x80-\xbf]",
    "after": r"[\xc0-\xff]",
}
# A class with more explicit non-ASCII characters than this is widened to SOME.
_MAX_EXPLICIT = 64
# What `\\d` and `\\s` mean in the wide rewrite: their ASCII characters only. Texts holding a
# non-ASCII digit or space, or a NUL (the sentinel), are not screened (`ODD_CHARACTERS`).
ODD_CHARACTERS = re.compile(r"\x00|(?![\x00-\x7f])[\d\s]")


@dataclass(frozen=True)
class ScreenPattern:
    """A regex rewritten for Hyperscan over sentinel-framed text."""

    pattern: str
    # True: a text matches it exactly when the original regex matches the text; False: it may
    # also match texts the original does not (never the other way round).
    exact: bool


# A condition a screen does not test (every text passes it); callers check it with `re`.
ANYTHING = ScreenPattern("", exact=False)


class _Unsupported(Exception):
    """A construct the rewrite does not handle: the regex is not screened."""


def _modules() -> tuple[Any, Any, Any]:
    # `re`'s own parser and compiler: the rewrite reads the parse tree `re.compile` builds and
    # compiles one-character nodes with `re`'s compiler to learn what they match. No library
    # offers either (see `recognizers.base.parsed_regex`).
    return (
        importlib.import_module("re._constants"),
        importlib.import_module("re._parser"),
        importlib.import_module("re._compiler"),
    )


def _char_class(members: frozenset[int], where: str = "char") -> str:
    """A Hyperscan pattern for one character of a set: ASCII ones as a class, explicit
    non-ASCII ones by their UTF-8 bytes, `SOME` as any non-ASCII character's bytes seen from
    `where`."""
    ascii_members = sorted(m for m in members if 0 <= m < 128)
    parts = []
    if ascii_members:
        if len(ascii_members) == 1:
            parts.append(f"\\x{ascii_members[0]:02x}")
        else:
            ranges: list[tuple[int, int]] = []
            for code in ascii_members:
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1] = (ranges[-1][0], code)
                else:
                    ranges.append((code, code))
            body = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in ranges)
            parts.append(f"[{body}]")
    if SOME in members:
        parts.append(_NON_ASCII_BYTES[where])
    else:
        for code in sorted(m for m in members if m >= 128):
            parts.append("".join(f"\\x{b:02x}" for b in chr(code).encode("utf-8", "surrogatepass")))
    if not parts:
        return NEVER
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _complement(members: frozenset[int]) -> frozenset[int]:
    """The characters not in `members`, and no character at all (the sentinel)."""
    out = frozenset(_ASCII) - members | {0}
    if ALL not in members:
        out |= {SOME}  # wider than exact when `members` names some non-ASCII ones
    if not any(m < 0 or m >= 128 for m in members):
        out |= {ALL}
    return out


def _meet(a: frozenset[int], b: frozenset[int]) -> frozenset[int]:
    """The characters in both sets (SOME meets an explicit character in that character)."""
    out = {m for m in a & b if m < 128}  # ASCII, and pseudo-members both hold
    if SOME in b:
        out |= {m for m in a if m >= 128}
    if SOME in a:
        out |= {m for m in b if m >= 128}
    out |= {m for m in a & b if m >= 128}
    return frozenset(out)


def _within(small: frozenset[int], big: frozenset[int]) -> bool:
    """Whether every character of `small` is in `big` (safely: False when unsure)."""
    if any(0 <= m < 128 and m not in big for m in small):
        return False
    if ALL in big:
        return True
    if SOME in small or ALL in small:
        return False
    return all(m in big or SOME in big for m in small if m >= 128)


class _Rewriter:
    """Writes one parsed regex as Hyperscan syntax; `exact` turns False when it widens."""

    def __init__(self, flags: int, groups: dict[int, Any], wide: bool) -> None:
        self.constants, self.parser, self.compiler = _modules()
        self.flags = flags
        self.wide = wide
        self.groups = groups  # each numbered group's parsed body, for back-references
        self.exact = True
        c = self.constants
        self.single = {c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN}
        self.repeats = {c.MAX_REPEAT, c.MIN_REPEAT}
        if hasattr(c, "POSSESSIVE_REPEAT"):
            self.repeats.add(c.POSSESSIVE_REPEAT)

    # -- one-character nodes ------------------------------------------------------------

    def ascii_set(self, node: tuple[Any, Any], flags: int) -> frozenset[int]:
        """What one-character `node` matches: its ASCII characters and, rewriting for UTF-8
        text, its non-ASCII ones (explicit ones, or `SOME` / `ALL`: no longer exact unless
        it matches all)."""
        # no text holds a NUL (callers leave such texts to `re`): a 0 here can only be the
        # sentinel, which is no character
        found = _ascii_set(repr(node), node, flags) - {0}
        if not self.wide:
            return found
        members, exact = self.non_ascii(node, flags)
        if not exact:
            self.exact = False
        return found | members

    def non_ascii(self, node: tuple[Any, Any], flags: int) -> tuple[frozenset[int], bool]:
        """The non-ASCII characters `node` matches (explicit code points, or SOME / ALL), and
        whether that is exact. `\\d` and `\\s` match none (see `ODD_CHARACTERS`)."""
        c = self.constants
        op, arg = node
        folding = bool(flags & self.parser.SRE_FLAG_IGNORECASE)
        if flags & self.parser.SRE_FLAG_ASCII:
            folding = False  # ASCII case folding only: no non-ASCII partners
        every = frozenset({SOME, ALL})
        if op is c.ANY:
            return every, True
        if op is c.NOT_LITERAL:
            return (every, True) if arg < 128 else (frozenset({SOME}), False)
        if op is c.LITERAL:
            return self.literal(arg, folding)
        if op is not c.IN:
            return frozenset({SOME}), False
        items = list(arg)
        negated = bool(items) and items[0][0] is c.NEGATE
        members: set[int] = set()
        exact = True
        for kind, value in items[1:] if negated else items:
            if kind is c.LITERAL:
                found, ok = self.literal(value, folding)
            elif kind is c.RANGE:
                found, ok = self.range(value[0], value[1], folding)
            elif kind is c.CATEGORY and value in (c.CATEGORY_DIGIT, c.CATEGORY_SPACE):
                found, ok = frozenset(), True
            elif kind is c.CATEGORY and value in (c.CATEGORY_NOT_DIGIT, c.CATEGORY_NOT_SPACE):
                found, ok = every, True
            else:  # word characters and the rest: some non-ASCII, not all
                found, ok = frozenset({SOME}), False
            members |= found
            exact = exact and ok
        if len([m for m in members if m >= 128]) > _MAX_EXPLICIT:
            members = {m for m in members if m < 128} | {SOME}
            exact = False
        if not negated:
            return frozenset(members), exact
        if ALL in members:
            return frozenset(), exact
        if not members:
            return every, exact
        return frozenset({SOME}), False  # all non-ASCII characters but some

    def literal(self, code: int, folding: bool) -> tuple[frozenset[int], bool]:
        char = chr(code)
        if not folding or char.lower() == char.upper():
            return (frozenset({code}) if code >= 128 else frozenset()), True
        if code >= 128:
            return frozenset({SOME}), False
        partners = _fold_partners().get(char.lower(), frozenset())
        return partners, True

    def range(self, low: int, high: int, folding: bool) -> tuple[frozenset[int], bool]:
        found: set[int] = set()
        if folding:
            for code in range(low, min(high, 127) + 1):
                found |= _fold_partners().get(chr(code).lower(), frozenset())
        low = max(low, 128)
        if low > high:
            return frozenset(found), True
        if high - low >= _MAX_EXPLICIT or (
            folding and any(chr(x).lower() != chr(x).upper() for x in range(low, high + 1))
        ):
            return frozenset(found | {SOME}), False
        return frozenset(found | set(range(low, high + 1))), True

    def complement(self, members: frozenset[int]) -> frozenset[int]:
        """`_complement`, without non-ASCII characters when rewriting for ASCII text."""
        found = _complement(members)
        if not self.wide:
            return frozenset(m for m in found if 0 <= m < 128)
        if ALL not in members and any(m < 0 or m >= 128 for m in members):
            self.exact = False  # all non-ASCII characters but some: any, here
        return found

    def single_set(self, items: Any, flags: int) -> frozenset[int] | None:
        """The ASCII set of a one-character sequence (a lookaround body), else None."""
        if len(items) == 1 and items[0][0] in self.single:
            return self.ascii_set(items[0], flags)
        return None

    # -- sequences ------------------------------------------------------------------------

    def top(self, parsed: Any) -> str:
        """The whole regex: what it looks at before its start and after its end is consumed."""
        return self.edges(list(parsed.data), self.flags | parsed.state.flags, None, None)

    def edges(
        self,
        items: list[Any],
        flags: int,
        before: tuple[str, frozenset[int] | None] | None,
        after: tuple[str, frozenset[int] | None] | None,
        trailing: bool = True,
    ) -> str:
        """A sequence at the start and end of a match, with what must come before and after
        it (`before`/`after`: a consumed regex, or a one-character set, or None: anything).

        Lookbehinds at its start and lookaheads at its end become part of those; a sequence
        that is one group or one alternation passes them on to its insides (the usual shape:
        `(?:(?<![0-9])A(?![0-9])|(?<![0-9])B(?![0-9]))`).
        """
        c = self.constants
        items = list(items)
        while items:
            if items[0][0] in (c.ASSERT, c.ASSERT_NOT) and items[0][1][0] < 0:
                before = self.merged(items.pop(0), flags, before)
                continue
            edge = self.boundary(items[0], _first_set(self, items[1:], flags))
            if edge is None:
                break
            items.pop(0)
            before = self.constraint(edge, before)
        while trailing and items:
            if items[-1][0] in (c.ASSERT, c.ASSERT_NOT) and items[-1][1][0] > 0:
                after = self.merged(items.pop(), flags, after)
                continue
            edge = self.boundary(items[-1], _last_set(self, items[:-1], flags))
            if edge is None:
                break
            items.pop()
            after = self.constraint(edge, after, "after")
        if items and items[0][0] is c.ASSERT and items[0][1][0] > 0:
            # a leading lookahead that only says what the first character is (the engine's
            # `(?=[...])` before an alternation): dropped, exact when the rest starts so anyway
            body = self.single_set(list(items[0][1][1].data), flags)
            rest = _first_set(self, items[1:], flags)
            if body is None or rest is None or not _within(rest, body):
                self.exact = False
            items.pop(0)
        if len(items) == 1 and items[0][0] is c.SUBPATTERN:
            _, add, remove, body = items[0][1]
            return self.edges(list(body.data), (flags | add) & ~remove, before, after, trailing)
        if len(items) == 1 and items[0][0] is c.BRANCH:
            branches = [
                self.edges(list(b.data), flags, before, after, trailing) for b in items[0][1][1]
            ]
            return "(?:" + "|".join(branches) + ")"
        leading = self.alternatives(items[0]) if items else None
        if leading is not None and all(
            len(b) == 1 and b[0][0] in (c.ASSERT, c.ASSERT_NOT) and b[0][1][0] < 0 for b in leading
        ):
            # alternative lookbehinds before anything else: alternative prefixes
            alternatives = [b[0] for b in leading]
            if alternatives:
                items = items[1:]
                prefix = (
                    "(?:"
                    + "|".join(_consumed(self.merged(a, flags, None)) for a in alternatives)
                    + ")"
                )
                before = self.constraint((prefix, None), before)
        unit = self.unit(items[0], flags) if len(items) > 1 else None
        while unit is not None and len(items) > 2:
            # `[0-9][0-9]{1}`: one unit of two, for a lookbehind over both
            more = self.unit(items[1], flags)
            if more is None or more[1] != unit[1]:
                break
            width = unit[0] + more[0]
            node = items[0] if items[0][0] in self.single else items[0][1][2].data[0]
            run = self.parser.SubPattern(self.parser.State(), [node])
            items = [(c.MAX_REPEAT, (width, width, run)), *items[2:]]
            unit = (width, unit[1])
        split = self.alternatives(items[1]) if unit is not None else None
        if split is not None and any(self.behind(b[0], flags) for b in split if b):
            # `A(?:(?<=P A)|R)...`: each alternative with the first unit before it
            after_split = items[2:]
            return (
                "(?:"
                + "|".join(
                    self.edges([items[0], *b, *after_split], flags, before, after, trailing)
                    for b in split
                )
                + ")"
            )
        head = ""
        if unit is not None and self.behind(items[1], flags):
            # a first character (or a run of n alike), then lookbehinds over it and what
            # precedes it: the digit-led shape `[0-9](?<![A-Za-z][0-9])` that lets `re` skip
            # ahead to the first digit
            width, first = unit
            items = items[1:]
            while items and self.behind(items[0], flags):
                first, before = self.behind_first(items.pop(0), flags, (width, first), before)
            head = _char_class(first) if width == 1 else f"(?:{_char_class(first)}){{{width}}}"
        return _consumed(before) + head + self.sequence(items, flags) + _consumed(after)

    def alternatives(self, node: tuple[Any, Any]) -> list[list[Any]] | None:
        """The branches of an alternation (in a plain group or not) as item lists, else None."""
        c = self.constants
        op, arg = node
        if op is c.SUBPATTERN and not arg[1] and not arg[2] and len(arg[3].data) == 1:
            return self.alternatives(arg[3].data[0])
        if op is c.BRANCH:
            return [list(b.data) for b in arg[1]]
        return None

    def unit(self, node: tuple[Any, Any], flags: int) -> tuple[int, frozenset[int]] | None:
        """(n, set) for one character of `set`, or a repeat of exactly n of them; else None."""
        op, arg = node
        if op in self.single:
            return 1, self.ascii_set(node, flags)
        if op in self.repeats and arg[0] == arg[1] and arg[0] >= 1 and len(arg[2].data) == 1:
            inner = arg[2].data[0]
            if inner[0] in self.single:
                return int(arg[0]), self.ascii_set(inner, flags)
        return None

    def boundary(
        self, node: tuple[Any, Any], inside: frozenset[int] | None
    ) -> tuple[str, frozenset[int]] | None:
        """A `\\b` or `\\B` at the edge of a match, as the one character it lets stand
        outside, when the character inside the edge is surely a word character or surely not
        (ASCII text only; else None: the boundary stays as it is)."""
        c = self.constants
        op, code = node
        if self.wide or op is not c.AT or code not in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY):
            return None
        if inside is None or not inside:
            return None
        word = _WORD
        if _within(inside, word):
            inside_word = True
        elif not _meet(inside, word):
            inside_word = False
        else:
            return None
        # a boundary needs the other kind outside, a non-boundary the same kind; "no
        # character" (the sentinel) counts as a non-word character
        outside_word = inside_word != (code is c.AT_BOUNDARY)
        outside = word if outside_word else self.complement(word)
        return (_char_class(outside), outside)

    def behind(self, node: tuple[Any, Any], flags: int) -> bool:
        """A lookbehind, or a group of alternative lookbehinds (nothing else in it)."""
        c = self.constants
        op, arg = node
        if op in (c.ASSERT, c.ASSERT_NOT):
            return bool(arg[0] < 0)
        if op is c.BRANCH:
            return all(
                len(b.data) == 1 and b.data[0][0] is c.ASSERT and b.data[0][1][0] < 0
                for b in arg[1]
            )
        if op is c.SUBPATTERN and not arg[1] and not arg[2] and len(arg[3].data) == 1:
            return self.behind(arg[3].data[0], flags)
        return False

    def behind_first(
        self,
        node: tuple[Any, Any],
        flags: int,
        first: tuple[int, frozenset[int]],
        before: tuple[str, frozenset[int] | None] | None,
    ) -> tuple[frozenset[int], tuple[str, frozenset[int] | None] | None]:
        """The first unit's set and `before` with one lookbehind right after the first unit
        applied: the lookbehind's last unit narrows the set, the rest of it is what comes
        before (itself rewritten as the start of a match: its own lookbehinds are kept)."""
        c = self.constants
        width, chars = first
        op, arg = node
        if op is c.SUBPATTERN:
            return self.behind_first(arg[3].data[0], flags, first, before)
        if op is c.BRANCH:
            prefixes = []  # alternative positive lookbehinds, each ending with the first unit
            for branch in arg[1]:
                body = list(branch.data[0][1][1].data)
                last = self.unit(body[-1], flags) if body else None
                if last is None or last[0] != width or not _within(chars, last[1]):
                    self.exact = False
                    return chars, before
                prefixes.append(self.edges(body[:-1], flags, None, None, trailing=False))
            return chars, self.constraint(("(?:" + "|".join(prefixes) + ")", None), before)
        body = list(arg[1].data)
        last = self.unit(body[-1], flags) if body else None
        if last is None or last[0] != width:
            self.exact = False
            return chars, before
        prefix = body[:-1]
        if op is c.ASSERT:
            chars = _meet(chars, last[1])
            if not prefix:
                return chars, before
            consumed = self.edges(prefix, flags, None, None, trailing=False)
            return chars, self.constraint((consumed, None), before)
        if not _meet(chars, last[1]):
            return chars, before  # the lookbehind's last unit never is the first one
        if width != 1 or not _within(chars, last[1]) or not prefix:
            self.exact = False
            return chars, before
        sets = [self.single_set([n], flags) for n in prefix]
        if len(prefix) > 2 or any(s is None for s in sets):
            self.exact = False
            return chars, before
        outside = [self.complement(s) for s in sets if s is not None]
        if len(outside) == 1:
            one = _char_class(outside[0], "before")
            return chars, self.constraint((one, outside[0]), before)
        # two characters before that must not be S1 then S2: either the nearer one is not S2,
        # or it is and the one before is not S1 (the sentinel is neither)
        s2 = sets[1]
        assert s2 is not None
        nearer, farther = _char_class(outside[1], "before"), _char_class(outside[0], "before")
        two = f"(?:{nearer}|{farther}{_char_class(s2)})"
        return chars, self.constraint((two, None), before)

    def constraint(
        self,
        new: tuple[str, frozenset[int] | None],
        known: tuple[str, frozenset[int] | None] | None,
        where: str = "before",
    ) -> tuple[str, frozenset[int] | None]:
        """Two conditions on what comes before (or `where="after"`, after) a match:
        one-character sets intersect; otherwise only the newer is kept (no longer exact)."""
        if known is None:
            return new
        if known[1] is not None and new[1] is not None:
            both = _meet(known[1], new[1])
            return (_char_class(both, where), both)
        self.exact = False
        return new

    def merged(
        self,
        assertion: tuple[Any, Any],
        flags: int,
        known: tuple[str, frozenset[int] | None] | None,
    ) -> tuple[str, frozenset[int] | None] | None:
        """`known` and one more lookaround at the edge (`constraint`); a lookaround that is
        neither one character nor positive is dropped (no longer exact)."""
        c = self.constants
        op, (direction, body) = assertion
        where = "before" if direction < 0 else "after"
        chars = self.single_set(list(body.data), flags)
        if chars is not None:
            if op is c.ASSERT_NOT:  # no character (the text's edge) passes too
                chars = self.complement(chars)
            return self.constraint((_char_class(chars, where), chars), known, where)
        if op is c.ASSERT:
            return self.constraint(("(?:" + self.sequence(body.data, flags) + ")", None), known)
        self.exact = False
        return known

    def sequence(self, items: Any, flags: int) -> str:
        return "".join(self.node(op, arg, flags) for op, arg in items)

    def node(self, op: Any, arg: Any, flags: int) -> str:
        c = self.constants
        if op in self.single:
            return _char_class(self.ascii_set((op, arg), flags))
        if op is c.AT:
            return self.anchor(arg, flags)
        if op is c.BRANCH:
            return "(?:" + "|".join(self.sequence(b.data, flags) for b in arg[1]) + ")"
        if op is c.SUBPATTERN:
            _, add, remove, body = arg
            return "(?:" + self.sequence(body.data, (flags | add) & ~remove) + ")"
        if op in self.repeats:
            low, high, body = arg
            if op is getattr(c, "POSSESSIVE_REPEAT", None):
                self.exact = False  # it gives nothing back; a plain repeat matches more
            inner = self.sequence(body.data, flags)
            if high is c.MAXREPEAT or high == c.MAXREPEAT:
                bounds = "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
            elif low == high:
                bounds = f"{{{low}}}"
            else:
                bounds = f"{{{low},{high}}}"
            return f"(?:{inner}){bounds}"
        if op in (c.ASSERT, c.ASSERT_NOT):
            self.exact = False  # a lookaround inside the regex: dropped
            return ""
        if op is getattr(c, "ATOMIC_GROUP", None):
            self.exact = False
            return "(?:" + self.sequence(arg.data, flags) + ")"
        if op is c.GROUPREF:
            self.exact = False  # the group's own regex matches whatever it captured
            return self.group(arg, flags)
        if op is getattr(c, "GROUPREF_EXISTS", None):
            self.exact = False
            _, yes, no = arg
            branches = [self.sequence(yes.data, flags)]
            branches.append(self.sequence(no.data, flags) if no is not None else "")
            return "(?:" + "|".join(branches) + ")"
        raise _Unsupported(str(op))

    def anchor(self, code: Any, flags: int) -> str:
        c = self.constants
        if code in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY) and self.wide:
            # to `re` a non-ASCII letter is a word character, to Hyperscan's bytes it is not
            self.exact = False
            return ""
        if code is c.AT_BOUNDARY:
            return r"\b"
        if code is c.AT_NON_BOUNDARY:
            return r"\B"
        if code in (c.AT_BEGINNING, c.AT_BEGINNING_STRING, c.AT_END, c.AT_END_STRING):
            # dropped: written as the sentinel or a line break they would take up a
            # character that a neighbour (`$\n`, a consumed lookaround) needs too
            self.exact = False
            return ""
        raise _Unsupported(str(code))

    def group(self, number: int, flags: int) -> str:
        body = self.groups.get(number)
        if body is None:
            raise _Unsupported("back-reference to an unknown group")
        return "(?:" + self.sequence(body.data, flags) + ")"


_SETS: dict[tuple[str, int], frozenset[int]] = {}


def _consumed(edge: tuple[str, frozenset[int] | None] | None) -> str:
    return "" if edge is None else edge[0]


def _first_set(rewriter: _Rewriter, items: Sequence[Any], flags: int) -> frozenset[int] | None:
    """The ASCII characters a match of `items` can start with; None when unsure."""
    return _edge_set(rewriter, items, flags, from_end=False)


def _last_set(rewriter: _Rewriter, items: Sequence[Any], flags: int) -> frozenset[int] | None:
    """The ASCII characters a match of `items` can end with; None when unsure."""
    return _edge_set(rewriter, items, flags, from_end=True)


def _edge_set(
    rewriter: _Rewriter, items: Sequence[Any], flags: int, from_end: bool
) -> frozenset[int] | None:
    c = rewriter.constants
    for op, arg in reversed(items) if from_end else items:
        if op in rewriter.single:
            return rewriter.ascii_set((op, arg), flags)
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # consumes nothing
        if op is c.SUBPATTERN:
            return _edge_set(rewriter, arg[3].data, (flags | arg[1]) & ~arg[2], from_end)
        if op is c.BRANCH:
            sets = [_edge_set(rewriter, b.data, flags, from_end) for b in arg[1]]
            if any(s is None for s in sets):
                return None
            return frozenset().union(*[s for s in sets if s is not None])
        if op in rewriter.repeats and arg[0] >= 1:
            return _edge_set(rewriter, arg[2].data, flags, from_end)
        return None
    return None


_PARTNERS: dict[str, frozenset[int]] = {}


def _fold_partners() -> dict[str, frozenset[int]]:
    """The non-ASCII characters `re` matches an ASCII letter with when ignoring case (the
    Kelvin sign for `k`, the long s for `s`, ...), by lower-case letter; found once by
    trying every character (a fraction of a second, wide rewrites only)."""
    if not _PARTNERS:
        cased = [
            code
            for code in range(128, 0x10000)  # no character beyond folds to an ASCII letter
            if chr(code).lower() != chr(code).upper() or chr(code).casefold() != chr(code)
        ]
        for letter in "abcdefghijklmnopqrstuvwxyz":
            probe = re.compile(letter, re.IGNORECASE)
            _PARTNERS[letter] = frozenset(
                code for code in cased if probe.fullmatch(chr(code)) is not None
            )
    return _PARTNERS


# What `\\w` matches among ASCII characters (word characters, to `\\b`).
_WORD = frozenset(code for code in range(128) if re.fullmatch(r"\w", chr(code)))


def _ascii_set(key: str, node: tuple[Any, Any], flags: int) -> frozenset[int]:
    """The ASCII code points `re` matches with the one-character `node` under `flags`."""
    found = _SETS.get((key, flags))
    if found is not None:
        return found
    _, parser, compiler = _modules()
    state = parser.State()
    state.flags = flags
    regex = compiler.compile(parser.SubPattern(state, [node]), flags)
    found = frozenset(code for code in _ASCII if regex.fullmatch(chr(code)) is not None)
    if len(_SETS) < 65536:
        _SETS[(key, flags)] = found
    return found


def hyperscan_pattern(pattern: str, flags: int = 0, wide: bool = False) -> ScreenPattern | None:
    """`pattern` rewritten for sentinel-framed ASCII text (see the module), or None.

    `wide`: for any text, as UTF-8 bytes. A node that matches some non-ASCII character then
    matches any (one lead byte and its continuation bytes), and word boundaries are dropped
    (Hyperscan reads the bytes of a non-ASCII letter as non-word characters, `re` the letter
    as a word character): wider, so more often not exact.
    """
    try:
        constants, parser, _ = _modules()
        parsed = parser.parse(pattern, flags)
    except Exception:
        return None
    groups: dict[int, Any] = {}
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT}
    repeats.add(getattr(constants, "POSSESSIVE_REPEAT", constants.MAX_REPEAT))

    def collect(items: Any) -> None:
        for op, arg in items:
            if op is constants.SUBPATTERN:
                if arg[0] is not None:
                    groups[arg[0]] = arg[3]
                collect(arg[3].data)
            elif op is constants.BRANCH:
                for branch in arg[1]:
                    collect(branch.data)
            elif op in repeats:
                collect(arg[2].data)
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                collect(arg[1].data)

    collect(parsed.data)
    rewriter = _Rewriter(flags, groups, wide)
    try:
        text = rewriter.top(parsed)
    except (_Unsupported, RecursionError):
        return None
    return ScreenPattern(text, rewriter.exact)
