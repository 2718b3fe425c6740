#!/usr/bin/env python3
"""Generate tdg's shipped sample corpus: synthetic, seeded, byte-identical on every run.

Every name, number and address is made up here from small pools; nothing is copied from real
text. `python samples/generate.py` writes samples/corpus/ next to this script (`--out DIR` to
write elsewhere). Tests import `build_corpus()` and `planted_identifiers()` from this file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tdg.transforms.pii.checksums import (
    USCC_ALPHABET,
    hk_id_check_char,
    luhn_check_digit,
    resident_id_check_char,
    tw_id_check_digit,
    uscc_check_char,
)

SEED = 20261124
GENERATOR = "tdg-sample-generator/1"
REFERENCE_DATE = date(2026, 11, 24)  # ages (is_minor) are computed at this date
OPTOUT_HOST = "forum.optout.example"
ERASURE_SUBJECT = "subj-0042"
DEFAULT_OUT = Path(__file__).resolve().parent / "corpus"

# Which Presidio / tdg entity type each planted kind is reported as.
KIND_ENTITY: dict[str, str] = {
    "person_zh": "PERSON",
    "person_en": "PERSON",
    "cn_mobile": "PHONE_NUMBER",
    "cn_landline": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS",
    "cn_resident_id": "CN_RESIDENT_ID",
    "cn_bank_card": "CREDIT_CARD",
    "cn_uscc": "CN_USCC",
    "cn_passport": "CN_PASSPORT",
    "hk_id": "HK_ID",
    "tw_id": "TW_ID",
    "cn_license_plate": "CN_LICENSE_PLATE",
    "cn_address": "CN_ADDRESS",
    "en_address": "LOCATION",
    "ip_address": "IP_ADDRESS",
    "qq_number": "QQ_NUMBER",
    "wechat_id": "WECHAT_ID",
}
# Benign look-alikes: numbers and strings that resemble PI but identify nobody.
BENIGN_KINDS = (
    "public_hotline",
    "company_hotline_400",
    "order_number",
    "tracking_number",
    "date",
    "price",
)

# ------------------------------------------------------------------------------------ pools
# (characters, pinyin) so that e-mail local parts can be derived from Chinese names.
SURNAMES_SINGLE = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
    ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
    ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
    ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"),
    ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"),
    ("丁", "ding"), ("沈", "shen"), ("姚", "yao"), ("卢", "lu"), ("姜", "jiang"),
    ("崔", "cui"), ("钟", "zhong"), ("谭", "tan"), ("陆", "lu"), ("范", "fan"),
    ("金", "jin"), ("廖", "liao"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"),
    ("邹", "zou"), ("熊", "xiong"), ("秦", "qin"), ("雷", "lei"), ("龚", "gong"),
]  # fmt: skip
SURNAMES_COMPOUND = [
    ("欧阳", "ouyang"), ("司马", "sima"), ("上官", "shangguan"), ("诸葛", "zhuge"),
    ("东方", "dongfang"), ("皇甫", "huangfu"), ("慕容", "murong"), ("令狐", "linghu"),
    ("尉迟", "yuchi"), ("公孙", "gongsun"), ("夏侯", "xiahou"), ("端木", "duanmu"),
]  # fmt: skip
GIVEN_CHARS = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("洋", "yang"), ("艳", "yan"),
    ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("玉", "yu"),
    ("兰", "lan"), ("文", "wen"), ("辉", "hui"), ("鹏", "peng"), ("宇", "yu"),
    ("浩", "hao"), ("欣", "xin"), ("怡", "yi"), ("佳", "jia"), ("子", "zi"),
    ("晨", "chen"), ("雨", "yu"), ("轩", "xuan"), ("涵", "han"), ("博", "bo"),
    ("思", "si"), ("嘉", "jia"), ("俊", "jun"), ("婷", "ting"), ("梓", "zi"),
    ("诗", "shi"), ("睿", "rui"), ("琳", "lin"), ("昊", "hao"), ("可", "ke"),
    ("建", "jian"), ("国", "guo"), ("志", "zhi"), ("海", "hai"), ("春", "chun"),
    ("晓", "xiao"), ("一", "yi"), ("航", "hang"), ("凯", "kai"), ("薇", "wei"),
]  # fmt: skip
EN_FIRST = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Emily",
    "Steven", "Olivia", "Andrew", "Hannah", "Kevin", "Grace", "Brian", "Chloe", "George",
    "Megan", "Edward", "Rachel", "Samuel", "Laura", "Oliver", "Amelia", "Henry", "Isla",
]  # fmt: skip
EN_LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark",
    "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Hill", "Green",
    "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips",
    "Campbell", "Parker", "Evans", "Edwards", "Collins", "Whitcombe", "Delgado", "Ashford",
]  # fmt: skip
# (province, city, district, resident-ID region code, landline area code, plate prefix)
CN_PLACES = [
    ("北京市", "北京市", "朝阳区", "110105", "010", "京"),
    ("北京市", "北京市", "海淀区", "110108", "010", "京"),
    ("上海市", "上海市", "徐汇区", "310104", "021", "沪"),
    ("上海市", "上海市", "浦东新区", "310115", "021", "沪"),
    ("天津市", "天津市", "和平区", "120101", "022", "津"),
    ("重庆市", "重庆市", "渝中区", "500103", "023", "渝"),
    ("广东省", "广州市", "天河区", "440106", "020", "粤A"),
    ("广东省", "深圳市", "南山区", "440305", "0755", "粤B"),
    ("浙江省", "杭州市", "西湖区", "330106", "0571", "浙A"),
    ("江苏省", "南京市", "玄武区", "320102", "025", "苏A"),
    ("江苏省", "苏州市", "姑苏区", "320508", "0512", "苏E"),
    ("四川省", "成都市", "武侯区", "510107", "028", "川A"),
    ("湖北省", "武汉市", "武昌区", "420106", "027", "鄂A"),
    ("陕西省", "西安市", "雁塔区", "610113", "029", "陕A"),
    ("山东省", "青岛市", "市南区", "370202", "0532", "鲁B"),
    ("湖南省", "长沙市", "岳麓区", "430104", "0731", "湘A"),
    ("福建省", "福州市", "鼓楼区", "350102", "0591", "闽A"),
    ("云南省", "昆明市", "五华区", "530102", "0871", "云A"),
    ("河南省", "郑州市", "金水区", "410105", "0371", "豫A"),
    ("辽宁省", "沈阳市", "和平区", "210102", "024", "辽A"),
    ("黑龙江省", "哈尔滨市", "南岗区", "230103", "0451", "黑A"),
]
ROADS = [
    "中山路", "人民路", "解放路", "建设路", "文三路", "长江路", "和平街", "学院路", "科技园南路",
    "滨江大道", "东风路", "青年路", "光明街", "新华路", "黄河路", "百花巷", "迎宾大道", "幸福里",
]  # fmt: skip
COMPOUNDS = [
    "阳光花园", "锦绣家园", "翠苑小区", "金色港湾", "枫林苑", "碧水湾", "紫荆公寓", "华府名邸",
    "和谐家园", "书香门第", "丽景湾", "云栖里",
]  # fmt: skip
EN_STREETS = [
    "Maple Avenue", "Oak Street", "Harbor Road", "Willow Lane", "Cedar Court", "Elm Drive",
    "Birch Way", "Riverside Drive", "Hillcrest Road", "Pine Street", "Chestnut Close",
    "Station Road", "Orchard Lane", "Lakeview Terrace",
]  # fmt: skip
# (city, state, first three ZIP digits)
EN_CITIES = [
    ("Springfield", "IL", "627"), ("Riverton", "WY", "825"), ("Fairview", "OR", "970"),
    ("Greenville", "SC", "296"), ("Madison", "WI", "537"), ("Portland", "ME", "041"),
    ("Franklin", "TN", "370"), ("Clinton", "IA", "527"), ("Salem", "MA", "019"),
]  # fmt: skip
COMPANY_WORDS = [
    "云帆", "星辰", "华创", "博远", "瑞丰", "恒信", "鼎盛", "新航", "青禾", "启明", "嘉禾",
    "蓝海", "智汇", "优品", "德润", "千帆",
]  # fmt: skip
COMPANY_TRADES = [
    "科技", "贸易", "物流", "餐饮管理", "教育咨询", "电子商务", "物业服务", "建筑工程", "文化传媒",
]  # fmt: skip
EN_COMPANY_A = [
    "Bluefield", "Northwind", "Silverline", "Harborview", "Redwood", "Clearwater", "Summit",
    "Brightpath", "Ironbridge", "Greenleaf",
]  # fmt: skip
EN_COMPANY_B = ["Analytics", "Logistics", "Outfitters", "Software", "Foods", "Energy", "Media"]
EN_COMPANY_C = ["Ltd", "Inc.", "LLC", "Group", "Co."]
PRODUCTS_ZH = [
    "婴儿推车", "电动自行车", "空气净化器", "笔记本电脑", "扫地机器人", "冰箱", "儿童座椅",
    "跑步机", "相机镜头", "电饭煲", "钢琴", "书桌",
]  # fmt: skip
PRODUCTS_EN = [
    "Trail Runner 2 shoes", "a standing desk", "a coffee grinder", "a road bike",
    "noise-cancelling headphones", "a camping tent", "a kids' scooter", "a sofa bed",
]  # fmt: skip
EMAIL_HOSTS_EXAMPLE = ["example.com", "example.org", "example.net", "mail.example.com"]
EMAIL_HOSTS_MADE_UP = ["inbox.huayu-mail.example", "corp.lanhai.example", "student.univ.example"]
WEB_HOSTS_ZH = [
    "bbs.linli.example", "tieba.xiaoqu.example", "ershou.market.example", "jobs.zhaopin.example",
    "tousu.complaints.example", "www.luntan-sample.cn", "bbs.jiaoyou-demo.cn",
]  # fmt: skip
WEB_HOSTS_EN = ["forum.example.com", "classifieds.example.org", "community.example.net"]
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "175", "176", "177", "178", "180", "181", "182", "183",
    "185", "186", "187", "188", "189", "191", "198", "199",
]  # fmt: skip
CARD_BINS = ["622202", "622848", "621700", "622588", "621226", "623058", "622700", "621661"]
PUBLIC_HOTLINES = ["12345", "110", "120", "119", "10086", "10010", "95588", "12315", "12306"]
ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_FULLWIDTH = {ord(c): chr(ord(c) + 0xFEE0) for c in "0123456789X"}


def to_fullwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


def age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


# ------------------------------------------------------------------------- planted values


@dataclass(frozen=True)
class Planted:
    """One identifier (or benign look-alike) written into one record."""

    kind: str
    value: str  # canonical ASCII form, e.g. the 18-char resident ID
    surface: str  # as written in the text (full-width, grouped, with zero-width spaces ...)
    style: str
    source_id: str = ""
    uri_suffix: str = ""
    offset: int = -1


@dataclass
class Persona:
    """A support-ticket subject: the same person's details recur across their tickets."""

    subject_id: str
    lang: str
    name: str
    given: str
    male: bool
    birth: date
    place: tuple[str, str, str, str, str, str]
    mobile: str
    email: str
    resident_id: str | None
    bank_card: str
    address: str
    consent_ref: str | None
    en_city: tuple[str, str, str] | None = None


