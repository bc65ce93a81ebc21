"""Time phrases that say when something is due: 到2025年, 2018年底前, 2018年至2020年, 年内, “十四五”.

A phrase that is a baseline (较2015年, 比2017年, 同比) says nothing about when, and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.pipelines.notice import Notice

_YEAR = r"(?:19|20)\d{2}"
_PHRASE = re.compile(
    rf"(?P<range>(?:到|至)?(?P<from>{_YEAR})年?\s*(?:至|到|—|－|-|~|～|和)\s*(?P<to>{_YEAR})年(?:底|末)?(?:前)?)"
    rf"|(?P<year>(?:到|至|于|在)?(?P<y>{_YEAR})年(?:底|末)?(?:前|以前|之前)?)"
    r"|(?P<relative>年内|全年|今年|本年度|年底前|年底|上半年|下半年)"
    r"|(?P<plan>十(?P<n>[二三四五])五)"
)
_BASELINE_BEFORE = ("较", "比", "同比", "与", "自", "从")
_FIVE_YEAR_END = {"二": 2015, "三": 2020, "四": 2025, "五": 2030}
_TITLE_YEAR = re.compile(rf"(?<![\d—－-])({_YEAR})年(?!度?\s*[—－-]|\s*(?:至|到))")
_TITLE_RANGE = re.compile(rf"{_YEAR}\s*[—－-]\s*{_YEAR}")


@dataclass(frozen=True, slots=True)
class TimePhrase:
    start: int
    end: int
    year: int
    raw: str
    past: bool  # before the notice's year: what follows reports a fact
    explicit: bool  # names its year (2020年, 到2025年), not 年内 or “十四五”


def notice_year(notice: Notice) -> int | None:
    """The year the notice was written (or published; or the year its title names)."""
    for day in (notice.written_date, notice.published_date):
        if day is not None:
            return day.year
    return plan_year(notice.title)


def plan_year(title: str) -> int | None:
    """The one year an annual plan's title names (青白江区2019年农村人居环境整治工作方案); None for a
    span (2018—2020年) or a title naming no year or several."""
    if _TITLE_RANGE.search(title):
        return None
    years = {int(y) for y in _TITLE_YEAR.findall(title)}
    return years.pop() if len(years) == 1 else None


def time_phrases(text: str, this_year: int | None) -> list[TimePhrase]:
    """The time phrases of a text, in order; relative ones (年内, 全年) take the year last named before
    them, else ``this_year``."""
    found: list[TimePhrase] = []
    last_named: int | None = None  # 2019年，……全年举办20场: 全年 is 2019
    for m in _PHRASE.finditer(text):
        if text[: m.start()].endswith(_BASELINE_BEFORE) or text[m.end():].startswith("以来"):
            continue
        explicit = bool(m["range"] or m["year"])
        if m["range"]:
            year = int(m["to"])
        elif m["year"]:
            year = int(m["y"])
        elif m["plan"]:
            year = _FIVE_YEAR_END[m["n"]]
        elif (relative := last_named or this_year) is not None:
            year = relative
        else:
            continue
        if explicit:
            last_named = year
        past = this_year is not None and year < this_year
        found.append(TimePhrase(m.start(), m.end(), year, m.group(0), past, explicit))
    return found


def phrase_before(phrases: list[TimePhrase], position: int) -> TimePhrase | None:
    """The last phrase that ends at or before a position."""
    before = [p for p in phrases if p.end <= position]
    return before[-1] if before else None
