"""Chinese personal names (PERSON) from cue words, a surname lexicon and jieba's POS tagger."""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from functools import cache
from importlib import resources
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

ENTITY = "PERSON"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")

# Characters that end or follow a name rather than belong to it: particles, pronouns, verbs of
# saying, and the first characters of the words that usually follow a name in a form.
_NOT_GIVEN = (
    "的了是在和与及或跟同说讲问道等着过也都就还又把被让给向对从到为以而但并呢吗吧啊呀哦"
    "你我他她它们这那哪个些各每年月日号电手先女小姐老经总主医教律师阿叔等身证联系住地"
)
_GIVEN = f"(?:(?![{_NOT_GIVEN}])[{_CJK}])"

_PREFIX_CUES = (
    "我叫",
    "我的名字是",
    "我的名字叫",
    "本人",
    "名叫",
    "叫做",
    "姓名",
    "联系人",
    "收件人",
    "收货人",
    "寄件人",
    "户名",
    "开户名",
    "开户人",
    "持卡人",
    "签名",
    "署名",
    "负责人",
    "经办人",
    "申请人",
    "代理人",
    "法定代表人",
    "法人代表",
    "委托人",
    "被告人",
    "被告",
    "原告",
    "患者",
    "嫌疑人",
    "当事人",
    "亲爱的",
    "作者",
    "记者",
    "主持人",
    "通讯员",
    "Dear",
)

_HONORIFICS = (
    "先生",
    "女士",
    "小姐",
    "老师",
    "经理",
    "总监",
    "主任",
    "医生",
    "大夫",
    "教授",
    "律师",
    "同学",
    "师傅",
    "阿姨",
    "叔叔",
    "老板",
    "局长",
    "处长",
    "科长",
    "部长",
    "书记",
    "董事长",
    "校长",
    "院长",
    "博士",
    "太太",
    "夫人",
    "警官",
    "队长",
    "导演",
    "主席",
    "市长",
    "省长",
    "县长",
    "总(?![结共体统部之算计额数量价值和是])",
)

# Characters after 老X / 小X that show X starts a word (小王子, 老黄历) rather than a nickname.
_NICKNAME_FOLLOWERS = "说是的了在和也都就还又才刚已去来要会让给把被呢啊吧吗，。！？、：；,.!? "

# Characters that make 老 / 小 part of another word (古老, 大小, 最小 ...).
_NOT_BEFORE_NICKNAME = "古大最很多较太养变缩减矮弱微渺细胆从年"

PERSON_TAGS = {"nr": 0.6, "nrfg": 0.6, "nrt": 0.55}
SURNAME_BONUS = 0.15
CUE_SCORE = 0.85
NICKNAME_SCORE = 0.6
UNKNOWN_WORD_SCORE = 0.5


@cache
def surnames() -> dict[str, str]:
    """Surname -> tier (`common`, `rare`, `compound`) from the packaged lexicon."""
    data = resources.files("tdg.transforms.pii").joinpath("data/cn_surnames.txt")
    table: dict[str, str] = {}
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        surname, _, tier = line.partition("\t")
        table[surname.strip()] = tier.strip() or "common"
    return table


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@cache
def _cue_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    table = surnames()
    any_surname = _alternation([re.escape(s) for s in table])
    common = "".join(s for s, tier in table.items() if tier == "common")
    prefix = re.compile(
        rf"(?:{_alternation([re.escape(c) for c in _PREFIX_CUES])})[：:\s是为]{{0,2}}"
        rf"(?P<name>(?:{any_surname}){_GIVEN}{{1,2}})"
    )
    honorific = re.compile(
        rf"(?P<name>(?:{any_surname}){_GIVEN}{{0,2}}?)(?:{_alternation(list(_HONORIFICS))})"
    )
    nickname = re.compile(
        rf"(?<![{_NOT_BEFORE_NICKNAME}])(?P<name>[老小][{common}])"
        rf"(?=[{re.escape(_NICKNAME_FOLLOWERS)}]|$)"
    )
    return prefix, honorific, nickname


# --- jieba, loaded once per process -------------------------------------------------------

_tagger_lock = threading.Lock()
_tagger: Any = None


def _writable_cache_dir() -> str:
    for candidate in (os.environ.get("TDG_CACHE_DIR"), tempfile.gettempdir()):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return candidate
    return os.devnull  # jieba cannot write there; it rebuilds the dictionary each time


def pos_tagger() -> Any:
    """The process's `jieba.posseg.POSTokenizer` over its own `Tokenizer` (thread-safe, lazy).

    jieba's dictionary ships inside the package; the cache it writes goes to `$TDG_CACHE_DIR`
    or the temp directory, and jieba's logger is silenced so a failed cache write is quiet.
    """
    global _tagger
    if _tagger is None:
        with _tagger_lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                logging.getLogger("jieba").setLevel(logging.CRITICAL)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = _writable_cache_dir()
                tokenizer.initialize()
                _tagger = jieba.posseg.POSTokenizer(tokenizer)
    return _tagger


