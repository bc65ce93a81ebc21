"""Base spiders: walk a source's list pages to its detail pages, and record every fetch.

A source's list pages are read by its CMS family (crawlers.navigation), as crawlers/sources.toml
says; a spider of its own overrides ``list_page`` only where a site does something no family does.
A spider never reads fields out of a notice page: it yields one ``Fetch`` per URL it asked for, and
the response itself is kept by the capture middleware.

Crawls are incremental and resumable. Detail pages an earlier crawl holds are asked for
conditionally (crawlers.incremental); when a list page brings no detail link an earlier crawl had not
seen, older list pages are not read and the known detail pages are asked for instead. A crawl that
runs again under the same crawl id (a resume) does not ask again for a detail page its ledger has.
A detail page's ledger row names the list page that linked it (``listed_on``): a later release tells
a page the site stopped listing from one its crawl did not reach by it (pipelines/release/history.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from gongwen.crawlers.capture import (
    Fetch,
    Kind,
    Known,
    capture_paths,
    crawl_id,
    now_iso,
    read_ledger,
    response_header,
)
from gongwen.crawlers.incremental import ContentIndex, conditional_headers
from gongwen.crawlers.navigation.families import ListPage, read_list_response
from gongwen.crawlers.registry import Source, get_source
from gongwen.crawlers.resilience import asked_url, failure_reason


class NoticeSpider(scrapy.Spider):
    """Walks one source of crawlers/sources.toml; ``name`` is the source id."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_domains = list(self.source.allowed_hosts)
        self.revisiting_known = False

    @cached_property
    def source(self) -> Source:
        return get_source(self.name)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.report_changes, signal=signals.spider_closed)
        return spider

    @cached_property
    def index(self) -> ContentIndex:
        """What the source's earlier crawls hold (read once, when the crawl starts)."""
        settings = self.crawler.settings
        captures = settings.get("GONGWEN_PREVIOUS_CAPTURES") or settings.get("GONGWEN_CAPTURES")
        return ContentIndex.load(Path(captures) / self.name, crawl_id(self.crawler))

    @cached_property
    def done(self) -> frozenset[str]:
        """The URLs this crawl recorded before it was stopped, when it is resumed (read once, before
        the first detail page is asked for)."""
        _, ledger_path = capture_paths(self.crawler, self)
        done = frozenset(fetch.url for fetch in read_ledger(ledger_path))
        if done:
            self.logger.info("resuming crawl %s: %d URLs already recorded", crawl_id(self.crawler), len(done))
        return done

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield self.request(url, "list")

    def request(self, url: str, kind: Kind, listed_on: str | None = None) -> scrapy.Request:
        callback = self.parse_list if kind == "list" else self.parse_detail
        meta: dict[str, Any] = {"kind": kind, "listed_on": listed_on}
        headers: dict[str, str] = {}
        known = self.index.known.get(url) if kind == "detail" else None
        if known is not None:
            meta |= {"known": known, "handle_httpstatus_list": [304]}
            headers = conditional_headers(known)
        return scrapy.Request(url, callback=callback, errback=self.failed, meta=meta, headers=headers)

    def detail_requests(self, urls: Iterable[str], listed_on: str | None = None) -> Iterator[scrapy.Request]:
        for url in urls:
            if url not in self.done:
                yield self.request(url, "detail", listed_on)

    def parse_list(self, response: Response) -> Iterator[Fetch | scrapy.Request]:
        try:
            page = self.list_page(response)
            links = list(dict.fromkeys(link.url for link in page.detail_links))
            next_pages = page.next_pages
        except Exception as exc:  # noqa: BLE001 (a hostile or broken page: recorded, the crawl goes on)
            yield list_failed(response, f"unreadable list page: {exc!r}")
            return
        if links:
            yield fetched(response, "list")
        else:
            # A 200 list page without links means the layout changed or the site is broken.
            yield list_failed(response, "list page has no detail links")
        yield from self.detail_requests(links, asked_url(response.request, response.url))
        if links and self.index.seen and self.index.seen.issuperset(links):
            yield from self.revisit_known(response.url)
            return
        for url in next_pages:
            yield self.request(url, "list")

    def revisit_known(self, list_url: str) -> Iterator[scrapy.Request]:
        """Stop paging: older list pages hold nothing new. Ask for every detail page an earlier crawl
        saw instead (conditionally, so an unchanged one costs a 304), so that this crawl's ledger still
        holds every notice of the source; the duplicate filter drops those already asked for."""
        if self.revisiting_known:
            return
        self.revisiting_known = True
        count = len(self.index.seen)
        self.logger.info("nothing new on %s: paging stops, %d known pages revisited", list_url, count)
        yield from self.detail_requests(sorted(self.index.seen))

    def parse_detail(self, response: Response) -> Iterator[Fetch]:
        change: str = response.meta.get("change", "new")
        self.crawler.stats.inc_value(f"gongwen/detail/{change}")
        known: Known | None = response.meta.get("known")
        if change == "unchanged" and known is not None:
            yield unchanged(response, known)
        else:
            yield fetched(response, "detail")

    def list_page(self, response: Response) -> ListPage:
        """The notices and next list pages one list page links to, read by the source's family."""
        return read_list_response(response, self.source.family, self.source.selectors)

    def failed(self, failure: Failure) -> Iterator[Fetch]:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        kind: Kind = request.meta.get("kind", "detail")
        status, reason = failure_reason(failure)
        listed_on = request.meta.get("listed_on")
        yield failed_fetch(asked_url(request, request.url), kind, status, reason, listed_on)

    def report_changes(self) -> None:
        stats = self.crawler.stats
        counts = {c: stats.get_value(f"gongwen/detail/{c}", 0) for c in ("new", "changed", "unchanged")}
        self.logger.info("detail pages: %(new)d new, %(changed)d changed, %(unchanged)d unchanged", counts)


def fetched(response: Response, kind: Kind) -> Fetch:
    return Fetch(
        url=asked_url(response.request, response.url),
        kind=kind,
        outcome="fetched",
        status=response.status,
        error=None,
        warc_record_id=response.meta.get("warc_record_id"),
        fetched_at=response.meta.get("fetched_at") or now_iso(),
        etag=response_header(response, "ETag"),
        last_modified=response_header(response, "Last-Modified"),
        sha256=response.meta.get("sha256"),
        listed_on=response.meta.get("listed_on"),
    )


def unchanged(response: Response, known: Known) -> Fetch:
    """A detail page that came back 304 or with the same bytes: its body is the earlier record's."""
    return Fetch(
        url=asked_url(response.request, response.url),
        kind="detail",
        outcome="unchanged",
        status=response.status,
        error=None,
        warc_record_id=known.warc_record_id,
        fetched_at=response.meta.get("fetched_at") or now_iso(),
        etag=response_header(response, "ETag") or known.etag,
        last_modified=response_header(response, "Last-Modified") or known.last_modified,
        sha256=known.sha256,
        warc_file=known.warc_file,
        listed_on=response.meta.get("listed_on"),
    )


def list_failed(response: Response, reason: str) -> Fetch:
    return failed_fetch(asked_url(response.request, response.url), "list", response.status, reason)


def failed_fetch(url: str, kind: Kind, status: int | None, error: str, listed_on: str | None = None) -> Fetch:
    return Fetch(url, kind, "failed", status, error, None, now_iso(), listed_on=listed_on)
