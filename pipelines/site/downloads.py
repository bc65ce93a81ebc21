"""The downloads page: every version with its files (size, sha256) and changelog, and how to load them."""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Mapping, Sequence

from gongwen.pipelines.schema import SITE_URL
from gongwen.pipelines.site.markup import (
    block,
    esc,
    esc_or_empty,
    front_matter,
    human_size,
    internal_link,
    relative,
    table,
)
from gongwen.pipelines.site.pages import NO_RELEASE, newest_first, notice_path
from gongwen.pipelines.site.release_data import Record, Release, VersionFile, VersionInfo
from gongwen.pipelines.site.version_changes import ADDED, UPDATED, WITHDRAWN, VersionChanges

LISTED_PER_VERSION = 20  # notices named in a version's changelog; the changes file has them all
PAGE = "downloads/"


def _files(info: VersionInfo) -> list[str]:
    if not info.files:
        return ["<p>此版本的文件不在本站。The files of this version are not on this site.</p>"]
    rows = [
        [
            internal_link(relative(PAGE, f"downloads/{info.version}/{f.name}"), f.name),
            f"{esc(human_size(f.size))}<br><small>{f.size} bytes</small>",
            f"<code>{esc(f.sha256)}</code>",
        ]
        for f in info.files
    ]
    return table(("文件 File", "大小 Size", "sha256"), rows)


def _changelog(entry: VersionChanges | None, by_id: Mapping[str, Record]) -> list[str]:
    """Counts of added, updated (with the fields most changed) and withdrawn notices; the newest named."""
    if entry is None or entry.changes is None:
        return ["<p>变更未记录 Changes not recorded for this version.</p>"]
    added, updated, withdrawn = (entry.ids(k) for k in (ADDED, UPDATED, WITHDRAWN))
    fields = Counter(f for i in updated for f in entry.changes[i].fields)
    summary = (f"<p>新增 added <strong>{len(added)}</strong> · 更新 updated <strong>{len(updated)}</strong>"
               f" · 撤下 withdrawn <strong>{len(withdrawn)}</strong></p>")
    lines = [summary]
    if fields:
        lines.append("<p>更新的字段 Fields updated: "
                     + " · ".join(f"<code>{esc(f)}</code> ×{n}" for f, n in fields.most_common()) + "</p>")
    named = newest_first((by_id[i] for i in added + updated if i in by_id), LISTED_PER_VERSION)
    if named:
        words = {ADDED: "新增 added", UPDATED: "更新 updated"}
        lines += ["<ul>"] + [
            f"<li>{words[entry.changes[str(r['id'])].kind]}: "
            f"{internal_link(relative(PAGE, notice_path(r)), r.get('title') or r['id'])}</li>"
            for r in named
        ] + ["</ul>"]
    if len(added) + len(updated) > len(named):
        lines.append(f"<p>……共 {len(added) + len(updated)} 篇 in all; the changes file of the version "
                     "lists every id.</p>")
    return lines


def _version_block(info: VersionInfo, entry: VersionChanges | None, by_id: Mapping[str, Record]) -> str:
    facts = f"<p>创建于 created {esc_or_empty(info.created)} · 公文 {esc_or_empty(info.notices)} notices</p>"
    return block([facts, *_files(info), "<h3>变更 Changes</h3>", *_changelog(entry, by_id)], "gw-version")


def _excel_file(files: Sequence[VersionFile]) -> str | None:
    """The name of a CSV of the version written with a UTF-8 byte order mark, which Excel opens as is."""
    for f in files:
        if f.name.endswith(".csv"):
            with f.path.open("rb") as data:
                if data.read(3) == codecs.BOM_UTF8:
                    return f.name
    return None


HOW_TO = """## 使用方法 How to load the data

`notices.csv` is UTF-8 with a header row, one row per notice. The list and object columns
(`addressees`, `attachments`, `quality_flags`, `doc_number_parts`) hold JSON text; `body_text`
keeps its paragraphs as line breaks inside the quoted cell. `notices.json` holds the same records as
one JSON array; each record follows the [schema](schema.md).

### Excel

EXCEL_TIP

### pandas

```python
import json

import pandas as pd

notices = pd.read_csv("CSV_URL", dtype=str, keep_default_na=False)
notices["addressees"] = notices["addressees"].map(json.loads)
# or the JSON file, with lists as lists:
notices = pd.read_json("JSON_URL", dtype=False)
```

### DuckDB

```sql
SELECT published_date, doc_number, title
FROM read_csv_auto('CSV_URL')
ORDER BY published_date DESC;

SELECT * FROM read_json('JSON_URL');
```

### 校验 Verify a download

Compare `sha256sum notices.csv` (Linux), `shasum -a 256 notices.csv` (macOS) or
`Get-FileHash notices.csv` (Windows PowerShell) with the sha256 above. `datapackage.json` is a
[Frictionless](https://datapackage.org/) v2 descriptor: `frictionless validate datapackage.json`
checks the files against it.
"""

IMPORT_TIP = (
    "Double-clicking a UTF-8 CSV can show the Chinese as garbled text in some versions of Excel. "
    "To open `notices.csv`: 数据 Data → 自文本/CSV From Text/CSV → choose `notices.csv` → 文件原始格式 "
    "File origin **65001: Unicode (UTF-8)** → 加载 Load."
)


def _how_to(release: Release | None) -> str:
    csv_url, json_url, tip = "notices.csv", "notices.json", IMPORT_TIP
    if release is not None:
        csv_url = f"{SITE_URL}downloads/{release.version}/notices.csv"
        json_url = f"{SITE_URL}downloads/{release.version}/notices.json"
        excel = _excel_file(release.versions[-1].files)
        if excel is not None:
            tip = f"`{excel}` (UTF-8 with a byte order mark) opens in Excel with a double click. {tip}"
    return HOW_TO.replace("EXCEL_TIP", tip).replace("CSV_URL", csv_url).replace("JSON_URL", json_url)


def downloads_page(release: Release | None, changes: Sequence[VersionChanges] = ()) -> str:
    parts = [
        front_matter("下载 Downloads"),
        "# 下载 Downloads\n\n",
        ("每个版本发布后不再改动；下表列出每个文件的大小和 sha256 校验值，以及相对上一版本的变更。"
            "数据汇编以 CC0 1.0 发布（见[关于](about.md)）。\n"
        "A published version never changes. MINOR versions add or change notices, MAJOR versions "
        "change the schema. Every file is listed with its size and sha256, and every version with "
        "what changed since the one before. New notices of each version are also in the "
        "[Atom feed](feed.xml). The compilation is CC0 1.0 (see [About](about.md)).\n\n"),
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        by_version = {c.version: c for c in changes}
        by_id = {str(r["id"]): r for r in release.notices}
        for info in reversed(release.versions):
            latest = "（最新 latest）" if info.version == release.version else ""
            entry = by_version.get(info.version)
            parts += [f"## {info.version}{latest}\n\n", _version_block(info, entry, by_id)]
    parts.append(_how_to(release))
    return "".join(parts)
