"""Agency names: lists split into names, and short forms expanded to the full name of the region.

区发改局 in a notice of 成都市青白江区 is 成都市青白江区发展和改革局; 市科技局 in a notice of 眉山市 is
眉山市科学技术局; 省发展改革委 of 山东省 is 山东省发展和改革委员会. Names are expanded only from the
tables below: an unknown short form (区欧管委) or a collective (各乡镇（街道）, 区政府相关部门) gets no
full name rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.pipelines.normalise.text import split_outside_brackets

# Short forms of the part after the region, and their full forms.
SHORT_FORMS = {
    "发改局": "发展和改革局", "发展改革局": "发展和改革局",
    "发改委": "发展和改革委员会", "发展改革委": "发展和改革委员会",
    "经信局": "经济和信息化局", "经信委": "经济和信息化委员会", "经济和信息化委": "经济和信息化委员会",
    "工信局": "工业和信息化局", "工信厅": "工业和信息化厅",
    "科技局": "科学技术局", "科技厅": "科学技术厅",
    "人社局": "人力资源和社会保障局", "人力资源社会保障局": "人力资源和社会保障局",
    "人力资源社会保障厅": "人力资源和社会保障厅",
    "住建局": "住房和城乡建设局", "住房城乡建设局": "住房和城乡建设局", "住房城乡建设厅": "住房和城乡建设厅",
    "市场监管局": "市场监督管理局", "市场和质量监管局": "市场和质量监督管理局",
    "卫健局": "卫生健康局", "卫健委": "卫生健康委员会", "卫生健康委": "卫生健康委员会",
    "卫计局": "卫生和计划生育局", "卫生计生委": "卫生和计划生育委员会",
    "文广旅局": "文化广播电视和旅游局", "教体局": "教育和体育局", "投促局": "投资促进局",
    "城管局": "城市管理局", "交通局": "交通运输局", "国土局": "国土资源局", "环保局": "环境保护局",
    "环保厅": "环境保护厅", "房管局": "房产管理局", "应急局": "应急管理局",
    "国资委": "国有资产监督管理委员会", "地方金融监管局": "地方金融监督管理局",
    "编办": "机构编制委员会办公室", "科协": "科学技术协会",
    "政府办": "人民政府办公室", "政府办公室": "人民政府办公室", "政府办公厅": "人民政府办公厅",
    "政府金融办": "人民政府金融工作办公室", "政府新闻办": "人民政府新闻办公室", "政府": "人民政府",
    "管委会": "管理委员会",
}
# Parts after the region that are already full names.
FULL_NAMES = frozenset({
    "人民政府", "人民政府办公室", "人民政府办公厅", "发展和改革局", "发展和改革委员会", "教育局", "教育厅",
    "公安局", "公安分局", "公安厅", "民政局", "民政厅", "司法局", "司法厅", "财政局", "财政厅",
    "人力资源和社会保障局", "自然资源局", "自然资源厅", "自然资源和规划局", "规划和自然资源局",
    "生态环境局", "生态环境厅", "住房和城乡建设局", "交通运输局", "交通运输厅", "水务局", "水利局",
    "水利厅", "农业农村局", "农业农村厅", "商务局", "商务厅", "文化和旅游局", "卫生健康局", "审计局",
    "审计厅", "统计局", "应急管理局", "应急管理厅", "市场监督管理局", "行政审批局", "经济合作局",
    "金融工作局", "数字经济发展局", "大数据局", "能源局", "税务局", "信息中心", "规划局", "建设局",
    "统筹城乡和农林局", "经济和信息化局", "科学技术局", "科学技术厅", "组织部", "宣传部",
    "扶贫开发领导小组办公室", "国有资产监督管理委员会", "机构编制委员会办公室",
})
KNOWN = FULL_NAMES | frozenset(SHORT_FORMS.values())
# National agencies as they are usually printed, and their full names.
NATIONAL = {
    "国家发展改革委": "国家发展和改革委员会", "住房城乡建设部": "住房和城乡建设部",
    "人力资源社会保障部": "人力资源和社会保障部", "国家卫生健康委": "国家卫生健康委员会",
    "科技部": "科学技术部", "应急部": "应急管理部", "市场监管总局": "国家市场监督管理总局",
    "工商总局": "国家工商行政管理总局", "税务总局": "国家税务总局",
    "食品药品监管总局": "国家食品药品监督管理总局",
}
NATIONAL_FULL = frozenset({
    "国务院", "国务院办公厅", "外交部", "国防部", "国家发展和改革委员会", "教育部", "科学技术部",
    "工业和信息化部", "公安部", "民政部", "司法部", "财政部", "人力资源和社会保障部", "自然资源部",
    "生态环境部", "住房和城乡建设部", "交通运输部", "水利部", "农业农村部", "商务部", "文化和旅游部",
    "国家卫生健康委员会", "应急管理部", "审计署", "国土资源部", "国家能源局", "国家邮政局", "海关总署",
    "国家统计局", "国家文物局",
})
# Collectives: several agencies under one name (各部门, 区政府相关部门, 省直有关单位).
_COLLECTIVE = re.compile(r"^各|相关|有关|各部门|各单位|直属|成员单位")
_BARE_PLACE = re.compile(r"^各?(?:设区)?[省市县区州旗]$")
_TRAILING = re.compile(
    r"(?:等(?:部门|单位)?(?:[（(](?:部门|单位)[）)])?)?(?:按照?职责分工)?负责$|等(?:部门|单位)?$"
)


def split_names(text: str) -> list[str]:
    """An agency list split into names: at 、 and ， outside brackets, without 等 or 按职责分工负责;
    a bare place that shares the next name's ending stays with it (各市、县(区)政府)."""
    names: list[str] = []
    pending = ""
    for part in split_outside_brackets(text.strip(" 。;；"), "、，,"):
        if _BARE_PLACE.match(part):
            pending += part + "、"
            continue
        name = _TRAILING.sub("", pending + part).strip()
        pending = ""
        if name:
            names.append(name)
    return names


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The places a notice's 省/市/区/县 prefixes refer to (四川省, 成都市, 青白江区)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None

    def place(self, level: str) -> str | None:
        """The full place a one-character level prefix (省 市 区 县) stands for."""
        if level == "省":
            return self.province
        if level == "市":
            return self.city
        if self.county and self.county.endswith(level):
            city = self.city or ""
            # 新乡高新技术产业开发区 names its city already
            return self.county if self.county.startswith(city.removesuffix("市")) else city + self.county
        return None


