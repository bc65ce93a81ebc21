"""Render the sample web: page files (TOML) into the HTML, XML and JSON each source serves.

Every URL the sample web answers is rendered up front into a table of resources keyed by
(host, path?query), so the server only looks things up. Each source's layout lives in
`LAYOUTS`: its templates, how its list pages are addressed and paged, and its encoding.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import jinja2
import markupsafe

from gongwen.crawlers.registry import Source, load_sources

HERE = Path(__file__).parent
PAGES_DIR = HERE / "pages"
CHINA = timezone(timedelta(hours=8))
_LOOSE_DATE = re.compile(r"((?:19|20)\d\d)\D{0,3}?(1[0-2]|0?[1-9])\D{0,3}?([12]\d|3[01]|0?[1-9])(?!\d)")

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Resource:
    """One answer of the sample web."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    last_modified: float | None = None  # a POSIX time, sent as Last-Modified (notice pages only)


@dataclass(frozen=True)
class AttachmentFile:
    title: str
    file: str
    href: str


@dataclass
class PageFile:
    """A notice page of the sample web, as its TOML file describes it."""

    source_id: str
    name: str
    path: str
    title: str
    paragraphs: list[str]
    expected: dict[str, Any]
    values: dict[str, Any]
    status: int = 200
    attachments: list[AttachmentFile] = field(default_factory=list)
    modified: float | None = None  # the page file's mtime: when the page last changed

    def __getattr__(self, key: str) -> Any:
        # Printed values the page file omits render as empty, the way a CMS leaves a cell blank.
        values = self.__dict__.get("values", {})
        return values.get(key, "")

    @property
    def sort_date(self) -> date:
        """The published date the list pages show: the expected one, else the printed one."""
        for value in (self.expected.get("published_date"), self.values.get("published_date"), self.path):
            if isinstance(value, date):
                return value
            found = _LOOSE_DATE.search(str(value or ""))
            if found:
                return date(*map(int, found.groups()))
        return date(2000, 1, 1)

    @property
    def published_iso(self) -> str:
        return self.sort_date.isoformat()

    @property
    def list_date(self) -> str:
        return self.published_iso

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 28 else self.title[:26] + "..."


def load_page(source_id: str, path: Path) -> PageFile:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return page_of(source_id, path.stem, data, modified=path.stat().st_mtime)


def page_of(source_id: str, name: str, data: dict[str, Any], modified: float | None = None) -> PageFile:
    """A notice page from the keys of a page file (README.md), whether read from TOML or generated."""
    paragraphs = [p.strip() for p in data.get("body", "").split("\n\n") if p.strip()]
    page = PageFile(
        source_id=source_id,
        name=name,
        path=data["path"],
        title=data.get("title", ""),
        paragraphs=paragraphs,
        expected=data.get("expected", {}),
        values=data,
        status=int(data.get("status", 200)),
        modified=modified,
    )
    folder = posixpath.dirname(page.path)
    page.attachments = [
        AttachmentFile(a["title"], a["file"], _attachment_href(source_id, folder, page.name, a["file"]))
        for a in data.get("attachments", [])
    ]
    return page


def _attachment_href(source_id: str, folder: str, page_name: str, file: str) -> str:
    if LAYOUTS[source_id].family == "hanweb":
        return f"/module/download/downfile.jsp?classid=0&filename={quote(page_name + '-' + file)}"
    return f"{folder}/{page_name}-{file}"


def load_pages(source_id: str, pages_dir: Path = PAGES_DIR) -> list[PageFile]:
    """The source's notice pages, newest first (list pages show them in this order)."""
    pages = [load_page(source_id, p) for p in sorted((pages_dir / source_id).glob("*.toml"))]
    return sorted(pages, key=lambda p: (p.sort_date, p.name), reverse=True)


def _fake_pdf(title: str) -> bytes:
    return b"%PDF-1.4\n% gongwen sample web attachment\n" + title.encode("utf-8") + b"\n%%EOF\n"


def _html(template: str, encoding: str = "utf-8", **context: Any) -> bytes:
    return _env.get_template(template).render(**context).encode(encoding)


