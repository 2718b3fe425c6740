"""Chinese personal names (PERSON) from cue words, a surname lexicon and jieba's segmenter."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import rjieba
from presidio_analyzer import EntityRecognizer, RecognizerResult

from tdg.transforms.pii.data_files import data_lines

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

# Job titles that also stand before a full name in formal text (销售经理何建华, 导演张艺谋):
# followed by a common or compound surname and one or two given characters.
_TITLE_CUES = (
    "经理",
    "总监",
    "主任",
    "医生",
    "教授",
    "律师",
    "局长",
    "处长",
    "科长",
    "部长",
    "书记",
    "董事长",
    "总裁",
    "校长",
    "院长",
    "主席",
    "市长",
    "省长",
    "县长",
    "队长",
    "导演",
    "警官",
    "老师",
)

# Words after a name that show it is one (张先生, 王经理, 李总): the titles above and forms of
# address that never stand before a name.
_HONORIFICS = (
    *_TITLE_CUES,
    "先生",
    "先森",  # internet spelling of 先生
    "女士",
    "小姐",
    "大夫",
    "同学",
    "师傅",
    "阿姨",
    "叔叔",
    "老板",
    "博士",
    "太太",
    "夫人",
    "总(?![结共体统部之算计额数量价值和是])",
)

# Characters after 老X / 小X that show X starts a word (小王子, 老黄历) rather than a nickname.
_NICKNAME_FOLLOWERS = "说是的了在和也都就还又才刚已去来要会让给把被呢啊吧吗，。！？、：；,.!? "

# Characters that make 老 / 小 part of another word (古老, 大小, 最小 ...).
_NOT_BEFORE_NICKNAME = "古大最很多较太养变缩减矮弱微渺细胆从年"

# Kinship and familiarity words that follow a given name or surname in casual address
# (明哥, 王姐, 何爷爷, 李总): the name and the word together are how the person is called.
_KIN_SUFFIXES = frozenset(
    ("爷爷", "奶奶", "哥", "姐", "叔", "妹", "弟", "嫂", "伯", "婶", "姨", "舅", "总")
)
# Characters that with a kinship word form a role, not a name (大哥, 表姐, 师兄 ...).
_NOT_BEFORE_KIN = frozenset("大二三四五六七八九十老小表堂帅靓师学亲干兄姐哥弟妹叔伯姨舅我你他她")
# Pet-name characters that are reduplicated as nicknames (豆豆, 兔兔, 壮壮), beside given-name
# characters and surnames.
_PET_CHARS = frozenset("豆兔猪狗猫熊糖果圆球胖壮乖萌妞丫宝贝喵咪团朵丁解毛")
# Reduplicated syllables that are laughter, interjections or adverbs, never names.
_NOT_REDUPLICATED_NAME = frozenset(
    "哈呵嘿嘻啦哦嗯啊呀哇噢喔嘛呜咦唉哎嘤吼嗷滴哒咚嘀刚常渐慢快早偏仅稍往恰统纷悄默久"
    "天年月日时人个家处事样种謝剛漸偏僅稍萌"
)
KIN_SCORE = 0.55
REDUPLICATED_GIVEN_SCORE = 0.5
TRANSLITERATION_SCORE = 0.5
# Dictionary words with these tags are places, organisations or brands (加拿大, 诺基亚).
_NOT_PERSON_WORD_TAGS = frozenset({"ns", "nt", "nz"})
# A transliteration run that contains a common non-name word of this frequency is ordinary text.
MAX_FREQ_WORD_IN_TRANSLITERATION = 300
# Transliterated country and region names end in -ia / -land (亚, 兰: 纳米比亚, 芬兰).
_TRANSLITERATED_PLACE_ENDINGS = ("亚", "兰")

# jieba dictionary tags of person names (nr: Chinese, nrfg / nrt: other and transliterated).
PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
CUE_SCORE = 0.85
NICKNAME_SCORE = 0.6
HANDLE_SCORE = 0.5
DICTIONARY_NAME_SCORE = 0.7
# Surname + unknown given name: base score by surname tier, plus a bonus per given-name
# character (`cn_given_name_chars.txt`); candidates below MIN_SCORE are dropped.
SURNAME_BASE = {"common": 0.4, "compound": 0.5, "rare": 0.2}
# A surname character that is also a frequent function word, verb or adjective (曾 "once",
# 和 "and", 顾 "look after") is weaker evidence when it stands alone.
FUNCTION_WORD_PENALTY = 0.1
_FUNCTION_TAGS = frozenset({"a", "c", "d", "e", "m", "p", "q", "r", "u", "v", "vn", "y", "zg"})
GIVEN_CHAR_BONUS = 0.15
NO_GIVEN_CHAR_PENALTY = 0.1  # surname + one character that is not common in names
HMM_WORD_BONUS = 0.05  # jieba's HMM joined surname and given name into one unknown word
MIN_SCORE = 0.4
# Two-character dictionary words tagged as names but this frequent are common words the
# dictionary mis-tags (明白, 阳光, 谢谢): real two-character names are rare words.
MAX_FREQ_TWO_CHAR_NAME = 60
MAX_FREQ_NAME = 1000
# The rest of a dictionary name after its surname is not itself a common word (胡 + 萝卜).
MAX_FREQ_REST_OF_NAME = 50
MAX_FREQ_REDUPLICATED = 20
# A rare dictionary word after a lone surname can still be its given name (杨 + 天宁).
MAX_FREQ_GIVEN_WORD = 5

# A name is not followed by these: they make the candidate a place, organisation or building
# (安澜市, 高新区, 华府路 ...), or a title word that the cue rules handle.
_PLACE_OR_ORG_SUFFIX = frozenset(
    "市省县区镇村乡路街巷道州湖山江河桥站港湾园苑府城寺庙宫楼馆院校店厂司局部委厅所处团社台网"
    "洲岛峰岭坡沟庄屯营堡寨关口门厦场坊"
)
# Suffixes of administrative divisions and streets: a word ending in one is a place even when
# the dictionary tags it as a name (徐汇区).
_ADMINISTRATIVE_SUFFIX = frozenset("市省县区镇村乡路街巷")
# Handles in social-media text (@name): an account identifies a person unless it is an
# organisation's account, recognisable by these endings.
_HANDLE = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?<!分享自)(?<!来自)(?<!通过)@(?P<name>[^\s@:：,，。.!！?？;；/()（）\[\]【】#<>《》\"'“”]{2,30})"
)
_ORG_HANDLE_ENDINGS = (
    "官方",
    "官微",
    "微博",
    "新闻",
    "日报",
    "晚报",
    "周刊",
    "杂志",
    "电台",
    "电视台",
    "频道",
    "网",
    "报",
    "社",
    "会",
    "局",
    "厅",
    "委",
    "院",
    "馆",
    "中心",
    "公司",
    "集团",
    "银行",
    "大学",
    "学院",
    "中学",
    "小学",
    "协会",
    "联盟",
    "俱乐部",
    "工作室",
    "旗舰店",
    "商城",
    "客服",
    "平台",
    "论坛",
    "吧",
    "组",
    "团",
    "部",
    "队",
    "站",
    "店",
    "厂",
    "台",
)


@cache
def surnames() -> dict[str, str]:
    """Surname -> tier (`common`, `rare`, `compound`) from the packaged lexicon."""
    table: dict[str, str] = {}
    for line in data_lines("cn_surnames.txt"):
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
    not_rare = _alternation([re.escape(s) for s, tier in table.items() if tier != "rare"])
    prefix = re.compile(
        rf"(?:{_alternation([re.escape(c) for c in _PREFIX_CUES])})[：:\s是为]{{0,2}}"
        rf"(?P<name>(?:{any_surname}){_GIVEN}{{1,2}})"
        rf"|(?:{_alternation([re.escape(c) for c in _TITLE_CUES])})"
        rf"(?P<titled>(?:{not_rare}){_GIVEN}{{1,2}})"
    )
    honorific = re.compile(
        rf"(?P<name>(?:{any_surname}){_GIVEN}{{0,2}}?)(?:{_alternation(list(_HONORIFICS))})"
    )
    nickname = re.compile(
        rf"(?<![{_NOT_BEFORE_NICKNAME}])(?P<name>[老小][{common}])"
        rf"(?=[{re.escape(_NICKNAME_FOLLOWERS)}]|$)"
    )
    return prefix, honorific, nickname


@cache
def _title_pattern() -> re.Pattern[str]:
    """The honorifics alone, which end every match of the honorific pattern: that pattern's
    leading alternation of every surname is slow to try at each position, so it is tried only
    just before an honorific (`_matches_ending_near`)."""
    return re.compile(_alternation(list(_HONORIFICS)))


@cache
def _cue_word_pattern() -> re.Pattern[str]:
    """The cue words and titles alone, where every match of the prefix pattern starts. A plain
    alternation of words is scanned for quickly by `re` (it knows their first characters);
    the prefix pattern, whose two halves start with groups, is tried at every position."""
    return re.compile(_alternation([re.escape(c) for c in (*_PREFIX_CUES, *_TITLE_CUES)]))


_NICKNAME_START = re.compile("[老小]")


@cache
def _honorific_reach() -> int:
    """How far before its honorific a match of the honorific pattern can start: the longest
    surname and two given characters."""
    return max(map(len, surnames())) + 2


def _matches_starting_at(
    pattern: re.Pattern[str], anchor: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every (non-empty) match starts where
    `anchor` matches: the pattern is tried only there, and `re` finds the anchor quickly."""
    pos = 0
    while (found := anchor.search(text, pos)) is not None:
        match = pattern.match(text, found.start())
        if match is None:
            pos = found.start() + 1
        else:
            yield match
            pos = match.end()


