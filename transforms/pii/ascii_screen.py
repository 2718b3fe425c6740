"""Which of many regexes match an ASCII text: one Hyperscan scan instead of one `re` scan each.

The engine screens every text with each pattern recognizer's prefilter, context words and
candidate regex before running the recognizer. With Python's `re` that is ~40 scans per batch
(joined texts, `engine._matching`), about a third of a fast pass over English text. Hyperscan
compiles all of them into one automaton ahead of time (no lazily built states, so unseen text
costs what seen text does) and scans a text for all of them at once.

Hyperscan does not speak Python's regex dialect: no lookarounds, no back-references, no
anchors inside a pattern, Unicode classes only through UTF-8 mode. So it screens ASCII texts
only (most English text), where each regex is rewritten (`hyperscan_pattern`) into one that
matches every ASCII text the original matches:

- every one-character node (literal, class, `.`, category) becomes the exact set of ASCII
  characters Python's `re` matches with it under the same flags (`_ascii_set`: each of the 128
  is tried), so case folding, `\\w` and `\\d` mean what they mean to `re`;
- the text is scanned framed by NUL sentinels: `^`, `$`, `\\A`, `\\Z` become a sentinel (or a
  line break); `\\b` and `\\B` see the sentinel as the non-word character that the start or
  end of a text is to `re`;
- a one-character lookbehind before anything else in the regex, or a one-character lookahead
  after everything, becomes the character it looks at (consumed: a screen asks only whether
  there is a match, not where); other lookarounds are dropped, back-references become the
  group they repeat, conditionals both branches, atomic groups plain groups.

Dropping or widening keeps the rewritten regex a superset; the rewrite says whether it was
exact (nothing dropped or widened), in which case a text it passes has a match. Regexes it
cannot rewrite, or Hyperscan cannot compile, are not screened: callers test those with `re`.
Non-ASCII texts never come here.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

SENTINEL = "\x00"
_ASCII = range(128)
# Hyperscan matches bytes; a class no ASCII character is in must still be a valid pattern.
_NEVER_IN_ASCII = r"\x80"


@dataclass(frozen=True)
class ScreenPattern:
    """A regex rewritten for Hyperscan over sentinel-framed ASCII text."""

    pattern: str
    # True: a text matches it exactly when the original regex matches the text; False: it may
    # also match texts the original does not (never the other way round).
    exact: bool


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


def _char_class(members: frozenset[int]) -> str:
    """A Hyperscan class for a set of ASCII code points."""
    if not members:
        return _NEVER_IN_ASCII
    if len(members) == 1:
        return f"\\x{next(iter(members)):02x}"
    ranges: list[tuple[int, int]] = []
    for code in sorted(members):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    body = "".join(f"\\x{a:02x}" if a == b else f"\\x{a:02x}-\\x{b:02x}" for a, b in ranges)
    return f"[{body}]"


class _Rewriter:
    """Writes one parsed regex as Hyperscan syntax; `exact` turns False when it widens."""

    def __init__(self, flags: int, groups: dict[int, Any]) -> None:
        self.constants, self.parser, self.compiler = _modules()
        self.flags = flags
        self.groups = groups  # each numbered group's parsed body, for back-references
        self.exact = True
        c = self.constants
        self.single = {c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN}
        self.repeats = {c.MAX_REPEAT, c.MIN_REPEAT}
        if hasattr(c, "POSSESSIVE_REPEAT"):
            self.repeats.add(c.POSSESSIVE_REPEAT)

    # -- one-character nodes ------------------------------------------------------------

    def ascii_set(self, node: tuple[Any, Any], flags: int) -> frozenset[int]:
        return _ascii_set(repr(node), node, flags)

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
        while items and items[0][0] in (c.ASSERT, c.ASSERT_NOT) and items[0][1][0] < 0:
            before = self.merged(items.pop(0), flags, before)
        while (
            trailing and items and items[-1][0] in (c.ASSERT, c.ASSERT_NOT) and items[-1][1][0] > 0
        ):
            after = self.merged(items.pop(), flags, after)
        if items and items[0][0] is c.ASSERT and items[0][1][0] > 0:
            # a leading lookahead that only says what the first character is (the engine's
            # `(?=[...])` before an alternation): dropped, exact when the rest starts so anyway
            body = self.single_set(list(items[0][1][1].data), flags)
            rest = _first_set(self, items[1:], flags)
            if body is None or rest is None or not rest <= body:
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
            head = _char_class(first) + (f"{{{width}}}" if width > 1 else "")
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
                if last is None or last[0] != width or not chars <= last[1]:
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
            chars = chars & last[1]
            if not prefix:
                return chars, before
            consumed = self.edges(prefix, flags, None, None, trailing=False)
            return chars, self.constraint((consumed, None), before)
        if not chars & last[1]:
            return chars, before  # the lookbehind's last unit never is the first one
        if width != 1 or not chars <= last[1] or not prefix:
            self.exact = False
            return chars, before
        sets = [self.single_set([n], flags) for n in prefix]
        if len(prefix) > 2 or any(s is None for s in sets):
            self.exact = False
            return chars, before
        outside = [frozenset(_ASCII) - s | {0} for s in sets if s is not None]
        if len(outside) == 1:
            return chars, self.constraint((_char_class(outside[0]), outside[0]), before)
        # two characters before that must not be S1 then S2: either the nearer one is not S2,
        # or it is and the one before is not S1 (the sentinel is neither)
        s2 = sets[1]
        assert s2 is not None
        two = f"(?:{_char_class(outside[1])}|{_char_class(outside[0])}{_char_class(s2)})"
        return chars, self.constraint((two, None), before)

    def constraint(
        self,
        new: tuple[str, frozenset[int] | None],
        known: tuple[str, frozenset[int] | None] | None,
    ) -> tuple[str, frozenset[int] | None]:
        """Two conditions on what precedes: one-character sets intersect; otherwise only the
        newer is kept (no longer exact)."""
        if known is None:
            return new
        if known[1] is not None and new[1] is not None:
            both = known[1] & new[1]
            return (_char_class(both), both)
        self.exact = False
        return new

    def merged(
        self,
        assertion: tuple[Any, Any],
        flags: int,
        known: tuple[str, frozenset[int] | None] | None,
    ) -> tuple[str, frozenset[int] | None] | None:
        """`known` and one more lookaround at the edge, or `known` alone if they cannot be
        combined exactly (then the rewrite is no longer exact)."""
        c = self.constants
        op, (_, body) = assertion
        chars = self.single_set(list(body.data), flags)
        if chars is not None:
            if op is c.ASSERT_NOT:  # no character (the text's edge) passes too
                chars = frozenset(_ASCII) - chars | {0}
            if known is None:
                return (_char_class(chars), chars)
            if known[1] is not None:
                both = known[1] & chars
                return (_char_class(both), both)
        elif op is c.ASSERT and known is None:
            return ("(?:" + self.sequence(body.data, flags) + ")", None)
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
        multiline = bool(flags & self.parser.SRE_FLAG_MULTILINE)
        if code is c.AT_BOUNDARY:
            return r"\b"
        if code is c.AT_NON_BOUNDARY:
            return r"\B"
        if code is c.AT_BEGINNING_STRING:
            return r"\x00"
        if code is c.AT_END_STRING:
            return r"\x00"
        if code is c.AT_BEGINNING:
            return r"(?:\x00|\x0a)" if multiline else r"\x00"
        if code is c.AT_END:
            return r"(?:\x0a|\x00)" if multiline else r"\x0a?\x00"
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
    c = rewriter.constants
    for op, arg in items:
        if op in rewriter.single:
            return rewriter.ascii_set((op, arg), flags)
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            continue  # consumes nothing
        if op is c.SUBPATTERN:
            return _first_set(rewriter, arg[3].data, (flags | arg[1]) & ~arg[2])
        if op is c.BRANCH:
            sets = [_first_set(rewriter, b.data, flags) for b in arg[1]]
            if any(s is None for s in sets):
                return None
            return frozenset().union(*[s for s in sets if s is not None])
        if op in rewriter.repeats and arg[0] >= 1:
            return _first_set(rewriter, arg[2].data, flags)
        return None
    return None


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


def hyperscan_pattern(pattern: str, flags: int = 0) -> ScreenPattern | None:
    """`pattern` rewritten for a sentinel-framed ASCII text (see the module), or None."""
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
    rewriter = _Rewriter(flags, groups)
    try:
        text = rewriter.top(parsed)
    except (_Unsupported, RecursionError):
        return None
    return ScreenPattern(text, rewriter.exact)


def _hyperscan() -> Any | None:
    try:
        return importlib.import_module("hyperscan")
    except Exception:  # not installed, or no build for this platform or CPU
        return None


class AsciiScreen:
    """One Hyperscan database over groups of regexes; `passing` tells which groups have all
    their regexes match an ASCII text.

    A group is what one recognizer needs (its prefilter, context words and candidates).
    Hyperscan's own logical combinations would report passing groups only, but refuse
    regexes whose matches it reports late (one ending in `\\b`), so each regex reports its
    first match and the groups are counted here. Compiling takes a second or two, once per
    process (the database is kept serialized and each screen loads its own copy). Not shared
    between threads: a scan needs its own scratch space.
    """

    def __init__(self, groups: Sequence[Sequence[ScreenPattern]]) -> None:
        hyperscan = _hyperscan()
        if hyperscan is None:
            raise RuntimeError("hyperscan is not available")
        self._terminated = hyperscan.ScanTerminated
        patterns = tuple(p.pattern for group in groups for p in group)
        serialized = _SERIALIZED.get(patterns)
        if serialized is None:
            serialized = hyperscan.dumpb(_compiled(hyperscan, patterns))
            if len(_SERIALIZED) >= _SERIALIZED_KEPT:
                _SERIALIZED.clear()
            _SERIALIZED[patterns] = serialized
        self._database = hyperscan.loadb(serialized, hyperscan.HS_MODE_BLOCK)
        self._scratch = hyperscan.Scratch(database=self._database)
        self._group_of = [index for index, group in enumerate(groups) for _ in group]
        self._size = [len(group) for group in groups]

    def passing(self, text: str) -> list[int]:
        """Indexes of the groups whose regexes all match `text` (ASCII), in no set order."""
        found: list[int] = []
        try:  # noqa: SIM105 (`contextlib.suppress` costs a context manager per text)
            self._database.scan(
                (SENTINEL + text + SENTINEL).encode("ascii"),
                match_event_handler=_append_id,
                context=found,
                scratch=self._scratch,
            )
        except self._terminated:
            pass  # every pattern is single-match and all have matched: Hyperscan stops early
        group_of = self._group_of
        counts: dict[int, int] = {}
        for id_ in found:
            group = group_of[id_]
            counts[group] = counts.get(group, 0) + 1
        size = self._size
        return [group for group, count in counts.items() if count == size[group]]


_SERIALIZED: dict[tuple[str, ...], bytes] = {}
_SERIALIZED_KEPT = 4  # a process builds one or two kinds of detector


def _compiled(hyperscan: Any, patterns: Sequence[str]) -> Any:
    """The database: each pattern's id is its index; it reports its first match only."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(
        expressions=[p.encode("ascii") for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY] * len(patterns),
    )
    return database


def _append_id(id_: int, start: int, end: int, flags: int, found: list[int]) -> None:
    found.append(id_)


def compilable(pattern: ScreenPattern) -> bool:
    """Whether Hyperscan accepts `pattern` on its own (one bad pattern fails a database)."""
    hyperscan = _hyperscan()
    if hyperscan is None:
        return False
    try:
        _compiled(hyperscan, (pattern.pattern,))
    except Exception:
        return False
    return True


def available() -> bool:
    return _hyperscan() is not None
