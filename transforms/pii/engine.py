"""The detection engine: tdg's and Presidio's recognizers plus batched NER, offline.

`Detector` is built once per worker (`DoFn.setup`): it loads spaCy with only the NER component,
jieba's dictionary tables and rjieba's segmenter, and every pattern recognizer. `detect_batch`
then works per batch: it folds each text (`NormalizedView`), routes it to languages, runs the
cheap pattern recognizers on every record (Chinese identifiers turn up in English text and
e-mail addresses in Chinese text), runs spaCy through one `nlp.pipe` call only for records that
need English NER, runs the Chinese name and address recognizers on records routed to Chinese,
and maps every offset back to the original.

Presidio's recognizers are called directly rather than through `AnalyzerEngine.analyze`: the
engine's per-call overhead (registry lookups, lemma-based context enhancement that needs
spaCy tokens, decision-process bookkeeping) costs more than the regexes on short records, and
records that skip NER have no tokens to give it. Context words are applied here instead,
by a character window before each candidate.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import logging
import operator
import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from tdg.transforms.errors import UserError
from tdg.transforms.pii import hyperscan_rewrite, hyperscan_screen
from tdg.transforms.pii.chinese_ner import LacTagger, lac_tagger
from tdg.transforms.pii.detection_settings import DetectionSettings, spacy_model_problem
from tdg.transforms.pii.entities import NOT_PERSONAL_BY_DEFAULT
from tdg.transforms.pii.language import (
    CJK_CHARACTER,
    CJK_IDEOGRAPHS,
    more_chinese_than_latin,
    route_languages,
)
from tdg.transforms.pii.latin_view import LatinView
from tdg.transforms.pii.normalized_view import NormalizedView
from tdg.transforms.pii.recognizers import build_recognizers
from tdg.transforms.pii.recognizers.base import (
    IdentifierRecognizer,
    cached_by_regex_identity,
    class_led,
    first_character_gate,
    first_characters,
    min_ascii_digits,
    parsed_regex,
    scan_matches,
)
from tdg.transforms.pii.recognizers.cn_address import CnAddressRecognizer
from tdg.transforms.pii.recognizers.cn_person_name import MIN_SCORE as NAME_MIN_SCORE
from tdg.transforms.pii.recognizers.cn_person_name import CnPersonNameRecognizer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected entity: offsets are Python str indices into the ORIGINAL text."""

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str


# spaCy components NER does not need (en_core_web_sm's NER has its own embedding layer).
_NOT_NEEDED_FOR_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

# Presidio's context handling, done on characters: a context word in this window before a
# candidate raises its score by CONTEXT_BOOST, to at least MIN_SCORE_WITH_CONTEXT.
CONTEXT_WINDOW_BEFORE = 48
CONTEXT_WINDOW_AFTER = 16
CONTEXT_BOOST = 0.35
MIN_SCORE_WITH_CONTEXT = 0.4

# Necessary conditions for any match of a Presidio recognizer (cheap to test, so records
# without digits, '@' or dots skip most regexes). Recognizers not listed always run. Where
# they can, they start with one character class (alternatives go after it, lookbehinds
# after the character): `re` then scans quickly for that class instead of trying every
# alternative at every position.
_PRESIDIO_PREFILTERS: dict[str, str] = {
    "EmailRecognizer": "@",
    "UrlRecognizer": r"[.][A-Za-z]",
    # An IPv4 dotted quad, or an IPv6 `::` or hex-colon-hex (every alternative has one).
    "IpRecognizer": r"[.](?<=[0-9][.])[0-9]{1,3}[.][0-9]|:(?::|(?<=[0-9A-Fa-f]:)[0-9A-Fa-f])",
    "CreditCardRecognizer": r"[0-9]{4}[ -]?[0-9]{3}",
    # Country code and check digits, then two groups of four letters or digits (Presidio
    # matches IBANs ignoring case: [A-Z] then also takes the four non-ASCII letters below).
    "IbanRecognizer": r"[0-9]{2}(?<=[A-Za-z]{2}[0-9]{2})"
    "(?:[ -]?[0-9A-Za-z\u0130\u0131\u017f\u212a]{4}){2}",
    # A leading 1 or 3, or the 1 of `bc1`, then 25 letters or digits (Presidio matches
    # ignoring case: [A-Z] then also takes the four non-ASCII letters below).
    "CryptoRecognizer": r"[13][0-9A-Za-z\u0130\u0131\u017f\u212a]{25}",
    # Every pattern has digit-slash-digit, d.m.y with two dots, or a dash between digits or
    # between a digit and a month name.
    "DateRecognizer": r"/(?<=[0-9]/)[0-9]|[.](?<=[0-9][.])[0-9]{1,2}[.][0-9]"
    r"|-(?:(?<=[0-9]-)[0-9A-Za-z]|(?<=[A-Za-z]-)[0-9])",
    "MedicalLicenseRecognizer": r"[A-Za-z][0-9]{7}",
    # Anchored on the rare separators, not the common hex letters: a quick scan.
    "MacAddressRecognizer": r"[:.-](?:(?<=[:-])[0-9A-Fa-f]{2}[:-]|(?<=[.])[0-9A-Fa-f]{4}[.])",
    "UuidRecognizer": r"[0-9A-Fa-f]{8}-",
    "PhoneRecognizer": r"[0-9](?:[ ().\-/+]{0,3}[0-9]){6}",
    "UsBankRecognizer": r"[0-9]{8}",
    "UsLicenseRecognizer": r"[0-9](?:(?<=[A-Za-z][0-9])|[0-9]{5})",
    "UsItinRecognizer": r"9[0-9]{2}[- ]?[5-9]",
    "UsPassportRecognizer": r"[0-9]{8}",
    "UsSsnRecognizer": r"[0-9]{3}[- .]?[0-9]{2}",
    "NhsRecognizer": r"[0-9]{3}[- ]?[0-9]{3}",
}
# The shortest ASCII digit run any match of a Presidio recognizer contains: one cached scan
# of the text (`longest_digit_run`) then skips them all at once on texts without numbers.
_PRESIDIO_MIN_DIGIT_RUN: dict[str, int] = {
    "IpRecognizer": 1,
    "CreditCardRecognizer": 4,
    "IbanRecognizer": 2,
    "DateRecognizer": 1,
    "MedicalLicenseRecognizer": 7,
    "PhoneRecognizer": 1,
    "UsBankRecognizer": 8,
    "UsLicenseRecognizer": 1,
    "UsItinRecognizer": 2,
    "UsPassportRecognizer": 8,
    "UsSsnRecognizer": 2,
    "NhsRecognizer": 3,
}
# The fewest ASCII digits (all runs together) any match contains: SSN and ITIN have 9, NHS
# numbers 10, card numbers at least 13 (4 + 3 + 3 + 3 in the pattern's groups).
_PRESIDIO_MIN_TOTAL_DIGITS: dict[str, int] = {
    "CreditCardRecognizer": 13,
    "UsItinRecognizer": 9,
    "UsSsnRecognizer": 9,
    "NhsRecognizer": 10,
    "UsBankRecognizer": 8,
    "UsPassportRecognizer": 8,
    "MedicalLicenseRecognizer": 7,
    "CryptoRecognizer": 1,  # `bc1` or a leading 1 or 3
}
# Literal substrings of which every match contains at least one: `in` tests, cheaper than
# any regex, run before the prefilter.
_REQUIRED_ANY: dict[str, tuple[str, ...]] = {
    "EmailRecognizer": ("@",),
    "EmailAnyTldRecognizer": ("@",),
    "UrlRecognizer": (".",),
    "IpRecognizer": (".", ":"),
    "DateRecognizer": ("-", "/", "."),
    "MacAddressRecognizer": (":", "-", "."),
    "UuidRecognizer": ("-",),
}
# Pieces of a text every match of a recognizer's patterns lies within: its patterns run on
# these pieces only (`_run_patterns`), not over the words around them. No URL match holds
# whitespace, and each holds a dot before its top-level domain. Used only for patterns
# without anchors, boundaries or lookarounds (`_looks_around`): a match in a piece is then
# exactly a match in the text.
_PRESIDIO_PIECES: dict[str, str] = {
    "UrlRecognizer": r"(?<!\S)\S*[.]\S*",
}
# Recognizers whose every match contains a non-ASCII character (a Chinese province).
_NEEDS_NON_ASCII = frozenset({"CnLicensePlateRecognizer"})
# Presidio pattern recognizers whose regex has no word boundaries: a match inside a longer run
# of letters and digits is part of another code (`SF3580835` in the parcel number
# `SF358083528239` passes the DEA check by chance).
_WHOLE_TOKEN_ONLY = frozenset({"MedicalLicenseRecognizer"})
_ALNUM = frozenset(string.ascii_letters + string.digits)
_DIGIT_RUN = re.compile("[0-9]+")
_DIGIT_CHAIN = re.compile("[0-9]+(?:[ -][0-9]+)*")
_GATE_CACHE_SIZE = 4096  # feature tuples remembered per Detector (a few hundred occur)
_NEEDS_NLP_ARTIFACTS = frozenset(
    {"SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer", "GLiNERRecognizer"}
)
# OntoNotes labels that are not about a person (amounts, products, laws ...).
_NER_LABELS_IGNORED = (
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "MONEY",
    "PERCENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "EVENT",
)
# NER runs on any text with a Latin letter: capitalisation is no filter (lower-cased
# corpora are common, and spaCy still finds "lena andersson" there).
_LATIN_LETTER = re.compile("[A-Za-z]")
_LEADING_IDEOGRAPHS = re.compile(f"^[{CJK_IDEOGRAPHS}]+")


