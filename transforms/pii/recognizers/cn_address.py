"""Chinese postal addresses (CN_ADDRESS) by a grammar over administrative and street units."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

ENTITY = "CN_ADDRESS"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Characters that cannot start or sit inside a place name: pronouns, verbs and particles that
# usually come right before an address (我住在..., 寄到..., 位于...).
_STOP = "我你他她它们在住于到位是的从去来址了和与及或把被给对向寄送往自家请将已就都也还要想"
_NAME_CHAR = f"(?:(?![{_STOP}])[{_CJK}])"
_NUMERALS = "0-9一二三四五六七八九十百千零〇两"
_NUMBER = f"[{_NUMERALS}]+"
_DIVISION_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "开发区", "新区", "工业园区", "工业园",
    "地区", "街道", "社区", "省", "市", "盟", "区", "县", "旗", "镇", "乡", "村",
)  # fmt: skip
_ROAD_SUFFIXES = ("大道", "大街", "胡同", "路", "街", "巷", "弄", "道")
_MAX_NAME_CHARS = 8  # a road's name; a division's is at most 7

_DIVISION = rf"{_NAME_CHAR}{{1,7}}?(?:{'|'.join(_DIVISION_SUFFIXES)})"
_ROAD = rf"{_NAME_CHAR}{{1,{_MAX_NAME_CHARS}}}?(?:{'|'.join(_ROAD_SUFFIXES)})(?:{_NUMBER}[段巷弄])?"
_UNIT = rf"[-－]?(?:{_NUMBER}|[A-Za-z][0-9]*)(?:号院|号楼|号|栋|幢|座|楼|层|单元|室|房|户)"

# Divisions, then a road, then units; each part optional, but not all three absent. Written as
# three alternatives (divisions first / road first / units only), so no match is empty:
# `finditer` over a pattern that can match empty yields an empty match at nearly every
# character, one Python-level iteration each. The greedy path from each start is the same, so
# the non-empty matches are too. The lookahead is a necessary condition for any alternative (a
# unit's first character, or a division or road suffix after 1 to 8 name characters): most
# positions fail after that one cheap test.
_SUFFIX_FIRST_CHARS = "".join(sorted({s[0] for s in _DIVISION_SUFFIXES + _ROAD_SUFFIXES}))
_ADDRESS = re.compile(
    rf"(?=[-－{_NUMERALS}A-Za-z]|[^\n]{{1,{_MAX_NAME_CHARS}}}[{_SUFFIX_FIRST_CHARS}])"
    rf"(?:(?P<divisions>(?:{_DIVISION}){{1,5}})(?P<road>{_ROAD})?(?P<units>(?:{_UNIT}){{0,5}})"
    rf"|(?P<road_first>{_ROAD})(?P<units_after_road>(?:{_UNIT}){{0,5}})"
    rf"|(?P<units_only>(?:{_UNIT}){{1,5}}))"
)
_PREFILTER = re.compile("[省市区县旗镇乡村路街巷弄道号栋幢室]")
_DIVISION_RE = re.compile(_DIVISION)

FULL_ADDRESS_SCORE = 0.85
ROAD_SCORE = 0.6
DIVISIONS_ONLY_SCORE = 0.4
MIN_DIVISIONS_ALONE = 3


def _score(divisions: str, road: str, units: str) -> float:
    division_count = len(_DIVISION_RE.findall(divisions)) if divisions else 0
    if units and (road or division_count):
        return FULL_ADDRESS_SCORE
    if road and division_count:
        return ROAD_SCORE
    if not road and not units and division_count >= MIN_DIVISIONS_ALONE:
        return DIVISIONS_ONLY_SCORE
    return 0.0


class CnAddressRecognizer(EntityRecognizer):
    """Chinese addresses; runs on the folded view text, no NLP artifacts needed.

    **Format**: administrative divisions from large to small (省 / 自治区 / 市 / 自治州 / 区 / 县 /
    旗 / 镇 / 乡 / 街道 / 村 / 社区), then a road (路 / 街 / 大道 / 巷 / 胡同 / 弄), then numbers
    (号 / 栋 / 幢 / 座 / 楼 / 层 / 单元 / 室 / 号院), in Arabic or Chinese numerals.

    **Matches**: `寄到浙江省杭州市西湖区文三路90号` (浙江省...90号);
    `住在朝阳区建国路88号3栋2单元501室`;
    `地址：广州市天河区体育西路` (a road under two divisions).

    **Does not match**: `今天天气很好`; `北京市` or `市场很大` alone (a city is not an address);
    `第3号文件` (a number without a road or division).

    **Reference**: GB/T 35273-2020 Annex A lists the address among personal information; the unit
    order follows the address element order of GB/T 23705-2009 (数字城市地址编码).

    Scores: a road with a house number, or divisions with a house number: 0.85; a road under at
    least one division: 0.6; three or more divisions without a road: 0.4 (a place, weak evidence).
    """

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(
            supported_entities=[ENTITY],
            name="CnAddressRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        if _PREFILTER.search(text) is None:
            return []
        results: list[RecognizerResult] = []
        for match in _ADDRESS.finditer(text):
            divisions, road, units, road_first, units_after_road, units_only = match.groups()
            score = _score(
                divisions or "",
                road or road_first or "",
                units or units_after_road or units_only or "",
            )
            if score <= 0.0:
                continue
            results.append(
                RecognizerResult(
                    entity_type=ENTITY,
                    start=match.start(),
                    end=match.end(),
                    score=score,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: "CnAddressRecognizer",
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                    },
                )
            )
        return results


RECOGNIZER = CnAddressRecognizer
