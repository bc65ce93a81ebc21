"""Where a notice's text is found: its copies on every site, each text its page has shown, and whether
the page is still on its source site.

Read from the release's ``copies`` and ``versions`` resources; a release older than them has
neither, and notice pages then leave these sections out. Two texts are compared paragraph by
paragraph (difflib), a changed paragraph character by character, and shown as ``<del>``/``<ins>``
around escaped text: a reader sees what was struck out and what was put in, in place.

When each copy and text was last seen is left to the data files: it changes for every notice every
night, and showing it would mean writing every notice page again every night.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from gongwen.crawlers.registry import Source
from gongwen.pipelines.site.markup import EMPTY, clean, esc, esc_or_empty, external_link, table
from gongwen.pipelines.site.notice_rows import NoticeRows, notice_rows
from gongwen.pipelines.site.release_data import Record

NO_LONGER_THERE = "不再在来源网站上 / no longer on the source site"


@dataclass(frozen=True)
class CopyInfo:
    """A row of the copies resource: one page that carries the notice."""

    url: str
    site: str
    source_id: str
    first_seen: str
    canonical: bool
    similarity: float
    differs: bool
    removed_from_source_at: str


@dataclass(frozen=True)
class TextInfo:
    """A row of the versions resource: one text one page has shown."""

    url: str
    first_seen: str
    body_text: str


@dataclass(frozen=True)
class NoticeProvenance:
    copies: list[CopyInfo] = field(default_factory=list)  # canonical first
    texts: list[TextInfo] = field(default_factory=list)  # of all its pages, oldest first

    def texts_of(self, url: str) -> list[TextInfo]:
        return [t for t in self.texts if t.url == url]


@dataclass(frozen=True)
class Provenance:
    """The copies and texts of the notices of a release, by notice (pipelines/site/notice_rows.py): read for
    the pages rendered; their digests say whether a page's copies or texts changed. None where the
    release has no such tables. When a crawl last found a copy or a text (``last_seen``) is in no
    page, so not in the digests either: it changes for every notice every night."""

    copies: NoticeRows | None
    texts: NoticeRows | None

    def of(self, notice_id: str) -> NoticeProvenance | None:
        if self.copies is None or self.texts is None:
            return None
        copies = [_copy(row) for row in self.copies.rows(notice_id)]
        texts = [TextInfo(row["url"], row["first_seen"], row["body_text"] or "")
                 for row in sorted(self.texts.rows(notice_id), key=lambda r: r["first_seen"])]
        return NoticeProvenance(copies, texts)

    def digest(self, notice_id: str) -> bytes:
        if self.copies is None or self.texts is None:
            return b"-"
        return self.copies.digest(notice_id) + self.texts.digest(notice_id)


def _true(value: object) -> bool:
    return str(value).strip().lower() == "true"


def _copy(row: Mapping[str, str]) -> CopyInfo:
    return CopyInfo(
        url=row["url"],
        site=row["site"],
        source_id=row["source_id"],
        first_seen=row["first_seen"],
        canonical=_true(row["canonical"]),
        similarity=float(row["similarity"] or 0),
        differs=_true(row["differs"]),
        removed_from_source_at=row.get("removed_from_source_at") or "",
    )


PROVENANCE_TABLES = ("copies", "versions")


def provenance_table(folder: Path, name: str) -> NoticeRows | None:
    return notice_rows(folder, name, ignored="last_seen")


def load_provenance(folder: Path, ahead: Mapping[str, NoticeRows | None] | None = None) -> Provenance:
    """The copies and texts of the version in ``folder``; ``ahead``: its tables already read
    (``provenance_table``)."""
    ahead = ahead or {}
    copies, texts = (ahead[n] if n in ahead else provenance_table(folder, n) for n in PROVENANCE_TABLES)
    return Provenance(copies, texts)


def removed_banner(record: Record, archived: str | None) -> list[str]:
    """The warning that the notice's page is gone from its source, with the archived copy's link."""
    removed = record.get("removed_from_source_at")
    if not removed:
        return []
    link = external_link(archived, "互联网档案馆的存档 the Internet Archive's copy") if archived else EMPTY
    zh = (f"{esc(removed)} 起，来源网站已找不到此页面（HTTP 404/410 或不再列出）。"
          "本页保留最后一次获取的内容，有效性不因此改变。")
    en = (f"The page was gone from its source at {esc(removed)} (HTTP 404/410 or no longer listed). This is "
          "the notice as last retrieved; its validity is not changed by that.")
    return [
        '<div class="admonition warning">',
        f'<p class="admonition-title">{esc(NO_LONGER_THERE)}</p>',
        f"<p>{zh}</p>",
        f"<p>{en}</p>",
        f"<p>存档 Archived copy: {link}</p>",
        "</div>",
    ]


def _fragment(text: str) -> str:
    """A piece of a paragraph, escaped with its spaces kept (esc() collapses and strips them)."""
    return html.escape(clean(text), quote=True)


def _inline(old: str, new: str) -> str:
    """One paragraph changed into another, character by character."""
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(_fragment(old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(f"<del>{_fragment(old[i1:i2])}</del>")
        if j2 > j1:
            parts.append(f"<ins>{_fragment(new[j1:j2])}</ins>")
    return "".join(parts)


def text_diff(old: str, new: str) -> list[str]:
    """HTML lines showing ``new`` against ``old``, paragraph by paragraph; unchanged runs summarised."""
    a, b = old.split("\n"), new.split("\n")
    lines = ['<div class="gw-diff">']
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.append(f'<p class="gw-same">…… {i2 - i1} 段未改 paragraphs unchanged ……</p>')
        elif tag == "replace" and i2 - i1 == j2 - j1:
            lines += [f"<p>{_inline(x, y)}</p>" for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            lines += [f"<p><del>{_fragment(x)}</del></p>" for x in a[i1:i2]]
            lines += [f"<p><ins>{_fragment(y)}</ins></p>" for y in b[j1:j2]]
    lines.append("</div>")
    return lines


def _note(copy: CopyInfo) -> str:
    notes = ["规范副本 canonical"] if copy.canonical else []
    if copy.differs:
        notes.append(f"文字不同 text differs (相似度 similarity {copy.similarity:.0%})")
    elif not copy.canonical:
        notes.append("文字相同 same text")
    if copy.removed_from_source_at:
        notes.append(f"已从来源删除 removed from its source {copy.removed_from_source_at}")
    return esc(" · ".join(notes))


def copies_section(record: Record, found: NoticeProvenance, sources: Mapping[str, Source]) -> list[str]:
    """Every copy (site, source, first seen, and whether it is canonical, differs or was removed), and
    how each differing one differs from the notice's text."""
    rows = [
        [
            external_link(c.url, c.site),
            esc(sources[c.source_id].name) if c.source_id in sources else f"<code>{esc(c.source_id)}</code>",
            esc_or_empty(c.first_seen),
            _note(c),
        ]
        for c in found.copies
    ]
    headers = ("网站 Site", "来源 Source", "首次获取 First seen", "说明 Note")
    lines = ["<h2>副本 Copies</h2>", *table(headers, rows)]
    for copy in found.copies:
        texts = found.texts_of(copy.url)
        if copy.differs and texts:
            summary = f"{esc(copy.site)}：与规范副本的差异 how it differs from the canonical copy"
            diff = text_diff(str(record.get("body_text") or ""), texts[-1].body_text)
            lines += [f"<details><summary>{summary}</summary>", *diff, "</details>"]
    return lines