@dataclass(frozen=True)
class Layout:
    """How one source's site is built: templates, list addressing and paging, encoding."""

    family: str
    per_page: int
    list_url: Callable[[str, int], str]  # (first list path, page number from 1) -> path
    encoding: str = "utf-8"
    header_charset: bool = True
    counts_down: bool = False  # VSB: after the first list page, pages are <stem>/N.htm, N counting down to 1


def list_path(layout: Layout, first: str, n: int, count: int) -> str:
    """The path of list page n (from 1) of ``count``: VSB numbers its pages from the last one up."""
    if layout.counts_down and n > 1:
        return f"{first.rsplit('.', 1)[0]}/{count - n + 1}.htm"
    return layout.list_url(first, n)


def _suffix_page(pattern: str) -> Callable[[str, int], str]:
    def list_url(first: str, n: int) -> str:
        return first if n == 1 else pattern.format(n=n, n0=n - 1, stem=first.rsplit(".", 1)[0])

    return list_url


LAYOUTS: dict[str, Layout] = {
    "govcn": Layout("govcn", 5, _suffix_page("")),
    "sc_qingbaijiang": Layout("easysite", 4, _suffix_page("{stem}_{n}.shtml")),
    "sc_meishan": Layout("xxgk_table", 4, _suffix_page("{stem}/{n}.htm")),
    # TRS sites declare gb2312 and serve GB18030 bytes, without a charset in the header.
    "ha_xinxiang_gxq": Layout(
        "trs", 4, _suffix_page("{stem}_{n0}.html"), encoding="gb18030", header_charset=False
    ),
    "sd_province": Layout("hanweb", 5, _suffix_page("")),
    "repost_qqjl": Layout("content_farm", 4, _suffix_page("{stem}list_{n}.html")),
    # Guangdong's gkmlpt: a JSON API of 100 articles a page; detail pages are HTML.
    "gd_province": Layout("gkmlpt", 100, _suffix_page("")),
    # 开普云 UCAP (Jiangxi 集约化 platform): <column>/pc/list.html, then list_2.html, list_3.html …
    "jx_wanzai": Layout("ucap", 3, _suffix_page("{stem}_{n}.html")),
    # 博达 VSB: szfwj.htm, then szfwj/N.htm … szfwj/1.htm (the last page is 1).
    "ln_jinzhou": Layout("vsb", 3, _suffix_page(""), counts_down=True),
}


def replicated(sources: list[Source]) -> list[Source]:
    """The sources the sample web replays (the others exist only on the real web)."""
    return [s for s in sources if s.id in LAYOUTS]


class SampleWeb:
    """Every resource of the sample web, keyed by host and path (with query)."""

    def __init__(self, sources: list[Source] | None = None, pages_dir: Path = PAGES_DIR) -> None:
        """Render the sources' sites from the page files in ``pages_dir`` (a copy may differ)."""
        self.pages_dir = pages_dir
        self.resources: dict[tuple[str, str], Resource] = {}
        self.dynamic: dict[tuple[str, str], Callable[[dict[str, str]], Resource]] = {}
        for source in sources or replicated(load_sources()):
            self._add_source(source)

    def lookup(self, host: str, path_and_query: str) -> Resource | None:
        found = self.resources.get((host, path_and_query))
        if found is not None:
            return found
        parts = urlsplit(path_and_query)
        handler = self.dynamic.get((host, parts.path))
        if handler is None:
            return None
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        return handler(query)

    def _put(self, url: str, resource: Resource) -> None:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.resources[(parts.netloc, path)] = resource

    def _add_source(self, source: Source) -> None:
        layout = LAYOUTS[source.id]
        served = load_pages(source.id, self.pages_dir)
        for host in source.allowed_hosts:
            self._put(f"http://{host}/robots.txt", Resource(ROBOTS, "text/plain; charset=utf-8"))
        start = urlsplit(source.start_urls[0])
        host = start.netloc
        for page in served:
            url = detail_url(source, page)
            self._put(url, page_resource(layout, page))
            for a in page.attachments:
                self._put(urljoin(url, a.href), Resource(_fake_pdf(a.title), "application/pdf"))
        pages = [page for page in served if page.values.get("listed", True)]  # what list pages show
        if layout.family == "govcn":
            self.dynamic[(host, start.path)] = lambda q: _govcn_api(pages, q)
        elif layout.family == "gkmlpt":
            self.dynamic[(host, start.path)] = lambda q: _gkmlpt_api(source, pages, q)
        elif layout.family == "hanweb":
            self._put(f"http://{host}{start.path}", _hanweb_column(pages, layout.per_page))
            self.dynamic[(host, "/module/web/jpage/dataproxy.jsp")] = lambda q: _hanweb_proxy(pages, q)
        else:
            for path, resource in _list_pages(layout, start.path, pages):
                self._put(f"http://{host}{path}", resource)



