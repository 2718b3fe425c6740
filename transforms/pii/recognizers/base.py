"""Shared machinery of tdg's identifier recognizers: candidates, validation, context, scoring.

A recognizer finds regex candidates in the folded view (`NormalizedView.text`, ASCII digits),
validates each (checksum, plausible date or region) and looks for a context word in a window
before and just after it. Scores:

- validation passes (or there is none): the pattern's score, plus `CONTEXT_BOOST` with context;
- validation fails, no context word: dropped;
- validation fails next to a context word: kept at `INVALID_WITH_CONTEXT_SCORE`, because a
  mistyped identifier still identifies someone ("typos are PI").

No NLP artifacts are used (there is no Chinese spaCy model); `analyze` works with
`nlp_artifacts=None`, and every result is flagged as already context-enhanced so Presidio's
lemma enhancer does not boost it a second time.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

# Latin letters, as a character-class body: ASCII, Latin-1, Latin Extended and Latin Extended
# Additional (José, Sigurðardóttir, Łąkowa, Nguyễn), never an ideograph. For the English
# recognizers' words (names, street names) in text that may mix scripts.
LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# Their capitals: ASCII and Latin-1; Latin Extended (Łąkowa) mixes cases in its ranges and is
# let in whole. What starts a name word.
LATIN_CAPITALS = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f\u1e00-\u1eff"

# Characters people put between digit groups; stripped before validation.
_SEPARATORS = str.maketrans("", "", " -()·・.+")
_DIGIT_RUN = re.compile("[0-9]+")


class _LongestDigitRun:
    """Longest ASCII digit run of the text last asked about.

    Every recognizer is called on the same text in turn; computing the run once lets the
    others skip a text with no long enough run without scanning it. Strings are immutable, so
    an identity check is a safe key; the (text, length) pair is replaced atomically.
    """

    def __init__(self) -> None:
        self._last: tuple[str, int] = ("", 0)

    def __call__(self, text: str) -> int:
        last = self._last
        if last[0] is text:
            return last[1]
        longest = max(map(len, _DIGIT_RUN.findall(text)), default=0)
        self._last = (text, longest)
        return longest


longest_digit_run = _LongestDigitRun()


def parsed_regex(pattern: str, flags: int = 0) -> tuple[Any, Any] | None:
    """`re`'s opcode constants and parse tree of `pattern`, or None when `re` cannot parse it
    (a `regex`-only pattern) or its private parser modules are gone (a future Python).

    The regex analyses here (digit bounds, first characters, scan rewrites) read the parse
    tree; no library offers one, and `re._parser` is what `re.compile` itself uses.
    """
    try:
        constants: Any = importlib.import_module("re._constants")
        parser: Any = importlib.import_module("re._parser")
        return constants, parser.parse(pattern, flags)
    except Exception:
        return None


def min_ascii_digits(pattern: str, flags: int = 0) -> int:
    """The fewest ASCII digits any match of `pattern` contains (0 when unsure).

    Counted on the parsed regex: a literal digit or a class of digits only is one digit,
    repeats multiply, alternatives take their minimum, lookarounds count nothing. `\\d` counts
    nothing (it also matches non-ASCII digits), so this is a safe lower bound.
    """
    found = parsed_regex(pattern, flags)
    if found is None:
        return 0
    sre_constants, parsed = found

    def is_digit_class(items: Any) -> bool:
        if not items:
            return False
        for op, arg in items:
            if op is sre_constants.LITERAL and 48 <= arg <= 57:
                continue
            if op is sre_constants.RANGE and arg[0] >= 48 and arg[1] <= 57:
                continue
            return False
        return True

    def count(items: Any) -> int:
        total = 0
        for op, arg in items:
            if op is sre_constants.LITERAL:
                total += 1 if 48 <= arg <= 57 else 0
            elif op is sre_constants.IN:
                total += 1 if is_digit_class(arg) else 0
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                total += arg[0] * count(arg[2])
            elif op is sre_constants.SUBPATTERN:
                total += count(arg[3])
            elif op is sre_constants.BRANCH:
                total += min(count(branch) for branch in arg[1])
            elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
                total += count(arg)
            elif op is getattr(sre_constants, "POSSESSIVE_REPEAT", None):
                total += arg[0] * count(arg[2])
        return total

    try:
        return count(parsed)
    except Exception:  # an opcode shape not foreseen: no bound
        return 0


_CATEGORY_ESCAPES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}


def first_characters(pattern: str, flags: int = 0) -> str | None:
    """Regex class contents (no brackets) holding the first character of every match of
    `pattern`, or None when unsure (a match may be empty, a negated class, inline flags ...).

    Worked out on the parsed regex like `min_ascii_digits`: zero-width assertions (`\\b`,
    lookarounds) are skipped, alternatives joined, optional items add what follows them. As a
    lookahead compiled with the same flags, it matches wherever a match of `pattern` can start.
    """
    found = parsed_regex(pattern, flags)
    if found is None:
        return None
    constants, parsed = found
    zero_width = {constants.AT, constants.ASSERT, constants.ASSERT_NOT}
    repeats = {
        constants.MAX_REPEAT,
        constants.MIN_REPEAT,
        getattr(constants, "POSSESSIVE_REPEAT", constants.MAX_REPEAT),
    }

    class Unsure(Exception):
        pass

    def in_class(items: Any) -> set[str]:
        out = set()
        for op, arg in items:
            if op is constants.LITERAL:
                out.add(re.escape(chr(arg)))
            elif op is constants.RANGE:
                out.add(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
            elif op is constants.CATEGORY and str(arg) in _CATEGORY_ESCAPES:
                out.add(_CATEGORY_ESCAPES[str(arg)])
            else:  # NEGATE, or a category with no escape
                raise Unsure
        return out

    def sequence(items: Any) -> tuple[set[str], bool]:
        """First characters of a sequence, and whether it can match empty."""
        found: set[str] = set()
        for op, arg in items:
            if op in zero_width:
                continue
            if op is constants.LITERAL:
                return found | {re.escape(chr(arg))}, False
            if op is constants.IN:
                return found | in_class(arg), False
            if op is constants.SUBPATTERN:
                if arg[1] or arg[2]:  # scoped inline flags
                    raise Unsure
                first, empty = sequence(arg[3])
            elif op is constants.BRANCH:
                first, empty = set(), False
                for branch in arg[1]:
                    branch_first, branch_empty = sequence(branch)
                    first |= branch_first
                    empty = empty or branch_empty
            elif op in repeats:
                first, empty = sequence(arg[2])
                empty = empty or arg[0] == 0
            elif op is getattr(constants, "ATOMIC_GROUP", None):
                first, empty = sequence(arg)
            else:  # ANY, NOT_LITERAL, group references ...
                raise Unsure
            found |= first
            if not empty:
                return found, False
        return found, True

    try:
        first, empty = sequence(parsed)
    except Unsure:
        return None
    return None if empty or not first else "".join(sorted(first))


# A class holding more lowercase letters than this matches most positions of prose: a scan for
# it would skip little, and the lookbehind of `class_led` would only add work.
_MAX_LOWERCASE_IN_LEADING_CLASS = 6


_T = TypeVar("_T")
_IDENTITY_CACHE_SIZE = 4096


def cached_by_regex_identity(
    function: Callable[[re.Pattern[str]], _T],
) -> Callable[[re.Pattern[str]], _T]:
    """`function` memoized by the compiled regex's identity.

    Written here because `functools.lru_cache` keys by hash, and hashing a compiled regex
    hashes its whole compiled code, on every call: 3 µs for a 1,300-character pattern, paid
    per text by every recognizer scan. The memo holds each regex it has seen, so an id is
    never reused while it is a key; it is cleared if it ever grows past its bound.
    """
    memo: dict[int, tuple[re.Pattern[str], _T]] = {}

    @functools.wraps(function)
    def cached(regex: re.Pattern[str]) -> _T:
        found = memo.get(id(regex))
        if found is None:
            if len(memo) >= _IDENTITY_CACHE_SIZE:
                memo.clear()
            found = memo[id(regex)] = (regex, function(regex))
        return found[1]

    return cached


@cached_by_regex_identity
def class_led(regex: re.Pattern[str]) -> re.Pattern[str] | None:
    """A regex matching one character, exactly where a match of `regex` can start, that `re`
    scans fast; None when `regex` already starts with a plain character or class (or its first
    characters are unknown, common in prose, or the rewrite does not compile).

    `re` scans quickly for a pattern's first character class, but a pattern starting with an
    assertion (`\\b`, a lookaround) or a repeat is tried at every position. Here the first
    characters' class comes first, then a lookbehind over that character holding a lookahead
    for `regex`: the lookahead tests `regex` where the character starts (its own lookbehinds
    see the text before).
    """
    if _starts_plainly(regex):
        return None
    first = first_characters(regex.pattern, regex.flags)
    if not first:
        return None
    try:
        leading = re.compile(f"[{first}]", regex.flags)
        if sum(1 for c in "abcdefghijklmnopqrstuvwxyz" if leading.match(c)) > (
            _MAX_LOWERCASE_IN_LEADING_CLASS
        ):
            return None
        return re.compile(f"[{first}](?<=(?=(?:{regex.pattern}))[{first}])", regex.flags)
    except re.error:  # a global inline flag, or a group referred to inside the lookbehind
        return None


def _starts_plainly(regex: re.Pattern[str]) -> bool:
    """Whether the first item of `regex` (inside groups) is a character or a class (True when
    unsure: then `class_led` leaves it alone)."""
    found = parsed_regex(regex.pattern, regex.flags)
    if found is None:
        return True
    constants, tree = found
    items = list(tree)
    while items and items[0][0] is constants.SUBPATTERN:
        items = list(items[0][1][3])
    if not items:
        return True
    op, arg = items[0]
    if op is constants.BRANCH:  # `re` scans for the first characters of literal alternatives
        return all(branch and branch[0][0] is constants.LITERAL for branch in arg[1])
    return op in (constants.LITERAL, constants.IN)


def scan_matches(
    regex: re.Pattern[str], text: str, pos: int = 0, endpos: int = sys.maxsize
) -> Iterator[re.Match[str]]:
    """`regex.finditer(text, pos, endpos)`, the same matches, found faster through `class_led`
    where it applies: each match starts where the class-led regex next finds one."""
    led = class_led(regex)
    if led is None:
        yield from regex.finditer(text, pos, endpos)
        return
    while True:
        start = led.search(text, pos, endpos)
        if start is None:
            return
        match = regex.match(text, start.start(), endpos)
        if match is None or match.end() == match.start():  # cannot happen; finditer knows best
            yield from regex.finditer(text, start.start(), endpos)
            return
        yield match
        pos = match.end()


def compact(candidate: str) -> str:
    """Candidate without group separators, upper-cased: what check characters are computed on."""
    return candidate.translate(_SEPARATORS).upper()


@dataclass(frozen=True)
class CandidatePattern:
    """One regex of a recognizer. `name` is versioned: change behaviour by adding a version."""

    name: str
    regex: str
    score: float


def context_regex(words: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive alternation; ASCII words must not be part of a longer word.

    Only ever asked whether it matches somewhere in a window; see `first_character_gate`.
    """
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        if word.isascii() and word[:1].isalnum():
            escaped = rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
        parts.append(escaped)
    return re.compile(first_character_gate(words) + f"(?:{'|'.join(parts)})", re.IGNORECASE)


