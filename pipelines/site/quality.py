"""The data quality page: quarantined pages with their reasons, and quality flags by source.

Quarantined pages come from the release's ``quality`` resource, shown with whatever columns it
has; a release without one says so. Flags are counted from the notices' ``quality_flags``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import Source
from gongwen.pipelines.notice import FlagCode
from gongwen.pipelines.schema import ROOT
from gongwen.pipelines.site.markup import (
    EMPTY,
    block,
    esc,
    external_link,
    front_matter,
    internal_link,
    relative,
    table,
    web_url,
)
from gongwen.pipelines.site.pages import NO_RELEASE, flag_explanation, items, newest, notice_path
from gongwen.pipelines.site.release_data import Record, Release, resource_rows

LISTED_PER_FLAG = 100
PAGE = "quality/"
GUARANTEES = "## What we guarantee\n"  # the README's section, shown on this page as it is written there


def guarantees_section(readme: Path = ROOT / "README.md") -> str:
    """The README's "What we guarantee" section (empty when there is no README, as in a wheel)."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if GUARANTEES not in text:
        return ""
    section = text[text.index(GUARANTEES) :]
    end = section.find("\n## ", len(GUARANTEES))
    section = section if end < 0 else section[: end + 1]
    return section.replace(GUARANTEES, "## 我们的保证 What we guarantee\n", 1)


def _cell(column: str, value: Any, published: AbstractSet[str]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list | dict):
        return f"<code>{esc(json.dumps(value, ensure_ascii=False))}</code>"
    if column == "notice_id" and value in published:
        return internal_link(relative(PAGE, f"notices/{value}/"), value)
    return external_link(value) if web_url(value) else esc(value)


def quarantine_section(rows: Sequence[Mapping[str, Any]] | None, published: AbstractSet[str]) -> str:
    """The release's quality table as it is: every URL that gave no notice, with the reason."""
    heading = "## 隔离的页面 Quarantined pages\n\n"
    if rows is None:
        return heading + ("本版本没有隔离记录。This release has no record of quarantined pages "
                          "(no `quality` resource in its datapackage.json).\n\n")
    intro = (f"抓取中没有产生公文的 {len(rows)} 个网址及其原因：隔离（已获取，但不是有效的公文）或失败"
             f"（未能获取）。The {len(rows)} URLs of the crawls that gave no notice, each with the reason: "
             "quarantined (fetched, but not a valid notice) or failed (not fetched).\n\n")
    if not rows:
        return heading + intro
    columns = list(dict.fromkeys(key for row in rows for key in row))
    body = [[_cell(c, row.get(c), published) for c in columns] for row in rows]
    return heading + intro + block(table(columns, body), "gw-quarantine")


def _flags_by_source(notices: Sequence[Record], sources: Mapping[str, Source]) -> str:
    counts: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    for record in notices:
        source = str(record.get("source_id"))
        totals[source] += 1
        for flag in {str(f.get("code")) for f in items(record, "quality_flags") if isinstance(f, Mapping)}:
            counts[source, flag] += 1
    codes = [str(c) for c in FlagCode] + sorted({c for _, c in counts} - set(FlagCode))
    def name(source_id: str) -> str:
        return esc(sources[source_id].name if source_id in sources else source_id)

    rows = [[name(s), str(totals[s]), *(str(counts[s, c] or "") for c in codes)] for s in sorted(totals)]
    return block(table(["来源 Source", "公文数 Notices", *codes], rows), "gw-flags")


def _flagged(notices: Sequence[Record]) -> dict[str, list[Record]]:
    """The notices with each flag code, in the order of ``notices``."""
    flagged: dict[str, list[Record]] = {}
    for record in notices:
        codes = (str(f.get("code")) for f in items(record, "quality_flags") if isinstance(f, Mapping))
        for code in dict.fromkeys(codes):
            flagged.setdefault(code, []).append(record)
    return flagged


def _flag_section(code: str, flagged: Sequence[Record]) -> str:
    shown = flagged[:LISTED_PER_FLAG]
    lines = [f"<h3>{esc(code)}（{len(flagged)}）</h3>", f"<p>{esc(flag_explanation(code))}</p>", "<ul>"]
    lines += [
        f"<li>{internal_link(relative(PAGE, notice_path(r)), r.get('title') or r['id'])}</li>" for r in shown
    ]
    lines.append("</ul>")
    if len(flagged) > len(shown):
        lines.append(f"<p>最新的 {len(shown)} 篇 The newest {len(shown)}; the data files have them all.</p>")
    return block(lines, "gw-flagged")


def broken_section(rows: Sequence[Mapping[str, Any]] | None) -> str:
    """The sources whose last crawl found no notices or could read few of them (sources.health)."""
    heading = "## 失效的来源 Broken sources\n\n"
    broken = [r for r in rows or [] if r.get("health") == "broken"]
    if not broken:
        return heading + "没有失效的来源。No source is broken: every crawled source brought notices.\n\n"
    intro = (f"{len(broken)} 个来源上次抓取时没有找到公文，或大多数页面无法读成公文（版式可能已变）。"
             f"{len(broken)} sources found no notices in their last crawl, or could read few of them "
             "(their layout may have changed): an operator should look at them.\n\n")
    body = [[esc(r.get("name") or r.get("source_id")), external_link(r.get("start_url")),
             esc(r.get("crawled_at") or EMPTY), esc(r.get("health_reason") or EMPTY)] for r in broken]
    headers = ["来源 Source", "起始网址 Start URL", "抓取 Crawled", "原因 Why"]
    return heading + intro + block(table(headers, body), "gw-broken")


def quality_page(release: Release | None, sources: Sequence[Source]) -> str:
    parts = [
        front_matter("数据质量 Data quality"),
        "# 数据质量 Data quality\n\n",
        ("gongwen 不会悄悄丢掉读不好的页面：无法读成有效公文的页面被隔离并注明原因；"
        "读成了但有问题的公文带有质量标记。\n"
        "Nothing is dropped silently: a page that cannot be read into a valid notice is quarantined "
        "with its reason, and a notice with a problem carries quality flags, explained on its page "
        "and counted here.\n\n"),
    ]
    if release is None:
        return "".join([*parts, NO_RELEASE, guarantees_section()])
    notices = newest(release)
    parts += [
        f"版本 Version {release.version}.\n\n",
        broken_section(resource_rows(release.folder, "sources")),
        quarantine_section(resource_rows(release.folder, "quality"), {str(r["id"]) for r in notices}),
        "## 各来源的质量标记 Quality flags by source\n\n",
        "每个来源带有各标记的公文数。Notices of each source carrying each flag.\n\n",
        _flags_by_source(notices, {s.id: s for s in sources}),
        "## 带标记的公文 Flagged notices\n\n",
    ]
    flagged = _flagged(notices)
    sections = [_flag_section(code, flagged[code]) for code in FlagCode if code in flagged]
    parts += sections or ["没有带标记的公文。No notice carries a flag.\n\n"]
    return "".join([*parts, guarantees_section()])