# --- the recognizer ------------------------------------------------------------------------


class CnPersonNameRecognizer(EntityRecognizer):
    """Chinese personal names; runs on the folded view text, no NLP artifacts needed.

    **Format**: a surname (single, e.g. 王, or compound, e.g. 欧阳) and a one- or two-character
    given name; in informal text also 老王 / 小李, and a surname with an honorific (张先生).

    **Matches**: `联系人：王小明，电话见下` (王小明); `请转告欧阳娜娜` (欧阳娜娜, tagger);
    `李老师说明天考试` (李); `我叫张伟` (张伟).

    **Does not match**: `今天天气很好`; `高度重视安全生产` (no name); text without CJK ideographs.

    **Reference**: GB/T 35273-2020 Annex A (a natural person's name is personal information);
    the surname lexicon follows the Hundred Family Surnames and public frequency rankings.

    Evidence and scores: a cue word before the name (我叫, 联系人, 收件人, 户名 ...) or an
    honorific after it (先生, 女士, 老师, 经理 ...) scores 0.85; jieba's person tags (`nr`, `nrfg`,
    `nrt`) score 0.6-0.75 depending on whether the word starts with a known surname; a word jieba
    does not know that starts with a frequent surname scores 0.5. `use_tagger=False` (the fast
    profile) keeps the cue rules only, which need no dictionary.
    """

    def __init__(
        self, supported_language: str = "zh", use_tagger: bool = True, use_hmm: bool = True
    ) -> None:
        self.use_tagger = use_tagger
        self.use_hmm = use_hmm
        super().__init__(
            supported_entities=[ENTITY],
            name="CnPersonNameRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        if self.use_tagger:
            pos_tagger()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        if _HAS_CJK.search(text) is None:
            return []
        spans = self.cue_spans(text)
        if self.use_tagger:
            spans.extend(self.tagger_spans(text))
        return self._results(spans)

    def cue_spans(self, text: str) -> list[tuple[int, int, float]]:
        prefix, honorific, nickname = _cue_patterns()
        spans = [(m.start("name"), m.end("name"), CUE_SCORE) for m in prefix.finditer(text)]
        spans.extend((m.start("name"), m.end("name"), CUE_SCORE) for m in honorific.finditer(text))
        spans.extend(
            (m.start("name"), m.end("name"), NICKNAME_SCORE) for m in nickname.finditer(text)
        )
        return spans

    def tagger_spans(self, text: str) -> list[tuple[int, int, float]]:
        table = surnames()
        tagger = pos_tagger()
        freq = tagger.tokenizer.FREQ
        tokens = [(pair.word, pair.flag) for pair in tagger.cut(text, HMM=self.use_hmm)]
        spans: list[tuple[int, int, float]] = []
        position = 0
        for i, (word, flag) in enumerate(tokens):
            start, end = position, position + len(word)
            position = end
            if _HAS_CJK.match(word) is None:
                continue
            head = word[:2] if word[:2] in table else word[:1]
            tier = table.get(head)
            if flag in PERSON_TAGS:
                if len(word) == 1 or (tier is not None and len(word) == len(head)):
                    # A surname on its own: a name only with a short given name after it.
                    nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
                    if tier is not None and 1 <= len(nxt) <= 2 and _given_name(nxt):
                        spans.append((start, end + len(nxt), PERSON_TAGS[flag]))
                    continue
                bonus = SURNAME_BONUS if tier is not None else 0.0
                spans.append((start, end, PERSON_TAGS[flag] + bonus))
            elif tier == "compound" and len(word) == 2:
                nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
                if 1 <= len(nxt) <= 2 and _given_name(nxt):
                    spans.append((start, end + len(nxt), PERSON_TAGS["nr"] + SURNAME_BONUS))
            elif (
                tier == "common"
                and 2 <= len(word) <= 3
                and flag not in ("ns", "nt", "nz", "m", "t")
                and word not in freq
            ):
                spans.append((start, end, UNKNOWN_WORD_SCORE))
        return spans

    def _results(self, spans: list[tuple[int, int, float]]) -> list[RecognizerResult]:
        best: dict[tuple[int, int], float] = {}
        for start, end, score in spans:
            if end > start and score > best.get((start, end), 0.0):
                best[(start, end)] = score
        results = [
            RecognizerResult(
                entity_type=ENTITY,
                start=start,
                end=end,
                score=score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: "CnPersonNameRecognizer",
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                },
            )
            for (start, end), score in sorted(best.items())
        ]
        return EntityRecognizer.remove_duplicates(results) if len(results) > 1 else results


_GIVEN_RE = re.compile(f"{_GIVEN}+")


def _given_name(word: str) -> bool:
    return _GIVEN_RE.fullmatch(word) is not None


RECOGNIZER = CnPersonNameRecognizer
