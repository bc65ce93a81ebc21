"""Citations: the documents a notice cites, by title and/or 文号.

《国务院办公厅关于支持国家级新区深化改革创新加快推动高质量发展的指导意见》（国办发〔2019〕58号）
gives a title and a 文号 (normalised with parse_doc_number); 《历史文化名城名镇名村保护条例》 a title.
Not citations: the notice's own document (现将《…》印发给你们), a document the notice plans to write
(制定《…规划》, 出台《…条例》), and a short name it defines (以下简称《指导意见》) or uses later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from gongwen.pipelines.normalise.docnumber import parse_doc_number
from gongwen.pipelines.normalise.text import CJK
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.policy.records import Citation, record_id

_TITLE = re.compile(r"《(?P<title>[^《》]{2,150})》")
_DOC_NUMBER = re.compile(
    rf"(?P<code>[{CJK}A-Za-z]{{1,16}})\s*[〔\[［(（【﹝]\s*\d{{4}}\s*[〕\]］)）】﹞]\s*第?\s*\d{{1,6}}\s*号"
    rf"|(?P<order>[{CJK}]{{0,16}}令)\s*第\s*\d{{1,6}}\s*号"
)
_LEADING_WORDS = re.compile(r"^(?:根据|按照|依据|依照|落实|贯彻|执行|参照|对照|印发|见|和|及|与)+")
_BRACKET_AFTER = re.compile(r"^\s*[（(](?P<inside>[^（()）]*(?:[（(][^（()）]*[）)][^（()）]*)*)[）)]")
_PLANNED = re.compile(r"(?:制定|编制|出台|研究制定|制定出台|起草|修订|印发)\s*$")
_ALIAS = re.compile(r"(?:以下)?简称\s*《(?P<alias>[^《》]+)》")
_JOIN = re.compile(r"^\s*[和、与及]\s*$")
_NOISE = re.compile(r"[\s\W_]+")


def _key(text: str) -> str:
    return _NOISE.sub("", text)


def _doc_number_at(text: str) -> tuple[str, str] | None:
    """The 文号 a text starts with: (as printed, normalised)."""
    m = _DOC_NUMBER.match(text)
    if not m:
        return None
    raw = m.group(0)
    parsed = parse_doc_number(raw)
    return (raw, parsed.normalised) if parsed else None


def _own(title: str, notice: Notice) -> bool:
    return _key(title) in _key(notice.title)


class _Cited(NamedTuple):
    """What a line cites, before it is kept once: where it starts, as printed, its title and its 文号
    (as printed, normalised)."""

    start: int
    text: str
    title: str | None
    number: tuple[str, str] | None


def citations_of(notice: Notice, lines: list[str]) -> list[Citation]:
    """The documents the notice's body lines cite, each once, in order."""
    aliases = {_key(a) for line in lines for a in _ALIAS.findall(line)}
    found: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    for n, line in enumerate(lines):
        titled, covered = _titles_cited(line, notice, aliases)
        for start, text, title, number in [*titled, *_numbers_cited(line, notice, covered)]:
            key = (_key(title or ""), number[1] if number else "")
            if key in seen or (not number and any(k[0] == key[0] for k in seen)):
                continue
            seen.add(key)
            found.append(Citation(
                id=record_id(notice.id, "citation", f"{n}:{start}"),
                notice_id=notice.id,
                line=n,
                title=title,
                doc_number=number[1] if number else None,
                doc_number_raw=number[0] if number else None,
                text=text,
            ))
    return found


def _titles_cited(line: str, notice: Notice, aliases: set[str]) -> tuple[list[_Cited], list[tuple[int, int]]]:
    """The titles the line cites (with the 文号 in brackets after one), and where every title of it
    and that 文号 stand, those it does not cite too: the documents it plans, its own, its short names."""
    cited: list[_Cited] = []
    covered: list[tuple[int, int]] = []
    planned_end = -1
    for m in _TITLE.finditer(line):
        title = m["title"].strip()
        planned = bool(_PLANNED.search(line[:m.start()])) or (
            planned_end >= 0 and bool(_JOIN.match(line[planned_end:m.start()]))
        )
        if planned:
            planned_end = m.end()
        after = _BRACKET_AFTER.match(line[m.end():])
        number = _doc_number_at(after["inside"].strip()) if after else None
        end = m.end() + (after.end() if after and number else 0)
        covered.append((m.start(), end))
        if not (planned or _own(title, notice) or _key(title) in aliases):
            cited.append(_Cited(m.start(), line[m.start():end], title, number))
    return cited, covered


def _numbers_cited(line: str, notice: Notice, covered: list[tuple[int, int]]) -> Iterator[_Cited]:
    """The 文号 the line cites outside its titles (``covered``), but the notice's own."""
    for m in _DOC_NUMBER.finditer(line):
        if any(s <= m.start() < e for s, e in covered):
            continue
        raw = _LEADING_WORDS.sub("", m.group(0))
        parsed = parse_doc_number(raw)
        if parsed and parsed.normalised != notice.doc_number:
            yield _Cited(m.start() + len(m.group(0)) - len(raw), raw, None, (raw, parsed.normalised))


class CitedDocuments:
    """The notices a citation can point to: by 文号, and by title (the notice's own, or the document
    it 印发《…》); the first notice added wins."""

    def __init__(self) -> None:
        self._by_number: dict[str, str] = {}
        self._by_title: dict[str, str] = {}

    def add(self, notice_id: str, doc_number: str | None, title: str) -> None:
        if doc_number:
            self._by_number.setdefault(doc_number, notice_id)
        self._by_title.setdefault(_key(title), notice_id)
        for inner in _TITLE.findall(title):
            self._by_title.setdefault(_key(inner), notice_id)

    def find(self, doc_number: str | None, title: str | None) -> str | None:
        """The notice a citation of this 文号 and/or title points to, if any."""
        return (self._by_number.get(doc_number) if doc_number else None) or (
            self._by_title.get(_key(title)) if title else None
        )


def link_citations(citations: Iterable[Citation], notices: Iterable[Notice]) -> list[Citation]:
    """The citations with ``cited_notice_id`` set where the cited document is one of the notices
    (CitedDocuments). The others are the cited documents missing from the dataset."""
    documents = CitedDocuments()
    for notice in notices:
        documents.add(notice.id, notice.doc_number, notice.title)
    found = ((c, documents.find(c.doc_number, c.title)) for c in citations)
    return [c.model_copy(update={"cited_notice_id": cited}) if cited else c for c, cited in found]