class _OfflineTldextract:
    """tldextract over its bundled public-suffix snapshot: no fetch, no cache written."""

    def __init__(self) -> None:
        import tldextract

        self._extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        self._extract("example.com")  # loads the bundled snapshot now, not on the first e-mail

    def has_domain(self, text: str) -> bool:
        return bool(self._extract(text).fqdn)


def _offline_email_recognizer(base: EntityRecognizer, tld: _OfflineTldextract) -> EntityRecognizer:
    """Presidio's EmailRecognizer validates with the module-level `tldextract.extract`, which
    downloads the public suffix list on first use; this one validates with `tld`."""
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return tld.has_domain(pattern_text)

    return OfflineEmailRecognizer(
        supported_language=base.supported_language, name="EmailRecognizer"
    )


@dataclass(frozen=True)
class _Runner:
    """A recognizer, what it may report, its prefilter and context regex (all precompiled).

    `patterns` is set for Presidio `PatternRecognizer`s whose `analyze` is Presidio's own: the
    engine then runs their precompiled regexes and validation hooks itself, without the
    per-call explanation objects and regex-cache lookups of `PatternRecognizer.analyze`.
    """

    recognizer: EntityRecognizer
    entities: list[str]
    prefilter: re.Pattern[str] | None
    context: re.Pattern[str] | None
    patterns: tuple[tuple[Any, float], ...] | None = None
    min_digit_run: int = 0  # texts whose longest ASCII digit run is shorter are skipped
    min_total_digits: int = 0  # texts with fewer ASCII digits in all are skipped
    # texts whose longest chain of digit groups (joined by one space or dash) has fewer digits
    # are skipped: spaced forms (`A123 456(3)`) need short runs, but not short chains
    min_grouped_digits: int = 0
    required_any: tuple[str, ...] = ()  # texts containing none of these are skipped
    # One alternation of all `patterns`: a text it finds nothing in skips the per-pattern scans.
    union: re.Pattern[str] | None = None
    # Matches wherever one of the recognizer's own regexes does, and can be scanned over texts
    # joined by `_SEPARATOR` (`_joinable`): texts it finds nothing in are not run at all.
    candidates: re.Pattern[str] | None = None
    # tdg identifier recognizers: `find` (no re-done gates) instead of `analyze`.
    identifier: IdentifierRecognizer | None = None
    # Every score it gives is below the threshold unless a context word lifts it: a text
    # without any context word cannot yield a finding that survives.
    # Set then: its context words, casefolded, as one literal alternation, searched in the
    # casefolded text (a necessary condition for any context regex match; no lookarounds).
    context_words: re.Pattern[str] | None = None
    needs_non_ascii: bool = False
    # Where in a text `patterns` can match (`_PRESIDIO_PIECES`); None: anywhere.
    pieces: re.Pattern[str] | None = None
    # Whether `validate_result` / `invalidate_result` are overridden (else they are no-ops).
    validates: bool = True
    invalidates: bool = True
    # Matches inside a longer run of ASCII letters and digits are not reported.
    whole_token: bool = False
    # True: only English text (routed to English, not mostly Chinese); False: only other text;
    # None: all.
    english: bool | None = None


_LEADING_REPEATED_CLASS = re.compile(r"(\[(?:\\.|[^\]\\])+\])\{([1-9][0-9]*)(,[0-9]*)?\}")


def _class_first(pattern: str) -> str:
    """The same regex, its leading `[...]{n}` (or `{n,m}`) written `[...][...]{n-1}`.

    `re` scans quickly for a pattern's first character class, but not for a repeated one
    (about 2x slower on digit-rich text).
    """
    head = _LEADING_REPEATED_CLASS.match(pattern)
    if head is None:
        return pattern
    cls, low, high = head.group(1), int(head.group(2)), head.group(3)
    if high is not None and high != ",":
        high = f",{int(high[1:]) - 1}"
    rest = pattern[head.end() :]
    if low == 1 and high is None:
        return cls + rest
    return f"{cls}{cls}{{{low - 1}{high or ''}}}{rest}"


def _context_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    words = [w for w in words if w]
    if not words:
        return None
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        escaped = re.escape(word)
        parts.append(rf"(?<![A-Za-z]){escaped}" if word.isascii() else escaped)
    return re.compile(first_character_gate(words) + f"(?:{'|'.join(parts)})", re.IGNORECASE)


def _prefilter_passes(
    texts: Sequence[str], gated: Sequence[tuple[_Runner, list[int]]]
) -> list[tuple[_Runner, list[int], bool]]:
    """Each runner with the indexes of its gated texts that pass its context words and
    prefilter (texts whose words are not there need not be searched at all), and whether
    those were also scanned for its candidates (then each holds one)."""
    folded: dict[int, str] = {}
    joins: dict[tuple[int, ...], tuple[str, dict[int, int]] | None] = {}
    out = []
    for runner, indexes in gated:
        # The prefilter first: a scan for digits skips most text, one for the letters that
        # start context words little (and fewer texts are then casefolded).
        if runner.prefilter is not None:
            indexes = _matching(runner.prefilter, texts, indexes, joins)
        if runner.context_words is not None and indexes:
            for i in indexes:
                if i not in folded:
                    folded[i] = texts[i].casefold()
            indexes = _matching(runner.context_words, folded, indexes)
        if runner.candidates is not None and len(indexes) >= _MIN_JOINED:
            indexes = _matching(runner.candidates, texts, indexes, joins)
            checked = True
        else:
            checked = False
        if indexes:
            out.append((runner, indexes, checked))
    return out


_MIN_JOINED = 4  # fewer texts are searched one by one
# Joins texts for `_matching`: no regex it accepts (`_joinable`) matches this character.
_SEPARATOR = "\x00"


def _matching(
    regex: re.Pattern[str],
    texts: Sequence[str] | dict[int, str],
    indexes: list[int],
    joins: dict[tuple[int, ...], tuple[str, dict[int, int]] | None] | None = None,
    min_joined: int = _MIN_JOINED,
) -> list[int]:
    """The indexes of `texts` that `regex` matches in, in order: one scan of them joined.

    A `search` per text costs a Python call each, mostly on texts without a match. Here the
    texts are joined by `_SEPARATOR` and scanned once by the regex followed by "the rest of
    the text" (`_to_text_end`), so each match ends at the separator after its text, and texts
    without a match cost nothing in Python. For regexes whose assertions cannot tell the
    separator from the start or end of a text (`_joinable`), and which cannot match it, this
    finds exactly the texts with a match of their own. `joins` caches joined texts between
    calls on the same `texts` (runners often share an index list).
    """
    if len(indexes) < min_joined or not _joinable(regex):
        return [i for i in indexes if regex.search(texts[i]) is not None]
    key = tuple(indexes)
    joined = joins.get(key) if joins is not None else None
    if joined is None:
        joined = _joined(texts, indexes)
        if joins is not None:
            joins[key] = joined
    if not joined[0]:  # a text holds the separator
        return [i for i in indexes if regex.search(texts[i]) is not None]
    text, index_at_end = joined
    found = [index_at_end[m.end()] for m in _to_text_end(regex).finditer(text)]
    return found if len(found) < 2 else sorted(set(found))


def _joined(
    texts: Sequence[str] | dict[int, str], indexes: list[int]
) -> tuple[str, dict[int, int]]:
    """The texts joined by `_SEPARATOR` ('' if one holds it), and each text's index by where
    it ends."""
    chosen = [texts[i] for i in indexes]
    joined = _SEPARATOR.join(chosen)
    if joined.count(_SEPARATOR) != len(chosen) - 1:
        return "", {}
    # text k ends at its characters and those of the texts and separators before it
    ends = map(operator.add, accumulate(map(len, chosen)), range(len(chosen)))
    return joined, dict(zip(ends, indexes, strict=True))


