"""Links on an HTML list page, and which of them lead to notices.

A family names the shape of its notice URLs (``t20200805_1353179.html``, ``art_1_2.html`` …); an
unknown layout is read by what a list of notices looks like: links whose text is a title, standing
with others like them in one block, most with a date beside them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element
from parsel import Selector

from gongwen.crawlers.navigation.list_page import Link, clean, shown_date, unique

MIN_TITLE_CJK = 5  # a link whose text is a notice's title has at least this many Chinese characters
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Blocks that hold the site's chrome, by their class or id: menus, headers, footers, breadcrumbs, tabs.
_CHROME = re.compile(
    r"nav|menu|header|footer|foot\b|banner|breadcrumb|crumb|position|location|friend|sitemap|toolbar|"
    r"share|search|login|top_?bar|topnav|dh\b|daohang|yqlj|bottom|copyright",
    re.IGNORECASE,
)
# Rows climb through inline wrappers to the element that holds one entry of the list.
_INLINE = frozenset(
    {"span", "font", "b", "strong", "em", "i", "h2", "h3", "h4", "h5", "h6", "p", "div", "td"}
)
_ROWS = frozenset({"li", "tr", "dd", "dt", "p", "div"})
MAX_CLIMB = 8  # an entry of a list stands at most this many elements above its link
# Detail URLs that look like an article's, whatever the CMS: dated folders, numbered files.
DETAIL_SHAPE = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/art/\d{4}/|/info/\d+/\d+\.htm$|/content_\d+\.s?html?$|"
    r"/post_\d+\.html$|/\d{6,8}/[0-9a-f]{16,}\.s?html?$|/c\d+/content\.s?html$|/\d{4}-\d{2}/\d{2}/|"
    r"/\d{6}/\d+\.s?html?$|[?&](?:id|docid|articleid|infoid)=\w+",
    re.IGNORECASE,
)
_NOT_PAGES = re.compile(
    r"^(?:javascript:|mailto:|tel:|#)|\.(?:pdf|docx?|wps|xlsx?|et|ofd|zip|rar|jpe?g|png|gif)$", re.IGNORECASE
)
_MORE = re.compile(r"^(?:更多|more|查看更多|>>|»)", re.IGNORECASE)


@dataclass(frozen=True)
class Anchor:
    """One <a> of the page, where it stands, and what is printed beside it."""

    url: str
    title: str
    date: str | None
    block: str  # the path of the element holding its row (entries of one list share it)
    block_shape: str  # that element's tag and class: lists split into several blocks share it
    in_chrome: bool

    @property
    def link(self) -> Link:
        return Link(self.url, self.title, self.date)

    @property
    def titled(self) -> bool:
        return len(_CJK.findall(self.title)) >= MIN_TITLE_CJK and not _MORE.match(self.title)


def _text(el: _Element) -> str:
    return clean(" ".join(el.xpath(".//text()")))


def _title(a: _Element, text: str) -> str:
    shown = clean(a.get("title"))
    # Lists shorten long titles ("关于印发…的..."); the title attribute holds the whole one.
    if shown and (
        not text or text.rstrip(".…") != text or (len(shown) > len(text) and shown.startswith(text[:4]))
    ):
        return shown
    return text


def _row(a: _Element) -> _Element:
    row = a
    for _ in range(MAX_CLIMB):
        parent = row.getparent()
        if parent is None or parent.tag in ("body", "html"):
            return row
        if row.tag in _ROWS and row is not a:
            # Climb on while the parent holds no other link: the row is the whole entry.
            if _links_in(parent, more_than=1):
                return row
        elif parent.tag not in _INLINE | _ROWS:
            return parent
        row = parent
    return row


def _links_in(block: _Element, more_than: int) -> bool:
    """Whether the block holds more than so many links, counted only that far (a block of thousands
    of links would otherwise be listed for each of them)."""
    links = (a for a in block.iter("a") if a.get("href") is not None)
    return next(itertools.islice(links, more_than, None), None) is not None


def _chrome(a: _Element) -> bool:
    for ancestor in a.iterancestors():
        if ancestor.tag in ("nav", "header", "footer"):
            return True
        if _CHROME.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
            return True
    return False


def anchors(root: Selector, base_url: str) -> list[Anchor]:
    """Every link of the page to another page (not a file, not a script), in page order. Read on
    lxml's elements: a parsel Selector per step costs more than the step, on a page of thousands of
    links."""
    found = []
    for a in (selected.root for selected in root.css("a[href]")):
        href = (a.get("href") or "").strip()
        # A link around another one: a browser ends it where the inner one starts, so the inner one
        # is the link.
        if not href or _NOT_PAGES.search(href) or _links_in(a, more_than=1):
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        text = _text(a)
        row = _row(a)
        rest = _text(row).replace(text, "")
        holder = row.getparent()
        holder = row if holder is None else holder
        shape = f"{holder.tag}.{holder.get('class', '')}"
        place = holder.getroottree().getpath(holder)
        found.append(Anchor(url, _title(a, text), shown_date(rest), place, shape, _chrome(a)))
    return found


def by_shape(found: Iterable[Anchor], shape: re.Pattern[str]) -> list[Link]:
    """The links whose URL has the family's notice shape, outside the site's chrome, whose text is a
    title (or nothing: a notice may have lost its title, and the shape says enough; the footer's
    网站声明 has the shape too, but no title's length)."""
    return unique(
        [
            a.link
            for a in found
            if shape.search(_shape_of(a.url)) and not a.in_chrome and (a.titled or not a.title)
        ]
    )


def _shape_of(url: str) -> str:
    """What family shapes are matched against: the path, then "?" and the query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def by_look(found: list[Anchor]) -> list[Link]:
    """The links of the block that looks most like a list of notices.

    Each block (the element holding the rows of one list) scores its titled links, twice over those
    with a date beside them and again those with an article's URL shape; the best block wins, with
    the blocks of the same shape (a list split into several <ul>s)."""
    candidates = [a for a in found if a.titled and not a.in_chrome]
    scores: dict[str, int] = {}
    shapes: dict[str, str] = {}
    for a in candidates:
        points = 1 + 2 * (a.date is not None) + bool(DETAIL_SHAPE.search(a.url))
        scores[a.block] = scores.get(a.block, 0) + points
        shapes[a.block] = a.block_shape
    if not scores:
        return []
    best = max(scores, key=lambda b: scores[b])
    dated = any(a.date for a in candidates if a.block == best)
    kept = {b for b, s in scores.items() if b == best or (shapes[b] == shapes[best] and s >= 3)}
    return unique(
        [a.link for a in candidates if a.block in kept and (a.date or not dated or a.block == best)]
    )
