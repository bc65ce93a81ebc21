"""Reference pages: the sources, the downloads of every version, and the schema documentation.

Pure functions from the source registry, the release and the published JSON Schema to page text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from crawlers.registry import Source
from pipelines.schema import SITE_URL
from pipelines.site.markup import (
    EMPTY,
    block,
    esc,
    esc_or_empty,
    external_link,
    front_matter,
    human_size,
    internal_link,
    relative,
    table,
)
from pipelines.site.pages import FLAG_EXPLANATIONS, LEVELS, NO_RELEASE, newest_first
from pipelines.site.release_data import Release, VersionInfo

EXAMPLE_CHARS = 80
_DEF_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FORMATS = {"date": "date YYYY-MM-DD", "date-time": "date-time, RFC 3339", "uri": "URI"}


# --- sources ---------------------------------------------------------------------------------------


def _source_block(source: Source, count: int | None) -> str:
    urls = "<br>".join(external_link(url) for url in source.start_urls)
    rows = [
        ("编号 Id", f"<code>{esc(source.id)}</code>"),
        ("发布者 Publisher", esc(source.publisher)),
        ("地区 Region", esc(source.region)),
        ("层级 Level", esc(LEVELS.get(source.level, source.level))),
        ("网站系统 CMS family", f"<code>{esc(source.family)}</code>"),
        ("起始网址 Start URLs", urls),
        ("使用条款 Terms", esc(source.terms)),
        ("本版公文数 Notices in the release", EMPTY if count is None else str(count)),
    ]
    lines = [f'<h2 id="source-{esc(source.id)}">{esc(source.name)}</h2>', "<table>", "<tbody>"]
    lines += [f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in rows]
    lines += ["</tbody>", "</table>"]
    return block(lines, "gw-source")


def sources_page(sources: Sequence[Source], release: Release | None) -> str:
    counts = Counter(str(r.get("source_id")) for r in release.notices) if release else Counter[str]()
    parts = [
        front_matter("来源 Sources"),
        "# 来源 Sources\n\n",
        ("gongwen 抓取的每个网站，取自 `crawlers/sources.toml`；每个来源都有同名的爬虫。\n"
        "Every site gongwen crawls, from `crawlers/sources.toml`; a spider of the same name walks "
        "each one. The terms record what is known about reusing each site's pages.\n\n"),
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        parts.append(f"公文数取自版本 {release.version}. Counts are from version {release.version}.\n\n")
    parts += [_source_block(s, counts[s.id] if release else None) for s in sources]
    return "".join(parts)


# --- downloads -------------------------------------------------------------------------------------


def _version_block(info: VersionInfo) -> str:
    facts = (
        f"<p>创建于 created {esc_or_empty(info.created)} · "
        f"公文 {esc_or_empty(info.notices)} notices</p>"
    )
    if not info.files:
        return block([facts, "<p>此版本的文件不在本站。The files of this version are not on this site.</p>"],
                     "gw-version")
    rows = [
        [
            internal_link(relative("downloads/", f"downloads/{info.version}/{f.name}"), f.name),
            f"{esc(human_size(f.size))}<br><small>{f.size} bytes</small>",
            f"<code>{esc(f.sha256)}</code>",
        ]
        for f in info.files
    ]
    return block([facts, *table(("文件 File", "大小 Size", "sha256"), rows)], "gw-version")


HOW_TO = """## 使用方法 How to load the data

`notices.csv` is UTF-8 with a header row, one row per notice. The list and object columns
(`addressees`, `attachments`, `quality_flags`, `doc_number_parts`) hold JSON text; `body_text`
keeps its paragraphs as line breaks inside the quoted cell. `notices.json` holds the same records as
one JSON array; each record follows the [schema](schema.md).

### Excel

Double-clicking a UTF-8 CSV can show the Chinese as garbled text in some versions of Excel. Instead:
数据 Data → 自文本/CSV From Text/CSV → choose `notices.csv` → 文件原始格式 File origin
**65001: Unicode (UTF-8)** → 加载 Load.

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


def _how_to(release: Release | None) -> str:
    if release is None:
        csv_url, json_url = "notices.csv", "notices.json"
    else:
        csv_url = f"{SITE_URL}downloads/{release.version}/notices.csv"
        json_url = f"{SITE_URL}downloads/{release.version}/notices.json"
    return HOW_TO.replace("CSV_URL", csv_url).replace("JSON_URL", json_url)