class Pen:
    """Draws synthetic values from one seeded Random and remembers what each record received."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pending: list[Planted] = []
        self._used_mobiles: set[str] = set()
        self._last_handle: str | None = None  # e-mail handle of the person last named

    def take(self) -> list[Planted]:
        out, self.pending = self.pending, []
        return out

    def put(self, kind: str, value: str, surface: str | None = None, style: str = "plain") -> str:
        surface = value if surface is None else surface
        self.pending.append(Planted(kind, value, surface, style))
        return surface

    def pick(self, items: list[Any] | tuple[Any, ...] | str) -> Any:
        return items[self.rng.randrange(len(items))]

    def one_of(self, builders: list[Callable[[], str]]) -> str:
        """One of several texts, built lazily so only the chosen one plants its values."""
        return self.pick(builders)()

    def weighted(self, options: dict[str, int]) -> str:
        return self.rng.choices(list(options), weights=list(options.values()))[0]

    # ---- raw values (nothing planted)
    def zh_name_parts(self) -> tuple[str, str, str]:
        """(full name, given name, pinyin) with ~6% compound surnames, 1-2 given characters."""
        sur = self.pick(SURNAMES_COMPOUND if self.rng.random() < 0.06 else SURNAMES_SINGLE)
        chars = [self.pick(GIVEN_CHARS) for _ in range(1 if self.rng.random() < 0.3 else 2)]
        given = "".join(c for c, _ in chars)
        return sur[0] + given, given, sur[1] + "".join(p for _, p in chars)

    def en_name_parts(self) -> tuple[str, str, str]:
        first, last = self.pick(EN_FIRST), self.pick(EN_LAST)
        return f"{first} {last}", first, f"{first}.{last}".lower()

    def mobile_value(self) -> str:
        while True:
            number = self.pick(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._used_mobiles:
                self._used_mobiles.add(number)
                return number

    def birth_date(self, minor: bool = False) -> date:
        lo, hi = (
            (date(2013, 1, 1), date(2016, 6, 30))
            if minor
            else (date(1952, 1, 1), date(2005, 12, 31))
        )
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def resident_id_value(self, region: str, birth: date, male: bool) -> str:
        want_x = self.rng.random() < 0.12
        while True:
            seq = self.rng.randrange(1, 500) * 2 - (1 if male else 0)  # odd = male
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            check = resident_id_check_char(first17)
            if (check == "X") == want_x:
                return first17 + check

    def bank_card_value(self) -> str:
        length = self.pick([16, 16, 16, 16, 19, 19, 17, 18])
        body = self.pick(CARD_BINS)
        body += "".join(str(self.rng.randrange(10)) for _ in range(length - 1 - len(body)))
        return body + luhn_check_digit(body)

    def uscc_value(self, region: str) -> str:
        category = self.weighted({"91": 80, "92": 10, "52": 5, "12": 5})
        if self.rng.random() < 0.4:
            org8 = "MA" + "".join(self.pick(ORG_CODE_ALPHABET) for _ in range(6))
        else:
            org8 = "".join(str(self.rng.randrange(10)) for _ in range(8))
        first17 = category + region + org8 + _org_code_check(org8)
        return first17 + uscc_check_char(first17)

    def zh_address_value(self, place: tuple[str, ...] | None = None) -> str:
        province, city, district = (place or self.pick(CN_PLACES))[:3]
        head = province + district if province == city else province + city + district
        road = f"{self.pick(ROADS)}{self.rng.randrange(1, 999)}号"
        if self.rng.random() < 0.7:
            unit = f"{self.pick(COMPOUNDS)}{self.rng.randrange(1, 30)}栋"
            floor, flat = self.rng.randrange(1, 33), self.rng.randrange(1, 5)
            room = f"{self.rng.randrange(1, 4)}单元{floor}0{flat}室"
            return head + road + unit + room
        return head + road + f"{self.rng.randrange(1, 28)}0{self.rng.randrange(1, 9)}室"

    def en_address_value(self, city: tuple[str, str, str] | None = None) -> str:
        name, state, zip3 = city or self.pick(EN_CITIES)
        number = self.rng.randrange(3, 9800)
        street = self.pick(EN_STREETS)
        apt = (
            f", Apt {self.rng.randrange(1, 40)}{self.pick('ABCD')}"
            if self.rng.random() < 0.3
            else ""
        )
        return f"{number} {street}{apt}, {name}, {state} {zip3}{self.rng.randrange(100):02d}"

    def email_value(self, pinyin_or_handle: str) -> str:
        local = pinyin_or_handle.replace(" ", "")
        style = self.rng.randrange(4)
        if style == 1:
            local += str(self.rng.randrange(1, 99))
        elif style == 2:
            local = local.replace(".", "_") + str(self.rng.randrange(1970, 2010))
        hosts = EMAIL_HOSTS_MADE_UP if self.rng.random() < 0.15 else EMAIL_HOSTS_EXAMPLE
        return f"{local}@{self.pick(hosts)}"

    def zh_company(self, city: str) -> str:
        return f"{city.rstrip('市')}{self.pick(COMPANY_WORDS)}{self.pick(COMPANY_TRADES)}有限公司"

    def en_company(self) -> str:
        return f"{self.pick(EN_COMPANY_A)} {self.pick(EN_COMPANY_B)} {self.pick(EN_COMPANY_C)}"

    # ---- planted values (recorded with their surface form)
    def person_zh(self) -> str:
        name, _, self._last_handle = self.zh_name_parts()
        return self.put("person_zh", name)

    def person_en(self) -> str:
        name, _, self._last_handle = self.en_name_parts()
        return self.put("person_en", name)

    def mobile(self, number: str | None = None, style: str | None = None) -> str:
        n = number or self.mobile_value()
        style = style or self.weighted(
            {"plain": 50, "spaced": 10, "dashed": 12, "intl": 12, "intl_plain": 4, "0086": 3,
             "fullwidth": 6, "zero_width": 3}
        )  # fmt: skip
        a, b, c = n[:3], n[3:7], n[7:]
        surface = {
            "plain": n,
            "spaced": f"{a} {b} {c}",
            "dashed": f"{a}-{b}-{c}",
            "intl": f"+86 {a} {b} {c}",
            "intl_plain": f"+86{n}",
            "0086": f"0086-{n}",
            "fullwidth": to_fullwidth(n),
            "zero_width": f"{a}\u200b{b}\u200b{c}",
        }[style]
        return self.put("cn_mobile", n, surface, style)

    def landline(self, place: tuple[str, ...] | None = None, style: str | None = None) -> str:
        area = (place or self.pick(CN_PLACES))[4]
        local_len = 8 if len(area) == 3 or self.rng.random() < 0.6 else 7
        local = str(self.rng.randrange(2, 9)) + "".join(
            str(self.rng.randrange(10)) for _ in range(local_len - 1)
        )
        style = style or self.weighted({"dashed": 50, "paren": 20, "ext_zh": 18, "ext_en": 12})
        half = len(local) // 2
        surface = {
            "dashed": f"{area}-{local}",
            "paren": f"({area}) {local[:half]} {local[half:]}",
            "ext_zh": f"{area}-{local}转{self.rng.randrange(100, 9000)}",
            "ext_en": f"{area}-{local} ext. {self.rng.randrange(10, 900)}",
        }[style]
        return self.put("cn_landline", area + local, surface, style)

    def resident_id(self, value: str | None = None, style: str | None = None) -> str:
        if value is None:
            place = self.pick(CN_PLACES)
            value = self.resident_id_value(place[3], self.birth_date(), self.rng.random() < 0.5)
        style = style or self.weighted({"plain": 86, "fullwidth": 6, "spaced": 8})
        surface = {
            "plain": value,
            "fullwidth": to_fullwidth(value),
            "spaced": f"{value[:6]} {value[6:14]} {value[14:]}",
        }[style]
        return self.put("cn_resident_id", value, surface, style)

    def bank_card(self, value: str | None = None, style: str | None = None) -> str:
        value = value or self.bank_card_value()
        style = style or self.weighted({"plain": 60, "grouped": 35, "dashed": 5})
        groups = [value[i : i + 4] for i in range(0, len(value), 4)]
        surface = {"plain": value, "grouped": " ".join(groups), "dashed": "-".join(groups)}[style]
        return self.put("cn_bank_card", value, surface, style)

    def uscc(self, place: tuple[str, ...] | None = None) -> str:
        return self.put("cn_uscc", self.uscc_value((place or self.pick(CN_PLACES))[3]))

    def email(self, handle: str | None = None) -> str:
        if handle is None and self._last_handle and self.rng.random() < 0.8:
            handle = self._last_handle  # people mostly write their own address
        if handle is None:
            handle = self.zh_name_parts()[2] if self.rng.random() < 0.5 else self.en_name_parts()[2]
        return self.put("email", self.email_value(handle))

    def qq(self) -> str:
        """A ten-digit QQ number (long, so it does not turn up inside other numbers by chance)."""
        return self.put("qq_number", str(self.rng.randrange(10**9, 4 * 10**9)))

    def wechat(self) -> str:
        """A WeChat ID of one of three common shapes (letter first, 6-20 characters)."""
        pinyin = self.zh_name_parts()[2]
        style = self.weighted({"pinyin_digits": 45, "pinyin_underscore": 35, "wxid": 20})
        if style == "wxid":
            tail = "".join(self.pick("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(12))
            value = f"wxid_{tail}"
        elif style == "pinyin_underscore":
            value = f"{pinyin}_{self.rng.randrange(1970, 2010)}"
        else:
            value = f"{pinyin}{self.rng.randrange(100, 100000)}"
        return self.put("wechat_id", value, value, style)

    def passport(self) -> str:
        style = self.weighted({"E8": 45, "E_letter7": 40, "G8": 15})
        digits = "".join(str(self.rng.randrange(10)) for _ in range(8))
        value = {
            "E8": "E" + digits,
            "E_letter7": "E" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + digits[:7],
            "G8": "G" + digits,
        }[style]
        return self.put("cn_passport", value, value, style)

    def hk_id(self) -> str:
        prefix = self.pick("ACDEGHKPRVYZ")
        digits = f"{self.rng.randrange(10**6):06d}"
        value = f"{prefix}{digits}({hk_id_check_char(prefix, digits)})"
        return self.put("hk_id", value)

    def tw_id(self) -> str:
        first9 = self.pick("ABCDEFGHJKLMNPQTUVWXZ") + self.pick("12")
        first9 += f"{self.rng.randrange(10**7):07d}"
        return self.put("tw_id", first9 + tw_id_check_digit(first9))

    def plate(self, place: tuple[str, ...] | None = None) -> str:
        prefix = (place or self.pick(CN_PLACES))[5]
        if len(prefix) == 1:
            prefix += self.pick("ABCDEFGHJKLMNPQ")
        if self.rng.random() < 0.2:  # new-energy: D/F + 5
            tail = self.pick("DF") + f"{self.rng.randrange(10**5):05d}"
        else:
            chars = [str(self.rng.randrange(10)) for _ in range(5)]
            for i in self.rng.sample(range(5), self.rng.randrange(0, 3)):
                chars[i] = self.pick(_PLATE_LETTERS)
            tail = "".join(chars)
        style = self.weighted({"plain": 70, "dot": 20, "spaced": 10})
        surface = {"plain": prefix + tail, "dot": f"{prefix}·{tail}", "spaced": f"{prefix} {tail}"}
        return self.put("cn_license_plate", prefix + tail, surface[style], style)

    def address_zh(self, value: str | None = None) -> str:
        return self.put("cn_address", value or self.zh_address_value())

    def address_en(self, value: str | None = None) -> str:
        return self.put("en_address", value or self.en_address_value())

    def ip(self) -> str:
        if self.rng.random() < 0.12:
            value = f"2001:db8:{self.rng.randrange(1, 0xFFFF):x}::{self.rng.randrange(1, 0xFFFF):x}"
            return self.put("ip_address", value, value, "ipv6")
        net = self.pick(["192.0.2", "198.51.100", "203.0.113"])
        return self.put("ip_address", f"{net}.{self.rng.randrange(1, 255)}", style="ipv4")

    # ---- benign look-alikes
    def hotline(self, choices: list[str] | None = None) -> str:
        return self.put("public_hotline", self.pick(choices or PUBLIC_HOTLINES))

    def hotline_400(self) -> str:
        n = f"400-{self.rng.randrange(600, 900)}-{self.rng.randrange(10**4):04d}"
        return self.put("company_hotline_400", n)

    def order_number(self) -> str:
        """Digits that are neither Luhn-valid nor a resident ID: order numbers identify no one."""
        while True:
            n = f"{self.rng.choice(['2024', '2025'])}{self.rng.randrange(10**12):012d}"
            if luhn_check_digit(n[:-1]) != n[-1]:
                return self.put("order_number", n)

    def tracking_number(self) -> str:
        return self.put("tracking_number", f"SF{self.rng.randrange(10**12):012d}")

    def date_zh(self) -> str:
        d = date(2025, 1, 1) + timedelta(days=self.rng.randrange(330))
        return self.put("date", f"{d.year}年{d.month}月{d.day}日")

    def date_en(self) -> str:
        d = date(2025, 1, 1) + timedelta(days=self.rng.randrange(330))
        return self.put("date", f"{d:%B} {d.day}, {d.year}")

    def price_zh(self, lo: int = 20, hi: int = 9000) -> str:
        return self.put("price", f"{self.rng.randrange(lo, hi)}元")

    def price_en(self) -> str:
        return self.put("price", f"${self.rng.randrange(5, 900)}.{self.rng.randrange(100):02d}")


def _org_code_check(org8: str) -> str:
    """GB 11714 organisation-code check character (weights 3 7 9 10 5 8 4 2, mod 11)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(org8, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


assert all(c in USCC_ALPHABET for c in ORG_CODE_ALPHABET)


# ---------------------------------------------------------------------------- web templates
# Each template draws its values from the Pen in reading order, so the text is deterministic.


def web_zh_secondhand(p: Pen) -> str:
    item = p.pick(PRODUCTS_ZH)
    opener = p.pick(["【转让】", "出闲置：", "搬家急出，", "个人自用转让，"])
    return (
        f"{opener}{item}一台，九成新，{p.date_zh()}购入，原价{p.price_zh()}，"
        f"现{p.price_zh()}出，可小刀。自提地址：{p.address_zh()}。"
        f"有意者联系{p.person_zh()}，手机{p.mobile()}，微信同号，非诚勿扰。"
    )


def web_zh_rental(p: Pen) -> str:
    rooms = p.pick(["一室一厅", "两室一厅", "三室两厅", "单间"])
    text = (
        f"个人房源，无中介费。{rooms}整租，地址在{p.address_zh()}，"
        f"近地铁，拎包入住，月租{p.price_zh()}，押一付三。"
    )
    if p.rng.random() < 0.5:
        text += f"看房请提前一天电话预约：{p.mobile()}（{p.person_zh()}）。"
    else:
        text += f"联系人{p.person_zh()}，电话{p.mobile()}，晚上八点后请发短信。"
    return text


def web_zh_recruit(p: Pen) -> str:
    place = p.pick(CN_PLACES)
    company = p.zh_company(place[1])
    role = p.pick(["前台文员", "仓库管理员", "Java开发工程师", "外卖骑手", "会计", "销售代表"])
    return (
        f"{company}（统一社会信用代码：{p.uscc(place)}）诚聘{role}若干名，"
        f"月薪{p.price_zh()}起，五险一金。\n简历请发送至{p.email()}，"
        f"或致电人事部{p.landline(place)}，联系人{p.person_zh()}。"
        f"公司地址：{p.address_zh(p.zh_address_value(place))}。"
    )


def web_zh_complaint(p: Pen) -> str:
    name = p.person_zh()
    text = (
        f"投诉信\n本人{name}，身份证号{p.resident_id()}，于{p.date_zh()}在贵平台下单，"
        f"订单号{p.order_number()}，金额{p.price_zh()}。商品至今未发货，客服电话"
        f"{p.hotline_400()}一直无人接听。"
    )
    if p.rng.random() < 0.6:
        text += f"请尽快将货款退回我的银行卡，卡号{p.bank_card()}。"
    text += f"如仍不处理，我将拨打{p.hotline(['12345', '12315'])}投诉。我的联系电话：{p.mobile()}。"
    return text


def web_zh_lost(p: Pen) -> str:
    where = p.pick(["地铁2号线", "人民公园", "火车站候车室", "学校食堂", "菜市场门口"])
    text = (
        f"寻物启事：{p.date_zh()}下午在{where}附近丢失黑色钱包一个，内有身份证"
        f"（姓名{p.person_zh()}，号码{p.resident_id()}）"
    )
    if p.rng.random() < 0.5:
        text += f"和一张银行卡（{p.bank_card()}）"
    return text + f"。拾到者请联系{p.mobile()}，必有酬谢！"


def web_zh_carpool(p: Pen) -> str:
    place = p.pick(CN_PLACES)
    return (
        f"长期拼车：每天早上7:30从{place[2]}出发到高新区，晚上6点返回，"
        f"车型白色轿车，车牌{p.plate(place)}，每人每天{p.price_zh(10, 40)}。"
        f"有意者加微信{p.wechat()}或打电话{p.mobile()}，{p.person_zh()}。"
    )


def web_zh_chat(p: Pen) -> str:
    lines: list[Callable[[], str]] = [
        lambda: f"今天去超市，鸡蛋涨到{p.price_zh(15, 40)}一板了，大家那边呢？",
        lambda: f"小区门口又在修路，打了{p.hotline(['12345'])}反映，说{p.date_zh()}前完工。",
        lambda: f"{p.date_zh()}的演唱会有人一起吗？票价{p.price_zh(180, 1800)}，想找个伴。",
        lambda: "最近下雨太多，阳台的花都淹了，有没有懂园艺的朋友给点建议。",
        lambda: f"快递单号{p.tracking_number()}显示已签收，可我根本没收到，有人遇到过吗？",
        lambda: f"孩子发烧半夜打{p.hotline(['120', '12320'])}咨询，接线员很耐心，点个赞。",
        lambda: "周末带娃去了科技馆，人山人海，建议大家错峰出行。",
        lambda: f"周末想找人组队打游戏，有兴趣的加我QQ{p.qq()}，备注游戏名。",
        lambda: f"运营商客服{p.hotline(['10086', '10010'])}说套餐可以降档，但要等下个月生效。",
    ]
    p.rng.shuffle(lines)
    return "".join(line() for line in lines[: p.rng.randrange(2, 5)])


def web_zh_reunion(p: Pen) -> str:
    year = p.rng.randrange(1985, 2010)
    return (
        f"寻找{year}届高三（{p.rng.randrange(1, 12)}）班的老同学！班主任{p.person_zh()}"
        f"老师明年退休，我们打算聚一聚。目前还联系不上{p.person_zh()}、{p.person_zh()}，"
        f"记得当年家住{p.address_zh()}。知道消息的请联系组织者{p.person_zh()}，"
        f"电话{p.mobile()}，邮箱{p.email()}。"
    )


def web_zh_travel(p: Pen) -> str:
    choice = p.rng.randrange(3)
    if choice == 0:
        return (
            f"求助：办日本签证时材料被退回，说护照号{p.passport()}与申请表不一致，"
            f"其实是我抄错了一位。签证中心电话{p.landline()}一直占线，请问怎么处理？"
        )
    if choice == 1:
        return (
            f"帮香港朋友{p.person_zh()}代订酒店，前台要登记香港身份证号{p.hk_id()}，"
            f"这样发给酒店安全吗？对方邮箱{p.email()}。"
        )
    return (
        f"台湾同胞{p.person_zh()}来大陆旅游，身份证字号{p.tw_id()}，"
        f"买高铁票需要什么证件？{p.put('public_hotline', '12306')}上能不能直接用台胞证？"
    )


def web_zh_tech(p: Pen) -> str:
    return (
        f"路由器后台看到陌生设备，IP是{p.ip()}，我自己的电脑是{p.ip()}。"
        f"是不是被蹭网了？管理员邮箱{p.email()}收到了好几封登录提醒，"
        f"时间是{p.date_zh()}凌晨。求大神指点。"
    )


def web_zh_notice(p: Pen) -> str:
    place = p.pick(CN_PLACES)
    return (
        f"【物业通知】因消防通道整治，请以下车辆车主于{p.date_zh()}前挪车："
        f"{p.plate(place)}、{p.plate(place)}、{p.plate(place)}。"
        f"如有疑问请联系物业服务中心{p.landline(place)}，或管家{p.person_zh()}"
        f"（{p.mobile()}）。报修热线{p.hotline_400()}。"
    )


def web_zh_tutor(p: Pen) -> str:
    subject = p.pick(["初中数学", "高中物理", "小学英语", "钢琴", "书法"])
    return (
        f"{p.person_zh()}，师范大学毕业，从事{subject}辅导八年，可上门授课，"
        f"每小时{p.price_zh(80, 400)}。电话：{p.mobile()}。"
        f"试听地点：{p.address_zh()}。"
    )


def web_zh_signup(p: Pen) -> str:
    rows = [f"{i}. {p.person_zh()} {p.mobile()}" for i in range(1, p.rng.randrange(3, 7))]
    return (
        f"周六羽毛球活动报名接龙（{p.date_zh()}，场地费AA，每人{p.price_zh(20, 60)}）：\n"
        + "\n".join(rows)
    )


def web_en_classified(p: Pen) -> str:
    return (
        f"For sale: {p.pick(PRODUCTS_EN)}, barely used, {p.price_en()} or best offer. "
        f"Pick up from {p.address_en()}. Call or text {p.person_en()} at {p.mobile()} "
        f"or email {p.email()}."
    )


def web_en_complaint(p: Pen) -> str:
    return (
        f"I ordered on {p.date_en()} (order {p.order_number()}) and paid {p.price_en()}, "
        f"but nothing arrived. Their hotline {p.hotline_400()} keeps me on hold. "
        f"If anyone from the shop reads this, my name is {p.person_en()}, "
        f"reach me at {p.email()}."
    )


def web_en_tech(p: Pen) -> str:
    return (
        f"My server at {p.ip()} keeps getting SSH attempts from {p.ip()}. "
        f"fail2ban is installed. Logs attached; contact me at {p.email()} for the full dump."
    )


def web_en_event(p: Pen) -> str:
    names = ", ".join(p.person_en() for _ in range(p.rng.randrange(2, 5)))
    return (
        f"Volunteers for the river clean-up on {p.date_en()}: {names}. "
        f"Coordinator {p.person_en()} can be reached on {p.mobile()}."
    )


def web_en_rental(p: Pen) -> str:
    return (
        f"Room available in a shared flat at {p.address_en()}, {p.price_en()} per week, "
        f"bills included. Ask for {p.person_en()} ({p.email()})."
    )


def web_en_chat(p: Pen) -> str:
    return p.one_of(
        [
            lambda: (
                f"Anyone else find the new bus timetable confusing? Fares are now {p.price_en()}."
            ),
            lambda: f"The museum is free on {p.date_en()}. Worth a visit if you like old maps.",
            lambda: "Looking for book recommendations: something light for a long train ride.",
            lambda: f"My parcel {p.tracking_number()} has been 'in transit' for two weeks now.",
        ]
    )


def web_en_travel(p: Pen) -> str:
    if p.rng.random() < 0.5:
        return (
            f"Travel agent asked my colleague {p.person_en()} to email a scan of the Chinese "
            f"passport ({p.passport()}) of our guide. Is that normal? Agent: {p.email()}."
        )
    return (
        f"Hong Kong ID {p.hk_id()} was rejected by the booking form because of the brackets. "
        f"Support line {p.hotline_400()} said to drop them."
    )


WEB_ZH: list[tuple[Callable[[Pen], str], int]] = [
    (web_zh_secondhand, 14), (web_zh_rental, 10), (web_zh_recruit, 9), (web_zh_complaint, 9),
    (web_zh_lost, 6), (web_zh_carpool, 6), (web_zh_chat, 14), (web_zh_reunion, 5),
    (web_zh_travel, 6), (web_zh_tech, 5), (web_zh_notice, 6), (web_zh_tutor, 6),
    (web_zh_signup, 4),
]  # fmt: skip
WEB_EN: list[tuple[Callable[[Pen], str], int]] = [
    (web_en_classified, 4), (web_en_complaint, 3), (web_en_tech, 2), (web_en_event, 2),
    (web_en_rental, 2), (web_en_chat, 3), (web_en_travel, 2),
]  # fmt: skip


# ------------------------------------------------------------------------ support templates
# A ticket is written by its subject: the persona's own details recur across their tickets.


def _name(p: Pen, s: Persona) -> str:
    return p.put("person_zh" if s.lang == "zh" else "person_en", s.name)


def _addr(p: Pen, s: Persona) -> str:
    return p.address_zh(s.address) if s.lang == "zh" else p.address_en(s.address)


def t_zh_verify(p: Pen, s: Persona) -> str:
    assert s.resident_id
    return (
        f"实名认证一直失败，提示“证件信息不匹配”。\n我的姓名：{_name(p, s)}\n"
        f"身份证号：{p.resident_id(s.resident_id)}\n麻烦人工核实一下，谢谢。"
    )


def t_zh_refund(p: Pen, s: Persona) -> str:
    return (
        f"订单{p.order_number()}申请退款已经{p.rng.randrange(3, 20)}天了还没到账，"
        f"金额{p.price_zh()}。\n退款银行卡：{p.bank_card(s.bank_card)}（{_name(p, s)}）\n"
        f"请尽快处理，电话{p.mobile(s.mobile)}。"
    )


def t_zh_address(p: Pen, s: Persona) -> str:
    return (
        f"你好，我要修改订单{p.order_number()}的收货地址。\n"
        f"新地址：{_addr(p, s)}\n收件人：{_name(p, s)}，电话{p.mobile(s.mobile)}。"
    )


def t_zh_phone(p: Pen, s: Persona) -> str:
    return (
        f"原绑定手机号{p.mobile()}已停用，申请换绑到新号码{p.mobile(s.mobile)}。"
        f"账号邮箱是{p.put('email', s.email)}，请协助。"
    )


def t_zh_delivery(p: Pen, s: Persona) -> str:
    return (
        f"快递{p.tracking_number()}显示“已签收”，但我没有收到！\n"
        f"订单号：{p.order_number()}\n地址：{_addr(p, s)}\n"
        f"请核实是谁签收的。联系人{_name(p, s)}。"
    )


def t_zh_hacked(p: Pen, s: Persona) -> str:
    return (
        f"我的账号{p.put('email', s.email)}在{p.date_zh()}凌晨有异地登录记录，"
        f"登录IP {p.ip()}不是我本人。已修改密码，请帮忙冻结账号并排查。"
    )


def t_zh_invoice(p: Pen, s: Persona) -> str:
    place = s.place
    return (
        f"需要开具增值税专用发票：\n抬头：{p.zh_company(place[1])}\n"
        f"税号：{p.uscc(place)}\n电话：{p.landline(place)}\n"
        f"发票请发到邮箱{p.put('email', s.email)}，经办人{_name(p, s)}。"
    )


def t_zh_general(p: Pen, s: Persona) -> str:
    return p.one_of(
        [
            lambda: f"请问会员自动续费怎么取消？上个月扣了{p.price_zh()}。",
            lambda: f"APP一直闪退，版本号3.2.{p.rng.randrange(20)}，手机已经重启过了。",
            lambda: f"{p.date_zh()}的活动优惠券为什么用不了？",
            lambda: f"客服热线{p.hotline_400()}打不通，只能在这里留言。",
        ]
    )


def t_zh_minor(p: Pen, s: Persona) -> str:
    assert s.resident_id
    age = age_at(s.birth, REFERENCE_DATE)
    return (
        f"我是{_name(p, s)}，今年{age}岁，在上学。我用家里的手机给游戏充值了"
        f"{p.price_zh()}，爸爸说要退回来。\n我的身份证号是{p.resident_id(s.resident_id)}，"
        f"家长电话{p.mobile()}。"
    )


def t_zh_passport(p: Pen, s: Persona) -> str:
    return (
        f"预订的出境游需要补充护照信息：{_name(p, s)}，护照号{p.passport()}，"
        f"有效期至2031年。紧急联系人电话{p.mobile()}。"
    )


def t_zh_delete(p: Pen, s: Persona) -> str:
    return (
        f"本人{_name(p, s)}（手机{p.mobile(s.mobile)}）申请注销账号，"
        f"并删除我的全部个人信息，包括收货地址和聊天记录。请书面回复。"
    )


def t_en_password(p: Pen, s: Persona) -> str:
    return (
        f'Hi,\n\nI can\'t reset my password, the link in the email says "token expired". '
        f"My login is {p.put('email', s.email)}.\n\nThanks,\n{_name(p, s)}"
    )


def t_en_refund(p: Pen, s: Persona) -> str:
    return (
        f"Hello,\nOrder {p.order_number()} was cancelled on {p.date_en()} but the "
        f"{p.price_en()} has not been refunded to my card {p.bank_card(s.bank_card)}.\n"
        f"Regards,\n{_name(p, s)}"
    )


def t_en_address(p: Pen, s: Persona) -> str:
    return (
        f"Please update my shipping address to:\n{_addr(p, s)}\n"
        f'Phone: {p.mobile(s.mobile)}\nName on the parcel: "{_name(p, s)}"'
    )


def t_en_delivery(p: Pen, s: Persona) -> str:
    return (
        f'The item "{p.pick(PRODUCTS_EN)}" (order {p.order_number()}) arrived damaged.\n'
        f"Tracking {p.tracking_number()}. I attached photos. - {_name(p, s)}"
    )


def t_en_hacked(p: Pen, s: Persona) -> str:
    return (
        f"Someone logged into my account {p.put('email', s.email)} from {p.ip()} on "
        f"{p.date_en()}. That was not me. Please lock the account."
    )


def t_en_invoice(p: Pen, s: Persona) -> str:
    return (
        f'Could you re-issue the invoice to "{p.en_company()}"?\n'
        f"Billing contact: {_name(p, s)}, {p.put('email', s.email)}, {p.mobile(s.mobile)}."
    )


def t_en_delete(p: Pen, s: Persona) -> str:
    return (
        f"Dear support,\n\nI withdraw my consent and ask you to delete all personal data you "
        f"hold about me ({_name(p, s)}, {p.put('email', s.email)}).\n\nKind regards"
    )


def t_en_travel(p: Pen, s: Persona) -> str:
    if p.rng.random() < 0.5:
        return f"Booking for {_name(p, s)}: Hong Kong ID {p.hk_id()}, arriving {p.date_en()}."
    return f"Passport number for the visa letter: {p.passport()} ({_name(p, s)})."


def t_en_general(p: Pen, s: Persona) -> str:
    return p.one_of(
        [
            lambda: f"How do I cancel the annual plan? I was charged {p.price_en()} yesterday.",
            lambda: (
                'The app crashes when I open the settings page.\nSteps: open app, tap "Settings".'
            ),
            lambda: f"Is the sale on {p.date_en()} also valid in the app?",
        ]
    )


TicketTemplate = Callable[[Pen, Persona], str]
TICKETS_ZH: list[tuple[TicketTemplate, int]] = [
    (t_zh_verify, 10), (t_zh_refund, 12), (t_zh_address, 12), (t_zh_phone, 8),
    (t_zh_delivery, 10), (t_zh_hacked, 6), (t_zh_invoice, 6), (t_zh_general, 14),
    (t_zh_passport, 4), (t_zh_delete, 4),
]  # fmt: skip
TICKETS_EN: list[tuple[TicketTemplate, int]] = [
    (t_en_password, 10), (t_en_refund, 10), (t_en_address, 12), (t_en_delivery, 10),
    (t_en_hacked, 6), (t_en_invoice, 6), (t_en_delete, 4), (t_en_travel, 4), (t_en_general, 12),
]  # fmt: skip


# ------------------------------------------------------------------------------- open news
# Articles are assembled from opener + core + tail fragments so long texts do not repeat whole
# sentences; people in them are a small cast of fictional public figures.

EN_TOPICS = [
    ("{city} council approves {thing}", ["the new tram line", "the riverside park plan",
     "the library renovation", "a cycle lane network"], "{city} City Council", "council leader"),
    ("{company} reports a strong quarter", ["its battery division", "the cloud platform",
     "a new logistics hub", "the export business"], "{company}", "chief executive"),
    ("Researchers study {thing}", ["coastal erosion", "drought-resistant rice",
     "urban heat islands", "wetland birds"], "the University of {city}", "lead researcher"),
    ("{city} Rovers end the season with {thing}", ["a home win", "a narrow defeat",
     "a cup final", "a new stadium deal"], "{city} Rovers Football Club", "head coach"),
    ("Festival brings {thing} to {city}", ["street theatre", "a lantern parade",
     "jazz concerts", "a food market"], "the {city} Arts Trust", "festival director"),
]  # fmt: skip
EN_OPENERS = [
    "", "", "", "Meanwhile, ", "According to {org}, ", "On {date}, ", "In a statement, ",
    "Earlier this year, ", "By contrast, ", "For now, ", "As expected, ",
]  # fmt: skip
EN_CORES = [
    "{person}, the {role}, said work on {thing} would continue into {year}.",
    "the decision follows {num} months of public consultation in {city}.",
    "critics argued that {thing} had been planned without enough input from residents.",
    "\"We have listened carefully,\" {person} told reporters.",
    "figures published by {org} show a rise of {pct} per cent on last year.",
    "local businesses expect {thing} to bring more visitors to the old town.",
    "the budget for {thing} was set at {money}.",
    "a spokesperson for {org} declined to comment on the timetable.",
    "{person}, who has lived in {city} for {num} years, welcomed the news.",
    "historians note that {city} first appeared in tax records in {old_year}.",
    "the {role} admitted that {thing} had run {num} weeks behind schedule.",
    "opposition members asked for an independent review of {thing}.",
    "school groups will be invited to visit {thing} free of charge.",
    "{num} jobs are expected to be created over the next two years.",
    "weather delayed part of the work, {person} said.",
    "the plan was first proposed by {person} in {old_year2}.",
    "some residents remain sceptical about the cost of {thing}.",
    "the regional newspaper ran a series of letters both for and against {thing}.",
    "{org} said it would publish quarterly progress reports.",
    "a second phase, covering the northern districts, is still under discussion.",
    "volunteers planted {num} trees along the approach road.",
    "the {role} thanked staff who had worked through the winter.",
    "energy use at the site fell by {pct} per cent after new insulation was fitted.",
    "a small exhibition about {thing} opens at the town hall next month.",
    "economists at {org} expect growth of {pct} per cent next year.",
    "ticket prices will stay at {ticket} for the rest of the season.",
    "the archive holds letters and photographs from {old_year} onwards.",
    "farmers in the valley reported an early harvest and lower costs.",
    "rail links to the coast were improved in {old_year2}.",
    "{person} described {thing} as \"a test of what a small city can do\".",
]  # fmt: skip
EN_TAILS = [
    "", "", "", "", "", "",
    " The figures will be reviewed in {month}.", " Further details are expected soon.",
    " The council meets again in {month}.", " Both sides agreed to keep talking.",
]  # fmt: skip
ZH_TOPICS = [
    ("{city}启动{thing}", ["老旧小区改造", "地铁延长线建设", "滨江公园提升工程", "社区食堂试点"],
     "{city}人民政府", "副市长"),
    ("{company}发布年度业绩", ["新能源电池业务", "跨境电商平台", "智能仓储项目", "海外市场"],
     "{company}", "董事长"),
    ("科研团队在{thing}研究上取得进展", ["盐碱地水稻", "城市内涝预警", "候鸟迁徙", "古籍修复"],
     "{city}大学", "首席科学家"),
    ("{city}文化节开幕", ["非遗展演", "灯会", "民乐音乐会", "美食市集"], "{city}文化和旅游局",
     "局长"),
]  # fmt: skip
ZH_OPENERS = ["", "", "", "据悉，", "记者了解到，", "{date}，", "与此同时，", "此外，", "目前，"]
ZH_CORES = [
    "{role}{person}表示，{thing}将于{year}年全面完成。",
    "该项目前期共征求了{num}位市民的意见。",
    "也有市民认为，{thing}的规划应当更加公开透明。",
    "“我们会认真听取各方建议。”{person}在发布会上说。",
    "{org}公布的数据显示，相关指标同比增长{pct}%。",
    "周边商户普遍期待{thing}带来更多客流。",
    "{thing}总投资约{money}。",
    "{org}有关负责人表示，具体时间表仍在研究中。",
    "在{city}生活了{num}年的{person}对此表示欢迎。",
    "史料记载，{city}早在{old_year}年就已设县。",
    "{role}坦言，{thing}进度比原计划推迟了{num}周。",
    "部分代表建议对{thing}开展第三方评估。",
    "中小学生可以免费参观{thing}。",
    "预计未来两年将新增就业岗位{num}个。",
    "受天气影响，部分工程有所延误。",
    "该方案最早由{person}于{old_year2}年提出。",
    "{org}表示将按季度公开项目进展。",
    "二期工程覆盖北部片区，目前仍在论证。",
    "志愿者在沿线种植了{num}棵树。",
    "改造完成后，能耗下降了{pct}%。",
    "关于{thing}的小型展览下月在市民中心开幕。",
    "门票价格维持在{ticket}不变。",
    "{person}形容{thing}是“一座小城的大考”。",
    "当地农户反映今年收成较早，成本有所下降。",
]  # fmt: skip
ZH_TAILS = [
    "",
    "",
    "",
    "",
    "",
    "",
    "相关数据将于{month}复核。",
    "具体细节有待进一步公布。",
    "双方同意继续沟通。",
]
CITIES_EN = ["Ashford", "Lakemont", "Bramwell", "Eastbourne Vale", "Kingsbridge", "Millbrook"]
CITIES_ZH = ["临江", "青州", "云泽", "南屏", "白鹭", "安澜"]


@dataclass(frozen=True)
class Figure:
    """A fictional public figure who recurs across news articles."""

    name: str
    lang: str


def _fill(p: Pen, template: str, slots: dict[str, Callable[[], str]]) -> str:
    """Format a template, drawing each slot's value only when the template uses it (in order)."""
    out, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        out.append(head)
        out.append(slots[key]())
    out.append(rest)
    return "".join(out)


def news_article(p: Pen, lang: str, figures: list[Figure]) -> tuple[str, str]:
    """(title, text) of one article or encyclopedia-style entry."""
    zh = lang == "zh"
    title_t, things, org_t, role = p.pick(ZH_TOPICS if zh else EN_TOPICS)
    city = p.pick(CITIES_ZH if zh else CITIES_EN)
    company = p.zh_company(city) if zh else p.en_company()
    thing = p.pick(things)
    org = org_t.format(city=city, company=company)
    cast = [f for f in figures if f.lang == lang]
    people = [p.pick(cast).name for _ in range(3)]
    kind = "person_zh" if zh else "person_en"
    slots: dict[str, Callable[[], str]] = {
        "person": lambda: p.put(kind, p.pick(people)),
        "role": lambda: role,
        "org": lambda: org,
        "thing": lambda: thing,
        "city": lambda: city,
        "company": lambda: company,
        "num": lambda: str(p.rng.randrange(3, 400)),
        "pct": lambda: f"{p.rng.randrange(1, 30)}.{p.rng.randrange(10)}",
        "year": lambda: str(p.rng.randrange(2026, 2031)),
        "old_year": lambda: str(p.rng.randrange(1100, 1800)),
        "old_year2": lambda: str(p.rng.randrange(1990, 2020)),
        "month": lambda: p.pick(["3月", "6月", "9月", "12月"] if zh else ["March", "June", "May"]),
        "date": p.date_zh if zh else p.date_en,
        "ticket": (lambda: p.price_zh(20, 200)) if zh else (lambda: p.price_en()),
        "money": (lambda: f"{p.rng.randrange(2, 90)}亿元")
        if zh
        else (lambda: f"${p.rng.randrange(2, 900)} million"),
    }
    title = _fill(p, title_t, slots)
    openers, cores, tails = (
        (ZH_OPENERS, ZH_CORES, ZH_TAILS) if zh else (EN_OPENERS, EN_CORES, EN_TAILS)
    )
    roll = p.rng.random()
    n_paragraphs = (
        p.rng.randrange(3, 8)
        if roll < 0.7
        else p.rng.randrange(9, 16)
        if roll < 0.9
        else p.rng.randrange(18, 30)
    )
    paragraphs = []
    for _ in range(n_paragraphs):
        sentences = []
        for _ in range(p.rng.randrange(2, 6)):
            opener = _fill(p, p.pick(openers), slots)
            core_t = p.pick(cores)
            if not opener and not zh:
                core_t = core_t[0].upper() + core_t[1:]
            sentences.append(opener + _fill(p, core_t, slots) + _fill(p, p.pick(tails), slots))
        paragraphs.append(("" if zh else " ").join(sentences))
    if p.rng.random() < 0.15:  # the few articles with a press contact
        if zh:
            paragraphs.append(
                f"媒体联系：{p.person_zh()}，电话{p.landline()}，邮箱{p.email()}。"
                f"读者热线{p.hotline_400()}。"
            )
        else:
            paragraphs.append(
                f"Media enquiries: {p.person_en()}, press office, {p.email()}, "
                f"tel. {p.landline(style='paren')}."
            )
    elif zh and p.rng.random() < 0.1:
        paragraphs.append(f"企业信息：{company}，统一社会信用代码{p.uscc()}。")
    return title, "\n\n".join(paragraphs)


# ------------------------------------------------------------------------------- dialogues


def dialogue_zh(p: Pen) -> str:
    kind = p.rng.randrange(5)
    if kind == 0:
        turns = [
            f"用户：我想把订单{p.order_number()}的收货地址改一下。",
            "助手：好的，请告诉我新的地址和联系电话。",
            f"用户：{p.address_zh()}，电话{p.mobile()}，收件人{p.person_zh()}。",
            "助手：已为您修改，预计两天内发货。",
        ]
    elif kind == 1:
        turns = [
            "用户：帮我预约下周三上午的内科门诊。",
            "助手：请提供就诊人姓名和身份证号。",
            f"用户：{p.person_zh()}，{p.resident_id()}。",
            f"助手：已预约成功，如需取消请拨打{p.hotline_400()}。",
        ]
    elif kind == 2:
        turns = [
            "用户：一元二次方程怎么判断有几个实数根？",
            "助手：看判别式，大于零有两个不等实根，等于零有两个相等实根，小于零没有实根。",
            "用户：明白了，谢谢！",
        ]
    elif kind == 3:
        turns = [
            f"用户：我的银行卡{p.bank_card()}被冻结了，怎么办？",
            f"助手：建议您携带身份证到柜台办理，或拨打银行客服{p.hotline(['95588'])}。",
            "用户：好的。",
        ]
    else:
        turns = [
            "用户：推荐一道简单的家常菜。",
            f"助手：番茄炒蛋：鸡蛋三个，番茄两个，大约花费{p.price_zh(8, 20)}。",
            "用户：要放糖吗？",
            "助手：可以放少许糖提鲜。",
        ]
    return "\n".join(turns)


def dialogue_en(p: Pen) -> str:
    kind = p.rng.randrange(4)
    if kind == 0:
        turns = [
            f"User: Please send the invoice for order {p.order_number()} to {p.email()}.",
            "Assistant: Sure. Should the invoice show a company name?",
            f"User: Yes, {p.en_company()}, attention {p.person_en()}.",
            "Assistant: Done, the invoice is on its way.",
        ]
    elif kind == 1:
        turns = [
            "User: I need to update my delivery address.",
            "Assistant: Of course. What is the new address?",
            f"User: {p.address_en()}. My phone is {p.mobile()}.",
            "Assistant: Updated. You will get a confirmation text.",
        ]
    elif kind == 2:
        turns = [
            "User: What is the difference between weather and climate?",
            "Assistant: Weather is the state of the atmosphere over hours or days; "
            "climate is the average over decades.",
        ]
    else:
        turns = [
            f"User: My flight on {p.date_en()} was cancelled. Passport {p.passport()}.",
            "Assistant: I have found your booking and rebooked you on the next morning flight.",
            "User: Thank you.",
        ]
    return "\n".join(turns)


# ----------------------------------------------------------------------------------- notes


def note_files(p: Pen) -> list[tuple[str, Callable[[], str]]]:
    """(file name, text builder) for the plain-text documents, one document per file."""

    def meeting() -> str:
        attendees = "、".join(p.person_zh() for _ in range(4))
        return (
            f"项目周会纪要\n时间：{p.date_zh()} 14:00\n参会人：{attendees}\n\n"
            f"1. 供应商{p.zh_company('杭州')}的资质已审核，统一社会信用代码{p.uscc()}。\n"
            f"2. 客户现场联系人{p.person_zh()}，手机{p.mobile()}，座机{p.landline()}。\n"
            f"3. 下次会议改到线上，会议号在群里通知。\n"
        )

    def onboarding() -> str:
        return (
            f"New hire onboarding / 入职登记\n\nName / 姓名: {p.person_zh()}\n"
            f"ID / 身份证号: {p.resident_id()}\nPayroll card / 工资卡: {p.bank_card()}\n"
            f"Mobile / 手机: {p.mobile()}\nE-mail: {p.email()}\n"
            f"Home address / 住址: {p.address_zh()}\n"
            f"Emergency contact / 紧急联系人: {p.person_zh()} {p.mobile()}\n"
        )

    def contacts() -> str:
        rows = [f"{p.person_en()}\t{p.email()}\t{p.mobile()}" for _ in range(4)]
        rows += [f"{p.person_zh()}\t{p.email()}\t{p.mobile()}" for _ in range(4)]
        return "Contact list (volunteers)\n" + "\n".join(rows) + "\n"

    def letter() -> str:
        return (
            f"{p.address_en()}\n{p.date_en()}\n\nDear {p.person_en()},\n\n"
            f"The boiler in the flat has not worked since last week. I called the repair "
            f"line {p.hotline_400()} twice. Please arrange a visit; I am home after 6 pm and "
            f"can be reached at {p.mobile()}.\n\nYours sincerely,\n{p.person_en()}\n"
        )

    def visitors() -> str:
        rows = [
            f"{p.date_zh()}  {p.person_zh()}  车牌 {p.plate()}  访客WiFi IP {p.ip()}"
            for _ in range(5)
        ]
        return "园区访客登记（门岗）\n" + "\n".join(rows) + "\n"

    def vendor() -> str:
        place = p.pick(CN_PLACES)
        return (
            f"供应商登记表\n单位名称：{p.zh_company(place[1])}\n"
            f"统一社会信用代码：{p.uscc(place)}\n注册地址：{p.address_zh()}\n"
            f"对公电话：{p.landline(place, 'ext_zh')}\n法定代表人：{p.person_zh()}\n"
            f"开户账号：{p.bank_card()}\n客服电话：{p.hotline_400()}\n"
        )

    def itinerary() -> str:
        return (
            f"Trip to Hong Kong and Taipei / 行程单\n\n"
            f"{p.person_zh()}: passport {p.passport()}\n"
            f"{p.person_zh()}: 香港身份证 {p.hk_id()}\n"
            f"{p.person_zh()}: 台湾身份证 {p.tw_id()}\n"
            f"Hotel booking under {p.email()}, arrival {p.date_en()}.\n"
        )

    return [
        ("meeting-minutes.txt", meeting),
        ("onboarding-form.txt", onboarding),
        ("volunteer-contacts.txt", contacts),
        ("letter-to-landlord.txt", letter),
        ("visitor-log.txt", visitors),
        ("vendor-registration.txt", vendor),
        ("travel-itinerary.txt", itinerary),
    ]


# -------------------------------------------------------------------------------- assembly

WEB_PART_LINES = 450
WEB_BROKEN = {5: "json_parse_error", 12: "missing_text", 23: "invalid_utf8", 37: "empty_text",
              51: "wrong_type", 64: "wrong_type"}  # fmt: skip
TICKET_FILES = 2
TICKETS_PER_FILE = 300
SUBJECTS = 300
MINORS = 6
NEWS_ROWS = 400
NEWS_NULL_TEXT_ROW = 250  # 0-based, in the second row group
NEWS_ROW_GROUP = 200
DIALOGUES = 200
DIALOGUE_CONTROL_CHARS_LINE = 77  # NUL and other controls: valid after normalization
DIALOGUE_ONLY_CONTROLS_LINE = 150  # empty after normalization
BAD_UTF8_MARKER = "@@TDG-BAD-UTF8@@"
BAD_UTF8_BYTES = b"\xe4\xb8 \xff\xfe"  # a truncated CJK sequence and two stray bytes
CSV_COLUMNS = ["ticket_id", "subject_id", "consent_ref", "lang", "created_at", "channel", "body"]
SOURCE_FIELDS: dict[str, dict[str, Any]] = {
    "web_zh": {"text": "text", "language": "lang", "robots": "robots",
               "metadata": ["url", "fetched_at"]},
    "support": {"text": "body", "id": "ticket_id", "subject_id": "subject_id", "language": "lang",
                "metadata": ["consent_ref", "created_at", "channel"]},
    "open_news": {"text": "text", "id": "doc_id", "language": "lang",
                  "metadata": ["title", "published"]},
    "synthetic": {"text": "text", "id": "id", "language": "lang",
                  "metadata": ["generator", "generated_at"]},
    "notes": {"text": "text"},
}  # fmt: skip


@dataclass
class Corpus:
    """Everything the generator writes, in memory, plus what it planted where."""

    files: dict[str, bytes] = field(default_factory=dict)  # path relative to the corpus dir
    planted: list[Planted] = field(default_factory=list)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)  # (uri_suffix, offset)
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # source -> file -> rows
    languages: dict[str, Counter[str]] = field(default_factory=dict)
    broken: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    normalized: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    erasure: dict[str, Any] = field(default_factory=dict)
    optout_records: list[dict[str, Any]] = field(default_factory=list)

    def place(
        self, source: str, uri: str, offset: int, text: str, lang: str | None, found: list[Planted]
    ) -> None:
        self.texts[(uri, offset)] = text
        if lang:
            self.languages.setdefault(source, Counter())[lang] += 1
        for f in found:
            self.planted.append(Planted(f.kind, f.value, f.surface, f.style, source, uri, offset))

    def mark_broken(self, source: str, uri: str, offset: int, reason: str, **extra: Any) -> None:
        entry = {"uri_suffix": uri, "offset": offset, "reason_code": reason, **extra}
        self.broken.setdefault(source, []).append(entry)


