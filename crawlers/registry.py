"""The source registry: crawlers/sources.toml, read into typed records."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gongwen.crawlers.navigation.families import FAMILIES, Selectors

SOURCES_FILE = Path(__file__).with_name("sources.toml")

Level = Literal["national", "provincial", "prefectural", "county", "zone", "none"]
NATIONAL = "100000"  # the 行政区划代码 given to central bodies (GB/T 2260 codes begin at 110000)
NO_GOVERNMENT = "000000"  # a site no government runs (level "none")
# The provincial-level divisions of GB/T 2260, by code.
PROVINCES = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省",
    "150000": "内蒙古自治区", "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省",
    "310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省",
    "350000": "福建省", "360000": "江西省", "370000": "山东省", "410000": "河南省",
    "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省",
    "530000": "云南省", "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省",
    "630000": "青海省", "640000": "宁夏回族自治区", "650000": "新疆维吾尔自治区", "710000": "台湾省",
    "810000": "香港特别行政区", "820000": "澳门特别行政区",
}


class Source(BaseModel):
    """One site gongwen crawls; its id names its spider."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    publisher: str
    region: str
    level: Level
    division_code: str = Field(pattern=r"^\d{6}$")  # 行政区划代码 (GB/T 2260) of the government
    family: str
    start_urls: list[str] = Field(min_length=1)
    allowed_hosts: list[str] = Field(min_length=1)
    expected_min: int = Field(ge=0)
    terms: str
    evidence: str = Field(min_length=10)  # where the start URL and the family come from
    links_css: str = ""  # the source's own selectors, where its family's reading needs help
    next_css: str = ""

    @field_validator("family")
    @classmethod
    def _known_family(cls, family: str) -> str:
        if family not in FAMILIES:
            raise ValueError(f"unknown family {family!r}; known: {', '.join(sorted(FAMILIES))}")
        return family

    @field_validator("division_code")
    @classmethod
    def _known_division(cls, code: str) -> str:
        if code not in (NATIONAL, NO_GOVERNMENT) and code[:2] + "0000" not in PROVINCES:
            raise ValueError(f"{code} is no 行政区划代码 of GB/T 2260 (no province begins with {code[:2]})")
        return code

    @property
    def selectors(self) -> Selectors:
        return Selectors(self.links_css, self.next_css)

    @property
    def province_code(self) -> str:
        """The 行政区划代码 of the province the government belongs to ("100000" for central bodies)."""
        return NATIONAL if self.division_code == NATIONAL else self.division_code[:2] + "0000"


@cache
def load_sources(path: Path = SOURCES_FILE) -> list[Source]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = [Source(**entry) for entry in data["source"]]
    ids = [s.id for s in sources]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate source ids in {path}")
    return sources


def get_source(source_id: str) -> Source:
    for source in load_sources():
        if source.id == source_id:
            return source
    raise KeyError(f"no source {source_id!r} in {SOURCES_FILE}")
