"""The page of one notice, at ``notices/<id>/``: everything the record says, in one raw HTML block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from gongwen.crawlers.registry import Source
from gongwen.pipelines.site.markup import (
    EMPTY,
    HtmlPage,
    block,
    esc,
    esc_or_empty,
    external_link,
    internal_link,
    relative,
    web_url,
)
from gongwen.pipelines.site.pages import flag_explanation, items, notice_path, text
from gongwen.pipelines.site.policy_pages import NoticePolicy, notice_policy
from gongwen.pipelines.site.provenance import NoticeProvenance, provenance_sections, removed_banner
from gongwen.pipelines.site.release_data import Record
from gongwen.pipelines.site.version_changes import ADDED, UPDATED, WITHDRAWN, Change

CHANGE_WORDS = {ADDED: "新增 added", UPDATED: "更新 updated", WITHDRAWN: "撤下 withdrawn"}
SCRIPTS = {"hans": "简体 simplified", "hant": "繁体 traditional (text converted to simplified)"}


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
    doc_type, genre = text(record, "doc_type"), text(record, "genre")
    return " · ".join(esc(value) for value in (doc_type, genre) if value) or EMPTY


def _source(record: Record, sources: Mapping[str, Source]) -> str:
    source_id = str(record.get("source_id", ""))
    known = sources.get(source_id)
    if known is None:
        return f"<code>{esc(source_id)}</code>"
    link = internal_link(relative(notice_path(record), f"sources/#source-{known.id}"), known.name)
    return f"{link} <code>{esc(source_id)}</code>"


def archive_url(record: Record) -> str | None:
    """The Internet Archive's copy of the source page nearest to when gongwen fetched it."""
    url = web_url(record.get("url"))
    if url is None:
        return None
    try:
        when = datetime.fromisoformat(str(record.get("retrieved_at")))
    except ValueError:
        return None
    return f"https://web.archive.org/web/{when:%Y%m%d%H%M%S}/{quote(url, safe=':/?&=%#+;,@~')}"


def _metadata(record: Record, sources: Mapping[str, Source]) -> list[str]:
    addressees = "、".join(esc(a) for a in items(record, "addressees"))
    archived = archive_url(record)
    agency = text(record, "issuing_agency")
    return [
        "<table>",
        "<tbody>",
        _row("文号 Document number", _doc_number(record)),
        _row("索引号 Index number", esc_or_empty(record.get("index_number"))),
        _row("发文机关 Issuing agency", esc_or_empty(agency)),
        _row("成文日期 Written", esc_or_empty(record.get("written_date"))),
        _row("发布日期 Published", esc_or_empty(record.get("published_date"))),
        _row("文种 Type · genre", _doc_type(record)),
        _row("有效性 Validity", esc_or_empty(record.get("validity"))),
        _row("主题分类 Topic", esc_or_empty(record.get("topic"))),
        _row("主送机关 Addressees", addressees or EMPTY),
        _row("原文 Source page", external_link(record.get("url"))),
        _row("存档 Archived copy",
             external_link(archived, "互联网档案馆 Internet Archive") if archived else EMPTY),
        _row("来源 Source", _source(record, sources)),
        _row("获取时间 Retrieved (UTC)", esc_or_empty(record.get("retrieved_at"))),
        _row("原页面文字 Script", esc(SCRIPTS.get(str(record.get("script")), record.get("script") or EMPTY))),
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


def _versions(history: Sequence[Change], unknown: Sequence[str]) -> list[str]:
    lines = [
        f"<li>{esc(c.version)} {esc(CHANGE_WORDS.get(c.kind, c.kind))}"
        + (f"：{esc('、'.join(c.fields))}" if c.fields else "") + "</li>"
        for c in history
    ]
    if unknown:
        lines.append(f"<li>{esc('、'.join(unknown))}：变更未记录 changes not recorded</li>")
    return ["<ul>", *lines, "</ul>"] if lines else ["<p>无 None</p>"]


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


@dataclass(frozen=True)
class NoticeInputs:
    """Everything a notice page is made from, besides the code and the source registry (their digests
    are the page's inputs in the page cache: generate.NoticePages)."""

    record: Record
    history: tuple[Change, ...] = ()
    unknown_versions: tuple[str, ...] = ()
    policy: NoticePolicy | None = None
    provenance: NoticeProvenance | None = None


def notice_page(inputs: NoticeInputs, sources: Mapping[str, Source]) -> HtmlPage:
    """One notice: metadata, the policy inside it, body (a paragraph per line), attachments, its copies
    and text history (a warning on top when its page is gone from the source), versions and flags."""
    record = inputs.record
    title = record.get("title") or record["id"]
    lines = [
        f"<h1>{esc(title)}</h1>",
        *removed_banner(record, archive_url(record)),
        *_metadata(record, sources),
        *notice_policy(record, inputs.policy),
        "<h2>正文 Text</h2>",
        '<div class="gw-body">',
        *_body(record),
        "</div>",
        "<h2>附件 Attachments</h2>",
        *_attachments(record),
        *provenance_sections(record, inputs.provenance, sources),
        "<h2>版本 Versions</h2>",
        *_versions(inputs.history, inputs.unknown_versions),
        "<h2>数据质量 Quality flags</h2>",
        *_flags(record),
        f"<p>{internal_link(relative(notice_path(record), 'notices/'), '← 浏览公文 Browse notices')}</p>",
    ]
    return HtmlPage(str(title), block(lines, "gw-notice"))
