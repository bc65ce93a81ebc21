"""Base spiders: walk a source's list pages to its detail pages, and record every fetch.

A source spider declares how its site is navigated (selectors for detail links and the next list
page, or methods for a JSON or XML API). It never reads fields out of a notice page: it yields one
``Fetch`` per URL it asked for, and the response itself is kept by the capture middleware.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.capture import Fetch, Kind, now_iso
from crawlers.registry import Source, get_source


class NoticeSpider(scrapy.Spider):
    """Walks one source of crawlers/sources.toml; ``name`` is the source id.

    Subclasses set ``detail_links_css`` and ``next_page_css`` (CSS selectors yielding hrefs), or
    override ``detail_links`` and ``next_pages`` for sites that page through an API.
    """

    detail_links_css: ClassVar[str] = ""
    next_page_css: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source: Source = get_source(self.name)
        self.allowed_domains = list(self.source.allowed_hosts)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield self.request(url, "list")

    def request(self, url: str, kind: Kind) -> scrapy.Request:
        callback = self.parse_list if kind == "list" else self.parse_detail
        return scrapy.Request(url, callback=callback, errback=self.failed, meta={"kind": kind})

    def parse_list(self, response: Response) -> Iterator[Fetch | scrapy.Request]:
        links = list(dict.fromkeys(response.urljoin(href) for href in self.detail_links(response)))
        if links:
            yield fetched(response, "list")
        else:
            # A 200 list page without links means the layout changed or the site is broken.
            yield failed_fetch(response.url, "list", response.status, "list page has no detail links")
        for url in links:
            yield self.request(url, "detail")
        for url in self.next_pages(response):
            yield self.request(response.urljoin(url), "list")

    def parse_detail(self, response: Response) -> Iterator[Fetch]:
        yield fetched(response, "detail")

    def detail_links(self, response: Response) -> Iterable[str]:
        return response.css(self.detail_links_css).getall()

    def next_pages(self, response: Response) -> Iterable[str]:
        return response.css(self.next_page_css).getall()[:1] if self.next_page_css else []

    def failed(self, failure: Failure) -> Iterator[Fetch]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        kind: Kind = request.meta.get("kind", "detail")
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            yield failed_fetch(request.url, kind, status, f"HTTP {status}")
        else:
            error = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
            yield failed_fetch(request.url, kind, None, error)


def fetched(response: Response, kind: Kind) -> Fetch:
    return Fetch(
        url=response.url,
        kind=kind,
        outcome="fetched",
        status=response.status,
        error=None,
        warc_record_id=response.meta.get("warc_record_id"),
        fetched_at=response.meta.get("fetched_at") or now_iso(),
    )


def failed_fetch(url: str, kind: Kind, status: int | None, error: str) -> Fetch:
    return Fetch(url, kind, "failed", status, error, None, now_iso())