@cached_by_regex_identity
def _to_text_end(regex: re.Pattern[str]) -> re.Pattern[str]:
    """`regex`, then everything up to the next `_SEPARATOR` (or the end).

    A regex that starts with an assertion (`\\b`, a lookaround) or a repeat is written as
    `class_led` makes it: a match starts at the same places, but `re` now skips ahead with its
    fast scan for the leading class instead of trying the regex at every position.
    """
    return re.compile(f"{_class_led(regex)}[^{_SEPARATOR}]*", regex.flags)


def _class_led(regex: re.Pattern[str]) -> str:
    """`class_led(regex)`'s pattern where there is one, else `regex`'s own (in a group)."""
    led = class_led(regex)
    return f"(?:{regex.pattern})" if led is None else led.pattern


@cached_by_regex_identity
def _joinable(regex: re.Pattern[str]) -> bool:
    """Whether `_matching` may scan texts joined by `_SEPARATOR` for this regex.

    True when no part of it can match the separator (NUL): then a match never runs from one
    text into the next, and every assertion sees the separator as it sees the start or end of
    a text (a lookaround needing a character there fails, `\\b` and `\\B` see a non-word
    character). Worked out on the parsed regex; anchors (`^`, `$`, `\\A`, `\\Z`), `.`, negated
    classes and categories, and anything not foreseen make it False.
    """
    if regex.flags & re.VERBOSE or re.match(r"\(\?[aiLmsux]+\)", regex.pattern):
        return False  # a global inline flag cannot be wrapped in a group (`_to_text_end`)
    found = parsed_regex(regex.pattern, regex.flags)
    if found is None:
        return False
    constants, parsed = found
    boundaries = {constants.AT_BOUNDARY, constants.AT_NON_BOUNDARY}
    categories = {
        constants.CATEGORY_DIGIT,
        constants.CATEGORY_WORD,
        constants.CATEGORY_SPACE,
    }
    repeats = {
        constants.MAX_REPEAT,
        constants.MIN_REPEAT,
        getattr(constants, "POSSESSIVE_REPEAT", constants.MAX_REPEAT),
    }

    def in_class(items: Any) -> bool:
        for op, arg in items:
            if op is constants.LITERAL and arg != 0:
                continue
            if op is constants.RANGE and arg[0] > 0:
                continue
            if op is constants.CATEGORY and arg in categories:
                continue
            return False  # NEGATE, NUL, other categories
        return True

    def sequence(items: Any) -> bool:
        for op, arg in items:
            if op is constants.LITERAL:
                ok = arg != 0
            elif op is constants.IN:
                ok = in_class(arg)
            elif op is constants.AT:
                ok = arg in boundaries
            elif op is constants.BRANCH:
                ok = all(sequence(branch) for branch in arg[1])
            elif op is constants.SUBPATTERN:
                ok = sequence(arg[3])
            elif op in repeats:
                ok = sequence(arg[2])
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                ok = sequence(arg[1])
            elif op is constants.GROUPREF:
                ok = True  # repeats a group, which cannot match NUL either
            elif op is getattr(constants, "ATOMIC_GROUP", None):
                ok = sequence(arg)
            else:  # ANY, NOT_LITERAL, conditional groups ...
                ok = False
            if not ok:
                return False
        return True

    try:
        return sequence(parsed)
    except Exception:  # an opcode shape not foreseen
        return False


_NO_GROUP = -1  # a `_ScreenPlan` for a runner no text of the screen's kind can need


@dataclass(frozen=True)
class _ScreenPlan:
    """How a Hyperscan screen stands in for one runner's `_prefilter_passes` conditions."""

    group: int  # its group in the `HyperscanScreen`
    # Conditions the screen approximates (matches more texts than): checked again with `re`
    # on the texts it passes, casefolded when the bool says so (context words).
    recheck: tuple[tuple[re.Pattern[str], bool], ...]  # (regex, on casefolded text)
    checked: bool  # its candidates are among the conditions (a passing text holds one)


@dataclass(frozen=True)
class _Screening:
    """One screen and how it stands in for each universal runner (None: it does not)."""

    screen: hyperscan_screen.HyperscanScreen
    plans: list[_ScreenPlan | None]
    partial: bool  # some runner is not covered


@dataclass
class _Unit:
    """One piece of work: a record's view text, or a chunk of it."""

    record: int
    view: NormalizedView
    offset: int  # start of this chunk in the view text
    text: str
    languages: tuple[str, ...]


