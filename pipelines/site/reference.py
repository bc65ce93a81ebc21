"""Reference pages: the sources, and the schema documentation generated from the published JSON Schema.

Pure functions from the source registry, the release and the published JSON Schema to page text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from gongwen.crawlers.registry import NATIONAL, PROVINCES, Source
from gongwen.pipelines.schema import SITE_URL
from gongwen.pipelines.site.markup import (
    EMPTY,
    block,
    esc,
    external_link,
    front_matter,
    internal_link,
    relative,
    table,
)
from gongwen.pipelines.site.pages import FLAG_EXPLANATIONS, LEVELS, NO_RELEASE, newest
from gongwen.pipelines.site.release_data import Release, resource_rows

EXAMPLE_CHARS = 80
_DEF_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_FORMATS = {"date": "date YYYY-MM-DD", "date-time": "date-time, RFC 3339", "uri": "URI"}


# --- sources ---------------------------------------------------------------------------------------


def _last_crawl(crawl: Mapping[str, Any] | None) -> str:
    """The release's record of the source's last successful crawl (its ``sources`` resource)."""
    if crawl is None:
        return EMPTY
    if not crawl.get("crawled_at"):
        return "未抓取 not crawled"
    return (f"{esc(crawl['crawled_at'])} · 请求 fetched {esc(crawl.get('fetches'))} · "
            f"失败 failed {esc(crawl.get('failed'))} · 隔离 quarantined {esc(crawl.get('quarantined'))}")


VERDICTS = {
    "ok": "正常 ok", "layout changed": "版式已变 layout changed", "unreachable": "无法访问 unreachable",
}


def _verdict(check: Mapping[str, Any] | None) -> str:
    if check is None:
        return "—"
    return VERDICTS.get(str(check.get("verdict")), esc(check.get("verdict")))


def _last_check(check: Mapping[str, Any] | None) -> str:
    """The source's last check (gongwen sources check), as the workdir keeps it."""
    if check is None:
        return "未检查 not checked"
    said = _verdict(check)
    reason = f" · {esc(check['reason'])}" if check.get("reason") else ""
    return f"{esc(check.get('checked_at'))} · {said} · 链接 links {esc(check.get('links'))}{reason}"


def _source_block(
    source: Source, count: int | None, crawl: Mapping[str, Any] | None, check: Mapping[str, Any] | None
) -> str:
    urls = "<br>".join(external_link(url) for url in source.start_urls)
    rows = [
        ("编号 Id", f"<code>{esc(source.id)}</code>"),
        ("发布者 Publisher", esc(source.publisher)),
        ("地区 Region", esc(source.region)),
        ("行政区划代码 Division code", f"<code>{esc(source.division_code)}</code>"),
        ("层级 Level", esc(LEVELS.get(source.level, source.level))),
        ("网站系统 CMS family", f"<code>{esc(source.family)}</code>"),
        ("起始网址 Start URLs", urls),
        ("依据 Evidence", esc(source.evidence)),
        ("使用条款 Terms", esc(source.terms)),
        ("本版公文数 Notices in the release", EMPTY if count is None else str(count)),
        ("最近一次成功抓取 Last successful crawl", _last_crawl(crawl)),
        ("最近一次检查 Last check", _last_check(check)),
    ]
    lines = [f'<h2 id="source-{esc(source.id)}">{esc(source.name)}</h2>', "<table>", "<tbody>"]
    lines += [f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in rows]
    lines += ["</tbody>", "</table>"]
    return block(lines, "gw-source")


def _summary(sources: Sequence[Source], crawls: Mapping[str, Mapping[str, Any]],
             checks: Mapping[str, Mapping[str, Any]]) -> str:
    rows = [
        [internal_link(f"#source-{s.id}", s.name), f"<code>{esc(s.family)}</code>", esc(s.region),
         esc(LEVELS.get(s.level, s.level)), esc(crawls.get(s.id, {}).get("crawled_at") or "—"),
         _verdict(checks.get(s.id))]
        for s in sources
    ]
    headers = ["来源 Source", "网站系统 Family", "地区 Region", "层级 Level", "最近抓取 Last crawl",
               "最近检查 Last check"]
    return block(table(headers, rows), "gw-source-list")


def _coverage(
    sources: Sequence[Source], counts: Counter[str], crawls: Mapping[str, Mapping[str, Any]]
) -> str:
    """Government sources, crawled sources and notices by province (central bodies first), every
    province listed: most have nothing yet, and the table says so."""
    by_province: dict[str, list[Source]] = {}
    for source in (s for s in sources if s.level != "none"):
        by_province.setdefault(source.province_code, []).append(source)
    rows = []
    for code, name in [(NATIONAL, "中央 central government"), *PROVINCES.items()]:
        held = by_province.get(code, [])
        crawled = sum(bool(crawls.get(s.id, {}).get("crawled_at")) for s in held)
        levels = ", ".join(sorted({esc(LEVELS.get(s.level, s.level)) for s in held})) or "—"
        rows.append([esc(name), f"<code>{code}</code>", str(len(held)), str(crawled),
                     str(sum(counts[s.id] for s in held)), levels])
    headers = ["省份 Province", "代码 Code", "来源 Sources", "已抓取 Crawled", "公文 Notices", "层级 Levels"]
    return block(table(headers, rows), "gw-coverage")


def sources_page(
    sources: Sequence[Source], release: Release | None, checks: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """Every source of the registry: a table, the coverage by province, then each source in full.
    ``checks``: each source's last check (gongwen sources check), when the build was given them."""
    checks = checks or {}
    counts = Counter(str(r.get("source_id")) for r in release.notices) if release else Counter[str]()
    families = Counter(s.family for s in sources)
    parts = [
        front_matter("来源 Sources"),
        "# 来源 Sources\n\n",
        ("gongwen 抓取的每个网站，取自 `crawlers/sources.toml`；按网站系统（CMS）导航。\n"
        f"Every site gongwen crawls, from `crawlers/sources.toml`: {len(sources)} sources, navigated by "
        "their CMS family (" + ", ".join(f"{esc(f)} {n}" for f, n in families.most_common()) + "). "
        "The evidence says where each start URL and family come from; the terms record what is known "
        "about reusing each site's pages.\n\n"),
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        parts.append(f"公文数取自版本 {release.version}. Counts are from version {release.version}.\n\n")
    rows = (resource_rows(release.folder, "sources") if release else None) or []
    crawls = {str(r.get("source_id")): r for r in rows}
    parts += ["## 全部来源 All sources\n\n", _summary(sources, crawls, checks), "\n\n"]
    parts += ["## 覆盖 Coverage by province\n\n", _coverage(sources, counts, crawls), "\n\n"]
    parts += [
        _source_block(s, counts[s.id] if release else None, crawls.get(s.id), checks.get(s.id))
        for s in sources
    ]
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
    """For each field, its value in the newest notice that has one (not null, not empty): found by
    the names of the fields each notice has a value in (``Release.filled``), read from those records."""
    if release is None:
        return {}
    chosen: dict[str, str] = {}  # field -> the notice whose value is the example
    seen: set[tuple[str, ...]] = set()
    for record in newest(release):
        filled = release.filled[str(record["id"])]
        if filled not in seen:
            seen.add(filled)
            for name in filled:
                chosen.setdefault(name, str(record["id"]))
    records = {notice: release.full(notice) for notice in set(chosen.values())}
    return {name: records[notice][name] for name, notice in chosen.items()}


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
