"""Pages about the notices: the home page, the list of all notices and one page per notice.

Pure functions from release data to page text. Headings and explanations are Markdown written here;
every value from a notice goes through ``markup`` into a raw HTML block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crawlers.registry import Source
from pipelines.notice import FlagCode
from pipelines.site.markup import (
    EMPTY,
    block,
    esc,
    esc_or_empty,
    external_link,
    front_matter,
    internal_link,
    relative,
    table,
)
from pipelines.site.release_data import Record, Release

NEWEST_ON_HOME = 10

LEVELS: dict[str, str] = {
    "national": "国家级 national",
    "provincial": "省级 provincial",
    "prefectural": "地市级 prefectural",
    "county": "区县级 county",
    "zone": "开发区 development zone",
    "none": "非政府网站 not a government site",
}

# What each quality flag means, in Chinese and English, for readers of a notice page.
FLAG_EXPLANATIONS: dict[str, tuple[str, str]] = {
    FlagCode.SPAM_INJECTION: (
        "页面被植入垃圾或博彩内容，部分字段可能已被篡改",
        "spam or gambling text was injected into the page; some fields may have been altered",
    ),
    FlagCode.EMPTY_BODY: ("未能读取到正文", "no body text could be read from the page"),
    FlagCode.MISSING_DATE: ("页面未给出发布日期或成文日期", "the page gives no publication or written date"),
    FlagCode.DOC_NUMBER_NONSTANDARD: (
        "文号写法不符合 GB/T 9704 的规范格式",
        "the document number is not written in the standard form of GB/T 9704",
    ),
    FlagCode.ENCODING_REPLACEMENT: (
        "页面编码有误，部分字符无法还原（显示为 �）",
        "the page's encoding was wrong; some characters were lost (shown as �)",
    ),
    FlagCode.REPOST: (
        "转载页面，并非发文机关的原始发布，请以原文为准",
        "a repost, not the issuing agency's own publication; check the original",
    ),
}

NO_RELEASE = (
    '!!! note "尚无发布版本 No release yet"\n'
    "    这里还没有发布任何数据版本。运行一次流水线（见 README）后重新构建本站即可。\n"
    "    No dataset version has been published here yet: run the pipeline (see the README) and\n"
    "    build the site again.\n\n"
)


def text(record: Record, key: str) -> str | None:
    """A field as a stripped string, or None when it is missing or blank."""
    value = record.get(key)
    if value is None:
        return None
    return str(value).strip() or None


def items(record: Record, key: str) -> list[Any]:
    value = record.get(key)
    return value if isinstance(value, list) else []


def newest_first(notices: Iterable[Record]) -> list[Record]:
    """By published_date, newest first; notices without a date last."""
    return sorted(notices, key=lambda r: (text(r, "published_date") or "", str(r["id"])), reverse=True)


def notice_path(record: Record) -> str:
    """The site path of a notice's page: ``notices/<id>/`` (``notices/<id>.md``)."""
    return f"notices/{record['id']}/"


def flag_explanation(code: str) -> str:
    zh, en = FLAG_EXPLANATIONS.get(code, ("未知的质量标记", "an unknown quality flag"))
    return f"{zh}；{en}"


def _notice_rows(notices: Sequence[Record], page_dir: str) -> list[list[str]]:
    return [
        [
            internal_link(relative(page_dir, notice_path(r)), r.get("title") or r["id"]),
            esc_or_empty(r.get("doc_number") or r.get("doc_number_raw")),
            esc_or_empty(r.get("issuing_agency")),
            esc_or_empty(r.get("published_date")),
        ]
        for r in notices
    ]


NOTICE_HEADERS = ("标题 Title", "文号 Doc number", "发文机关 Agency", "发布日期 Published")


def notice_table(notices: Sequence[Record], page_dir: str) -> str:
    return block(table(NOTICE_HEADERS, _notice_rows(notices, page_dir)), "gw-notices")