def downloads_page(release: Release | None) -> str:
    parts = [
        front_matter("下载 Downloads"),
        "# 下载 Downloads\n\n",
        ("每个版本发布后不再改动；下表列出每个文件的大小和 sha256 校验值。"
            "数据汇编以 CC0 1.0 发布（见[关于](about.md)）。\n"
        "A published version never changes. MINOR versions add or change notices, MAJOR versions "
        "change the schema. Every file is listed with its size and sha256. The compilation is "
        "CC0 1.0 (see [About](about.md)).\n\n"),
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        for info in reversed(release.versions):
            latest = "（最新 latest）" if info.version == release.version else ""
            parts += [f"## {info.version}{latest}\n\n", _version_block(info)]
    parts.append(_how_to(release))
    return "".join(parts)


# --- schema ----------------------------------------------------------------------------------------


def _def_link(ref: str) -> str:
    name = ref.rsplit("/", 1)[-1]
    if not _DEF_NAME.match(name):
        return esc(name)
    return internal_link(f"#def-{name.lower()}", name)


def readable_type(prop: Mapping[str, Any]) -> str:
    """The type of a JSON Schema property in words (HTML): "string or null", "list of Attachment" …"""
    if "$ref" in prop:
        return _def_link(str(prop["$ref"]))
    for key in ("anyOf", "oneOf"):
        if key in prop:
            return " or ".join(readable_type(p) for p in prop[key])
    kind = prop.get("type")
    if isinstance(kind, list):
        return " or ".join(readable_type({**prop, "type": k}) for k in kind)
    if kind == "array":
        inner = prop.get("items")
        return "list of " + readable_type(inner) if isinstance(inner, Mapping) else "list"
    words = esc(kind or "any")
    if kind == "string" and "format" in prop:
        words += f" ({esc(_FORMATS.get(str(prop['format']), prop['format']))})"
    if "enum" in prop:
        words += ", one of: " + " · ".join(esc(v) for v in prop["enum"])
    return words


def _meaning(prop: Mapping[str, Any]) -> str:
    described = esc(prop.get("description") or prop.get("title") or "")
    candidates = [prop, *prop.get("anyOf", [])]
    patterns = [p["pattern"] for p in candidates if isinstance(p, Mapping) and "pattern" in p]
    if patterns and patterns[0] != r"\S":
        described += f"<br><small>pattern <code>{esc(patterns[0])}</code></small>"
    return described or EMPTY


def example_values(release: Release | None) -> dict[str, Any]:
    """For each field, its value in the newest notice that has one (not null, not empty)."""
    examples: dict[str, Any] = {}
    for record in newest_first(release.notices if release else []):
        for name, value in record.items():
            if name not in examples and value not in (None, "", [], {}):
                examples[name] = value
    return examples


def _example(value: Any) -> str:
    if value is None:
        return EMPTY
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(shown) > EXAMPLE_CHARS:
        shown = shown[:EXAMPLE_CHARS] + " …"
    return f"<code>{esc(shown)}</code>"


def _fields_table(schema: Mapping[str, Any], examples: Mapping[str, Any] | None) -> list[str]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    headers = ["字段 Field", "类型 Type", "含义 Meaning"]
    rows = [[f"<code>{esc(name)}</code>", readable_type(p), _meaning(p)] for name, p in properties.items()]
    if examples is not None:
        headers.append("示例 Example")
        for row, name in zip(rows, properties, strict=True):
            row.append(_example(examples.get(name)))
    return table(headers, rows)


def _def_section(name: str, definition: Mapping[str, Any]) -> str:
    heading = f"### {name} {{#def-{name.lower()}}}\n\n"
    described = f"{esc(definition['description'])}\n\n" if definition.get("description") else ""
    if "properties" in definition:
        return heading + described + block(_fields_table(definition, None), "gw-schema")
    values = definition.get("enum", [])
    rows = [[f"<code>{esc(v)}</code>", esc(" ; ".join(FLAG_EXPLANATIONS.get(str(v), ("", ""))).strip(" ;"))]
            for v in values]
    return heading + described + block(table(("值 Value", "含义 Meaning"), rows), "gw-schema")


def schema_page(schema: Mapping[str, Any], versions: Sequence[str], release: Release | None) -> str:
    """The newest published schema: its ``$id``, every field with type, meaning and an example."""
    newest = versions[-1]
    files = [
        internal_link(relative("schema/", f"schema/{v}/notice.schema.json"), f"{v}/notice.schema.json")
        for v in reversed(versions)
    ]
    facts = [
        f"<p><code>$id</code>: {external_link(schema.get('$id', ''))}</p>",
        f"<p>方言 Dialect: <code>{esc(schema.get('$schema', EMPTY))}</code></p>",
        f"<p>已发布版本 Published versions: {' · '.join(files)}</p>",
    ]
    example_note = (
        f"Examples are taken from the newest notices of release {release.version}."
        if release else "Examples appear once a release has been published."
    )
    defs: Mapping[str, Any] = schema.get("$defs", {})
    return "".join([
        front_matter("数据结构 Schema"),
        "# 数据结构 Schema\n\n",
        (f"Each record of `notices.json` (and each row of `notices.csv`) is a Notice of schema "
        f"version {newest}, a JSON Schema (draft 2020-12) with a stable `$id` per version. "
        f"Field names are a contract: fields may be added, never renamed. {example_note}\n\n"),
        block(facts, "gw-schema-id"),
        ("```python\nimport json\nimport urllib.request\n\nfrom jsonschema import Draft202012Validator\n\n"
        f'schema = json.load(urllib.request.urlopen("{SITE_URL}schema/{newest}/notice.schema.json"))\n'
        "validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)\n"
        "for error in validator.iter_errors(record):\n    print(error.json_path, error.message)\n```\n\n"),
        "## Notice\n\n",
        f"{esc(schema.get('description', ''))}\n\n",
        block(_fields_table(schema, example_values(release) if release else None), "gw-schema"),
        "## 嵌套类型 Nested types\n\n",
        *[_def_section(name, d) for name, d in defs.items() if _DEF_NAME.match(name)],
    ])
