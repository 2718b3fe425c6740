"""Word pools the surrogate generator draws names, places and streets from.

Names are combinations drawn from these pools, so a surrogate name may equal some real
person's name; a name alone does not identify anyone, and the draw never depends on who the
original was beyond the keyed hash. English surnames are deliberately uncommon place-like words.
"""

from __future__ import annotations

CN_SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
CN_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容", "令狐", "皇甫")
CN_GIVEN_CHARACTERS = tuple(
    "安宁晨涵浩然嘉佳子一雨欣文博思怡明轩宇泽梓诗俊凯瑞鑫雅静婷磊鹏辰阳逸航昊睿悦瑶琳萱雪晴峰清远哲毅彤楠桐言知"
)

EN_GIVEN_NAMES = (
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Rowan",
    "Harper", "Emery", "Finley", "Parker", "Reese", "Sawyer", "Hayden", "Skyler", "Dakota",
    "Kendall", "Marlowe", "Ellis", "Sasha", "Robin", "Cameron", "Dana", "Drew", "Jesse", "Kai",
    "Lane", "Noel", "Shay", "Tatum", "Blair", "Brett", "Corey", "Devon", "Eden", "Frankie",
)  # fmt: skip
EN_SURNAMES = (
    "Ashdown", "Bramble", "Carrow", "Dunmore", "Ellery", "Fenwick", "Garrick", "Halloway",
    "Inglewood", "Jessop", "Kestrel", "Langford", "Merriman", "Northcott", "Oakhurst", "Pendry",
    "Quayle", "Rushford", "Stanwick", "Thorne", "Underhill", "Whitlock", "Yardley", "Ashcombe",
    "Brightwater", "Coldridge", "Dovecote", "Everhart", "Foxley", "Greywell",
)  # fmt: skip

CN_CITIES = (
    "北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆",
    "天津", "苏州", "长沙", "郑州", "青岛", "厦门", "宁波", "合肥", "昆明", "大连",
)  # fmt: skip
CN_PROVINCES = ("河北", "山西", "辽宁", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南")
CN_PLACE_WORDS = (
    "清河", "松岭", "云溪", "明湖", "翠屏", "望江", "青石", "金桥", "银杏", "枫林",
    "长乐", "平安", "兴华", "新民", "和平", "文昌", "春晖", "锦绣", "秀水", "临风",
)  # fmt: skip
EN_CITIES = (
    "Springfield", "Riverton", "Fairview", "Lakewood", "Greenville", "Millbrook", "Oakdale",
    "Westfield", "Brookside", "Clearwater",
)  # fmt: skip
EN_STREET_WORDS = ("Maple", "Cedar", "Willow", "Harbor", "Orchard", "Meadow", "Juniper", "Birch")
