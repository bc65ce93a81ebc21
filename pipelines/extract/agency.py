"""Agency names: a printed name cleaned, the 发文机关 heading a title, and the short forms sites print
(区政府办, 省发改委) written out in full with the site's own name (<meta name="SiteName">)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gongwen.pipelines.extract.letter import AGENCY_ENDING, is_agency_line
from gongwen.pipelines.extract.spam import spam_words
from gongwen.pipelines.normalise.dates import find_date
from gongwen.pipelines.normalise.docnumber import is_placeholder
from gongwen.pipelines.normalise.text import normalise_line

# A view counter or other trailing number after an agency name ("巧巧簡歷站 1.02W").
_TRAILING_COUNT = re.compile(r"\s+[\d.,]+\s*[WwKk万千]?$")
# The words a title's 发文机关 stands before: X关于…, X转发…, X印发《…》.
_TITLE_HEAD = re.compile(r"^(?P<agency>.{2,60}?)(?:关于|转发|批转|印发)")
_LEVELS = "省市县区州旗盟"
# The site of a government: 成都市青白江区人民政府 (level 区), 浙江省人民政府 (level 省).
_GOVERNMENT = re.compile(rf"^.+?(?P<level>[{_LEVELS}])人民政府$")
# Its short names: 区政府, 区人民政府, 区府办, 区政府办, 区政府办公室, 省政府办公厅.
_GOVERNMENT_SHORT = re.compile(rf"^(?P<level>[{_LEVELS}])(?:人民)?政?府(?P<office>办公室|办公厅|办)?$")
# Whose general office is a 办公厅 rather than a 办公室.
_OFFICE_HALL = re.compile(r"(?:省|自治区|北京市|天津市|上海市|重庆市)人民政府$")


def clean_agency(value: str | None) -> str | None:
    """The name with spaces normalised and a trailing view count dropped; None for placeholders
    (无, —) and for values that are dates."""
    if not value:
        return None
    agency = _TRAILING_COUNT.sub("", normalise_line(value)).strip(" ：:")
    if not agency or is_placeholder(agency) or find_date(agency) is not None:
        return None
    return agency


def title_agency(title: str | None) -> str | None:
    """The 发文机关 a title starts with: 眉山市人民政府办公室关于… → 眉山市人民政府办公室,
    国家发展改革委 财政部关于… → both; None when the title does not start with agency names."""
    m = _TITLE_HEAD.match(title or "")
    if m is None:
        return None
    agency = m["agency"].strip()
    return agency if is_agency_line(agency) else None


def abbreviates(short: str, full: str) -> bool:
    """A short form of a longer name: 新乡高新区管委会 of 新乡高新技术产业开发区管理委员会, 省发改委 of
    浙江省发展和改革委员会. Its characters appear in the full name in order, and its last one in the full
    name's final word (委员会), so 国务院 is no short form of 国务院办公厅."""
    ending = AGENCY_ENDING.search(full)
    if len(short) < 3 or len(full) <= len(short) or ending is None or short[-1] not in ending.group(0):
        return False
    if any(full.startswith(short[:i]) and full.endswith(short[i:]) for i in range(1, len(short))):
        # One word inserted inside: a name of its own, not a short form (平潭综合实验区管委会 of the
        # joint masthead 平潭综合实验区党工委管委会); a place name before it still is (县统计局).
        return False
    remaining = iter(full)
    return all(c in remaining for c in short)


def expand_short_name(name: str, site_name: str | None) -> str:
    """The full name of a short form that names the site's own organisation or its general office;
    any other name unchanged.

    SiteName 成都市青白江区人民政府: 区政府 → 成都市青白江区人民政府;
    区政府办 → 成都市青白江区人民政府办公室. SiteName 浙江省发展和改革委员会: 省发改委 → the same.
    """
    if not site_name or name == site_name:
        return name
    government = _GOVERNMENT.match(site_name)
    if government is None:
        return site_name if abbreviates(name, site_name) else name
    short = _GOVERNMENT_SHORT.match(name)
    if short is None or short["level"] != government["level"]:
        return name
    office = short["office"]
    if office == "办":
        office = "办公厅" if _OFFICE_HALL.search(site_name) else "办公室"
    return site_name + (office or "")


@dataclass(frozen=True, slots=True)
class Agency:
    name: str
    formal: bool  # a 发文机关 as a document prints it, or a short form written out in full
    assumed: bool = False  # nothing on the page names it: the site's owner


def site_owner(site_name: str | None) -> Agency | None:
    """The site's owner (<meta name="SiteName">) when it is a government body: the agency of a page
    that names none (a notice of a county's site is the county's, unless it says otherwise)."""
    name = clean_agency(site_name)
    return Agency(name, formal=False, assumed=True) if name and is_agency_line(name) else None


def choose_agency(
    issuers: Iterable[str | None], publishers: Iterable[str | None], site_name: str | None
) -> Agency | None:
    """The issuing agency: the first 发文机关 (its row, the signature, the title's head), else the first
    发布机构/来源 that looks like an agency (not 大众日报, not a content farm); never a name with spam
    words (a hijacked page's); short forms written out with the site's name."""
    named = [Agency(a, formal=True) for a in map(clean_agency, issuers) if a]
    sourced = [Agency(a, formal=False) for a in map(clean_agency, publishers) if a and is_agency_line(a)]
    clean = [a for a in (*named, *sourced) if not spam_words(a.name)]
    if not clean:
        return None
    first = clean[0]
    name = next((a.name for a in clean[1:] if abbreviates(first.name, a.name)), first.name)
    full = expand_short_name(name, site_name)
    return Agency(full, formal=first.formal or full != first.name)