def _matches_ending_near(
    pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, reach: int
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match contains a match of `anchor`
    starting 1 to `reach` characters after the match's start: the pattern is tried only at
    the `reach` positions before each place the anchor matches."""
    pos = 0  # no match starts before this: tried already, or inside the last match
    search_from = 0
    while (found := anchor.search(text, search_from)) is not None:
        anchored = found.start()
        for start in range(max(pos, anchored - reach), anchored):
            match = pattern.match(text, start)
            if match is not None:
                yield match
                pos = search_from = match.end()
                break
        else:
            pos = max(pos, anchored)
            search_from = anchored + 1


# --- jieba's dictionary, loaded once per process -----------------------------------------


@cache
def dictionary() -> tuple[dict[str, int], dict[str, str]]:
    """jieba's dictionary as word -> frequency and word -> part-of-speech tag (lazy, shared).

    Segmentation is rjieba's (`CnPersonNameRecognizer.segment`), over this same dictionary;
    the rules only look words up. The file ships inside the jieba package and is read once
    here, rather than through jieba's `Tokenizer` (which also builds a prefix table and a
    cache file) and `POSTokenizer` (which reads the file again for the tags).
    """
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    text = resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        word, count, tag = line.split(" ")
        freq[word] = int(count)
        tags[word] = tag
    return freq, tags


@cache
def given_name_chars() -> frozenset[str]:
    """Characters common in given names, from the packaged list."""
    return frozenset(
        char for line in data_lines("cn_given_name_chars.txt") for char in line.split()
    )


@cache
def transliteration_chars() -> frozenset[str]:
    """Characters of standard transliterations of foreign names, from the packaged list."""
    lines = data_lines("cn_transliteration_chars.txt")
    return frozenset(char for line in lines for char in line.split())


@cache
def _transliteration_pattern() -> re.Pattern[str]:
    chars = "".join(sorted(transliteration_chars()))
    # 名·姓 (two runs of two or more joined by a middle dot) or one run of three or more. The
    # shared first character is outside the alternation so that `re` scans for it quickly.
    return re.compile(rf"[{chars}](?:[{chars}]+(?:[·•・][{chars}]{{2,}})+|[{chars}]{{2,}})")


# --- the recognizer ------------------------------------------------------------------------


class CnPersonNameRecognizer(EntityRecognizer):
    """Chinese personal names; runs on the folded view text, no NLP artifacts needed.

    **Format**: a surname (single, e.g. 王, or compound, e.g. 欧阳) and a one- or two-character
    given name; in informal text also 老王 / 小李, a surname with an honorific (张先生), and
    social-media handles (`@name`, which identify an account holder).

    **Matches**: `联系人：王小明，电话见下` (王小明); `请转告欧阳娜娜` (欧阳娜娜);
    `李老师说明天考试` (李); `我叫张伟` (张伟); `转发给@晴天小猪` (晴天小猪).

    **Does not match**: `今天天气很好`; `高度重视安全生产`; `谢谢你的祝福` (common words that
    start with a surname character); `安澜市高新区` (a place); `@某某日报` (an organisation's
    account); `王总是这样说`, `我哥说` (kinship words not after a name); `加拿大` (a
    transliterated place); text without CJK ideographs.

    **Reference**: GB/T 35273-2020 Annex A (a natural person's name is personal information);
    the surname lexicon follows the Hundred Family Surnames and public frequency rankings.

    Evidence and scores: a cue word before the name (我叫, 联系人, 收件人, 户名 ...) or an
    honorific after it (先生, 女士, 老师, 经理 ...) scores 0.85. Otherwise the text is segmented
    with jieba's dictionary (a lexicon; with `use_hmm`, jieba's HMM also joins unknown words)
    and a name is: a dictionary word tagged as a person name (rare two-character ones only);
    or a surname followed by one or two characters that form no dictionary word, scored by the
    surname's tier and how many given characters are common in names. Common words that start
    with a surname character (高兴, 王国, 周末) are dictionary words, so they never qualify.
    Casual forms: a name with a kinship word (明哥, 何爷爷: 0.55), doubled pet names (辰辰),
    阿 / 小 / 老 + surname, a given character + 子 / 儿 (0.5), surname + doubled character
    (叶青青: 0.5); transliterated foreign names as runs of transliteration characters
    (`cn_transliteration_chars.txt`) on word boundaries without place, brand or common
    words inside (0.5). A handle scores 0.5. `use_tagger` is kept for compatibility and means
    `use_hmm`.

    Segmentation is rjieba's (jieba-rs, jieba's algorithm and dictionary in Rust): the same
    tokens as jieba's `cut` at a tenth of the cost without HMM and a fiftieth with it; the
    dictionary's frequencies and tags are read from jieba's own tables.
    """

    def __init__(
        self,
        supported_language: str = "zh",
        use_tagger: bool = True,
        use_hmm: bool | None = None,
        include_handles: bool = True,
        min_score: float = MIN_SCORE,
    ) -> None:
        self.use_hmm = use_tagger if use_hmm is None else use_hmm
        self.include_handles = include_handles
        # Raised when a trained model also looks for names: the weakest lexicon guesses
        # (a surname before uncommon given-name characters) are then left to it.
        self.min_score = min_score
        super().__init__(
            supported_entities=[ENTITY],
            name="CnPersonNameRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        dictionary()
        rjieba.cut("载入", False)  # rjieba builds its dictionary on first use
        _ordinary_words()
        given_name_chars()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        if _HAS_CJK.search(text) is None:
            return []
        tokens, starts = self.segment(text, hmm=False)
        spans = self.cue_spans(text, tokens, starts)
        spans.extend(self.lexicon_spans(text, tokens, starts))
        spans.extend(self.kin_spans(tokens, starts))
        spans.extend(self.transliteration_spans(text, tokens, starts))
        if self.use_hmm:
            # The HMM joins unknown names into one word, but also glues a name to the next
            # character; the two segmentations find different names, so both are used.
            # When the HMM joined nothing, the second pass would find the same names again.
            hmm_tokens: list[str] = rjieba.cut(text, True)
            if hmm_tokens != tokens:
                starts = _token_starts(hmm_tokens)
                spans.extend(self.lexicon_spans(text, hmm_tokens, starts))
        if self.include_handles and "@" in text:
            spans.extend(self.handle_spans(text))
        return self._results(spans)

    @staticmethod
    def segment(text: str, hmm: bool = False) -> tuple[list[str], list[int]]:
        """jieba's segmentation of `text` (by rjieba) and each token's start offset."""
        tokens: list[str] = rjieba.cut(text, hmm)
        return tokens, _token_starts(tokens)

    def cue_spans(
        self, text: str, tokens: list[str] | None = None, starts: list[int] | None = None
    ) -> list[tuple[int, int, float]]:
        prefix, honorific, nickname = _cue_patterns()
        if tokens is None or starts is None:
            tokens, starts = self.segment(text)
        token_at: dict[int, str] | None = None  # built on the first honorific match
        freq, tags = dictionary()
        spans = [
            _cued_name(text, m) for m in _matches_starting_at(prefix, _cue_word_pattern(), text)
        ]
        honorifics = _matches_ending_near(honorific, _title_pattern(), text, _honorific_reach())
        for match in honorifics:
            if token_at is None:
                token_at = dict(zip(starts, tokens, strict=True))
            m: re.Match[str] | None = match
            token = token_at.get(match.start("name"))
            while m is not None and token is not None and tags.get(token) in _CONJUNCTION_TAGS:
                # 局长和市长, 我和王老师: jieba cut the surname (和, 但, 况) off as a conjunction
                # joining the title to the words before; a name can only start after it.
                m = honorific.match(text, m.start("name") + len(token))
                token = token_at.get(m.start("name")) if m is not None else None
            if m is None:
                continue
            # The surname must start a word, and surname + title must not be one common word
            # (工程总监 has no 程; 班主任 is a word, not Mr 班).
            if token is None or m.group("name") in _ordinary_words():
                continue  # 公司经理: the "name" is a common word
            if (
                len(token) >= m.end() - m.start()
                and tags.get(token) not in PERSON_TAGS
                and freq.get(token, 0) > 0
            ):
                continue
            spans.append((m.start("name"), m.end("name"), CUE_SCORE))
        spans.extend(
            (m.start("name"), m.end("name"), NICKNAME_SCORE)
            for m in _matches_starting_at(nickname, _NICKNAME_START, text)
        )
        return spans

    @staticmethod
    def kin_spans(tokens: list[str], starts: list[int]) -> list[tuple[int, int, float]]:
        """A given name or surname of one or two characters and a kinship word (明哥, 何爷爷).

        The kinship word must be a token of its own, so that 王总是 (王 + 总是) and dictionary
        roles (大哥, 表姐) do not qualify."""
        if _KIN_SUFFIXES.isdisjoint(tokens):
            return []  # most texts: one pass at C speed instead of a loop over the tokens
        freq, tags = dictionary()
        table = surnames()
        given = given_name_chars()
        spans: list[tuple[int, int, float]] = []
        kin_at = [i for i, token in enumerate(tokens) if token in _KIN_SUFFIXES and i > 0]
        for i in kin_at:
            token = tokens[i]
            chars = ""
            j = i - 1
            while j >= 0 and len(chars) < 2 and len(tokens[j]) <= 2 - len(chars):
                word = tokens[j]
                if not all((c in given or c in table) and c not in _NOT_BEFORE_KIN for c in word):
                    break
                if (
                    len(word) == 2
                    and freq.get(word, 0) > MAX_FREQ_GIVEN_WORD
                    and tags.get(word) not in PERSON_TAGS
                ):
                    break
                chars = word + chars
                j -= 1
            if not chars:
                continue
            start = starts[j + 1]
            spans.append((start, starts[i] + len(token), KIN_SCORE))
        return spans

    @staticmethod
    def transliteration_spans(
        text: str, tokens: list[str], starts: list[int]
    ) -> list[tuple[int, int, float]]:
        """Foreign names in transliteration (勒布朗, 汤姆·克鲁斯): runs of transliteration
        characters on word boundaries that contain no place, brand or common word."""
        matches = list(_transliteration_pattern().finditer(text))
        if not matches:
            return []
        freq, tags = dictionary()
        index = {s: k for k, s in enumerate(starts)}
        # A token ends where the next one starts, the last one where the text covered ends.
        last_end = starts[-1] + len(tokens[-1])
        spans = []
        for match in matches:
            start, end = match.span()
            if start not in index or (end not in index and end != last_end):
                continue
            run = match.group()
            if any(a == b for a, b in itertools.pairwise(run)):
                continue  # 哈哈哈, 巴巴: reduplication, not a transliteration
            k = index[start]
            ordinary = False
            while k < len(tokens) and starts[k] < end:
                word = tokens[k]
                tag = tags.get(word) if freq.get(word, 0) else None
                word_freq = freq.get(word, 0) if len(word) >= 2 else 0
                if (
                    tag in _NOT_PERSON_WORD_TAGS
                    or word_freq > MAX_FREQ_NAME
                    or (tag not in PERSON_TAGS and word_freq > MAX_FREQ_WORD_IN_TRANSLITERATION)
                ):
                    ordinary = True
                    break
                k += 1
            if ordinary or run.endswith(_TRANSLITERATED_PLACE_ENDINGS):
                continue
            if end < len(text) and text[end] in _PLACE_OR_ORG_SUFFIX:
                continue
            spans.append((start, end, TRANSLITERATION_SCORE))
        return spans

    @staticmethod
    def handle_spans(text: str) -> list[tuple[int, int, float]]:
        spans = []
        for match in _HANDLE.finditer(text):
            name = match["name"]
            if name.endswith(_ORG_HANDLE_ENDINGS):
                continue
            spans.append((match.start("name"), match.end("name"), HANDLE_SCORE))
        return spans

    def lexicon_spans(
        self, text: str, tokens: list[str] | None = None, starts: list[int] | None = None
    ) -> list[tuple[int, int, float]]:
        """Names among the dictionary segmentation's words (see the class docstring)."""
        freq, tags = dictionary()
        table = surnames()
        given = given_name_chars()
        if tokens is None or starts is None:
            tokens, starts = self.segment(text)
        triggers = _single_character_triggers()
        inert = _ordinary_words()
        spans: list[tuple[int, int, float]] = []
        count = len(tokens)
        # Only tokens a rule can start from: a single character only if it is a trigger, a word
        # only if it is not an ordinary dictionary word (ordinary words have two characters or
        # more, so single characters skip that test); the rest is skipped at C speed.
        candidates = [
            k
            for k, token in enumerate(tokens)
            if (
                token in triggers
                if len(token) == 1
                else token not in inert and "\u3400" <= token[0] <= "\u9fff"
            )
        ]
        resume = 0  # tokens before this one belong to a name already found
        for i in candidates:
            if i < resume:
                continue
            token = tokens[i]
            first = token[0]
            length = len(token)
            start = starts[i]
            head = token[:2] if length >= 2 and token[:2] in table else first
            tier = table.get(head)
            if token in "小阿老" and i + 1 < count:
                # 小X / 阿X pet names, X a given-name character or a surname standing alone
                # (小新, 阿玲, 阿袁); 老X with a surname only (老侯).
                nxt = tokens[i + 1]
                after = tokens[i + 2] if i + 2 < count else ""
                if (
                    len(nxt) == 1
                    and (nxt in table or (token != "老" and nxt in given))
                    and nxt not in _NOT_IN_GIVEN_NAME
                    and not (len(after) == 1 and _is_given_char(after))
                    and (i == 0 or tokens[i - 1][-1] not in _NOT_BEFORE_NICKNAME)
                ):
                    spans.append((start, start + 2, NICKNAME_SCORE - 0.1))
                    resume = i + 2
                    continue
            if (
                tier is not None
                and length == len(head)
                and tags.get(token) not in _FUNCTION_TAGS
                and _reduplicated_at(text, start + length)
                and tags.get(text[start + length], "") not in _FUNCTION_TAGS
            ):
                # Surname + a doubled character (宋晚晚, 李园园), however jieba split it.
                spans.append((start, start + length + 2, REDUPLICATED_GIVEN_SCORE))
            if (
                length == 1
                and i + 1 < count
                and tokens[i + 1] == token
                and _is_pet_char(token, given)
                and (i + 2 >= count or tokens[i + 2] != token)
                and (i == 0 or tokens[i - 1][-1] != token)
            ):
                # A doubled character that jieba split in two (辰辰): a pet name.
                spans.append((start, start + 2, NICKNAME_SCORE - 0.1))
            if (
                length == 1
                and i + 1 < count
                and tokens[i + 1] in "子儿"
                and first in given
                and freq.get(token + tokens[i + 1], 0) == 0
                and not (i > 0 and len(tokens[i - 1]) == 1 and _is_given_char(tokens[i - 1]))
            ):
                # A given-name character with the diminutive 子 / 儿 (雯子, 玲儿), which jieba
                # does not know as a word.
                spans.append((start, start + 2, NICKNAME_SCORE - 0.1))
            if tier is not None and length == len(head):
                # A surname on its own: take the next one or two characters that are single
                # tokens (jieba found no word there), or one unknown two-character word.
                name_end, given_part, used = self._given_after(tokens, starts, i + 1, freq, tags)
                if given_part:
                    score = _surname_score(tier, given_part, given)
                    if tags.get(token) in _FUNCTION_TAGS:
                        score -= FUNCTION_WORD_PENALTY
                    if score >= MIN_SCORE and _free_after(text, start, name_end, given):
                        spans.append((start, name_end, score))
                        resume = i + 1 + used
                        continue
            elif length >= 2:
                word_freq = freq.get(token, 0)
                tag = tags.get(token) if word_freq else None
                if length == 2 and token[0] == token[1] and _is_pet_char(token[0], given):
                    if word_freq <= MAX_FREQ_REDUPLICATED:
                        spans.append((start, start + length, NICKNAME_SCORE - 0.1))
                elif tag in PERSON_TAGS:
                    score = _dictionary_name_score(token, head, tier, word_freq, given)
                    # The dictionary knows the word as a name: only what follows can make it
                    # a place (李银河 ends in 河 but is a name).
                    if score and _free_after(text, start, start + length, given, last=False):
                        spans.append((start, start + length, score))
                elif word_freq == 0 and length <= 4:
                    score = _unknown_word_score(token, head, tier, given)
                    if score and _free_after(text, start, start + length, given):
                        spans.append((start, start + length, score))
        return spans

    @staticmethod
    def _given_after(
        tokens: list[str], starts: list[int], j: int, freq: dict[str, int], tags: dict[str, str]
    ) -> tuple[int, str, int]:
        """End offset of the name, its given-name characters, and how many tokens they took."""
        chars = ""
        used = 0
        while j + used < len(tokens) and len(chars) < 2:
            token = tokens[j + used]
            if len(token) == 1 and _is_given_char(token):
                chars += token
                used += 1
                continue
            if (
                not chars
                and len(token) == 2
                and all(_is_given_char(c) for c in token)
                and (freq.get(token, 0) <= MAX_FREQ_GIVEN_WORD or tags.get(token) in PERSON_TAGS)
            ):
                chars, used = token, 1
            break
        last = j + used - 1
        end = starts[last] + len(tokens[last]) if used else starts[j - 1] + len(tokens[j - 1])
        return end, chars, used

    def _results(self, spans: list[tuple[int, int, float]]) -> list[RecognizerResult]:
        best: dict[tuple[int, int], float] = {}
        for start, end, score in spans:
            if end > start and score >= self.min_score and score > best.get((start, end), 0.0):
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


