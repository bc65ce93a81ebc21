"""The vocabulary of gambling and porn sites that hijackers inject into government pages, and its
removal from text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from gongwen.pipelines.normalise.text import normalise_line

# Brand names and come-ons of gambling and porn sites: no notice prints them.
SPAM_PROMO: tuple[str, ...] = (
    "体育在线", "娱乐城", "注册送", "首存", "首充", "威尼斯人", "新葡京", "太阳城", "真人娱乐", "真人视讯",
    "官方娱乐平台", "亚博体育", "开云体育", "九游会", "半岛体育", "皇冠体育", "金沙娱乐", "葡京娱乐",
    "永利皇宫", "成人视频", "成人影院", "av在线", "AV在线",
)
# Words of the same trade that real notices use too (彩票管理, 棋牌运动管理中心, 文化娱乐): they count only
# in a title or a name, and only two of them together. The words of enforcement (赌博, 赌场, 色情) are
# not spam: police notices are full of them.
SPAM_GENERIC: tuple[str, ...] = (
    "棋牌", "彩票", "真人", "开户", "澳门", "百家乐", "娱乐", "官网", "app下载", "APP下载", "半岛", "开云",
    "九游", "亚博", "返水", "彩金", "电子游艺", "老虎机",
)
# "365" glued to 体育 ("77365体育在线", "体育365") and bet-like Latin brand words (bet365, 188bet).
_SPAM_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\d*365\d*\s*体育|体育\s*\d*365\d*"),
    re.compile(r"(?i)(?<![a-z])\d*bet\d*(?![a-z])"),
)
_GLUED = re.compile(r"[0-9A-Za-z]")


_PROMO = re.compile("|".join(map(re.escape, SPAM_PROMO)))
_GENERIC = re.compile("|".join(map(re.escape, SPAM_GENERIC)))


def spam_words(text: str | None, *, short: bool = True) -> list[str]:
    """The spam vocabulary in a text (simplified script). Promotional words always count; generic ones
    only in a `short` text (a title, a name, a heading) and only two or more of them."""
    if not text:
        return []
    promo = [w for w in SPAM_PROMO if w in text] if _PROMO.search(text) else []
    promo += [m.group(0).strip() for p in _SPAM_PATTERNS for m in p.finditer(text)]
    generic = []
    if short and _GENERIC.search(text):
        generic = [w for w in SPAM_GENERIC if w in text and not any(w in p for p in promo)]
    if promo or len(generic) >= 2:
        return list(dict.fromkeys(promo + generic))
    return []


def strip_words(text: str, words: Iterable[str]) -> str:
    """The text without the words and the letters or digits glued to them (77365体育在线办公室 → 办公室)."""
    spans = sorted((m.start(), m.end()) for w in set(words) if w for m in re.finditer(re.escape(w), text))
    if not spans:
        return text
    kept, position = [], 0
    for first, last in spans:
        start, end = first, last
        while start > position and _GLUED.match(text[start - 1]):
            start -= 1
        while end < len(text) and _GLUED.match(text[end]):
            end += 1
        kept.append(text[position:max(position, start)])
        position = max(position, end)
    kept.append(text[position:])
    return normalise_line("".join(kept))
