"""Per-record language routing: which language-specific recognizers a record needs.

A hint (a record field or the source's default) comes first, and the script adds what it shows:
the ratio of CJK ideographs and of Latin letters among the letters of the text. Mixed
Chinese-English text routes to both, because a Chinese post quoting an English name needs the
English NER too, whatever its source declares.
"""

from __future__ import annotations

import functools
import re

SUPPORTED_LANGUAGES = ("en", "zh")

# CJK Unified Ideographs (+ extension A, compatibility ideographs), as a character-class body.
CJK_IDEOGRAPHS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHARACTER = re.compile(f"[{CJK_IDEOGRAPHS}]")
_CJK_RUN = re.compile(f"[{CJK_IDEOGRAPHS}]+")
_LATIN_WORD = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]{2,}")
_CAPITALISED_WORD = re.compile("(?<![A-Za-z])[A-Z][a-z]+(?![A-Za-z])")
_LATIN = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]")

# A text is routed to a second language when that script makes up at least this share of
# its letters (or, for Latin, forms at least this many words).
MIN_SECOND_SCRIPT_SHARE = 0.15
MIN_LATIN_WORDS_IN_CHINESE = 2

_HINT_ALIASES = {
    "en": ("en",),
    "english": ("en",),
    "zh": ("zh",),
    "zh-cn": ("zh",),
    "zh-hans": ("zh",),
    "zh-hant": ("zh",),
    "zh-tw": ("zh",),
    "zh-hk": ("zh",),
    "chinese": ("zh",),
    "cn": ("zh",),
    "mixed": ("zh", "en"),
    "zh-en": ("zh", "en"),
    "en-zh": ("zh", "en"),
}


def normalize_hint(hint: str | None) -> tuple[str, ...] | None:
    """A language hint as routed languages; None for no hint or `auto`. Unknown hints raise."""
    if hint is None:
        return None
    return _routed_hint(hint)


@functools.lru_cache(maxsize=256)  # a corpus has a handful of distinct hints
def _routed_hint(hint: str) -> tuple[str, ...] | None:
    key = hint.strip().lower().replace("_", "-")
    if key in ("", "auto"):
        return None
    if key in _HINT_ALIASES:
        return _HINT_ALIASES[key]
    primary = key.split("-", 1)[0]
    if primary in _HINT_ALIASES:
        return _HINT_ALIASES[primary]
    raise ValueError(f"unsupported language {hint!r} (expected one of en, zh, auto)")


def detect_languages(text: str) -> tuple[str, ...]:
    """Script-based guess. Text with no letters at all routes to English (patterns still run)."""
    return _script_languages(text) or ("en",)


def _script_languages(text: str) -> tuple[str, ...]:
    """The languages the script of `text` shows; none for text without letters."""
    if text.isascii() or CJK_CHARACTER.search(text) is None:
        return ("en",) if _LATIN.search(text) else ()
    cjk = _cjk_count(text)
    latin = len(_LATIN.findall(text))
    if latin == 0:
        return ("zh",)
    share_cjk = cjk / (cjk + latin)
    if share_cjk >= 1 - MIN_SECOND_SCRIPT_SHARE:
        # Mostly Chinese: English NER is worth running for real English words, or for one
        # capitalised word (交给 Matthew 整理: English given names are common in Chinese text).
        if (
            len(_LATIN_WORD.findall(text)) >= MIN_LATIN_WORDS_IN_CHINESE
            or _CAPITALISED_WORD.search(text) is not None
        ):
            return ("zh", "en")
        return ("zh",)
    if share_cjk < MIN_SECOND_SCRIPT_SHARE and cjk < 2:
        return ("en",)
    return ("zh", "en")


def more_chinese_than_latin(text: str) -> bool:
    """More Chinese characters than Latin letters: the text's numbers are written the Chinese
    way, whatever English words it quotes."""
    if text.isascii():
        return False
    return _cjk_count(text) > len(_LATIN.findall(text))


def _cjk_count(text: str) -> int:
    """How many CJK ideographs `text` holds (removing their runs is ~3x faster than listing
    each one: Chinese text is mostly ideographs)."""
    return len(text) - len(_CJK_RUN.sub("", text))


def route_languages(text: str, hint: str | None = None) -> tuple[str, ...]:
    """Languages whose recognizers should run on `text`: the hint's first, then any other the
    script shows. A hint adds a language (digits-only text hinted `zh` gets the Chinese
    recognizers) but never hides one: an English name quoted in a record of a Chinese source
    still meets the English NER."""
    hinted = normalize_hint(hint)
    if hinted is None:
        return detect_languages(text)
    shown = _script_languages(text)
    if not shown or shown == hinted:
        return hinted
    return hinted + tuple(lang for lang in shown if lang not in hinted)
