"""The next list page, found the ways CMS pagers show it.

In order: a link reading 下一页 / 下页 / 下一頁 (and the VSB ``a.Next``); the TRS paging script
(``createPageHTML(countPage, currentPage, "index", "html")`` or its ``countPage`` / ``currentPage``
variables), whose pages are index.html, index_1.html …; a link to this page's ``page=N+1``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from gongwen.crawlers.navigation.list_page import clean, with_param

_NEXT_TEXT = re.compile(r"^(?:下一?[页頁]|next|>|›|»)\s*[>›»]*$", re.IGNORECASE)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_COUNT = re.compile(r"\bcountPage\s*[=:]\s*['\"]?(\d+)")
_CURRENT = re.compile(r"\bcurrentPage\s*[=:]\s*['\"]?(\d+)")
_ARG = re.compile(r"""'([^']*)'|"([^"]*)"|(-?\d+)""")
_PAGE_PARAMS = ("page", "p", "pageNo", "pageno", "pageIndex", "pageNum", "curpage", "currentPage")


def _usable(href: str | None, here: str) -> str | None:
    if not href or href.strip().startswith(("javascript", "#")):
        return None
    url = urljoin(here, href.strip())
    return url if url != here else None


def next_by_text(root: Selector, here: str) -> list[str]:
    for a in root.css("a"):
        text = clean(" ".join(a.xpath(".//text()").getall()))
        css_class = a.attrib.get("class", "")
        if (_NEXT_TEXT.match(text) or "Next" in css_class.split()) and (
            url := _usable(a.attrib.get("href"), here)
        ):
            return [url]
    return []


def _trs_page(here: str, count: int, current: int, prefix: str = "index", suffix: str = "") -> list[str]:
    """index_{current+1}.{suffix} beside this page, while there is one."""
    if current + 1 >= count:
        return []
    name = urlsplit(here).path.rsplit("/", 1)[-1]
    suffix = suffix or (name.rsplit(".", 1)[-1] if "." in name else "html")
    return [urljoin(here, f"{prefix}_{current + 1}.{suffix}")]


def next_by_trs_script(html: str, here: str) -> list[str]:
    called = _CREATE_PAGE.search(html)
    if called:
        values: list[str | int] = []
        for single, double, number in _ARG.findall(called[1]):
            values.append(int(number) if number else single or double)
        numbers = [v for v in values if isinstance(v, int)]
        words = [v for v in values if isinstance(v, str)]
        if len(numbers) >= 2:
            # Newer calls name the pager's element first: ('page_div', 56, 0, 'index', 'html', 6348).
            prefix, suffix = (words[-2], words[-1]) if len(words) >= 2 else ("index", "")
            return _trs_page(here, numbers[0], numbers[1], prefix, suffix)
    count, current = _COUNT.search(html), _CURRENT.search(html)
    if count and current:
        return _trs_page(here, int(count[1]), int(current[1]))
    return []


def next_by_query(root: Selector, here: str) -> list[str]:
    """A link to this same list with its page number one higher."""
    parts = urlsplit(here)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    name = next((p for p in _PAGE_PARAMS if p in query and query[p].isdigit()), None)
    if name is None:
        return []
    wanted = with_param(here, name, int(query[name]) + 1)
    hrefs = {urljoin(here, h) for h in root.css("a::attr(href)").getall()}
    return [wanted] if wanted in hrefs else []


def next_pages(root: Selector, html: str, here: str) -> list[str]:
    return next_by_text(root, here) or next_by_trs_script(html, here) or next_by_query(root, here)
