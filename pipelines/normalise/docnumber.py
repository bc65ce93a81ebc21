"""发文字号 (document numbers): parse every printed variant into the GB/T 9704 form 代字〔YYYY〕N号."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gongwen.pipelines.normalise.text import CJK, normalise_line, normalise_space, to_simplified

# What sites print when a notice has no 文号.
PLACEHOLDERS = frozenset({
    "", "无", "暂无", "无文号", "空", "—", "——", "-", "--", "/", "\\", "0", "null", "none", "n/a",
})

OPEN_BRACKETS = "〔﹝[［(（【〖"
CLOSE_BRACKETS = "〕﹞]］)）】〗"
_OPEN = re.escape(OPEN_BRACKETS)
_CLOSE = re.escape(CLOSE_BRACKETS)

_CN_NUMBER = "零〇一二三四五六七八九十百千两"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

# 代字 + bracketed four-digit year + optional stray 字/第 + serial (itself sometimes bracketed) + 号.
_ORDINARY = re.compile(
    rf"^(?P<code>[{CJK}A-Za-z]{{1,24}}?)"
    rf"(?P<open>[{_OPEN}])(?P<year>\d{{4}})(?P<close>[{_CLOSE}])"
    rf"(?P<stray>字?第?)[{_OPEN}]?(?P<serial>\d{{1,6}})(?P<hao>号?)[{_CLOSE}]?(?P<hao2>号?)$"
)
# 令: 国令第707号, 中华人民共和国国务院令第707号, 主席令第六十一号. No year; 第 is kept.
_ORDER = re.compile(rf"^(?P<code>[{CJK}]{{0,24}}令)(?P<di>第?)(?P<serial>\d{{1,6}}|[{_CN_NUMBER}]{{1,8}})号$")


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed 发文字号. `standard` is False when the printed form deviated from GB/T 9704-2012
    (brackets other than 〔〕, a stray 第 or 字第, a zero-padded serial, full-width digits, no 号)."""

    raw: str
    normalised: str
    issuer_code: str
    year: int | None
    serial: int
    standard: bool

    @property
    def is_order(self) -> bool:
        """A 令 number (no year)."""
        return self.year is None

    def parts(self) -> dict[str, str | int | None]:
        return {"issuer_code": self.issuer_code, "year": self.year, "serial": self.serial}


# 令 issuers printed in full, and the short forms used in 发文字号 (gov.cn: 国令第707号).
_ORDER_PREFIX = "中华人民共和国"
ORDER_CODES = {"国务院令": "国令"}


def _short_order_code(code: str) -> str:
    """中华人民共和国国务院令 → 国令; 中华人民共和国主席令 → 主席令; 中华人民共和国财政部令 → 财政部令."""
    code = code.removeprefix(_ORDER_PREFIX) or code
    return ORDER_CODES.get(code, code)


def is_placeholder(raw: str | None) -> bool:
    """True for what sites print instead of a 文号: 无, —, /, 空, an empty string."""
    return raw is None or normalise_space(raw).replace(" ", "").lower() in PLACEHOLDERS


def chinese_to_int(s: str) -> int | None:
    """六十一 → 61, 一百零八 → 108, 七〇七 → 707 (digit by digit when there are no units)."""
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in s):
        return None
    if not any(c in _CN_UNITS for c in s):
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
    return total + (digit or 0)


def _fold(raw: str) -> tuple[str, bool]:
    """Whitespace removed, full-width digits/letters folded, traditional → simplified.

    Returns the folded text and whether full-width forms were present.
    """
    s = normalise_space(raw).replace(" ", "")
    full_width = any("\uff10" <= c <= "\uff5a" for c in s)
    s = "".join(unicodedata.normalize("NFKC", c) if "\uff10" <= c <= "\uff5a" else c for c in s)
    return to_simplified(s), full_width


