"""What navigation reads from one list page: the links to notices, each with the title and date a
person sees beside it, and the list pages that come next."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse
from w3lib.encoding import html_body_declared_encoding

CHINA = timezone(timedelta(hours=8))
# How list pages print a date beside a link: 2020-08-05, 2020/8/5, 2020.08.05, 2020年8月5日, [2020-08-05].
_SHOWN_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)\s*([-/.年])\s*(1[0-2]|0?[1-9])\s*[-/.月]\s*([12]\d|3[01]|0?[1-9])(?!\d)"
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    """A link to a notice as the list shows it: absolute URL, title text, and the date beside it."""

    url: str
    title: str
    date: str | None = None  # ISO 8601


@dataclass(frozen=True)
class ListPage:
    detail_links: list[Link] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"detail_links": [asdict(link) for link in self.detail_links], "next_pages": self.next_pages}


def clean(text: str | None) -> str:
    """Whitespace (also ideographic and non-breaking) folded to single spaces, trimmed."""
    return _SPACE.sub(" ", (text or "").replace("\u3000", " ").replace("\xa0", " ")).strip()


def shown_date(text: str) -> str | None:
    """The first date printed in ``text``, as ISO, or None."""
    for found in _SHOWN_DATE.finditer(text):
        try:
            return date(int(found[1]), int(found[3]), int(found[4])).isoformat()
        except ValueError:
            continue
    return None


def epoch_date(value: object) -> str | None:
    """An API's timestamp (epoch seconds or milliseconds) as the date in China."""
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        return None
    seconds = value / 1000 if value > 1e11 else value
    return datetime.fromtimestamp(seconds, UTC).astimezone(CHINA).date().isoformat()


def text_of(html: str) -> str:
    """The visible text of an HTML fragment (an API's title with <em> or <br/> in it)."""
    return (
        clean(" ".join(Selector(text=f"<div>{html}</div>").xpath("//text()").getall()))
        if "<" in html
        else clean(html)
    )


def with_param(url: str, name: str, value: int) -> str:
    """``url`` with its query parameter ``name`` set to ``value`` (the others as they were)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return parts._replace(query=urlencode({**query, name: value})).geturl()


def unique(links: list[Link]) -> list[Link]:
    """Each URL once, where it first appears."""
    seen: set[str] = set()
    kept = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            kept.append(link)
    return kept


def as_response(body: bytes, url: str) -> TextResponse:
    """A saved list page or API answer as the response navigation reads: JSON as UTF-8 (APIs send
    it so); HTML in the charset it declares, else UTF-8 when it decodes as such, else GB18030 (what
    a Chinese page without a declaration is)."""
    if body.lstrip()[:1] in (b"{", b"["):
        return TextResponse(
            url=url, body=body, encoding="utf-8", headers={"Content-Type": "application/json"}
        )
    declared = html_body_declared_encoding(body)
    if declared is None:
        try:
            body.decode("utf-8")
            declared = "utf-8"
        except UnicodeDecodeError:
            declared = "gb18030"
    return HtmlResponse(url=url, body=body, encoding=declared)
