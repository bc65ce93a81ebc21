"""Data-quality findings: spam injection, empty bodies, missing dates, nonstandard 文号, bad encodings."""

from __future__ import annotations

import re

from pipelines.normalise.docnumber import DocNumber
from pipelines.notice import FlagCode

Flag = dict[str, str]

# Gambling/porn vocabulary of hijacked pages. A strong word is enough anywhere; weak words also occur in
# real notices (彩票管理, 港澳, 开户许可), so in a title it takes two of them. Agency names never carry any.
SPAM_STRONG: tuple[str, ...] = (
    "体育在线", "娱乐城", "百家乐", "注册送", "首存", "威尼斯人", "新葡京", "太阳城", "真人娱乐",
    "真人视讯", "棋牌游戏", "彩票平台", "博彩公司", "线上赌场", "网上赌场", "永利皇宫", "金沙娱乐",
    "葡京娱乐", "官方娱乐平台", "亚博体育", "开云体育", "九游会", "半岛体育", "bet365", "皇冠体育",
    "体育平台", "电子游艺", "成人视频",
)
SPAM_WEAK: tuple[str, ...] = (
    "棋牌", "彩票", "真人", "开户", "澳门", "博彩", "赌场", "娱乐", "官网", "app下载", "APP下载",
    "半岛", "开云", "九游", "亚博", "首充", "返水", "彩金",
)
# "365" next to 体育 ("77365体育在线", "体育365") and bet-like Latin brand words.
_SPAM_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\d*365\d*\s*体育|体育\s*\d*365"),
    re.compile(r"(?i)(?<![a-z])\d*bet(?:\d+)?(?![a-z])"),
)


def spam_words(text: str | None, *, strict: bool) -> list[str]:
    """The spam vocabulary found in a text. `strict` (agency names): any word counts; otherwise weak
    words count only when there are two or more of them or a strong word is present."""
    if not text:
        return []
    strong = [w for w in SPAM_STRONG if w in text]
    strong += [m.group(0) for p in _SPAM_PATTERNS for m in p.finditer(text)]
    weak = [w for w in SPAM_WEAK if w in text and not any(w in s for s in strong)]
    if strict or strong or len(weak) >= 2:
        return list(dict.fromkeys(strong + weak))
    return []


def flag(code: FlagCode, message: str) -> Flag:
    return {"code": code.value, "message": message}


def spam_flag(title: str | None, agency: str | None) -> Flag | None:
    found = {"title": spam_words(title, strict=False), "agency": spam_words(agency, strict=True)}
    parts = [f"{where}: {', '.join(words)}" for where, words in found.items() if words]
    if not parts:
        return None
    return flag(FlagCode.SPAM_INJECTION, "gambling/porn vocabulary in " + "; ".join(parts))


def doc_number_flag(raw: str | None, parsed: DocNumber | None, *, placeholder: bool) -> Flag | None:
    """doc_number_nonstandard when the printed 文号 deviates from GB/T 9704 or cannot be read."""
    if raw is None or placeholder:
        return None
    if parsed is None:
        message = f"文号 {raw!r} could not be read as 代字〔YYYY〕N号 or a 令 number"
    elif not parsed.standard:
        message = f"文号 printed as {raw!r}; GB/T 9704 form is {parsed.normalised}"
    else:
        return None
    return flag(FlagCode.DOC_NUMBER_NONSTANDARD, message)


def encoding_flag(replacements: int, encoding: str) -> Flag | None:
    if replacements == 0:
        return None
    return flag(
        FlagCode.ENCODING_REPLACEMENT,
        f"{replacements} character(s) could not be decoded as {encoding} and were replaced by U+FFFD",
    )