class Detector:
    """Finds personal information in English and Chinese text. Heavy: build once per worker."""

    def __init__(
        self, settings: DetectionSettings | None = None, *, use_screen: bool = True
    ) -> None:
        """`use_screen=False` chooses the runners for every text with `re` alone (the
        screen's findings are the same; this is for comparing the two)."""
        self.settings = settings or DetectionSettings()
        thorough = self.settings.profile == "thorough"
        wanted = self.settings.entities
        self._wanted: set[str] | None = set(wanted) if wanted is not None else None
        # Lists are compared with the folded text, so they are folded alike (`400–800–1234`,
        # full-width or no-break-spaced values match what they stand for).
        self._allow = [NormalizedView.of(v).text for v in self.settings.allow_list]
        self._deny = {
            entity: [NormalizedView.of(v).text for v in values]
            for entity, values in self.settings.deny_list.items()
        }

        tld = _OfflineTldextract()
        universal: list[_Runner] = []
        # tdg's identifier recognizers: one instance per class (they do not depend on language).
        # Phones: both profiles run IntlPhoneRecognizer's regexes. Thorough adds Presidio's
        # libphonenumber-based PhoneRecognizer for English text (national formats the regexes
        # do not know); on Chinese text it would cost most of the pass (it parses every digit
        # group of forms, receipts and listings) to find what the Chinese phone recognizers and
        # the regexes find already.
        for recognizer in build_recognizers(languages=("zh",)):
            if isinstance(recognizer, CnPersonNameRecognizer | CnAddressRecognizer):
                continue
            universal.append(self._runner(recognizer, prefilter=None))
        for recognizer in self._presidio_pattern_recognizers(tld):
            english = None
            if _name_of(recognizer) == "PhoneRecognizer":
                if not thorough:
                    continue
                english = True
            pattern = _PRESIDIO_PREFILTERS.get(_name_of(recognizer))
            universal.append(self._runner(recognizer, prefilter=pattern, english=english))
        self._universal = [r for r in universal if r.entities]
        # The cheap gates (digit counts, ASCII-only, required characters) depend on a few
        # features of a text only: the runners passing them are cached per feature tuple.
        self._triggers = tuple(sorted({c for r in self._universal for c in r.required_any}))
        self._run_cap = max((r.min_digit_run for r in self._universal), default=0)
        self._total_cap = max((r.min_total_digits for r in self._universal), default=0)
        self._grouped_cap = max((r.min_grouped_digits for r in self._universal), default=0)
        # Chains are counted only where a chain-gated runner's digit-run gate can pass.
        self._chain_run = min(
            (r.min_digit_run for r in self._universal if r.min_grouped_digits), default=0
        )
        self._gated: dict[tuple[int | bool, ...], tuple[int, ...]] = {}
        for runner in self._universal:
            _prepare_scans(runner)
        # by whether it screens any text (UTF-8) or ASCII text only
        self._screenings: dict[bool, _Screening] = {}
        self._positions = {id(runner): k for k, runner in enumerate(self._universal)}
        if use_screen:
            self._build_screen()

        # Chinese names by a trained model, as spaCy's NER does for English (thorough only).
        # With it, jieba's HMM pass adds no name the model misses, and the lexicon's weakest
        # guesses stand only where the model agrees (it then reports them itself).
        chinese_ner = (
            thorough and self.settings.chinese_ner and bool(self._reportable([CHINESE_NER_ENTITY]))
        )
        self._chinese_ner: LacTagger | None = lac_tagger() if chinese_ner else None
        names = CnPersonNameRecognizer(
            "zh",
            use_hmm=thorough and not chinese_ner,
            min_score=MODEL_BACKED_MIN_NAME_SCORE if chinese_ner else NAME_MIN_SCORE,
        )
        chinese: list[_Runner] = [
            self._runner(names, prefilter=None),
            self._runner(CnAddressRecognizer("zh"), prefilter=None),
        ]
        self._chinese = [r for r in chinese if r.entities]
        for runner in self._chinese:
            runner.recognizer.load()

        self._nlp: Any = None
        self._ner: EntityRecognizer | None = None
        self._nlp_engine: Any = None
        self._ner_entities: list[str] = []
        if thorough:
            self._load_ner()

    # --- construction -----------------------------------------------------------------

    def _build_screen(self) -> None:
        """The screens over the universal runners' conditions (one for ASCII text, one for
        other text as UTF-8), where Hyperscan is installed and takes them; a runner with a
        condition a screen cannot take keeps `re` for that kind of text."""
        if not hyperscan_screen.available():
            return
        for wide in (False, True):
            groups, drafts = self._screen_groups(wide, check_each=False)
            screen = None
            try:
                screen = hyperscan_screen.HyperscanScreen(groups, wide) if groups else None
            except Exception:  # one pattern Hyperscan refuses fails them all: leave it out
                groups, drafts = self._screen_groups(wide, check_each=True)
                try:
                    screen = hyperscan_screen.HyperscanScreen(groups, wide) if groups else None
                except Exception as exc:  # a CPU Hyperscan does not run on: `re` does all
                    log.info("screen not used: %s", exc)
            if screen is not None:
                plans = [_plan(draft, screen.whole) for draft in drafts]
                partial = any(plan is None for plan in plans)
                self._screenings[wide] = _Screening(screen, plans, partial)

    def _screen_groups(
        self, wide: bool, check_each: bool
    ) -> tuple[list[list[hyperscan_rewrite.ScreenPattern]], list[_Draft]]:
        """Each runner's conditions rewritten for a screen (a group), and what its plan is
        made from (None: a condition could not be rewritten, or with `check_each`, compiled
        on its own; `_NO_GROUP`: no text of the screen's kind can pass)."""
        groups: list[list[hyperscan_rewrite.ScreenPattern]] = []
        drafts: list[_Draft] = []
        for runner in self._universal:
            if runner.needs_non_ascii and not wide:
                drafts.append(_NO_GROUP)
                continue
            conditions = [(gate, False) for gate in _gate_regexes(runner)] + [
                (regex, folded)
                for regex, folded in (
                    (runner.prefilter, False),
                    (runner.context_words, True),
                    (runner.candidates, False),
                )
                if regex is not None
            ]
            found = [_screen_pattern(regex, folded, wide) for regex, folded in conditions]
            pairs = [(c, p) for c, p in zip(conditions, found, strict=True) if p is not None]
            rewritten = [p for _, p in pairs if p is not hyperscan_rewrite.ANYTHING]
            if (
                len(pairs) < len(conditions)
                or not rewritten
                or (check_each and not all(map(hyperscan_screen.compilable, rewritten)))
            ):
                drafts.append(None)
                continue
            if any(p.pattern == hyperscan_rewrite.NEVER for p in rewritten):
                # a condition no text of this kind can meet (ideographs, in ASCII text)
                drafts.append(_NO_GROUP)
                continue
            for regex, folded in conditions:
                if not folded and _joinable(regex):
                    _to_text_end(regex)  # compiled now, not on the first text that needs it
            drafts.append((len(groups), pairs, runner.candidates is not None))
            groups.append(rewritten)
        return groups, drafts

    def _reportable(self, entities: Iterable[str]) -> list[str]:
        if self._wanted is None:
            return [e for e in entities if e not in NOT_PERSONAL_BY_DEFAULT]
        return [e for e in entities if e in self._wanted]

    def _runner(
        self,
        recognizer: EntityRecognizer,
        prefilter: str | None,
        english: bool | None = None,
    ) -> _Runner:
        name = _name_of(recognizer)
        context = None
        if not _self_scoring(recognizer):
            context = _context_regex(getattr(recognizer, "context", None) or [])
        identifier = recognizer if isinstance(recognizer, IdentifierRecognizer) else None
        if identifier is not None and identifier.PREFILTER:
            prefilter = identifier.PREFILTER
        patterns = _direct_patterns(recognizer)
        return _Runner(
            recognizer=recognizer,
            entities=self._reportable(recognizer.supported_entities),
            prefilter=re.compile(_class_first(prefilter)) if prefilter else None,
            context=context,
            patterns=patterns,
            min_digit_run=int(
                getattr(recognizer, "MIN_DIGIT_RUN", 0) or _PRESIDIO_MIN_DIGIT_RUN.get(name, 0)
            ),
            min_grouped_digits=int(getattr(recognizer, "MIN_GROUPED_DIGITS", 0)),
            min_total_digits=max(
                _PRESIDIO_MIN_TOTAL_DIGITS.get(name, 0),
                identifier._min_total_digits if identifier is not None else 0,
                _min_digits_of(patterns),
            ),
            required_any=_REQUIRED_ANY.get(name, ()),
            union=_union_of(patterns),
            candidates=_candidates_of(
                patterns
                if identifier is None
                else tuple((regex, 0.0) for _, regex in identifier.compiled_patterns)
            ),
            identifier=identifier,
            needs_non_ascii=name in _NEEDS_NON_ASCII,
            whole_token=name in _WHOLE_TOKEN_ONLY,
            pieces=_pieces_of(name, patterns),
            validates=_overrides(recognizer, "validate_result"),
            invalidates=_overrides(recognizer, "invalidate_result"),
            english=english,
            context_words=_literal_words(getattr(recognizer, "context", None) or [])
            if context is not None
            and patterns is not None
            and _below_threshold_without_context(recognizer, patterns, self.settings)
            else None,
        )

    @staticmethod
    def _presidio_pattern_recognizers(tld: _OfflineTldextract) -> list[EntityRecognizer]:
        """Presidio's predefined English recognizers, minus NER (run separately, batched)."""
        from presidio_analyzer import RecognizerRegistry

        registry = RecognizerRegistry(supported_languages=["en"])
        # Presidio warns once per recognizer of other languages it skips: noise, not news.
        presidio_logger = logging.getLogger("presidio-analyzer")
        level = presidio_logger.level
        presidio_logger.setLevel(logging.ERROR)
        try:
            registry.load_predefined_recognizers(languages=["en"], nlp_engine=None)  # type: ignore[arg-type]
        finally:
            presidio_logger.setLevel(level)
        recognizers: list[EntityRecognizer] = []
        for recognizer in registry.recognizers:
            if _name_of(recognizer) in _NEEDS_NLP_ARTIFACTS:
                continue  # run separately, batched
            if _name_of(recognizer) == "EmailRecognizer":
                recognizer = _offline_email_recognizer(recognizer, tld)
            recognizers.append(recognizer)
        return recognizers

    def _load_ner(self) -> None:
        import spacy
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        defaults = NerModelConfiguration()
        mapping = dict(defaults.model_to_presidio_entity_mapping or {})
        mapping["FAC"] = "LOCATION"  # buildings, airports, streets: part of an address
        engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": self.settings.spacy_model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=mapping,
                labels_to_ignore=list(_NER_LABELS_IGNORED),
            ),
        )
        try:
            nlp = spacy.load(self.settings.spacy_model, exclude=list(_NOT_NEEDED_FOR_NER))
        except OSError as exc:
            problem = spacy_model_problem(self.settings.spacy_model) or str(exc)
            raise UserError(f"pii.detection.spacy_model: {problem}") from exc
        if "ner" not in nlp.pipe_names:
            raise UserError(
                f"pii.detection.spacy_model: spaCy model {self.settings.spacy_model!r} "
                "has no ner component"
            )
        engine.nlp = {"en": nlp}  # type: ignore[assignment]
        recognizer = SpacyRecognizer(
            supported_language="en", supported_entities=engine.get_supported_entities()
        )
        entities = self._reportable(recognizer.supported_entities)
        if entities:
            self._nlp, self._nlp_engine, self._ner = nlp, engine, recognizer
            self._ner_entities = entities

    # --- detection --------------------------------------------------------------------

    @property
    def ner_components(self) -> tuple[str, ...]:
        """The spaCy pipeline components NER runs with (none in the fast profile)."""
        return tuple(self._nlp.pipe_names) if self._nlp is not None else ()

    def detect(self, text: str, hint: str | None = None) -> list[Finding]:
        return self.detect_batch([(text, hint)])[0]

    def detect_batch(self, items: Sequence[tuple[str, str | None]]) -> list[list[Finding]]:
        """Findings per item, sorted by start, non-overlapping, offsets into the original."""
        views = [NormalizedView.of(text) for text, _ in items]
        units: list[_Unit] = []
        for index, ((_, hint), view) in enumerate(zip(items, views, strict=True)):
            languages = route_languages(view.text, hint)
            for offset, chunk in self._chunks(view.text):
                units.append(_Unit(index, view, offset, chunk, languages))

        raw: list[list[tuple[int, int, str, float, str]]] = [[] for _ in items]
        ner_units = [u for u in units if self._needs_ner(u)]
        for unit, results in zip(ner_units, self._run_ner(ner_units), strict=True):
            self._collect(raw, unit, results)
        if self._chinese_ner is not None:
            zh_units = [u for u in units if "zh" in u.languages]
            for unit, results in zip(zh_units, self._run_chinese_ner(zh_units), strict=True):
                self._collect(raw, unit, results)
        texts = [u.text for u in units]
        for runner, indexes, checked in self._chosen(texts, units):
            for index in indexes:
                results = self._run(runner, texts[index], checked)
                if results:
                    self._collect(raw, units[index], results)
        for unit in units:
            if "zh" not in unit.languages:
                continue
            results = []
            text = unit.text
            for runner in self._chinese:
                if runner.prefilter is None or runner.prefilter.search(text):
                    results.extend(self._run(runner, text))
            if results:
                self._collect(raw, unit, results)

        return [self._finish(view, spans) for view, spans in zip(views, raw, strict=True)]

    def _chosen(
        self, texts: Sequence[str], units: Sequence[_Unit]
    ) -> list[tuple[_Runner, list[int], bool]]:
        """Each universal runner with the texts it must read (see `_prefilter_passes`), in
        order.

        With the screens, one Hyperscan scan of each text tells which runners' conditions
        it meets (their gates, prefilter, context words and candidates; those the screen
        approximates are checked again with `re` on the texts it passes). The gates and `re`
        scans choose for texts holding a NUL or a non-ASCII digit or space (`ODD_CHARACTERS`)
        and for runners a screen does not cover."""
        screenings = self._screenings
        if not screenings:
            return self._by_language(
                _prefilter_passes(texts, self._gate(texts, range(len(texts)))), units
            )
        odd = hyperscan_rewrite.ODD_CHARACTERS.search
        # False: ASCII, True: other text, None: left to `re` (a NUL, a non-ASCII digit or space)
        kinds: list[bool | None] = [
            None if odd(text) is not None else not text.isascii() for text in texts
        ]
        by_re = self._gate(texts, [i for i, k in enumerate(kinds) if k not in screenings])
        chosen: list[tuple[_Runner, list[int], bool]] = []
        joins: dict[tuple[int, ...], tuple[str, dict[int, int]] | None] = {}
        folded: dict[int, str] = {}
        for wide, screening in screenings.items():
            indexes = [i for i, k in enumerate(kinds) if k is wide]
            if not indexes:
                continue
            if screening.partial:
                by_re += [
                    (runner, found)
                    for runner, found in self._gate(texts, indexes)
                    if screening.plans[self._positions[id(runner)]] is None
                ]
            passing: dict[int, list[int]] = {}
            screen = screening.screen
            for index in indexes:
                for group in screen.passing(texts[index]):
                    found = passing.get(group)
                    if found is None:
                        passing[group] = [index]
                    else:
                        found.append(index)
            for runner, plan in zip(self._universal, screening.plans, strict=True):
                kept = passing.get(plan.group) if plan is not None else None
                if plan is None or not kept:
                    continue
                for regex, fold in plan.recheck:
                    if not kept:
                        break
                    if fold:
                        for i in kept:
                            if i not in folded:
                                folded[i] = texts[i].casefold()
                        kept = _matching(regex, folded, kept)
                    else:  # joined even for one text: `_to_text_end` makes a class-led scan
                        kept = _matching(regex, texts, kept, joins, min_joined=1)
                if kept:
                    chosen.append((runner, kept, plan.checked))
        chosen += _prefilter_passes(texts, by_re)
        return self._by_language(chosen, units)

    @staticmethod
    def _by_language(
        chosen: list[tuple[_Runner, list[int], bool]], units: Sequence[_Unit]
    ) -> list[tuple[_Runner, list[int], bool]]:
        """Runners for English text only (or other text only) keep only those texts."""
        if all(runner.english is None for runner, _, _ in chosen):
            return chosen
        english = ["en" in u.languages and not more_chinese_than_latin(u.text) for u in units]
        return [
            (runner, [i for i in indexes if english[i] == runner.english], checked)
            if runner.english is not None
            else (runner, indexes, checked)
            for runner, indexes, checked in chosen
        ]

    def _gate(
        self, texts: Sequence[str], indexes: Iterable[int]
    ) -> list[tuple[_Runner, list[int]]]:
        """Each universal runner with those of `indexes` whose texts pass its digit,
        character and ASCII gates, in order (the order findings are collected in does not
        matter: `_finish` sorts them)."""
        groups: dict[tuple[int | bool, ...], list[int]] = {}
        for index in indexes:
            key = self._gate_key(texts[index])
            group = groups.get(key)
            if group is None:
                groups[key] = [index]
            else:
                group.append(index)
        by_runner: dict[int, list[int]] = {}
        for key, indexes in groups.items():
            for position in self._runners_for_key(key):
                found = by_runner.get(position)
                if found is None:
                    by_runner[position] = list(indexes)
                else:
                    found.extend(indexes)
        universal = self._universal
        if len(groups) > 1:
            for indexes in by_runner.values():
                indexes.sort()
        return [(universal[position], by_runner[position]) for position in sorted(by_runner)]

    def _gate_key(self, text: str) -> tuple[int | bool, ...]:
        """The features of `text` the cheap gates look at."""
        runs = _DIGIT_RUN.findall(text)
        if not runs:
            return (0, 0, 0, text.isascii(), *map(text.__contains__, self._triggers))
        longest = max(map(len, runs))
        grouped = longest
        if self._chain_run <= longest < self._grouped_cap and len(runs) > 1:
            grouped = max(len(c) - c.count(" ") - c.count("-") for c in _DIGIT_CHAIN.findall(text))
        return (
            min(longest, self._run_cap),
            min(sum(map(len, runs)), self._total_cap),
            min(grouped, self._grouped_cap),
            text.isascii(),
            *map(text.__contains__, self._triggers),
        )

    def _runners_for_key(self, key: tuple[int | bool, ...]) -> tuple[int, ...]:
        """Positions in `_universal` of the runners whose gates a text with `key` passes."""
        positions = self._gated.get(key)
        if positions is None:
            longest, total, grouped, ascii_only = key[0], key[1], key[2], key[3]
            present = {c for c, there in zip(self._triggers, key[4:], strict=True) if there}
            positions = tuple(
                position
                for position, r in enumerate(self._universal)
                if r.min_digit_run <= longest
                and r.min_total_digits <= total
                and r.min_grouped_digits <= grouped
                and not (ascii_only and r.needs_non_ascii)
                and (not r.required_any or present.intersection(r.required_any))
            )
            if len(self._gated) < _GATE_CACHE_SIZE:
                self._gated[key] = positions
        return positions

    def _chunks(self, text: str) -> list[tuple[int, str]]:
        size = self.settings.max_chunk_chars
        if len(text) <= size:
            return [(0, text)]
        step = size - self.settings.chunk_overlap
        chunks = []
        start = 0
        while True:
            chunks.append((start, text[start : start + size]))
            if start + size >= len(text):
                return chunks
            start += step

    def _needs_ner(self, unit: _Unit) -> bool:
        return (
            self._nlp is not None
            and "en" in unit.languages
            and _LATIN_LETTER.search(unit.text) is not None
        )

    def _run_ner(self, units: list[_Unit]) -> list[list[RecognizerResult]]:
        if not units:
            return []
        assert self._nlp is not None and self._ner is not None
        # In Chinese text the English model reads only the runs between ideographs that hold a
        # Latin letter (English NER on ideographs only invents entities).
        views = [LatinView.of(u.text) if "zh" in u.languages else None for u in units]
        texts = [u.text if v is None else v.text for u, v in zip(units, views, strict=True)]
        out = []
        for unit, view, doc in zip(
            units,
            views,
            self._nlp.pipe(texts, batch_size=self.settings.nlp_batch_size),
            strict=True,
        ):
            artifacts = self._nlp_engine._doc_to_nlp_artifact(doc, "en")
            results = self._ner.analyze(doc.text, self._ner_entities, artifacts)
            if view is not None:
                # Only the English words are the English model's to read: what it makes of
                # digits beside them (an order number as a date, a price as a person) is noise.
                # Birth dates have their own recognizer.
                results = [
                    piece
                    for r in results
                    for piece in _at_spans(r, view.to_original(r.start, r.end))
                    if _LATIN_LETTER.search(unit.text, piece.start, piece.end)
                ]
            out.append([piece for r in results for piece in _name_pieces(unit.text, r)])
        return out

    def _run_chinese_ner(self, units: list[_Unit]) -> list[list[RecognizerResult]]:
        """LAC's person names in each unit, one batched pass over all of them."""
        if not units:
            return []
        assert self._chinese_ner is not None
        found = self._chinese_ner.spans([u.text for u in units], _CHINESE_NER_LABELS)
        return [
            [
                RecognizerResult(
                    CHINESE_NER_ENTITY,
                    span.start,
                    span.end,
                    CHINESE_NER_SCORE,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: _CHINESE_NER},
                )
                for span in spans
                if _is_chinese_name(unit.text[span.start : span.end])
            ]
            for unit, spans in zip(units, found, strict=True)
        ]

    def _run(self, runner: _Runner, text: str, checked: bool = False) -> list[RecognizerResult]:
        """Results of one runner whose prefilter `text` passed (callers check it; `checked`:
        and its candidates)."""
        if not checked and runner.union is not None and runner.union.search(text) is None:
            return []
        if runner.patterns is not None:
            results = _run_patterns(runner, text)
        elif runner.identifier is not None:
            results = runner.identifier.find(text)
        else:
            results = runner.recognizer.analyze(
                text,
                runner.entities,
                None,  # type: ignore[arg-type]
            )
        if not results:
            return []
        if runner.context is not None:
            for result in results:
                if result.score == EntityRecognizer.MAX_SCORE:
                    continue  # a context word would leave it as it is
                lo = max(0, result.start - CONTEXT_WINDOW_BEFORE)
                hi = result.end + CONTEXT_WINDOW_AFTER
                if runner.context.search(text, lo, result.start) or runner.context.search(
                    text, result.end, hi
                ):
                    result.score = min(
                        1.0, max(result.score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT)
                    )
        for result in results:
            if result.entity_type == "EMAIL_ADDRESS":
                result.start = _email_start(text, result.start, result.end)
        return [r for r in results if r.entity_type in runner.entities]

    @staticmethod
    def _collect(
        raw: list[list[tuple[int, int, str, float, str]]],
        unit: _Unit,
        results: list[RecognizerResult],
    ) -> None:
        sink = raw[unit.record]
        for r in results:
            name = (r.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
            sink.append((unit.offset + r.start, unit.offset + r.end, r.entity_type, r.score, name))

    def _finish(
        self, view: NormalizedView, spans: list[tuple[int, int, str, float, str]]
    ) -> list[Finding]:
        """Threshold, allow and deny lists, overlap resolution, offsets to the original."""
        if not spans and not self._deny:
            return []
        text = view.text
        threshold = self.settings.score_threshold
        kept = [s for s in spans if s[3] >= threshold and s[1] > s[0]]
        inside = None
        if self._allow and kept:
            allowed = _occurrences(text, self._allow)
            if allowed:
                inside = _containment(allowed)
                kept = [s for s in kept if not inside(s[0], s[1])]
        if kept and any(s[2] == "PHONE_NUMBER" for s in kept):
            services = _service_numbers(text)
            if services:
                # only phone readings: an NHS or QQ number of the same digits is still one
                in_service = _containment(services)
                kept = [s for s in kept if s[2] != "PHONE_NUMBER" or not in_service(s[0], s[1])]
        for entity_type, values in self._deny.items():
            for start, end in _occurrences(text, values):
                kept.append((start, end, entity_type, 1.0, "deny_list"))
        chosen = _resolve_overlaps(kept, text)
        if inside is not None:
            # what is left of a span that crossed another type may lie inside an allowed value
            chosen = [s for s in chosen if s[4] == "deny_list" or not inside(s[0], s[1])]
        if view.is_identity:
            return [Finding(a, b, t, round(score, 4), name) for a, b, t, score, name in chosen]
        findings = []
        for start, end, entity_type, score, name in chosen:
            o_start, o_end = view.to_original(start, end)
            findings.append(Finding(o_start, o_end, entity_type, round(score, 4), name))
        return findings


# LAC's person names: reported as PERSON at one score (the model gives no probability). A
# name must hold a Chinese character: Latin-letter names in Chinese text are the English
# NER's, and LAC's one-character "names" are mostly pronouns and kinship words.
_CHINESE_NER = "LacChineseNer"
CHINESE_NER_ENTITY = "PERSON"
CHINESE_NER_SCORE = 0.6
MODEL_BACKED_MIN_NAME_SCORE = 0.5
_CHINESE_NER_LABELS = frozenset({"PER"})


def _is_chinese_name(value: str) -> bool:
    return len(value) >= 2 and CJK_CHARACTER.search(value) is not None


# Recognizers by how much their evidence is worth in an overlap (pattern recognizers: 1).
_RANK = {
    "deny_list": 2,
    "SpacyRecognizer": 0,
    "LacChineseNer": 0,
    "CnPersonNameRecognizer": 0,
    "CnAddressRecognizer": 0,
    # name rules, not formats: a full name the NER found outranks a given name they found
    "EmailNamedPersonRecognizer": 0,
    "LatinGivenNameInChineseRecognizer": 0,
    "EnglishCueNameRecognizer": 0,
}


def _direct_patterns(recognizer: EntityRecognizer) -> tuple[tuple[Any, float], ...] | None:
    """Compiled (regex, score) pairs of a plain Presidio PatternRecognizer, else None."""
    from presidio_analyzer import PatternRecognizer

    if not isinstance(recognizer, PatternRecognizer) or _self_scoring(recognizer):
        return None
    if type(recognizer).analyze is not PatternRecognizer.analyze:
        return None
    import regex

    flags = recognizer.global_regex_flags or 0
    compiled: list[tuple[Any, float]] = []
    recognizer_any: Any = recognizer
    for pattern in recognizer_any.patterns:
        try:
            compiled.append((re.compile(grouped_alternations(pattern.regex), flags), pattern.score))
        except re.error:  # Presidio compiles with the `regex` module, which accepts more
            compiled.append((regex.compile(pattern.regex, flags), pattern.score))
    return tuple(compiled)


# An alternation of many lower-case literal groups, as Presidio writes its URL pattern's
# top-level domains: `(?:(?:com)|(?:edu)|...)`.
_LITERAL_ALTERNATION = re.compile(r"\(\?:((?:\(\?:[a-z0-9-]+\)\|){7,}\(\?:[a-z0-9-]+\))\)")
_LITERAL_GROUP = re.compile(r"\(\?:([a-z0-9-]+)\)")


def grouped_alternations(pattern: str) -> str:
    """The same regex with each long literal alternation grouped by first character.

    `re` tries the ~1,500 top-level domains of Presidio's URL pattern one after another at
    every dot it backtracks to, which costs about 1 ms per character of long dotted text
    (minified code, `a.b.c...`): a 60 KB line took 106 s. Grouped (`(?:c(?:om|o|...)|e(?:du|...)
    |...)`), one character test rules out all but a few. It matches the same strings with the
    same priority: alternatives with different first characters never match at one position,
    and within a group they keep their order."""

    def grouped(match: re.Match[str]) -> str:
        by_first: dict[str, list[str]] = {}
        for literal in _LITERAL_GROUP.findall(match.group(1)):
            by_first.setdefault(literal[0], []).append(literal[1:])
        branches = [
            re.escape(first)
            + ("(?:" + "|".join(map(re.escape, rests)) + ")" if rests != [""] else "")
            for first, rests in by_first.items()
        ]
        return "(?:" + "|".join(branches) + ")"

    return _LITERAL_ALTERNATION.sub(grouped, pattern)


Condition = tuple[re.Pattern[str], bool]  # a regex, and whether it reads casefolded text
# A runner's conditions for a screen before it is built: its group, each condition with its
# rewrite, whether candidates are among them; or None / `_NO_GROUP` (`_screen_groups`).
_Draft = tuple[int, list[tuple[Condition, "hyperscan_rewrite.ScreenPattern"]], bool] | int | None


def _plan(draft: _Draft, whole: tuple[bool, ...]) -> _ScreenPlan | None:
    """A runner's plan once its screen is built: what the screen did not test exactly is
    checked again with `re` (for a group the screen tests by its last regex alone, every
    other condition)."""
    if draft is None:
        return None
    if isinstance(draft, int):
        return _ScreenPlan(_NO_GROUP, (), False)
    group, pairs, checked = draft
    screened = [p for _, p in pairs if p is not hyperscan_rewrite.ANYTHING]
    last = screened[-1]
    recheck = tuple(
        condition
        for condition, pattern in pairs
        if not pattern.exact or (not whole[group] and pattern is not last)
    )
    return _ScreenPlan(group, recheck, checked)


def _gate_regexes(runner: _Runner) -> list[re.Pattern[str]]:
    """The runner's digit and character gates (`_gate`) as regexes, for the screens: a text
    matches them all exactly when it passes the gates."""
    found = []
    if runner.min_digit_run:
        found.append(f"[0-9]{{{runner.min_digit_run}}}")
    if runner.min_total_digits > max(runner.min_digit_run, 1):
        found.append(f"[0-9](?:[^0-9]*[0-9]){{{runner.min_total_digits - 1}}}")
    elif runner.min_total_digits > runner.min_digit_run:
        found.append("[0-9]")
    if runner.min_grouped_digits > max(runner.min_digit_run, 1):
        # a chain of digit groups joined by one space or dash, holding that many digits
        found.append(f"[0-9](?:[ -]?[0-9]){{{runner.min_grouped_digits - 1}}}")
    elif runner.min_grouped_digits > runner.min_digit_run:
        found.append("[0-9]")
    if runner.required_any:
        found.append("[" + "".join(map(re.escape, runner.required_any)) + "]")
    return [re.compile(pattern) for pattern in found]


def _prepare_scans(runner: _Runner) -> None:
    """Builds now, once per worker, the scan forms its regexes are otherwise given on first
    use (`class_led`, `_to_text_end`): compiling a long regex takes milliseconds."""
    patterns = [p for p, _ in runner.patterns or () if isinstance(p, re.Pattern)]
    if runner.identifier is not None:
        patterns += [regex for _, regex in runner.identifier.compiled_patterns]
    for regex in patterns:
        class_led(regex)
    for condition in (runner.prefilter, runner.context_words, runner.candidates):
        if condition is not None and _joinable(condition):
            _to_text_end(condition)


def _screen_pattern(
    regex: re.Pattern[str], folded: bool, wide: bool = False
) -> hyperscan_rewrite.ScreenPattern | None:
    """A condition rewritten for a screen. Context words are searched in casefolded text,
    which for ASCII text is the text in lower case: ignoring case finds the same, exactly so
    when the words are ASCII too. Other text casefolds beyond what ignoring case matches
    (`ß` to `ss`): there the words are not screened (`ANYTHING`), only checked with `re`."""
    if not folded:
        return hyperscan_rewrite.hyperscan_pattern(regex.pattern, regex.flags, wide)
    if wide:
        return hyperscan_rewrite.ANYTHING
    found = hyperscan_rewrite.hyperscan_pattern(regex.pattern, regex.flags | re.IGNORECASE)
    if found is None or regex.pattern.isascii():
        return found
    return hyperscan_rewrite.ScreenPattern(found.pattern, exact=False)


def _literal_words(words: Iterable[str]) -> re.Pattern[str] | None:
    folded = sorted({w.casefold() for w in words if w}, key=lambda w: (-len(w), w))
    return re.compile("|".join(map(re.escape, folded))) if folded else None


def _overrides(recognizer: EntityRecognizer, hook: str) -> bool:
    """False when `hook` is PatternRecognizer's own (which accepts everything)."""
    from presidio_analyzer import PatternRecognizer

    return getattr(type(recognizer), hook, None) is not getattr(PatternRecognizer, hook)


def _below_threshold_without_context(
    recognizer: EntityRecognizer,
    patterns: tuple[tuple[Any, float], ...],
    settings: DetectionSettings,
) -> bool:
    """True when no pattern scores the threshold and no validation hook can raise a score."""
    from presidio_analyzer import PatternRecognizer

    hook = getattr(type(recognizer), "validate_result", None)
    if hook is not PatternRecognizer.validate_result:
        return False
    return max(score for _, score in patterns) < settings.score_threshold


def _min_digits_of(patterns: tuple[tuple[Any, float], ...] | None) -> int:
    if not patterns:
        return 0
    return min(min_ascii_digits(p.pattern, p.flags) for p, _ in patterns)


# What a pattern cannot keep when joined to others: a numbered back-reference or conditional
# (group numbers shift), an inline global flag.
_JOIN_BREAKERS = re.compile(r"\\[1-9]|\(\?\([1-9]|\(\?[a-zA-Z]+\)")


def _union_of(patterns: tuple[tuple[Any, float], ...] | None) -> re.Pattern[str] | None:
    """One regex matching wherever any of several `re` patterns matches (None: not worth it).

    Patterns with numbered back-references or conditionals, or inline global flags, cannot
    be joined; one pattern is its own union.
    """
    if not patterns or len(patterns) < 2:
        return None
    compiled = [p for p, _ in patterns]
    if not all(isinstance(p, re.Pattern) for p in compiled):
        return None
    flags = compiled[0].flags
    if any(p.flags != flags or _JOIN_BREAKERS.search(p.pattern) for p in compiled):
        return None
    try:
        return re.compile(_first_character_led(compiled), flags)
    except re.error:
        return None


def _first_character_led(compiled: Sequence[re.Pattern[str]]) -> str:
    """An alternation of `compiled` (same flags), behind a lookahead on the characters any of
    their matches starts with when those are known: `re` then rejects most positions after
    one class test instead of trying every alternative there."""
    union = "|".join(f"(?:{p.pattern})" for p in compiled)
    starts = [first_characters(p.pattern, p.flags) for p in compiled]
    if not all(starts):
        return union
    return f"(?=[{''.join(s for s in starts if s)}])(?:{union})"


def _candidates_of(patterns: tuple[tuple[Any, float], ...] | None) -> re.Pattern[str] | None:
    """`_union_of` the patterns (or the one pattern), if it can be scanned joined."""
    if not patterns:
        return None
    union = _union_of(patterns) if len(patterns) > 1 else patterns[0][0]
    if not isinstance(union, re.Pattern) or not _joinable(union):
        return None
    if len(patterns) == 1:
        gated = re.compile(_first_character_led([union]), union.flags)
        return gated if _joinable(gated) else union
    return union


def _pieces_of(name: str, patterns: tuple[tuple[Any, float], ...] | None) -> re.Pattern[str] | None:
    """The compiled `_PRESIDIO_PIECES` regex of a recognizer, if its patterns allow it."""
    piece = _PRESIDIO_PIECES.get(name)
    if piece is None or not patterns:
        return None
    if any(not isinstance(p, re.Pattern) or _looks_around(p) for p, _ in patterns):
        return None
    return re.compile(piece)


def _looks_around(regex: re.Pattern[str]) -> bool:
    """Whether `regex` may look at text outside its match (anchors, boundaries, lookarounds,
    back-references); True when unsure."""
    found = parsed_regex(regex.pattern, regex.flags)
    if found is None:
        return True
    constants, parsed = found
    looking = {
        constants.AT,
        constants.ASSERT,
        constants.ASSERT_NOT,
        constants.GROUPREF,
        getattr(constants, "GROUPREF_EXISTS", constants.GROUPREF),
    }

    def walk(node: Any) -> bool:
        if isinstance(node, type(parsed)):
            return any(op in looking or walk(arg) for op, arg in node.data)
        if isinstance(node, list | tuple):
            return any(walk(item) for item in node)
        return False

    return walk(parsed)


def _run_patterns(runner: _Runner, text: str) -> list[RecognizerResult]:
    """What `PatternRecognizer.analyze` returns, minus explanations (scores and hooks equal)."""
    recognizer: Any = runner.recognizer
    assert runner.patterns is not None
    entity = recognizer.supported_entities[0]
    metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name}
    pieces = None if runner.pieces is None else [m.span() for m in runner.pieces.finditer(text)]
    results = []
    for compiled, base_score in runner.patterns:
        if pieces is None:
            matches: Iterable[Any] = (
                scan_matches(compiled, text)
                if isinstance(compiled, re.Pattern)
                else compiled.finditer(text)
            )
        else:  # `endpos` cuts the text where a piece ends: no pattern here looks beyond
            matches = chain.from_iterable(compiled.finditer(text, a, b) for a, b in pieces)
        for match in matches:
            start, end = match.span()
            if start == end:
                continue
            if runner.whole_token and (
                (start > 0 and text[start - 1] in _ALNUM)
                or (end < len(text) and text[end] in _ALNUM)
            ):
                continue
            score = base_score
            if runner.validates:
                valid = recognizer.validate_result(text[start:end])
                if valid is not None:
                    score = EntityRecognizer.MAX_SCORE if valid else EntityRecognizer.MIN_SCORE
            if runner.invalidates and recognizer.invalidate_result(text[start:end]):
                score = EntityRecognizer.MIN_SCORE
            if score > EntityRecognizer.MIN_SCORE:
                results.append(
                    RecognizerResult(entity, start, end, score, recognition_metadata=metadata)
                )
    return results


