"""文种 (the 15 statutory document types) and genre (实施方案, 办法 …) read from a title."""

from __future__ import annotations

import re
from typing import cast

from gongwen.pipelines.normalise.docnumber import parse_doc_number
from gongwen.pipelines.normalise.text import normalise_space, to_simplified
from gongwen.pipelines.notice import DOC_TYPES, DocType

# Longest first, so 通报 is not read as 报 and 纪要 before anything shorter.
_TYPES_BY_LENGTH = cast("tuple[DocType, ...]", tuple(sorted(DOC_TYPES, key=len, reverse=True)))

# Title endings → genre, longest first: the first ending that matches wins.
GENRES: tuple[tuple[str, str], ...] = (
    ("三年行动计划", "行动计划"),
    ("实施方案", "实施方案"),
    ("工作方案", "工作方案"),
    ("工作要点", "工作要点"),
    ("行动计划", "行动计划"),
    ("实施细则", "细则"),
    ("管理办法", "办法"),
    ("实施办法", "办法"),
    ("暂行办法", "办法"),
    ("办法", "办法"),
    ("规划", "规划"),
    ("细则", "细则"),
    ("规定", "规定"),
    ("条例", "条例"),
    ("方案", "方案"),
    ("计划", "计划"),
    ("指南", "指南"),
)
# Only when the 意见 is itself the document a 通知 issues or relays (关于印发《…意见》的通知).
_EMBEDDED_ONLY = (("实施意见", "意见"), ("指导意见", "意见"), ("意见", "意见"))

# Trailing material that is not part of the name: brackets such as （试行） or （2018—2020年）, a 文号,
# punctuation and a final 的.
_TRAILING_BRACKETS = re.compile(r"\s*[（(〔\[［【][^（()）〔〕\[\]［］【】]*[)）〕\]］】]\s*$")
_TRAILING_PUNCT = re.compile(r"[\s。．.，,、；;：:！!？?\"“”'‘’》]+$")
_TRAILING_SERIAL = re.compile(r"\s*(?:[0-9]{4}年)?第[0-9一二三四五六七八九十百千零〇]+号$")
_EMBEDDED = re.compile(r"《([^《》]+)》")
_RELAY_VERB = re.compile(r"(?:印发|转发|批转|发布|公布|颁布|下发|修订)")


def _strip_tail(title: str) -> str:
    """Drop trailing brackets, a trailing 文号, punctuation and 的, repeatedly."""
    t = normalise_space(title)
    while True:
        before = t
        t = _TRAILING_PUNCT.sub("", t)
        t = _TRAILING_BRACKETS.sub("", t)
        t = _TRAILING_SERIAL.sub("", t)
        parts = t.rsplit(" ", 1)
        if len(parts) == 2 and parse_doc_number(parts[1]) is not None:
            t = parts[0]
        t = t.removesuffix("的")
        if t == before:
            return t


def _unwrap(title: str) -> str:
    """A title printed entirely inside 《》 is the name itself."""
    t = title.strip()
    if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
        return t[1:-1]
    return t


def doc_type_of(title: str | None, doc_number: str | None = None) -> DocType | None:
    """The statutory 文种 the title ends with (embedded 《…》 names ignored); else 命令 for 令.

    关于印发《…实施方案》的通知 → 通知; 关于…的意见 → 意见; a title ending in 令, or a title that
    names no 文种 (…条例) with a 令 number (国令第707号) → 命令; otherwise None.
    """
    t = _strip_tail(_EMBEDDED.sub("《》", to_simplified(_unwrap(title)))) if title else ""
    for doc_type in _TYPES_BY_LENGTH:
        if t.endswith(doc_type):
            return doc_type
    if t.endswith("令"):
        return "命令"
    parsed = parse_doc_number(doc_number) if doc_number else None
    return "命令" if parsed is not None and parsed.is_order else None


def _genre_of_name(name: str, *, embedded: bool) -> str | None:
    name = _strip_tail(name)
    table = GENRES + _EMBEDDED_ONLY if embedded else GENRES
    for ending, genre in sorted(table, key=lambda pair: len(pair[0]), reverse=True):
        if name.endswith(ending):
            return genre
    return None


def genre_of(title: str | None) -> str | None:
    """The genre the title names: from the embedded 《…》 document when there is one, else from the
    title without its 文种 (关于印发…工作要点的通知 → 工作要点); None when there is none."""
    if not title:
        return None
    t = to_simplified(_unwrap(normalise_space(title)))
    embedded = _EMBEDDED.findall(t)
    if embedded:
        genre = _genre_of_name(embedded[-1], embedded=True)
        if genre is not None:
            return genre
    stripped = _strip_tail(t)
    doc_type = next((d for d in _TYPES_BY_LENGTH if stripped.endswith(d)), None)
    if doc_type is None:
        return _genre_of_name(stripped, embedded=False)
    inner = _strip_tail(stripped.removesuffix(doc_type))
    # A 通知 that issues or relays a document: the name before 的通知 is that document's.
    relays = doc_type == "通知" and bool(_RELAY_VERB.search(inner))
    if inner == stripped.removesuffix(doc_type) and not relays:
        return None  # "…工作通知": the 文种 is not preceded by a named document
    return _genre_of_name(inner, embedded=relays)