def _timestamp(p: Pen, year: int, zone: str) -> str:
    d = date(year, 1, 1) + timedelta(days=p.rng.randrange(300))
    t = p.rng.randrange(86400)
    return f"{d.isoformat()}T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}{zone}"


def _json_line(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def make_personas(p: Pen) -> list[Persona]:
    minors = set(p.rng.sample([i for i in range(SUBJECTS) if i != 41], MINORS))
    personas = []
    for i in range(SUBJECTS):
        subject_id = f"subj-{i + 1:04d}"
        zh = i == 41 or i in minors or p.rng.random() < 0.55
        male = p.rng.random() < 0.5
        birth = p.birth_date(minor=i in minors)
        place = p.pick(CN_PLACES)
        consent = None if (p.rng.random() < 0.25 or i in minors) else f"cons-{i + 1:04d}"
        if zh:
            name, given, handle = p.zh_name_parts()
            personas.append(
                Persona(
                    subject_id, "zh", name, given, male, birth, place, p.mobile_value(),
                    p.email_value(handle), p.resident_id_value(place[3], birth, male),
                    p.bank_card_value(), p.zh_address_value(place), consent,
                )
            )  # fmt: skip
        else:
            name, given, handle = p.en_name_parts()
            city = p.pick(EN_CITIES)
            personas.append(
                Persona(
                    subject_id, "en", name, given, male, birth, place, p.mobile_value(),
                    p.email_value(handle), None, p.bank_card_value(), p.en_address_value(city),
                    consent, city,
                )
            )  # fmt: skip
    return personas


def _weighted_template(p: Pen, options: list[tuple[Any, int]]) -> Any:
    return p.rng.choices([t for t, _ in options], weights=[w for _, w in options])[0]


def build_support(p: Pen, corpus: Corpus, personas: list[Persona]) -> None:
    counts = [1] * SUBJECTS
    counts[41] = 3  # the erasure subject: three tickets carrying the designated number
    for _ in range(TICKET_FILES * TICKETS_PER_FILE - sum(counts)):
        counts[p.rng.choice([i for i in range(SUBJECTS) if i != 41])] += 1
    owners = [i for i, c in enumerate(counts) for _ in range(c)]
    p.rng.shuffle(owners)
    times = sorted(_timestamp(p, 2025, "+08:00") for _ in owners)
    minors = {i for i, s in enumerate(personas) if age_at(s.birth, REFERENCE_DATE) < 14}

    def avoid(row: int) -> int:  # broken rows must not hide a fixture the tests rely on
        while owners[row - 1] == 41 or owners[row - 1] in minors or counts[owners[row - 1]] < 2:
            row += 1
        return row

    broken_rows = {avoid(17): "empty_text", avoid(58): "invalid_utf8"}
    first_ticket_seen: set[int] = set()
    erasure_styles = iter(["plain", "dashed", "intl"])
    ticket_ids: dict[int, list[str]] = {}
    ticket_kinds: dict[int, set[str]] = {}
    for f in range(TICKET_FILES):
        uri = f"support/tickets-{f:04d}.csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in range(1, TICKETS_PER_FILE + 1):
            n = f * TICKETS_PER_FILE + row
            owner = owners[n - 1]
            s = personas[owner]
            ticket_id = f"T-{n:06d}"
            ticket_ids.setdefault(owner, []).append(ticket_id)
            channel = p.pick(
                ["email", "web", "app", "phone", "wechat"]
                if s.lang == "zh"
                else ["email", "web", "app", "phone"]
            )
            if f == 0 and row in broken_rows:
                reason = broken_rows[row]
                body = (
                    ""
                    if reason == "empty_text"
                    else f"Order problem {BAD_UTF8_MARKER} see attachment"
                )
                corpus.mark_broken("support", uri, row, reason, record_id=ticket_id)
                found: list[Planted] = []
            else:
                if owner == 41:
                    style = next(erasure_styles)
                    body = p.pick([t_zh_address, t_zh_refund, t_zh_delete])(p, s)
                    found = p.take()
                    # Re-plant the designated number in a fixed style for the erasure fixture.
                    body = _restyle_mobile(p, body, found, s.mobile, style)
                elif owner in minors and owner not in first_ticket_seen:
                    body = t_zh_minor(p, s)
                elif s.lang == "zh" and owner not in first_ticket_seen and p.rng.random() < 0.3:
                    body = t_zh_verify(p, s)
                else:
                    body = _weighted_template(p, TICKETS_ZH if s.lang == "zh" else TICKETS_EN)(p, s)
                if owner != 41:
                    found = p.take()
                first_ticket_seen.add(owner)
                corpus.place("support", uri, row, body, s.lang, found)
                ticket_kinds.setdefault(owner, set()).update(x.kind for x in found)
            writer.writerow(
                [ticket_id, s.subject_id, s.consent_ref or "", s.lang, times[n - 1], channel, body]
            )
        data = buffer.getvalue().encode("utf-8")
        data = data.replace(BAD_UTF8_MARKER.encode(), BAD_UTF8_BYTES)
        corpus.files[uri] = data
        corpus.rows.setdefault("support", {})[uri] = TICKETS_PER_FILE
    sensitive_entities = {"CN_RESIDENT_ID", "CREDIT_CARD", "CN_PASSPORT", "HK_ID", "TW_ID"}
    for i, s in enumerate(personas):
        kinds = ticket_kinds.get(i, set())
        age = age_at(s.birth, REFERENCE_DATE)
        corpus.subjects.append(
            {
                "subject_id": s.subject_id,
                "lang": s.lang,
                "ticket_ids": ticket_ids[i],
                "consent_ref": s.consent_ref,
                "is_minor": age < 14,
                "age_at_reference_date": age
                if s.resident_id and "cn_resident_id" in kinds
                else None,
                "has_sensitive": bool(kinds & {"cn_resident_id", "cn_bank_card"}),
                "sensitive_kinds": sorted(
                    k for k in kinds if KIND_ENTITY.get(k) in sensitive_entities
                ),
            }
        )


def _restyle_mobile(p: Pen, body: str, found: list[Planted], number: str, style: str) -> str:
    """Rewrite the planted surface of `number` in `body` into `style` (and its Planted entry)."""
    for i, f in enumerate(found):
        if f.kind == "cn_mobile" and f.value == number:
            new = p.mobile(number, style)
            found[i] = p.take()[0]
            return body.replace(f.surface, new, 1)
    raise AssertionError("designated number not planted")


def web_record_erasure(p: Pen, s: Persona, style: str) -> str:
    return (
        f"出闲置{p.pick(PRODUCTS_ZH)}，八成新，{p.price_zh()}，同城自提。"
        f"联系人{p.put('person_zh', s.name)}，电话{p.mobile(s.mobile, style)}，"
        f"地址{p.address_zh(s.address)}附近。"
    )


def build_web(p: Pen, corpus: Corpus, personas: list[Persona]) -> None:
    positions = [(part, line) for part in range(2) for line in range(1, WEB_PART_LINES + 1)]
    normal = [pos for pos in positions if not (pos[0] == 0 and pos[1] in WEB_BROKEN)]
    special = p.rng.sample(normal, 12)
    optout, erasure = set(special[:10]), dict(zip(special[10:], ["spaced", "plain"], strict=True))
    s42 = personas[41]
    corpus.erasure = {"occurrences": []}
    for part in range(2):
        uri = f"web_zh/part-{part:04d}.jsonl.gz"
        lines: list[bytes] = []
        for line in range(1, WEB_PART_LINES + 1):
            thread = f"{p.rng.randrange(10**7):07d}"
            fetched = _timestamp(p, 2025, "Z")
            if part == 0 and line in WEB_BROKEN:
                lines.append(_broken_web_line(WEB_BROKEN[line], line, thread, fetched))
                corpus.mark_broken("web_zh", uri, line, WEB_BROKEN[line])
                continue
            lang = "en" if p.rng.random() < 0.2 else "zh"
            if (part, line) in erasure:
                lang, host = "zh", "ershou.market.example"
                text = web_record_erasure(p, s42, erasure[(part, line)])
            else:
                if (part, line) in optout:
                    host = OPTOUT_HOST
                else:
                    host = p.pick(WEB_HOSTS_EN if lang == "en" else WEB_HOSTS_ZH)
                text = _weighted_template(p, WEB_EN if lang == "en" else WEB_ZH)(p)
            url = f"https://{host}/thread/{thread}.html"
            if (part, line) in optout:
                corpus.optout_records.append({"uri_suffix": uri, "offset": line, "url": url})
            found = p.take()
            if (part, line) in erasure:
                corpus.erasure["occurrences"].append(
                    {"source_id": "web_zh", "uri_suffix": uri, "offset": line,
                     "style": erasure[(part, line)]}
                )  # fmt: skip
            corpus.place("web_zh", uri, line, text, lang, found)
            obj = {
                "url": url,
                "fetched_at": fetched,
                "robots": "allowed",
                "lang": lang,
                "text": text,
            }
            lines.append(_json_line(obj))
        corpus.files[uri] = _gzip(b"\n".join(lines) + b"\n")
        corpus.rows.setdefault("web_zh", {})[uri] = WEB_PART_LINES


def _broken_web_line(reason: str, line: int, thread: str, fetched: str) -> bytes:
    url = f"https://bbs.linli.example/thread/{thread}.html"
    head = {"url": url, "fetched_at": fetched, "robots": "allowed", "lang": "zh"}
    if reason == "json_parse_error":
        full = json.dumps({**head, "text": "这条帖子在抓取时被截断了"}, ensure_ascii=False)
        return full[:-6].encode("utf-8")  # cut inside the string: unterminated JSON
    if reason == "missing_text":
        return _json_line({**head, "content": "这一行把正文放在了别的字段里。"})
    if reason == "invalid_utf8":
        return _json_line({**head, "text": f"乱码帖子 {BAD_UTF8_MARKER} 结束"}).replace(
            BAD_UTF8_MARKER.encode(), BAD_UTF8_BYTES
        )
    if reason == "empty_text":
        return _json_line({**head, "text": "  \t  "})
    if line == 51:
        return _json_line({**head, "text": 12345})
    return _json_line([url, "zh", "a JSON list instead of an object"])


def build_news(p: Pen, corpus: Corpus) -> None:
    figures = [Figure(p.en_name_parts()[0], "en") for _ in range(14)]
    figures += [Figure(p.zh_name_parts()[0], "zh") for _ in range(10)]
    uri = "open_news/news-0000.parquet"
    columns: dict[str, list[str | None]] = {
        k: [] for k in ("doc_id", "title", "text", "lang", "published")
    }
    for i in range(NEWS_ROWS):
        lang = "zh" if p.rng.random() < 0.3 else "en"
        title, text = news_article(p, lang, figures)
        published = (date(2024, 1, 1) + timedelta(days=p.rng.randrange(640))).isoformat()
        found = p.take()
        if i == NEWS_NULL_TEXT_ROW:
            text_value: str | None = None
            found = []
            corpus.mark_broken("open_news", uri, i, "missing_text", record_id=f"news-{i + 1:04d}")
        else:
            text_value = text
            corpus.place("open_news", uri, i, text, lang, found)
        for k, v in (
            ("doc_id", f"news-{i + 1:04d}"),
            ("title", title),
            ("text", text_value),
            ("lang", lang),
            ("published", published),
        ):
            columns[k].append(v)
    schema = pa.schema([(k, pa.string()) for k in columns])
    table = pa.table(columns, schema=schema)
    sink = io.BytesIO()
    pq.write_table(
        table, sink, row_group_size=NEWS_ROW_GROUP, compression="zstd", compression_level=9,
        use_dictionary=True, write_statistics=True, version="2.6", data_page_version="1.0",
    )  # fmt: skip
    corpus.files[uri] = sink.getvalue()
    corpus.rows["open_news"] = {uri: NEWS_ROWS}


def build_dialogues(p: Pen, corpus: Corpus) -> None:
    uri = "synthetic/dialogues.jsonl"
    lines = []
    for line in range(1, DIALOGUES + 1):
        lang = "zh" if p.rng.random() < 0.5 else "en"
        text = dialogue_zh(p) if lang == "zh" else dialogue_en(p)
        found = p.take()
        if line == DIALOGUE_CONTROL_CHARS_LINE:
            text = "\x00" + text.replace("\n", "\x07\n", 1) + "\x1b[0m\x0c"
            corpus.normalized.append(
                {
                    "uri_suffix": uri,
                    "offset": line,
                    "note": "NUL, BEL, ESC and FF removed by normalize",
                }
            )
        if line == DIALOGUE_ONLY_CONTROLS_LINE:
            text, found = "\x00\x01\x02\x1b\x7f\x0c", []
            corpus.mark_broken("synthetic", uri, line, "empty_text", record_id=f"dlg-{line:04d}")
        else:
            corpus.place("synthetic", uri, line, text, lang, found)
        generated_at = f"2026-09-{1 + line % 28:02d}T{line % 24:02d}:00:00Z"
        obj = {
            "id": f"dlg-{line:04d}",
            "text": text,
            "lang": lang,
            "generator": GENERATOR,
            "generated_at": generated_at,
        }
        lines.append(_json_line(obj))
    corpus.files[uri] = b"\n".join(lines) + b"\n"
    corpus.rows["synthetic"] = {uri: DIALOGUES}


def build_notes(p: Pen, corpus: Corpus) -> None:
    corpus.rows["notes"] = {}
    for name, build in note_files(p):
        uri = f"notes/{name}"
        text = build()
        corpus.place("notes", uri, 0, text, None, p.take())
        han = sum("\u4e00" <= c <= "\u9fff" for c in text)
        corpus.languages.setdefault("notes", Counter())["zh" if han > len(text) / 10 else "en"] += 1
        corpus.files[uri] = text.encode("utf-8")
        corpus.rows["notes"][uri] = 1


def build_corpus() -> Corpus:
    """The whole sample corpus in memory; the same bytes on every call."""
    p = Pen(random.Random(SEED))
    corpus = Corpus()
    personas = make_personas(p)
    build_support(p, corpus, personas)
    build_web(p, corpus, personas)
    build_news(p, corpus)
    build_dialogues(p, corpus)
    build_notes(p, corpus)
    s42 = personas[41]
    corpus.erasure["occurrences"] = [
        {"source_id": x.source_id, "uri_suffix": x.uri_suffix, "offset": x.offset, "style": x.style}
        for x in corpus.planted
        if x.kind == "cn_mobile" and x.value == s42.mobile
    ]
    corpus.erasure = {
        "note": "SYNTHETIC test fixture: this number was generated by samples/generate.py and "
        "belongs to no real person. Stored in plain text on purpose, for the erasure test.",
        "subject_id": ERASURE_SUBJECT,
        "identifier_kind": "cn_mobile",
        "entity_type": "PHONE_NUMBER",
        "value": s42.mobile,
        "occurrences": corpus.erasure["occurrences"],
    }
    corpus.files["expected.json"] = _pretty(expected_facts(corpus))
    corpus.files["subjects.json"] = _pretty(
        {
            "note": "SYNTHETIC subjects of the support source, generated by samples/generate.py.",
            "reference_date": REFERENCE_DATE.isoformat(),
            "subjects": corpus.subjects,
        }
    )
    corpus.files["erasure_fixture.json"] = _pretty(corpus.erasure)
    return corpus


def _pretty(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def expected_facts(corpus: Corpus) -> dict[str, Any]:
    formats = {
        "web_zh": "jsonl",
        "support": "csv",
        "open_news": "parquet",
        "synthetic": "jsonl",
        "notes": "text",
    }
    sources = {}
    for source_id, files in corpus.rows.items():
        broken = corpus.broken.get(source_id, [])
        sources[source_id] = {
            "format": formats[source_id],
            "compression": "gzip" if source_id == "web_zh" else None,
            "fields": SOURCE_FIELDS[source_id],
            "files": files,
            "rows": sum(files.values()),
            "valid_rows": sum(files.values()) - len(broken),
            "languages": dict(sorted(corpus.languages.get(source_id, Counter()).items())),
            "broken": broken,
        }
    planted: dict[str, dict[str, Any]] = {}
    benign: Counter[str] = Counter()
    for x in corpus.planted:
        if x.kind not in KIND_ENTITY:
            benign[x.kind] += 1
            continue
        entry = planted.setdefault(
            x.kind,
            {
                "entity_type": KIND_ENTITY[x.kind],
                "count": 0,
                "by_source": Counter(),
                "styles": Counter(),
            },
        )
        entry["count"] += 1
        entry["by_source"][x.source_id] += 1
        entry["styles"][x.style] += 1
    for entry in planted.values():
        entry["by_source"] = dict(sorted(entry["by_source"].items()))
        entry["styles"] = dict(sorted(entry["styles"].items()))
    return {
        "note": "All personal data in this corpus is SYNTHETIC, generated by samples/generate.py.",
        "generator": GENERATOR,
        "seed": SEED,
        "total_rows": sum(s["rows"] for s in sources.values()),
        "offset_convention": {
            "jsonl": "1-based physical line number",
            "csv": "1-based data-row number, header excluded",
            "parquet": "0-based row index in the file",
            "text": "0 (one document per file)",
        },
        "sources": sources,
        "normalized_rows": corpus.normalized,
        "planted_identifiers": dict(sorted(planted.items())),
        "benign_lookalikes": dict(sorted(benign.items())),
        "opted_out_hosts": [OPTOUT_HOST],
        "opted_out_records": corpus.optout_records,
        "erasure_subject": ERASURE_SUBJECT,
    }


def planted_identifiers() -> list[Planted]:
    """Every personal identifier the generator wrote, with its record location (benign excluded)."""
    return [x for x in build_corpus().planted if x.kind in KIND_ENTITY]


def write_corpus(out: Path) -> Corpus:
    corpus = build_corpus()
    for relative, data in corpus.files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: samples/corpus)"
    )
    args = parser.parse_args(argv)
    corpus = write_corpus(args.out)
    total = sum(sum(f.values()) for f in corpus.rows.values())
    print(f"wrote {len(corpus.files)} files, {total} records, to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
