"""An English given name written inside Chinese text (会议由 Emily 主持, 交给Matthew整理)."""

from __future__ import annotations

import re

from tdg.transforms.pii.data_files import english_given_names
from tdg.transforms.pii.language import CJK_CHARACTER, CJK_IDEOGRAPHS
from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

SCORE = 0.6


class LatinGivenNameInChineseRecognizer(IdentifierRecognizer):
    """A capitalised Latin word that is a common English given name, right next to Chinese
    characters (PERSON).

    Chinese posts and documents often name people by an English given name alone. The English
    NER runs on such text with the ideographs blanked, and a lone name between blanks is
    often missed; the Chinese name rules do not read Latin letters. Here a word spelled
    `Emily` or `EMILY` that is in the packaged list of common US first names
    (`data/en_given_names.txt`) and touches an ideograph (directly, or across one space) is
    a name. Lower-case words are left alone: in Chinese text `mark`, `grace` or `joy` are as
    often English words.

    **Format**: `Emily` or `EMILY` (a listed given name), with an ideograph directly before or
    after it, or across one space.

    **Matches**: `会议由Emily主持` (Emily), `交给 Matthew 整理` (Matthew), `联系JENNY确认`.

    **Does not match**: `Please ask Emily.` (no Chinese: the NER's text); `下载app后登录`
    (lower case); `使用Windows系统` (not a given name).

    **Reference**: GB/T 35273-2020 Annex A (a natural person's name is personal information).
    """

    ENTITY = "PERSON"
    PATTERNS = (
        CandidatePattern(
            "latin_given_name_in_chinese_v1",
            r"(?<![A-Za-z])(?:[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z])",
            SCORE,
        ),
    )
    CONTEXT = ()
    PREFILTER = f"[{CJK_IDEOGRAPHS}]"

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        if match.group().lower() not in english_given_names():
            return 0.0
        start, end = match.span()
        before = text[max(0, start - 2) : start].rstrip(" ")[-1:]
        after = text[end : end + 2].lstrip(" ")[:1]
        if CJK_CHARACTER.match(before or " ") is None and CJK_CHARACTER.match(after or " ") is None:
            return 0.0
        return pattern.score


RECOGNIZER = LatinGivenNameInChineseRecognizer