def detail_url(source: Source, page: PageFile) -> str:
    """The real URL of a notice page: on the start URL's host, or the detail host of an API."""
    start = urlsplit(source.start_urls[0])
    host = source.allowed_hosts[0] if LAYOUTS[source.id].family == "govcn" else start.netloc
    return f"{start.scheme}://{host}{page.path}"


def page_resource(layout: Layout, page: PageFile) -> Resource:
    """A notice page as its layout renders it (or the error its page file asks for)."""
    if page.status != 200:
        return Resource(NOT_FOUND, status=page.status)
    body = _html(f"{layout.family}.html", layout.encoding, page=page)
    charset = f"; charset={layout.encoding}" if layout.header_charset else ""
    return Resource(body, f"text/html{charset}", last_modified=page.modified)


ROBOTS = b"User-agent: *\nDisallow: /admin/\nDisallow: /search/\n"
NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"


def _list_pages(layout: Layout, first: str, pages: list[PageFile]) -> Iterator[tuple[str, Resource]]:
    """Each list page of a source: its path and what it serves."""
    count = max(1, math.ceil(len(pages) / layout.per_page))
    for n in range(1, count + 1):
        here = list_path(layout, first, n, count)
        chunk = pages[(n - 1) * layout.per_page : n * layout.per_page]
        items = [_ListItem(p, here) for p in chunk]
        body = _html(
            f"{layout.family}_list.html",
            layout.encoding,
            items=items,
            total=len(pages),
            page_no=n,
            page_count=count,
            offset=(n - 1) * layout.per_page,
            first_url=first,
            prev_url=list_path(layout, first, n - 1, count) if n > 1 else None,
            next_url=list_path(layout, first, n + 1, count) if n < count else None,
            page_urls=[(k, list_path(layout, first, k, count)) for k in range(1, count + 1)],
            rel=lambda target, here=here: posixpath.relpath(target, posixpath.dirname(here)),
        )
        charset = f"; charset={layout.encoding}" if layout.header_charset else ""
        yield here, Resource(body, f"text/html{charset}")


@dataclass(frozen=True)
class _ListItem:
    page: PageFile
    list_path: str

    def __getattr__(self, key: str) -> Any:
        return getattr(self.page, key)

    @property
    def href(self) -> str:
        """A TRS-style relative link (./202008/t20200822_1.html) from the list's folder."""
        return "./" + posixpath.relpath(self.page.path, posixpath.dirname(self.list_path))

    @property
    def relative_href(self) -> str:
        """A VSB-style relative link (../../info/1069/126762.htm) from the list page's folder."""
        return posixpath.relpath(self.page.path, posixpath.dirname(self.list_path))


def _epoch_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 9, tzinfo=CHINA).astimezone(UTC).timestamp() * 1000)


