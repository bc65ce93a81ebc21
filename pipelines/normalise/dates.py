"""Dates as government pages print them: 2018年4月2日, 2018-04-02, 2018.4.2, 二〇一八年四月二日 …"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

_ZERO = "〇○零ＯOoΟ"
_DIGIT_CHARS = _ZERO + "一二三四五六七八九"
_DIGITS = dict.fromkeys(_ZERO, 0) | {c: i for i, c in enumerate("一二三四五六七八九", start=1)}

# Arabic numerals. The separators after year and month must agree (年/月, or the same - . /).
_ARABIC = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*"
    r"(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|(?P<sep>[-./])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2}))"
    r"(?!\d)"
)
# Chinese numerals: 二〇一八年四月二日, 二〇〇六年五月二十三日, 廿 for twenty.
_NUMERAL = r"(?:[一二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|[一二三四五六七八九])"
_CHINESE = re.compile(
    rf"(?P<y>[{_DIGIT_CHARS}]{{4}})\s*年\s*(?P<m>{_NUMERAL}|元)\s*月\s*(?P<d>{_NUMERAL})\s*[日号]"
)
# What may follow a date that stands alone: a clock time, as in "2020-04-10 09:30" or
# "2007-08-20-23:59:59" (gov.cn firstpublishedtime).
_TIME_TAIL = re.compile(r"^(?:[\sT-]*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), ideographic spaces to spaces."""
    return unicodedata.normalize("NFKC", text)


def _chinese_number(s: str) -> int:
    if s == "元":
        return 1
    if s[0] == "廿":
        return 20 + (_DIGITS[s[1]] if len(s) > 1 else 0)
    if "十" in s:
        tens, _, units = s.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return _DIGITS[s]


def _make(year: int, month: int, day: int) -> date | None:
    if not 1949 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_arabic(m: re.Match[str]) -> date | None:
    month, day = (m["m1"], m["d1"]) if m["m1"] else (m["m2"], m["d2"])
    return _make(int(m["y"]), int(month), int(day))


def _from_chinese(m: re.Match[str]) -> date | None:
    year = int("".join(str(_DIGITS[c]) for c in m["y"]))
    return _make(year, _chinese_number(m["m"]), _chinese_number(m["d"]))


def parse_date(text: str | None) -> date | None:
    """The date that *is* this text (a trailing clock time allowed), or None.

    Two-digit years and impossible dates (2018-02-30) give None.
    """
    if not text:
        return None
    folded = _fold(text).strip()
    for pattern, convert in ((_ARABIC, _from_arabic), (_CHINESE, _from_chinese)):
        m = pattern.match(folded)
        if m and _TIME_TAIL.match(folded[m.end():]):
            return convert(m)
    return None


def find_date(text: str | None) -> date | None:
    """The first valid date anywhere inside a longer text, or None."""
    if not text:
        return None
    folded = _fold(text)
    found: list[tuple[int, date]] = []
    for pattern, convert in ((_ARABIC, _from_arabic), (_CHINESE, _from_chinese)):
        for m in pattern.finditer(folded):
            value = convert(m)
            if value is not None:
                found.append((m.start(), value))
                break
    return min(found)[1] if found else None


def parse_epoch_ms(ms: float | str) -> date:
    """A millisecond epoch (gov.cn search API `pubtime`) as a date in China time (UTC+8)."""
    return datetime.fromtimestamp(float(ms) / 1000, tz=CHINA_TZ).date()
