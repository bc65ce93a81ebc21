"""The home page, and what every page about notices shares: field access, dates, order and tables.

Pure functions from release data to page text. Headings and explanations are Markdown written here;
every value from a notice goes through ``markup`` into a raw HTML block.
"""

from __future__ import annotations

import functools
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from gongwen.crawlers.registry import Source
from gongwen.pipelines.notice import FlagCode
from gongwen.pipelines.site.markup import (
    EMPTY,
    TABLE_END,
    block,
    esc,
    esc_or_empty,
    front_matter,
    internal_link,
    relative,
    slug,
    table,
    table_head,
    table_row,
)
from gongwen.pipelines.site.release_data import Record, Release

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
    FlagCode.AGENCY_FROM_SITE: (
        "页面未写明发文机关，此处为网站主办单位",
        "the page names no issuing agency: the one shown is the site's owner",
    ),
    FlagCode.DATES_DISAGREE: (
        "页面显示的发布日期与其元数据日期相差较大，此处采用页面显示的日期",
        "the publication date shown on the page and its metadata date are days apart: the shown one is given",
    ),
    FlagCode.MARKUP_TRUNCATED: (
        "页面标签嵌套过深，正文可能不完整",
        "the page's markup nests too deep to read whole: some text may be missing",
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


def notice_date(record: Record) -> str:
    """The date a notice is sorted by: published, else written; empty when it has neither."""
    return text(record, "published_date") or text(record, "written_date") or ""


def notice_year(record: Record) -> str:
    """The year of ``notice_date`` (four digits), or empty."""
    year = notice_date(record)[:4]
    return year if year.isdigit() and len(year) == 4 else ""


def newest_first(notices: Iterable[Record], limit: int | None = None) -> list[Record]:
    """By date (published, else written), newest first; notices without a date last. ``limit``: only
    that many (not sorting them all)."""
    def key(record: Record) -> tuple[str, str]:
        return notice_date(record), str(record["id"])

    if limit is None:
        return sorted(notices, key=key, reverse=True)
    return heapq.nlargest(limit, notices, key=key)


@functools.lru_cache(maxsize=1)
def newest(release: Release) -> list[Record]:
    """The release's notices, newest first: sorted once a build."""
    return newest_first(release.notices)


def notice_path(record: Record) -> str:
    """The site path of a notice's page: ``notices/<id>/`` (``notices/<id>.md``)."""
    return f"notices/{record['id']}/"


def flag_explanation(code: str) -> str:
    zh, en = FLAG_EXPLANATIONS.get(code, ("未知的质量标记", "an unknown quality flag"))
    return f"{zh}；{en}"


def _notice_cells(record: Record, page_dir: str) -> list[str]:
    return [
        internal_link(relative(page_dir, notice_path(record)), record.get("title") or record["id"]),
        esc_or_empty(record.get("doc_number") or record.get("doc_number_raw")),
        esc_or_empty(record.get("issuing_agency")),
        _date_cell(record),
    ]


def _date_cell(record: Record) -> str:
    published = text(record, "published_date")
    if published is not None or text(record, "written_date") is None:
        return esc_or_empty(published)
    return f"{esc(record['written_date'])}<small>（成文 written）</small>"


NOTICE_HEADERS = ("标题 Title", "文号 Doc number", "发文机关 Agency", "日期 Date")


def notice_table(notices: Sequence[Record], page_dir: str, known: dict[str, str] | None = None) -> str:
    """The notices' table. ``known``: the rows of notices made for pages as deep as this one (links are
    relative), kept and reused by the caller when a notice is listed on many pages (browse.KeptRows)."""
    known = {} if known is None else known
    rows = [known.get(r["id"]) or known.setdefault(r["id"], table_row(_notice_cells(r, page_dir)))
            for r in notices]
    return block([*table_head(NOTICE_HEADERS), "\n".join(rows), TABLE_END], "gw-notices")


def source_counts(release: Release | None, sources: Sequence[Source], page_dir: str) -> str:
    """Notices per source, by region: the registry's sources that have notices, then any other source
    in the release, then how many registered sources have none yet (the sources page lists them).

    A source's name links to the browse page of its notices.
    """
    counts = Counter(str(r.get("source_id")) for r in (release.notices if release else []))

    def name(source_id: str, label: str) -> str:
        if not counts.get(source_id):
            return esc(label)
        return internal_link(relative(page_dir, f"browse/source/{slug(source_id)}/"), label)

    rows = [
        [name(s.id, s.name), esc(s.region), esc(LEVELS.get(s.level, s.level)), str(counts[s.id])]
        for s in sorted(sources, key=lambda s: s.region)
        if counts.get(s.id)
    ]
    known = {s.id for s in sources}
    others = sorted(other for other in counts if other not in known)
    rows += [[name(other, other), EMPTY, EMPTY, str(counts[other])] for other in others]
    if waiting := sum(not counts.get(s.id) for s in sources):
        said = f"另有 {waiting} 个来源尚无公文 · {waiting} more registered sources have no notices yet"
        more = internal_link(relative(page_dir, "sources/"), said)
        rows.append([f"<em>{more}</em>", "", "", "0"])
    rows.append(["<strong>合计 Total</strong>", "", "", f"<strong>{counts.total()}</strong>"])
    headers = ("来源 Source", "地区 Region", "层级 Level", "公文数 Notices")
    return block(table(headers, rows), "gw-sources")


SEARCH_FORM = (
    '<form class="gw-search-form" action="search/" method="get" role="search">'
    '<input type="search" name="q" placeholder="搜索公文：标题、文号、正文 Search titles, 文号 and text" '
    'aria-label="搜索 Search">'
    '<button type="submit" class="md-button">搜索 Search</button></form>'
)


def _release_facts(release: Release) -> str:
    notices = release.notices
    agencies = {a for a in (text(r, "issuing_agency") for r in notices) if a}
    years = sorted({y for y in (notice_year(r) for r in notices) if y})
    span = f"{years[0]}–{years[-1]}" if years else EMPTY
    facts = [
        (f"<p>最新版本 Latest version: <strong>{esc(release.version)}</strong> · "
         f"创建于 created {esc_or_empty(release.created)}</p>"),
        (f"<p>公文 <strong>{len(notices)}</strong> notices · "
         f"来源 <strong>{len({r.get('source_id') for r in notices})}</strong> sources · "
         f"发文机关 <strong>{len(agencies)}</strong> agencies · 年份 years {esc(span)}</p>"),
    ]
    return block(facts, "gw-release")


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
        block([SEARCH_FORM], "gw-search-home"),
        ("- **记者 Journalists**: [搜索 search](search.md) or "
        "[浏览公文 browse the notices](notices/index.md) by source, agency, year and type; each has "
        "its 文号, dates, source link and archived copy. "
        "New notices of every release: [Atom feed](feed.xml).\n"),
        ("- **公众与研究者 The public and researchers**: [下载 CSV / JSON](downloads.md), "
        "versioned, with sha256 checksums; the compilation is CC0 ([关于 About](about.md)).\n"),
        ("- **开发者 Developers**: [数据结构 the schema](schema.md), a JSON Schema with a "
        "versioned `$id`.\n\n"),
        "## 数据版本 Release\n\n",
    ]
    if release is None:
        parts.append(NO_RELEASE)
    else:
        parts += [
            _release_facts(release),
            ("[下载 Downloads](downloads.md) · [数据质量 Data quality](quality.md) · "
            "[来源 Sources](sources.md)\n\n"),
        ]
    parts += ["## 各来源公文数 Notices per source\n\n", source_counts(release, sources, "")]
    if release is not None and release.notices:
        parts += [
            "## 最新公文 Newest notices\n\n",
            notice_table(newest(release)[:NEWEST_ON_HOME], ""),
            f"[浏览全部 {len(release.notices)} 篇公文 Browse all notices](notices/index.md)\n",
        ]
    return "".join(parts)


