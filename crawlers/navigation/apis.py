"""List APIs that answer JSON: the gov.cn 政策文件库, Guangdong's gkmlpt, NFRA's cbircweb."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from scrapy.http import TextResponse

from gongwen.crawlers.navigation.list_page import (
    Link,
    ListPage,
    epoch_date,
    shown_date,
    text_of,
    unique,
    with_param,
)

GKMLPT_PAGE_SIZE = 100  # the gkmlpt API answers 100 articles a page


def _answer(response: TextResponse) -> Any:
    return json.loads(response.text)


def _number(url: str, name: str, default: int = 1) -> int:
    """The number the query parameter ``name`` of ``url`` holds, or ``default``."""
    value = dict(parse_qsl(urlsplit(url).query)).get(name, "")
    return int(value) if value.isdigit() else default


def govcn(response: TextResponse) -> ListPage:
    """sousuo.www.gov.cn/search-gov/data: rows of every category of ``searchVO.catMap`` (or of
    ``searchVO.listVO``), paged by ``p`` with ``n`` rows a page."""
    search = _answer(response)["searchVO"]
    categories = list((search.get("catMap") or {}).values())
    rows = [row for c in categories for row in c.get("listVO") or []] + list(search.get("listVO") or [])
    links = [
        Link(
            urljoin(response.url, row["url"]),
            text_of(row.get("title", "")),
            shown_date(row.get("pubtimeStr") or "") or epoch_date(row.get("pubtime")),
        )
        for row in rows
        if row.get("url")
    ]
    page, size = _number(response.url, "p"), _number(response.url, "n", len(rows))
    totals = [int(c.get("totalCount") or 0) for c in categories] + [int(search.get("totalCount") or 0)]
    pages = int(search.get("totalpage") or 0)
    more = page < pages or (size > 0 and page * size < max(totals))
    return ListPage(unique(links), [with_param(response.url, "p", page + 1)] if rows and more else [])


def gkmlpt(response: TextResponse) -> ListPage:
    """/gkmlpt/api/all/<category>?page=N&sid=S: ``articles`` and their ``total``."""
    answer = _answer(response)
    articles = answer.get("articles") or []
    links = []
    for article in articles:
        url = article.get("url") or article.get("post_url")
        if not url:
            continue
        shown = next(
            (
                d
                for key in ("display_publish_time", "create_time", "created_at", "date")
                if (d := _when(article.get(key)))
            ),
            None,
        )
        links.append(Link(urljoin(response.url, url), text_of(article.get("title") or ""), shown))
    page = _number(response.url, "page")
    more = articles and (page - 1) * GKMLPT_PAGE_SIZE + len(articles) < int(answer.get("total") or 0)
    return ListPage(unique(links), [with_param(response.url, "page", page + 1)] if more else [])


def _when(value: object) -> str | None:
    return shown_date(value) if isinstance(value, str) else epoch_date(value)


NFRA_ARTICLE = "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId={doc}&itemId={item}"


def cbircweb(response: TextResponse) -> ListPage:
    """NFRA's cbircweb API: channels (``data``, each with ``docInfoVOList``) or one channel's rows.
    An article of the site is ItemDetail.html?docId=&itemId=; a row that links elsewhere
    (``isTitleLink``) leads to its ``titleLink``. A document shown in several channels is one link."""
    data = _answer(response).get("data") or []
    channels = data if isinstance(data, list) else [data]
    links: list[Link] = []
    seen: set[object] = set()
    for channel in channels:
        for row in channel.get("docInfoVOList") or channel.get("rows") or []:
            if row.get("docId") in seen:
                continue
            seen.add(row.get("docId"))
            external = str(row.get("isTitleLink")) == "1" and row.get("titleLink")
            url = (
                row["titleLink"]
                if external
                else NFRA_ARTICLE.format(doc=row["docId"], item=channel.get("itemId"))
            )
            title = text_of(row.get("docSubtitle") or "") or text_of(
                (row.get("docTitle") or "").replace("\n", "")
            )
            links.append(Link(url, title, shown_date(row.get("publishDate") or "")))
    return ListPage(unique(links), [])