_REGION = re.compile(
    r"^(?P<province>[^省]{2,8}?(?:省|自治区))?(?P<city>[^市]{2,8}?(?:市|自治州|盟))?"
    r"(?P<county>[^区县]{2,14}?(?:区|县|旗))?"
)


def jurisdiction_of(*places: str | None) -> Jurisdiction:
    """The jurisdiction the places name, the first place naming a level winning it: a region
    (四川省成都市青白江区, from crawlers/sources.toml) or an issuing agency (眉山市人民政府办公室,
    新乡高新技术产业开发区管理委员会)."""
    found: dict[str, str] = {}
    for place in places:
        m = _REGION.match(place or "")
        if m:
            for level, name in m.groupdict().items():
                if name:
                    found.setdefault(level, name)
    return Jurisdiction(found.get("province"), found.get("city"), found.get("county"))


_PARTY = re.compile(r"^(?P<level>[省市区县])委(?P<rest>.+)$")
# Places a name may begin with (成都市青白江区, 临沂市, 丹棱县).
_PLACES = re.compile(r"^(?:[^省市县区各]{1,8}?(?:省|自治区|市|自治州|县|区))+")
_LEVEL = re.compile(r"^(?P<level>[省市区县])(?P<rest>.+)$")


def normalise_agency(raw: str, where: Jurisdiction, level: str | None = None) -> str | None:
    """The full name of an agency as printed, or None when the rules cannot be sure.

    ``level`` is the prefix (区, 市 …) that a bare name in a list inherits from the names before it
    ("区人力资源部、财政局").
    """
    name = re.sub(r"[（(][^）)]*[）)]$", "", raw).strip()  # 区财政局(区政府金融办): the first name
    if _COLLECTIVE.search(name):
        return None
    if name in NATIONAL_FULL or name in NATIONAL:
        return NATIONAL.get(name, name)
    if party := _PARTY.match(name):  # 区委组织部 → 中共成都市青白江区委组织部
        place = where.place(party["level"])
        rest = SHORT_FORMS.get(party["rest"], party["rest"])
        return f"中共{place}委{rest}" if place and rest in KNOWN else None
    if (named := _PLACES.match(name)) and named.end() < len(name):  # 眉山市人民政府办公室, 东坡区政府
        rest = SHORT_FORMS.get(name[named.end():], name[named.end():])
        return named.group(0) + rest if rest in KNOWN else None
    prefixed = _LEVEL.match(name)
    if prefixed and where.place(prefixed["level"]):
        level, name = prefixed["level"], prefixed["rest"]
    place = where.place(level) if level else None
    full = SHORT_FORMS.get(name, name)
    return f"{place}{full}" if place and full in KNOWN else None


def level_of(raw: str) -> str | None:
    """The level prefix a name starts with (区发改局 → 区), for the bare names after it in a list."""
    m = _LEVEL.match(raw)
    return m["level"] if m and not raw.startswith(("区委", "市委", "省委", "县委")) else None


def full_names(raws: list[str], where: Jurisdiction) -> list[str | None]:
    """The full name of each agency of a list, in order; a bare name takes the level prefix of the
    names before it (区人力资源部、财政局 → 区财政局)."""
    names, level = [], None
    for raw in raws:
        level = level_of(raw) or level
        names.append(normalise_agency(raw, where, level))
    return names