def search_page(release: Release | None) -> str:
    """The search page: its script (site/javascripts/search.js) reads the index in ``searchindex/``.
    The filters sit in a fold that is open on wide screens and closed on a phone, so the box and
    the first results are on its first screen."""
    parts = [
        front_matter("搜索 Search", hide=["toc"]),
        "# 搜索 Search\n\n",
        ("按文号、索引号、标题或正文中的词语搜索全部公文（繁体亦可），可按年份、地区、来源、发文机关、"
        "文种和体裁筛选，按相关度或日期排序。\n"
        "Search every notice by 文号, 索引号, title or the words of its text (traditional characters "
        "too); narrow by year, region, source, agency, 文种 and genre; sort by relevance or date.\n\n"),
    ]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    ui = [
        '<form id="gw-search-form" class="gw-search-form" role="search">',
        ('<input id="gw-q" type="search" name="q" disabled aria-label="搜索 Search"'
        ' placeholder="文号、标题或词语 文号, title or words">'),
        '<button type="submit" class="md-button">搜索 Search</button>',
        "</form>",
        '<details id="gw-filters-box" class="gw-filters"><summary>筛选与排序 Filters and sort</summary>',
        '<div id="gw-filters"></div></details>',
        '<p id="gw-status" role="status"></p><ol id="gw-results"></ol>',
        '<button id="gw-more" class="md-button" hidden>更多 More</button>',
    ]
    return "".join([*parts, block(ui, "gw-search"), '<script src="../javascripts/search.js"></script>\n'])