def _token_starts(tokens: list[str]) -> list[int]:
    """Each token's start offset in the text the tokens cover."""
    starts = list(itertools.accumulate(map(len, tokens), initial=0))
    starts.pop()
    return starts


# Function words and pronouns: never part of a given name (unlike 小, 老, 年 in _NOT_GIVEN,
# which the cue patterns exclude so that 王小姐 is Ms 王, but which are common in names).
_NOT_IN_GIVEN_NAME = frozenset(
    "的了是在和与及或跟同说讲问道等着过也都就还又把被让给向对从到为以而但并呢吗吧啊呀哦嗯哈"
    "你我他她它们这那哪个些每"
)


# Part-of-speech tags of conjunctions: 和 ("and"), 但 ("but") and 况 are also surnames.
_CONJUNCTION_TAGS = frozenset({"c"})


def _cued_name(text: str, match: re.Match[str]) -> tuple[int, int, float]:
    """The name after a cue word or title, without a last character that starts the next
    word (经理李娜做报告: 李娜, not 李娜做; 张三表示: 张三)."""
    group = "name" if match.group("name") is not None else "titled"
    start, end = match.span(group)
    if end - start == 3 and any(text[end - 1 : end - 1 + k] in _ordinary_words() for k in (2, 3)):
        end -= 1
    return start, end, CUE_SCORE