def _govcn_api(pages: list[PageFile], query: dict[str, str]) -> Resource:
    """The gov.cn 政策文件库 search API: JSON, paged by p (from 1) and n."""
    per_page = int(query.get("n", "5") or 5)
    page_no = int(query.get("p", "1") or 1)
    chunk = pages[(page_no - 1) * per_page : page_no * per_page]
    records = [
        {
            "title": p.title,
            "url": f"https://www.gov.cn{p.path}",
            "pcode": p.doc_number,
            "puborg": p.agency,
            "index": p.index_number,
            "childtype": p.topic,
            "pubtime": _epoch_ms(p.sort_date),
            "pubtimeStr": p.sort_date.strftime("%Y.%m.%d"),
            "summary": p.paragraphs[0][:80] if p.paragraphs else "",
        }
        for p in chunk
    ]
    payload = {
        "code": 200,
        "msg": "操作成功",
        "searchVO": {
            "totalpage": max(1, math.ceil(len(pages) / per_page)),
            "catMap": {"gongwen": {"totalCount": len(pages), "listVO": records}},
        },
    }
    return Resource(json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")


def _epoch_s(day: date, hour: int = 9) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=CHINA).timestamp())


def _printed_day(value: object) -> date | None:
    found = _LOOSE_DATE.search(str(value or ""))
    return date(*map(int, found.groups())) if found else None


def _gkmlpt_api(source: Source, pages: list[PageFile], query: dict[str, str]) -> Resource:
    """Guangdong's gkmlpt API /gkmlpt/api/all/<category>?page=N&sid=S: 100 articles a page (page
    from 1), newest first, with their ``total``; times are epoch seconds."""
    size = LAYOUTS[source.id].per_page
    page_no = int(query.get("page", "1") or 1) if str(query.get("page", "1")).isdigit() else 1
    chunk = pages[(page_no - 1) * size : page_no * size]
    articles = []
    for p in chunk:
        found = re.search(r"post_(\d+)\.html", p.path)
        post_id = int(found[1]) if found else 0
        url = detail_url(source, p)
        written = _printed_day(p.written_date)
        articles.append(
            {
                "id": post_id,
                "title": p.title,
                "document_number": p.doc_number,
                "identifier": p.index_number,
                "publisher": p.agency,
                "keywords": "",
                "date": _epoch_s(written, 0) if written else 0,
                "create_time": _epoch_s(p.sort_date, 8),
                "created_at": f"{p.sort_date.isoformat()} 08:00:00",
                "display_publish_time": _epoch_s(p.sort_date, 9),
                "abstract": "",
                "classify_genre_name": p.doc_type_label,
                "classify_theme_name": p.topic,
                "url": url,
                "post_url": url,
                "is_expired": 0,
                "is_abolished": 0,
                "attachment": [{"name": a.title, "url": urljoin(url, a.href)} for a in p.attachments],
                "relation": "",
            }
        )
    payload = {"classify": {"id": 5, "post_count": len(pages)}, "total": len(pages), "articles": articles}
    return Resource(json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")


def _hanweb_records(pages: list[PageFile]) -> list[str]:
    return [
        f'<li><a href="{p.path}" target="_blank" title="{_attr(p.title)}">{_attr(p.short_title)}</a>'
        f'<span class="time">{p.list_date}</span></li>'
        for p in pages
    ]


def _attr(text: str) -> str:
    return str(markupsafe.escape(text))


def _hanweb_column(pages: list[PageFile], per_page: int) -> Resource:
    first = pages[:per_page]
    body = _html(
        "hanweb_list.html", items=first, total=len(pages), per_page=per_page, column_id="97564"
    )
    return Resource(body)


def _hanweb_proxy(pages: list[PageFile], query: dict[str, str]) -> Resource:
    """Hanweb's jpage dataproxy: XML records startrecord..endrecord (1-based, inclusive)."""
    start = int(query.get("startrecord", "1") or 1)
    end = int(query.get("endrecord", str(start)) or start)
    records = "".join(f"<record><![CDATA[{r}]]></record>" for r in _hanweb_records(pages[start - 1 : end]))
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(pages)}</totalrecord>'
        f"<recordset>{records}</recordset></datastore>"
    )
    return Resource(xml.encode(), "text/xml; charset=utf-8")


def render_notice(source_id: str, page_path: Path) -> bytes:
    """One notice page as its source serves it (for extractor tests)."""
    page = load_page(source_id, page_path)
    return page_resource(LAYOUTS[source_id], page).body