def first_character_gate(words: Sequence[str]) -> str:
    """A lookahead for the first characters of `words` ('' if one is empty).

    Put before an alternation of the words, it lets `re` reject a position after one class
    test instead of one test per word (for a dozen words, ~8x faster), and changes nothing
    about where the alternation matches: every alternative starts with one of these characters.
    """
    if not words or not all(words):
        return ""
    return f"(?=[{''.join(sorted({re.escape(word[0]) for word in words}))}])"


class IdentifierRecognizer(PatternRecognizer):
    """Base of tdg's pattern-plus-validation recognizers.

    A subclass declares:
    - `ENTITY`: the entity type it reports;
    - `PATTERNS`: `CandidatePattern`s (regexes over the view, with digit-boundary lookarounds);
    - `CONTEXT`: Chinese and English context words;
    - `MIN_DIGIT_RUN`: the shortest ASCII digit run any candidate contains (texts without one
      are skipped cheaply), `MIN_TOTAL_DIGITS`: the fewest ASCII digits any reported candidate
      has, `MIN_GROUPED_DIGITS`: the fewest digits in one chain of groups joined by a single
      space or dash (`110105 1949...`), and/or `PREFILTER`, a regex that must occur for a
      candidate to exist;
    - optionally `validate_candidate(compact) -> bool | None` (None: nothing to check), and
      `CONTEXT_BOOST`, `INVALID_WITH_CONTEXT_SCORE`, `CONTEXT_BEFORE`, `CONTEXT_AFTER`,
      `CONTEXT_REQUIRED`.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[tuple[CandidatePattern, ...]]
    CONTEXT: ClassVar[tuple[str, ...]]
    MIN_DIGIT_RUN: ClassVar[int] = 0
    # The fewest digits in one chain of digit groups joined by a single space or dash.
    MIN_GROUPED_DIGITS: ClassVar[int] = 0
    MIN_TOTAL_DIGITS: ClassVar[int] = 0
    PREFILTER: ClassVar[str | None] = None
    # Numbers without a check digit whose shape alone is anything (8 digits): reported only
    # next to a context word, at the pattern's score (no boost: there is always context).
    CONTEXT_REQUIRED: ClassVar[bool] = False
    CONTEXT_BOOST: ClassVar[float] = 0.35
    INVALID_WITH_CONTEXT_SCORE: ClassVar[float] = 0.4
    CONTEXT_BEFORE: ClassVar[int] = 24  # characters scanned before a candidate
    CONTEXT_AFTER: ClassVar[int] = 8  # and after it ("11010519491231002X（身份证）")

    # Compiled once per class, on first construction.
    _compiled: ClassVar[tuple[tuple[CandidatePattern, re.Pattern[str]], ...]]
    _prefilter: ClassVar[re.Pattern[str] | None]
    _context: ClassVar[re.Pattern[str]]
    _min_total_digits: ClassVar[int]  # MIN_TOTAL_DIGITS, or what the patterns imply if more

    def __init__(self, supported_language: str = "zh") -> None:
        cls = type(self)
        if "_compiled" not in cls.__dict__:
            cls._compiled = tuple((p, re.compile(p.regex)) for p in cls.PATTERNS)
            cls._prefilter = re.compile(cls.PREFILTER) if cls.PREFILTER else None
            cls._context = context_regex(cls.CONTEXT)
            cls._min_total_digits = max(
                cls.MIN_TOTAL_DIGITS, min(min_ascii_digits(p.regex) for p in cls.PATTERNS)
            )
        super().__init__(
            supported_entity=cls.ENTITY,
            name=cls.__name__,
            supported_language=supported_language,
            patterns=[Pattern(p.name, p.regex, p.score) for p in cls.PATTERNS],
            context=list(cls.CONTEXT),
            global_regex_flags=0,
        )

    def validate_candidate(self, compact_candidate: str) -> bool | None:
        """Checksum / plausibility of a candidate (separators removed, upper-case)."""
        return None

    def validate_result(self, pattern_text: str) -> bool | None:
        """Presidio's hook, for callers that use it directly."""
        return self.validate_candidate(compact(pattern_text))

    def has_context(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - self.CONTEXT_BEFORE)
        if self._context.search(text, lo, start) is not None:
            return True
        return self._context.search(text, end, end + self.CONTEXT_AFTER) is not None

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        """0.0 means drop."""
        valid = self.validate_candidate(compact(match.group()))
        context = self.has_context(text, match.start(), match.end())
        if valid is False:
            return self.INVALID_WITH_CONTEXT_SCORE if context else 0.0
        if self.CONTEXT_REQUIRED and not context:
            return 0.0
        score = pattern.score + self.adjust_score(match)
        if context and not self.CONTEXT_REQUIRED:  # required: the pattern's score has it
            score += self.CONTEXT_BOOST
        return min(1.0, score)

    def adjust_score(self, match: re.Match[str]) -> float:
        """Hook for evidence other than checksum and context (e.g. a UnionPay prefix)."""
        return 0.0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        if self.MIN_DIGIT_RUN and longest_digit_run(text) < self.MIN_DIGIT_RUN:
            return []
        if self._min_total_digits and sum(map(len, _DIGIT_RUN.findall(text))) < (
            self._min_total_digits
        ):
            return []
        if self._prefilter is not None and self._prefilter.search(text) is None:
            return []
        return self.find(text)

    @property
    def compiled_patterns(self) -> tuple[tuple[CandidatePattern, re.Pattern[str]], ...]:
        """Every pattern with its compiled regex (`patterns_for` chooses among them)."""
        return self._compiled

    def patterns_for(self, text: str) -> Sequence[tuple[CandidatePattern, re.Pattern[str]]]:
        """The compiled patterns worth running on `text` (a subclass may skip hopeless ones)."""
        return self._compiled

    def reported_span(
        self, text: str, match: re.Match[str], pattern: CandidatePattern
    ) -> tuple[int, int, float] | None:
        """(start, end, score) of what a match reports, or None: the match, scored by
        `score_candidate`; a subclass may report part of it."""
        score = self.score_candidate(text, match, pattern)
        return (match.start(), match.end(), score) if score > 0.0 else None

    def find(self, text: str) -> list[RecognizerResult]:
        """`analyze` without the entity check and prefilters: for callers that applied them."""
        results: list[RecognizerResult] = []
        for pattern, regex in self.patterns_for(text):
            for match in scan_matches(regex, text):
                found = self.reported_span(text, match, pattern)
                if found is None:
                    continue
                start, end, score = found
                results.append(
                    RecognizerResult(
                        entity_type=self.ENTITY,
                        start=start,
                        end=end,
                        score=score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                            RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                            "pattern_name": pattern.name,
                        },
                    )
                )
        if len(results) > 1:
            results = self.remove_duplicates(results)
        return results
