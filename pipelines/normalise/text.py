"""Whitespace, script (繁/简) and title clean-up for text read from government pages."""

from __future__ import annotations

import operator
import re
from functools import cache
from typing import Literal

import opencc

# A CJK character: unified ideographs (with extension A and the compatibility block) and 〇.
CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")

# Spaces that pages use for padding and alignment: U+3000, NBSP, en/em/thin spaces, tabs.
_SPACE_LIKE = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}]) (?=[{CJK}])")
# A run of single CJK characters separated by spaces: label letter-spacing such as "索 引 号".
_LETTER_SPACED = re.compile(f"(?<![{CJK}])[{CJK}](?: [{CJK}])+(?![{CJK}])")


def normalise_space(s: str) -> str:
    """One line of text: zero-width characters removed, every run of spaces one ASCII space, spaces
    between two CJK characters removed ("标　　题" → "标题", "政  策" → "政策"), ends stripped."""
    s = ZERO_WIDTH.sub("", s)
    s = _SPACE_LIKE.sub(" ", s).strip()
    return _SPACE_BETWEEN_CJK.sub("", s)


def normalise_line(s: str) -> str:
    """A line of body text: like normalise_space, but a space between two words of several characters
    stays ("总理　　李克强" → "总理 李克强"); only letter-spaced runs ("附　　件") are closed up."""
    s = ZERO_WIDTH.sub("", s)
    s = _SPACE_LIKE.sub(" ", s).strip()
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), s)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(s: str) -> str:
    """Traditional → simplified Chinese with OpenCC's phrase-level t2s conversion."""
    if not s:
        return s
    return str(_t2s().convert(s))


def cjk_count(s: str) -> int:
    return len(_CJK_CHAR.findall(s))


def detect_script(s: str) -> Literal["hans", "hant"]:
    """hant when a notable share of the CJK characters change under t2s conversion, else hans."""
    total = cjk_count(s)
    if total == 0:
        return "hans"
    converted = to_simplified(s)
    if len(converted) == len(s):
        changed = sum(map(operator.ne, s, converted))
    else:  # a phrase conversion changed the length: count characters that are not in the result
        result = set(converted)
        changed = sum(1 for c in s if _CJK_CHAR.match(c) and c not in result)
    notable = changed >= max(2, 0.05 * total) or (total < 40 and changed >= 0.1 * total > 0)
    return "hant" if notable else "hans"


# What separates a title from the site's name in <title>: _ | ｜ - -- — —— (" - " with spaces).
_SEPARATOR = r"(?:\s*[_|｜]\s*|\s*-{1,2}\s*|\s*—{1,2}\s*)"
# Endings of a site's or its owner's name ("_中国政府网", "-眉山市人民政府", " | 万载县人民政府",
# "|某某市应急管理局", "_某某县政府信息公开平台").
_SITE_WORDS = (
    r"(?:政府网|人民政府|门户网站|政府门户|网站|政府|网|政务服务网|信息公开|平台|办公室|办公厅|委员会|管委会|"
    r"局|委|厅|办)"
)
_SITE_SUFFIX = re.compile(rf"{_SEPARATOR}[^_|｜—-]{{1,30}}?{_SITE_WORDS}\s*$")
# A site's name in front of the title: "某某市人民政府-关于…的通知".
_SITE_PREFIX = re.compile(rf"^[^_|｜—-]{{2,30}}?{_SITE_WORDS}{_SEPARATOR}(?=.{{6}})")
# Column names that sit between the title and the site name ("_国务院部门文件_中国政府网").
_COLUMN_WORDS = r"(?:文件|公开|信息|公告|动态|要闻|政策|专栏|专题|栏目|新闻|通知|解读|法规)"
_COLUMN_SUFFIX = re.compile(rf"{_SEPARATOR}[^_|｜—-]{{0,12}}{_COLUMN_WORDS}\s*$")


# A column's tag before a title: 【县政府文件】, [通知公告] (short, and something follows it).
_CATEGORY_TAG = re.compile(r"^[【\[［](?P<tag>[^【】\[\]［］“”\"'‘’]{2,8})[】\]］]\s*(?=\S)")


def clean_title(s: str) -> str:
    """The title with whitespace normalised (letter-spacing closed up, one space kept between words:
    "省政府召开常务会议 研究部署…"), the site's name (with the column names before it) removed from
    its end or its start, and a column's tag (【县政府文件】) from its start."""
    title = normalise_line(s)
    stripped = _SITE_SUFFIX.sub("", title)
    if stripped != title:
        while (shorter := _COLUMN_SUFFIX.sub("", stripped)) != stripped and shorter:
            stripped = shorter
        while (shorter := _SITE_SUFFIX.sub("", stripped)) != stripped and shorter:
            stripped = shorter
    else:
        stripped = _SITE_PREFIX.sub("", title)
    return _CATEGORY_TAG.sub("", stripped.strip()) or title


# A lowercase pinyin gloss injected between two CJK characters by content farms: 辦(ban)公廳.
_PINYIN_GLOSS = re.compile(f"(?<=[{CJK}])[(（]\\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{{1,6}}\\s*[)）](?=[{CJK}])")


def strip_pinyin_glosses(s: str) -> str:
    """Remove "(ban)"-style pinyin glosses between CJK characters: 辦(ban)公廳 → 辦公廳."""
    return _PINYIN_GLOSS.sub("", s)


# Brackets and quotes inside which a list separator does not split: 各县（市、区）人民政府 stays whole.
_OPENING, _CLOSING = "（(〔[【《“", "）)〕]】》”"


def split_outside_brackets(text: str, separators: str, limit: int | None = None) -> list[str]:
    """Split at separators outside brackets and quotes ("区财政局(区政府金融办)" stays whole), at
    most ``limit`` times; empty parts are dropped."""
    parts: list[str] = []
    depth, current = 0, ""
    for c in text:
        if c in _OPENING:
            depth += 1
        elif c in _CLOSING:
            depth = max(0, depth - 1)
        if c in separators and depth == 0 and (limit is None or len(parts) < limit):
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]