def _email_start(text: str, start: int, end: int) -> int:
    """Where an e-mail address really starts: Presidio's pattern takes `\\w`, so it runs on
    from the address back over the Chinese text before it (`我的邮箱是john@example.com`), and the
    same address then gets a different pseudonym and fingerprint in every sentence. A local
    part of ideographs then ASCII loses the ideographs; one of ideographs only (`用户@例子.广告`,
    an internationalised address) is kept whole."""
    at = text.find("@", start, end)
    if at < 0:
        return start
    local = text[start:at]
    lead = len(local) - len(_LEADING_IDEOGRAPHS.sub("", local))
    return start + lead if 0 < lead < len(local) else start


# Words that open a sentence or a line before a name and that spaCy's small model takes into
# the entity ("Email Robert Thomas at ...", "Dear Emily Young"): never part of a name.
_NOT_NAME_OPENERS = frozenset(
    {"dear", "hi", "hello", "hey", "email", "e-mail", "mail", "call", "phone", "text", "contact",
     "ask", "tell", "thanks", "thank", "please", "ping", "cc", "attn", "from", "to", "and"}
)  # fmt: skip


def _name_pieces(text: str, result: RecognizerResult) -> list[RecognizerResult]:
    """An NER span cut where the text has Chinese characters (a text routed to English alone
    may still hold a few, and spaCy joins `David说Sarah Connor` into one name), each piece
    trimmed to start and end on a letter or digit and without a leading sentence opener;
    empty pieces dropped.

    The names are personal, the Chinese text and the punctuation between them are not."""
    trimmed = (
        _trimmed(text, s, e) for s, e in _split_at_ideographs(text, result.start, result.end)
    )
    return _at_spans(result, [(start, end) for start, end in trimmed if end > start])