@cache
def _ordinary_words() -> frozenset[str]:
    """Dictionary words no lexicon rule can start from: not tagged as a name, not a surname,
    not a doubled character (built once per process from jieba's tables)."""
    freq, tags = dictionary()
    table = surnames()
    return frozenset(
        word
        for word, count in freq.items()
        if count > 0
        and len(word) >= 2
        and word[0] != word[1]
        and word not in table
        and tags.get(word) not in PERSON_TAGS
    )


@cache
def _single_character_triggers() -> frozenset[str]:
    """Single-character tokens a lexicon rule can start from: surnames, given-name and pet-name
    characters, and the 小 / 阿 / 老 of pet names."""
    single_surnames = {s for s in surnames() if len(s) == 1}
    return frozenset(single_surnames | given_name_chars() | _PET_CHARS | set("小阿老"))


def _reduplicated_at(text: str, position: int) -> bool:
    """Whether a doubled character that can be part of a name starts at `position`."""
    pair = text[position : position + 2]
    return (
        len(pair) == 2
        and pair[0] == pair[1]
        and _is_given_char(pair[0])
        and pair[0] not in _NOT_REDUPLICATED_NAME
        and text[position - 1 : position] != pair[0]
        and (position + 2 >= len(text) or text[position + 2] != pair[0])
    )


