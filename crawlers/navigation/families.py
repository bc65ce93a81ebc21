"""Navigation by CMS family: how one list page of each family is read.

Most 信息公开 sites run on a handful of CMS families. A family reads a list page into the links to
notices and the list pages that follow; a source of crawlers/sources.toml names its family and, where
its site needs it, selectors of its own (``links_css``, ``next_css``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from gongwen.crawlers.navigation import apis
from gongwen.crawlers.navigation.anchors import anchors, by_look, by_shape
from gongwen.crawlers.navigation.list_page import Link, ListPage, unique
from gongwen.crawlers.navigation.pagers import next_pages


@dataclass(frozen=True)
class Selectors:
    """A source's own selectors, where its family's reading needs help (CSS, yielding hrefs)."""

    links_css: str = ""
    next_css: str = ""


Reader = Callable[[TextResponse, Selectors], ListPage]

# Where each family's notices live: the shape of their URLs (path and query).
SHAPES = {
    "trs": re.compile(r"/t\d{8}_\d+\.s?html?\?"),
    "hanweb": re.compile(r"/art/\d{4}/(?:\d{1,2}/\d{1,2}/)?art_\w+\.html\?"),
    "ucap": re.compile(r"/\d{6}/[0-9a-f]{32}\.s?html?\?"),
    "easysite": re.compile(r"/c\d+/\d{4}-\d{2}/\d{2}/content_[0-9a-f]+\.s?html\?"),
    "vsb": re.compile(r"/info/\d+/\d+\.htm\?"),
}
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_JPAGE_VAR = re.compile(
    r"\b(totalRecord|perPage|columnid|unitid|webid)\b\s*[:=]\s*['\"]?(\d+)", re.IGNORECASE
)


def _html_reader(family: str) -> Reader:
    shape = SHAPES.get(family)

    def read(response: TextResponse, own: Selectors) -> ListPage:
        return _read_html(response, own, shape)

    read.__doc__ = f"An HTML list page of the {family} family."
    return read


def _read_html(response: TextResponse, own: Selectors, shape: re.Pattern[str] | None) -> ListPage:
    found = anchors(response.selector, response.url)
    if own.links_css:
        wanted = {response.urljoin(h) for h in response.css(own.links_css).getall()}
        links = unique([a.link for a in found if a.url in wanted])
    else:
        links = (by_shape(found, shape) if shape else []) or by_look(found)
    if own.next_css:
        following = [response.urljoin(h) for h in response.css(own.next_css).getall()[:1]]
    else:
        following = next_pages(response.selector, response.text, response.url)
    return ListPage(links, following)


def hanweb(response: TextResponse, own: Selectors) -> ListPage:
    """A Hanweb JCMS column page or a jpage dataproxy answer: entries are the <record>s of an XML
    island; the column page's jpage settings (totalRecord, perPage, columnid, unitid, webid) address
    the other records through /module/web/jpage/dataproxy.jsp, perPage at a time."""
    records = _RECORD.findall(response.text)
    if not records:
        return _read_html(response, own, SHAPES["hanweb"])
    found = [a for record in records for a in anchors(Selector(text=record), response.url)]
    links = unique([a.link for a in found if a.titled])
    settings = {k.lower(): int(v) for k, v in _JPAGE_VAR.findall(response.text)}
    nextgroup = re.search(r"dataproxy\.jsp\?([^\"'<>\]]+)", response.text)
    ids = dict(parse_qsl(nextgroup[1].replace("&amp;", "&"))) if nextgroup else {}
    ids |= {k: str(settings[k]) for k in ("columnid", "unitid", "webid") if k in settings}
    total, per_page = settings.get("totalrecord", 0), settings.get("perpage", len(records))
    if urlsplit(response.url).path.endswith("dataproxy.jsp") or not (
        total and per_page and "columnid" in ids
    ):
        return ListPage(links, [])
    query = {k: ids[k] for k in ("columnid", "unitid", "webid") if k in ids}
    following = [
        response.urljoin(
            "/module/web/jpage/dataproxy.jsp?"
            + urlencode(
                {
                    "startrecord": start,
                    "endrecord": min(start + per_page - 1, total),
                    "perpage": per_page,
                    **query,
                }
            )
        )
        for start in range(len(records) + 1, total + 1, per_page)
    ]
    return ListPage(links, following)


def _api(read: Callable[[TextResponse], ListPage]) -> Reader:
    def reader(response: TextResponse, own: Selectors) -> ListPage:
        del own  # an API's answer needs no selectors
        return read(response)

    reader.__doc__ = read.__doc__
    return reader


FAMILIES: dict[str, Reader] = {
    "govcn": _api(apis.govcn),
    "gkmlpt": _api(apis.gkmlpt),
    "cbircweb": _api(apis.cbircweb),
    "hanweb": hanweb,
    **{name: _html_reader(name) for name in ("trs", "ucap", "easysite", "vsb", "xxgk_table", "generic")},
}


# What an API answer or a page shows of its family, when its links do not say it.
_JSON_MARKERS = (('"searchVO"', "govcn"), ('"articles"', "gkmlpt"), ('"docInfoVOList"', "cbircweb"))
_SCRIPT_MARKERS = (("createPageHTML", "trs"), ("pb_sys_common", "vsb"))


def detect_family(response: TextResponse) -> str:
    """The family a list page or API answer shows itself to be, by its markers; else generic."""
    text = response.text
    if text.lstrip()[:1] in ("{", "["):
        return next((family for marker, family in _JSON_MARKERS if marker in text), "generic")
    if _RECORD.search(text) or "/module/web/jpage/" in text:
        return "hanweb"
    hrefs = " ".join(f"{h}?" for h in response.css("a::attr(href)").getall())
    shaped = [f for f in ("trs", "vsb", "ucap", "easysite") if len(SHAPES[f].findall(hrefs)) >= 2]
    if shaped:
        return shaped[0]
    return next((family for marker, family in _SCRIPT_MARKERS if marker in text), "generic")


def read_list_response(response: Response, family: str, own: Selectors = Selectors()) -> ListPage:
    """What a fetched list page links to, read by its source's family (TypeError when it is no text)."""
    if not isinstance(response, TextResponse):
        raise TypeError(f"not a text response ({response.headers.get('Content-Type')!r})")
    return read_list_page(response, family, own)


def read_list_page(
    response: TextResponse, family: str | None = None, own: Selectors = Selectors()
) -> ListPage:
    """What navigation reads on one list page: by its family's reading (detected when not given)."""
    return FAMILIES[family or detect_family(response)](response, own)


__all__ = [
    "FAMILIES", "Link", "ListPage", "Selectors", "detect_family", "read_list_page", "read_list_response",
]