def _at_spans(result: RecognizerResult, spans: list[tuple[int, int]]) -> list[RecognizerResult]:
    """`result` at each of `spans` (itself for the first, copies after)."""
    pieces: list[RecognizerResult] = []
    for start, end in spans:
        piece = result if not pieces else copy.copy(result)
        piece.start, piece.end = start, end
        pieces.append(piece)
    return pieces


def _split_at_ideographs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [m.start() for m in CJK_CHARACTER.finditer(text, start, end)]
    if not cuts:
        return [(start, end)]
    bounds = [start - 1, *cuts, end]
    return [(a + 1, b) for a, b in itertools.pairwise(bounds) if b > a + 1]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    first = re.match(r"[A-Za-z-]+", text[start:end])
    if first and first.group().lower() in _NOT_NAME_OPENERS and first.end() < end - start:
        return _trimmed(text, start + first.end(), end)
    return start, end


def _name_of(recognizer: EntityRecognizer) -> str:
    return str(getattr(recognizer, "name", type(recognizer).__name__))


def _self_scoring(recognizer: EntityRecognizer) -> bool:
    """tdg's recognizers apply their own context words (the offline e-mail one is Presidio's)."""
    return isinstance(
        recognizer, IdentifierRecognizer | CnPersonNameRecognizer | CnAddressRecognizer
    )