def _is_pet_char(char: str, given: frozenset[str]) -> bool:
    """Whether `char` doubled can be a pet name (佳佳, 豆豆), not laughter or an adverb."""
    if char in _NOT_REDUPLICATED_NAME:
        return False
    return char in given or char in _PET_CHARS or char in surnames()


def _is_given_char(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" and char not in _NOT_IN_GIVEN_NAME


def _free_after(text: str, start: int, end: int, given: frozenset[str], last: bool = True) -> bool:
    """Neither the character after a candidate nor its own last one (an administrative suffix,
    or with `last` any place suffix not common in names) makes it a place (安澜市, 高新区)."""
    final = text[end - 1]
    if final in _ADMINISTRATIVE_SUFFIX or (
        last and final in _PLACE_OR_ORG_SUFFIX and final not in given
    ):
        return False
    return end >= len(text) or text[end] not in _PLACE_OR_ORG_SUFFIX


def _surname_score(
    tier: str, given_part: str, given: frozenset[str], hmm_word: bool = False
) -> float:
    hits = sum(c in given for c in given_part)
    score = SURNAME_BASE.get(tier, 0.0) + GIVEN_CHAR_BONUS * hits
    if hits == 0 and len(given_part) == 1:
        score -= NO_GIVEN_CHAR_PENALTY
    if hmm_word:
        score += HMM_WORD_BONUS
    return min(score, 0.8)


def _dictionary_name_score(
    word: str, head: str, tier: str | None, word_freq: int, given: frozenset[str]
) -> float:
    """A dictionary word tagged as a name. The tags are noisy (胡萝卜, 幼儿园 and 西门子 are
    tagged nr), so only rare words that start with a surname and go on with a given-name
    character count; transliterated names without a surname are left to the cue rules."""
    if tier is None:
        return 0.0  # transliterated names (nrt) share the tag with brands: cue rules only
    rest = word[len(head) :]
    if not rest:
        return 0.0
    if not any(c in given for c in rest):
        # 赵本山 is a name, 胡萝卜 is surname + a common word (萝卜).
        freq, _ = dictionary()
        if (
            len(word) != 3
            or not all(_is_given_char(c) and c != "一" for c in rest)
            or freq.get(rest, 0) > MAX_FREQ_REST_OF_NAME
            or freq.get(word[:2], 0) > MAX_FREQ_REST_OF_NAME
        ):
            return 0.0
    if len(word) >= 3 and word_freq <= MAX_FREQ_NAME:
        return DICTIONARY_NAME_SCORE
    if len(word) == 2 and tier != "rare" and word_freq <= MAX_FREQ_TWO_CHAR_NAME:
        return DICTIONARY_NAME_SCORE - 0.1
    return 0.0


def _unknown_word_score(word: str, head: str, tier: str | None, given: frozenset[str]) -> float:
    """A word jieba's HMM made up (not in the dictionary)."""
    rest = word[len(head) :] if tier is not None else ""
    if tier is not None and 1 <= len(rest) <= 2 and all(_is_given_char(c) for c in rest):
        score = _surname_score(tier, rest, given, hmm_word=True)
        return score if score >= MIN_SCORE else 0.0
    if len(word) == 2 and word[0] == word[1] and _is_pet_char(word[0], given):
        return NICKNAME_SCORE - 0.1  # 敏敏, 佳佳: reduplicated pet names
    if len(word) == 2 and word[0] in "小阿" and word[1] in given:
        return NICKNAME_SCORE - 0.1
    return 0.0


RECOGNIZER = CnPersonNameRecognizer