def parse_doc_number(raw: str | None) -> DocNumber | None:
    """Parse a printed 发文字号; None for placeholders (无, —, /, 空, "") and unparseable text."""
    if raw is None or is_placeholder(raw):
        return None
    s, full_width = _fold(raw)
    m = _ORDINARY.match(s)
    if m:
        year, serial = int(m["year"]), int(m["serial"])
        if not 1949 <= year <= 2100 or serial < 1:
            return None
        standard = (
            not full_width
            and m["open"] == "〔"
            and m["close"] == "〕"
            and not m["stray"]
            and not m["serial"].startswith("0")
            and bool(m["hao"])
            and not m["hao2"]
            and s.endswith(f"{m['serial']}号")
        )
        code = m["code"]
        return DocNumber(raw, f"{code}〔{year}〕{serial}号", code, year, serial, standard)
    m = _ORDER.match(s)
    if m:
        digits = m["serial"]
        serial_or_none = int(digits) if digits.isdigit() else chinese_to_int(digits)
        if not serial_or_none:
            return None
        code = _short_order_code(m["code"])
        standard = not full_width and not (digits.isdigit() and digits.startswith("0")) and bool(m["di"])
        return DocNumber(raw, f"{code}第{serial_or_none}号", code, None, serial_or_none, standard)
    return None


# A 文号 at the start of a line, possibly after a 文号 label; what may follow it on the line (签发人, a
# date, the second number of a joint document: 发改环资〔2021〕1号、财金〔2021〕2号) must be set apart by a
# space or a list separator.
_LABEL = r"(?:(?:发文字号|文号|文件编号|字号)\s*[:：]\s*)?"
_FIND_ORDINARY = re.compile(
    rf"^{_LABEL}(?P<num>[{CJK}A-Za-z]{{1,24}}\s*[{_OPEN}]\s*[0-9０-９]{{4}}\s*[{_CLOSE}]"
    rf"\s*字?\s*第?\s*[0-9０-９]{{1,6}}\s*[号號])(?=[\s、，,；;]|$)"
)
_FIND_ORDER = re.compile(
    rf"^{_LABEL}(?P<num>[{CJK}]{{0,24}}令\s*第\s*(?:[0-9０-９]{{1,6}}|[{_CN_NUMBER}]{{1,8}})\s*[号號])(?=[\s、，,；;]|$)"
)
_ORDER_HEAD = re.compile(rf"^[{CJK}]{{1,24}}令$")
_ORDER_SERIAL = re.compile(rf"^第\s*(?:[0-9０-９]{{1,6}}|[{_CN_NUMBER}]{{1,8}})\s*[号號]$")


def find_doc_number(text: str) -> str | None:
    """The first 文号 standing alone on a line or at the start of a short line, as printed (of a joint
    document's numbers, the first: the lead agency's).

    A citation inside a sentence (…《…》（国办发〔2019〕58号）…) is not one. A 令 head split over
    two lines ("中华人民共和国国务院令" / "第707号") is joined with a space.
    """
    lines = [normalise_line(line) for line in text.splitlines()]
    for i, line in enumerate(lines):
        if not line or len(line) > 60:
            continue
        for pattern in (_FIND_ORDINARY, _FIND_ORDER):
            m = pattern.match(line)
            if m and parse_doc_number(m["num"]) is not None:
                return m["num"]
        if _ORDER_HEAD.match(line) and i + 1 < len(lines) and _ORDER_SERIAL.match(lines[i + 1]):
            return f"{line} {lines[i + 1]}"
    return None


_TITLE_NUMBER = re.compile(r"\s*[（(]\s*(?P<num>[^（()）]{2,40}?)\s*[）)]\s*$")


def split_title_number(title: str | None) -> tuple[str | None, str | None]:
    """A title printed with its own 文号, in brackets at the end ("关于…的通知（国办发〔2019〕6号）") or
    before it ("某政〔2026〕2号 关于…的通知"): the title without it, and the 文号 as printed. Other titles
    come back whole, with None."""
    m = _TITLE_NUMBER.search(title or "")
    if title and m and m.start() > 0 and parse_doc_number(m["num"]) is not None:
        return title[: m.start()].rstrip(), m["num"]
    first, _, rest = (title or "").partition(" ")
    if title and rest.strip() and parse_doc_number(first) is not None:
        return rest.strip(), first
    return title, None