def source_counts(release: Release | None, sources: Sequence[Source], page_dir: str) -> str:
    """A table of notices per source: every registry source, then any other source in the release."""
    counts = Counter(str(r.get("source_id")) for r in (release.notices if release else []))
    rows = [
        [
            internal_link(relative(page_dir, f"sources/#source-{s.id}"), s.name),
            esc(s.region),
            esc(LEVELS.get(s.level, s.level)),
            str(counts.pop(s.id, 0)),
        ]
        for s in sources
    ]
    rows += [[esc(other), EMPTY, EMPTY, str(n)] for other, n in sorted(counts.items())]
    total = sum(int(row[3]) for row in rows)
    rows.append(["<strong>合计 Total</strong>", "", "", f"<strong>{total}</strong>"])
    headers = ("来源 Source", "地区 Region", "层级 Level", "公文数 Notices")
    return block(table(headers, rows), "gw-sources")


def _release_facts(release: Release) -> str:
    facts = (
        f"<p>最新版本 Latest version: <strong>{esc(release.version)}</strong> · "
        f"创建于 created {esc_or_empty(release.created)} · "
        f"公文 {len(release.notices)} notices</p>"
    )
    return block([facts], "gw-release")


def home_page(release: Release | None, sources: Sequence[Source]) -> str:
    parts = [
        front_matter("gongwen 公文"),
        "# gongwen 公文\n\n",
        ("gongwen 收集各级政府信息公开网站发布的公文（通知、意见、实施方案、工作要点……），"
        "把每个页面读成一条结构化记录：标题、文号、索引号、发文机关、成文与发布日期、主送机关、"
        "干净的正文、附件，以及原文链接。\n\n"),
        ("gongwen collects notices published on Chinese government information-disclosure "
        "(信息公开) sites and reads each page into one structured record: title, document number "
        "(文号), index number (索引号), issuing agency, dates, addressees, clean body text, "
        "attachments and a link to the source page.\n\n"),
        ("- **公众与研究者 The public and researchers**: [下载 CSV / JSON](downloads.md), "
        "versioned, with sha256 checksums; the compilation is CC0 ([关于 About](about.md)).\n"),
        ("- **记者 Journalists**: [浏览公文 browse the notices](notices/index.md), "
        "each with its 文号, dates and source link; search with the box at the top.\n"),
        ("- **开发者 Developers**: [数据结构 the schema](schema.md), a JSON Schema with a "
        "versioned `$id`.\n\n"),
        "## 数据版本 Release\n\n",
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        parts += [
            _release_facts(release),
            "[下载 Downloads](downloads.md) · [数据结构 Schema](schema.md) · [来源 Sources](sources.md)\n\n",
        ]
    parts += ["## 各来源公文数 Notices per source\n\n", source_counts(release, sources, "")]
    if release is not None and release.notices:
        newest = newest_first(release.notices)[:NEWEST_ON_HOME]
        parts += [
            "## 最新公文 Newest notices\n\n",
            notice_table(newest, ""),
            f"[全部 {len(release.notices)} 篇公文 All notices](notices/index.md)\n",
        ]
    return "".join(parts)


def notices_index_page(release: Release | None) -> str:
    parts = [front_matter("公文 Notices"), "# 公文 Notices\n\n"]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    parts.append(
        f"版本 {release.version} 的全部 {len(release.notices)} 篇公文，按发布日期从新到旧排列。"
        f"All {len(release.notices)} notices of version {release.version}, newest first.\n\n"
    )
    return "".join([*parts, notice_table(newest_first(release.notices), "notices/")])


def _row(label: str, value_html: str) -> str:
    return f"<tr><th>{esc(label)}</th><td>{value_html}</td></tr>"


def _doc_number(record: Record) -> str:
    number, raw = text(record, "doc_number"), text(record, "doc_number_raw")
    if number is None:
        return esc_or_empty(raw)
    if raw is not None and raw != number:
        return f"{esc(number)}（原文 as printed: {esc(raw)}）"
    return esc(number)


def _doc_type(record: Record) -> str:
    kinds = [k for k in (text(record, "doc_type"), text(record, "genre")) if k]
    return " · ".join(esc(k) for k in kinds) or EMPTY


def _source(record: Record, sources: Mapping[str, Source]) -> str:
    source_id = str(record.get("source_id", ""))
    known = sources.get(source_id)
    if known is None:
        return f"<code>{esc(source_id)}</code>"
    link = internal_link(relative(notice_path(record), f"sources/#source-{known.id}"), known.name)
    return f"{link} <code>{esc(source_id)}</code>"


def _metadata(record: Record, sources: Mapping[str, Source]) -> list[str]:
    addressees = "、".join(esc(a) for a in items(record, "addressees"))
    script = {"hans": "简体 simplified", "hant": "繁体 traditional (text converted to simplified)"}
    return [
        "<table>",
        "<tbody>",
        _row("文号 Document number", _doc_number(record)),
        _row("索引号 Index number", esc_or_empty(record.get("index_number"))),
        _row("发文机关 Issuing agency", esc_or_empty(record.get("issuing_agency"))),
        _row("成文日期 Written", esc_or_empty(record.get("written_date"))),
        _row("发布日期 Published", esc_or_empty(record.get("published_date"))),
        _row("文种 Type · genre", _doc_type(record)),
        _row("有效性 Validity", esc_or_empty(record.get("validity"))),
        _row("主题分类 Topic", esc_or_empty(record.get("topic"))),
        _row("主送机关 Addressees", addressees or EMPTY),
        _row("原文 Source page", external_link(record.get("url"))),
        _row("来源 Source", _source(record, sources)),
        _row("获取时间 Retrieved (UTC)", esc_or_empty(record.get("retrieved_at"))),
        _row("原页面文字 Script", esc(script.get(str(record.get("script")), record.get("script") or EMPTY))),
        _row("记录编号 Record id", f"<code>{esc(record['id'])}</code>"),
        "</tbody>",
        "</table>",
    ]


def _body(record: Record) -> list[str]:
    lines = str(record.get("body_text") or "").split("\n")
    paragraphs = [f"<p>{esc(line)}</p>" for line in lines if esc(line)]
    return paragraphs or ["<p><em>（无正文 no body text）</em></p>"]


def _attachments(record: Record) -> list[str]:
    found = [a for a in items(record, "attachments") if isinstance(a, Mapping)]
    if not found:
        return ["<p>无 None</p>"]
    links = [f"<li>{external_link(a.get('url'), a.get('title') or a.get('url'))}</li>" for a in found]
    return ["<ul>", *links, "</ul>"]


def _flags(record: Record) -> list[str]:
    found = [f for f in items(record, "quality_flags") if isinstance(f, Mapping)]
    if not found:
        return ["<p>无 None</p>"]
    lines = [
        f"<li><code>{esc(f.get('code'))}</code> {esc(flag_explanation(str(f.get('code'))))}"
        f"<br><small>{esc_or_empty(f.get('message'))}</small></li>"
        for f in found
    ]
    return ["<ul>", *lines, "</ul>"]


def notice_page(record: Record, sources: Mapping[str, Source]) -> str:
    """One notice: its metadata, body (one paragraph per line), attachments, source and quality flags."""
    title = record.get("title") or record["id"]
    lines = [
        f"<h1>{esc(title)}</h1>",
        *_metadata(record, sources),
        "<h2>正文 Text</h2>",
        '<div class="gw-body">',
        *_body(record),
        "</div>",
        "<h2>附件 Attachments</h2>",
        *_attachments(record),
        "<h2>数据质量 Quality flags</h2>",
        *_flags(record),
        f"<p>{internal_link(relative(notice_path(record), 'notices/'), '← 全部公文 All notices')}</p>",
    ]
    return front_matter(title) + block(lines, "gw-notice")