def texts_section(record: Record, found: NoticeProvenance) -> list[str]:
    """The texts the notice's page has shown, newest first, each with what changed from the one before."""
    texts = found.texts_of(str(record.get("url")))
    lines = ["<h2>文本历史 Text history</h2>"]
    if len(texts) < 2:
        since = esc(texts[0].first_seen) if texts else EMPTY
        return [*lines, f"<p>自 {since} 首次获取以来文字未变 Unchanged since first retrieved ({since}).</p>"]
    changed = len(texts) - 1
    lines.append(f"<p>此页面的文字改过 {changed} 次 The page's text changed {changed} time(s).</p>")
    for k in range(len(texts) - 1, 0, -1):
        older, newer = texts[k - 1], texts[k]
        opened = " open" if k == len(texts) - 1 else ""
        summary = f"{esc(newer.first_seen)} 起 since：对比 against {esc(older.first_seen)}"
        diff = text_diff(older.body_text, newer.body_text)
        lines += [f"<details{opened}><summary>{summary}</summary>", *diff, "</details>"]
    return lines


def provenance_sections(
    record: Record, found: NoticeProvenance | None, sources: Mapping[str, Source]
) -> list[str]:
    """The copies and text history of a notice page (nothing for a release without those tables)."""
    if found is None:
        return []
    return [*copies_section(record, found, sources), *texts_section(record, found)]