# Mainland enterprise service numbers: 400 (caller pays a local rate) and 800 (toll-free) and
# seven digits, which reach a company's switchboard, not a person. They are never reported as
# phone numbers; the same digits validated as another identifier still are. A 400 number is
# one anywhere (400 is no North American area code in service); an 800 number only in
# mostly-Chinese text (in English text it is North American toll-free).
_CN_SERVICE_NUMBER = re.compile(r"(?<![0-9])([48])00[- ]?[0-9]{3}[- ]?[0-9]{4}(?![0-9])")


def _service_numbers(text: str) -> list[tuple[int, int]]:
    """Where `text` holds mainland service numbers."""
    if "00" not in text:
        return []
    found = [(m.span(), m.group(1) == "4") for m in _CN_SERVICE_NUMBER.finditer(text)]
    if not found:
        return []
    if all(is_400 for _, is_400 in found):
        return [span for span, _ in found]
    chinese = more_chinese_than_latin(text)
    return [span for span, is_400 in found if is_400 or chinese]


def _occurrences(text: str, values: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for value in values:
        if not value:
            continue
        start = text.find(value)
        while start != -1:
            spans.append((start, start + len(value)))
            start = text.find(value, start + 1)
    return spans


def _containment(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether [start, end) lies inside one of `spans`, in log time: by start, the
    furthest end reached so far (a scan of every span per finding was quadratic)."""
    ordered = sorted(spans)
    starts = [a for a, _ in ordered]
    furthest = list(accumulate((b for _, b in ordered), max))

    def inside(start: int, end: int) -> bool:
        i = bisect.bisect_right(starts, start)
        return i > 0 and furthest[i - 1] >= end

    return inside


def _resolve_overlaps(
    spans: list[tuple[int, int, str, float, str]], text: str
) -> list[tuple[int, int, str, float, str]]:
    """Greedy: highest score first, then longest, then leftmost; drop what overlaps a kept span.
    Then each dropped span that overlaps only kept spans of its own type widens them to cover
    it, and what a dropped span of another type covers beyond the kept spans stays a span of
    its own (joined to a kept span of its type next to it): a name read as `Dana Reyes Apt`
    beside an address's `Apt. 4` leaves `Dana Reyes`.

    Identical spans found twice (overlapping chunks, two recognizers) collapse to one. Deny
    list entries outrank everything, and pattern recognizers (formats, checksums) outrank
    statistical ones: spaCy calls `555-1234` a DATE with more confidence than the phone
    recognizer has. Two recognizers disagreeing on where a name ends (`小雨_lucy` by the
    handle rule, `lucy` by the English NER) leave none of it in clear: the union is replaced,
    as Presidio's anonymizer merges same-type overlaps. Widening comes second, so it never
    costs a span of another type the greedy pass kept; the parts beyond come last, so they
    never cost a kept span either.
    """
    if len(spans) <= 1:
        return spans
    order = sorted(
        set(spans), key=lambda s: (-_RANK.get(s[4], 1), -s[3], -(s[1] - s[0]), s[0], s[2], s[4])
    )
    # Kept spans never overlap, so by start they are also sorted by end: a new span overlaps
    # one only if it overlaps its neighbours in start order (a bisection, not a scan of all
    # kept spans, which made a text with 20,000 names take seconds).
    starts: list[int] = []
    chosen: list[tuple[int, int, str, float, str]] = []
    dropped: list[tuple[int, int, str, float, str]] = []
    for span in order:
        first, last = _overlapped(starts, chosen, span[0], span[1])
        if first == last:
            starts.insert(first, span[0])
            chosen.insert(first, span)
        else:
            dropped.append(span)
    crossing = []
    for span in dropped:
        first, last = _overlapped(starts, chosen, span[0], span[1])
        overlapped = chosen[first:last]
        if any(kept[2] != span[2] for kept in overlapped):
            crossing.append(span)
            continue
        # The union overlaps no other kept span: those end before `span` starts or start
        # after it ends.
        union_start, union_end = min(span[0], overlapped[0][0]), max(span[1], overlapped[-1][1])
        best = max(overlapped, key=lambda k: k[3])
        chosen[first:last] = [(union_start, union_end, best[2], best[3], best[4])]
        starts[first:last] = [union_start]
    for span in crossing:
        first, last = _overlapped(starts, chosen, span[0], span[1])
        for piece_start, piece_end in reversed(_uncovered(text, span, chosen[first:last])):
            _place_piece(starts, chosen, text, (piece_start, piece_end, *span[2:]))
    return chosen


def _place_piece(
    starts: list[int],
    chosen: list[tuple[int, int, str, float, str]],
    text: str,
    piece: tuple[int, int, str, float, str],
) -> None:
    """Inserts `piece` (in a gap between kept spans), joined to a kept neighbour of its own
    type when only spaces or punctuation lie between them: `Dana` kept and `Reyes` left over
    are one name, with one pseudonym."""
    at = bisect.bisect_left(starts, piece[0])
    start, end = piece[0], piece[1]
    first, last = at, at
    if at > 0 and _joins(text, chosen[at - 1], piece):
        first, start = at - 1, chosen[at - 1][0]
    if at < len(chosen) and _joins(text, piece, chosen[at]):
        last, end = at + 1, chosen[at][1]
    best = max([piece, *chosen[first:last]], key=lambda s: s[3])
    chosen[first:last] = [(start, end, piece[2], best[3], best[4])]
    starts[first:last] = [start]


def _joins(
    text: str, left: tuple[int, int, str, float, str], right: tuple[int, int, str, float, str]
) -> bool:
    """Same type, and no letter or digit between them."""
    return left[2] == right[2] and not any(c.isalnum() for c in text[left[1] : right[0]])


def _uncovered(
    text: str, span: tuple[int, int, str, float, str], kept: list[tuple[int, int, str, float, str]]
) -> list[tuple[int, int]]:
    """The parts of `span` outside the `kept` spans it overlaps (sorted by start), trimmed to
    their first and last letter or digit; parts without one are left out."""
    pieces = []
    position = span[0]
    for start, end in [*((k[0], k[1]) for k in kept), (span[1], span[1])]:
        piece_start, piece_end = position, min(start, span[1])
        while piece_start < piece_end and not text[piece_start].isalnum():
            piece_start += 1
        while piece_end > piece_start and not text[piece_end - 1].isalnum():
            piece_end -= 1
        if piece_start < piece_end:
            pieces.append((piece_start, piece_end))
        position = max(position, end)
    return pieces


def _overlapped(
    starts: list[int], chosen: list[tuple[int, int, str, float, str]], start: int, end: int
) -> tuple[int, int]:
    """The run `chosen[first:last]` of kept spans that overlap [start, end) (when empty,
    `first` is where a span would be inserted)."""
    i = bisect.bisect_left(starts, start)
    first = i - 1 if i > 0 and chosen[i - 1][1] > start else i
    last = i
    while last < len(chosen) and chosen[last][0] < end:
        last += 1
    return first, last
