"""Which copy speaks for a document: the issuer's own page when it is known.

Copies are ranked, best first, by

1. the kind of site: government, then a site missing from the registry, then a content farm (level
   ``none``), which therefore never ranks above a government site;
2. whose page it is: the issuer's own site (the source's publisher begins the issuer's name or the
   other way round: 眉山市人民政府 for 眉山市人民政府办公室, 国务院办公厅 for 国务院), then a site of
   the issuer's locality (眉山市 for 眉山市发展和改革委员会), then any other;
3. the administrative level of the source, highest first;
4. the earliest published date, then the earliest first seen, then the URL.

The issuer is the agency the titles name before 关于; when no title names one, the issuing agencies
read on government pages (a content farm names itself there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import cache

from gongwen.crawlers.registry import Source
from gongwen.pipelines.dedupe.comparable import comparable
from gongwen.pipelines.dedupe.match import Facts
from gongwen.pipelines.dedupe.titles import same_issuer
from gongwen.pipelines.notice import Notice

LEVELS = ("national", "provincial", "prefectural", "county", "zone")
_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟)")

Rank = tuple[int, int, int, date, datetime, str]


def issuers(notices: Sequence[Notice], facts: Sequence[Facts], sources: Mapping[str, Source]) -> set[str]:
    named = {f.title.issuer for f in facts if f.title.issuer}
    if named:
        return named
    government = [n for n in notices if (s := sources.get(n.source_id)) is not None and s.level != "none"]
    return {agency for n in government if (agency := comparable(n.issuing_agency or ""))}


@cache
def _publisher_and_locality(publisher: str, region: str) -> tuple[str, str | None]:
    """The publisher comparable, and the smallest unit of the region (四川省成都市青白江区 →
    青白江区; None for 全国)."""
    units = _UNIT.findall(region)
    return comparable(publisher), comparable(units[-1]) if units else None


def rank(notice: Notice, source: Source | None, names: set[str], first_seen: datetime) -> Rank:
    tail = (notice.published_date or date.max, first_seen, str(notice.url))
    if source is None or source.level == "none":
        return (1 if source is None else 2, 2, len(LEVELS), *tail)
    publisher, locality = _publisher_and_locality(source.publisher, source.region)
    if any(same_issuer(publisher, name) for name in names):
        whose = 0
    elif locality and any(name.startswith(locality) for name in names):
        whose = 1
    else:
        whose = 2
    return (0, whose, LEVELS.index(source.level), *tail)
