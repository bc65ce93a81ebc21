"""Write a corpus as a crawl would: per source a WARC file and a fetch ledger, by the crawl's own code.

Each page goes through crawlers.capture's WarcCaptureMiddleware (the WARC record) and LedgerPipeline
(the ledger row, built by the spiders' own ``fetched``/``unchanged``/``failed_fetch``), as if the
sample web had answered it: no server and no crawl, so only the stages after the crawl are measured.
A list page is recorded for every 20 detail pages (a plain list of links; the release never reads
list pages). A later crawl asks again for every page an earlier one holds, which answers 304 (a
WARC revisit record pointing to the earlier body), as a nightly incremental crawl does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from types import TracebackType
from typing import Self

import markupsafe
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from bench.scale.corpus import Page
from gongwen.crawlers.capture import Known, LedgerPipeline, WarcCaptureMiddleware, sha256_hex
from gongwen.crawlers.incremental import ContentIndex
from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import LAYOUTS, NOT_FOUND, Resource, detail_url, page_resource
from gongwen.crawlers.spiders.base import failed_fetch, fetched, unchanged

LIST_EVERY = 20
MODIFIED = 1_767_225_600.0  # 2026-01-01: the Last-Modified of every generated page


@dataclass
class SourceWriter:
    """One source's crawl being written: ``<captures>/<source_id>/<crawl_id>.{warc.gz,fetches.jsonl}``."""

    captures: Path
    source_id: str
    crawl_id: str
    details: int = 0
    pending_links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        settings = {"GONGWEN_CAPTURES": str(self.captures), "GONGWEN_CRAWL_ID": self.crawl_id}
        crawler = get_crawler(Spider, settings)
        crawler.spider = Spider(name=self.source_id)
        self.warc = WarcCaptureMiddleware.from_crawler(crawler)
        self.warc.spider_opened(crawler.spider)
        self.ledger = LedgerPipeline.from_crawler(crawler)
        self.ledger.open_spider()
        self.source = get_source(self.source_id)
        self.lists = 0

    def page(self, page: Page) -> str:
        """Fetch a notice page (after the list page that links it); return its URL."""
        url = detail_url(self.source, page.page)
        if self.details % LIST_EVERY == 0:
            self.list_page()
        self.details += 1
        resource = page_resource(LAYOUTS[self.source_id], page.page)
        self._fetch(url, resource, known=None)
        return url

    def again(self, known: Known) -> None:
        """Ask again for a page an earlier crawl holds: the server answers 304 Not Modified."""
        self._fetch(known.url, Resource(b"", status=304), known=known)

    def failed_again(self, url: str) -> None:
        """Ask again for a page that failed before: it still answers 404."""
        self._fetch(url, Resource(NOT_FOUND, status=404), known=None)

    def list_page(self) -> None:
        self.lists += 1
        start = self.source.start_urls[0]
        url = start if self.lists == 1 else f"{start}{'&' if '?' in start else '?'}page={self.lists}"
        links = "".join(f"<li><a href='/p{n}'>{markupsafe.escape(n)}</a></li>" for n in range(LIST_EVERY))
        body = f"<html><body><ul>{links}</ul></body></html>".encode()
        self._fetch(url, Resource(body), known=None, kind="list")

    def _fetch(self, url: str, resource: Resource, *, known: Known | None, kind: str = "detail") -> None:
        request = Request(url, meta={"kind": kind, "known": known} if known else {"kind": kind})
        headers = {"Content-Type": resource.content_type}
        if resource.status == 200:
            headers["ETag"] = f'"{sha256_hex(resource.body)[:24]}"'
            headers["Last-Modified"] = formatdate(resource.last_modified or MODIFIED, usegmt=True)
        response = Response(url, status=resource.status, headers=headers, body=resource.body, request=request)
        self.warc.process_response(request, response)
        if resource.status >= 400:
            item = failed_fetch(url, "detail" if kind == "detail" else "list", resource.status,
                                f"HTTP {resource.status}")
        elif known is not None and request.meta["change"] == "unchanged":
            item = unchanged(response, known)
        else:
            item = fetched(response, "detail" if kind == "detail" else "list")
        self.ledger.process_item(item)

    def close(self) -> None:
        assert self.warc.crawler.spider is not None
        self.warc.spider_closed(self.warc.crawler.spider)
        self.ledger.close_spider()


class Crawl:
    """One crawl of every source, written page by page; the crawl id names its files."""

    def __init__(self, captures: Path, crawl_id: str) -> None:
        self.captures = captures
        self.crawl_id = crawl_id
        self.sources: dict[str, SourceWriter] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for source in self.sources.values():
            source.close()

    def source(self, source_id: str) -> SourceWriter:
        if source_id not in self.sources:
            self.sources[source_id] = SourceWriter(self.captures, source_id, self.crawl_id)
        return self.sources[source_id]

    def write(self, pages: Iterable[Page]) -> int:
        count = 0
        for page in pages:
            self.source(page.source_id).page(page)
            count += 1
        return count

    def revisit(self, source_ids: Iterable[str]) -> int:
        """Ask again for every detail page the earlier crawls of the sources hold (or failed on)."""
        count = 0
        for source_id in source_ids:
            folder = self.captures / source_id
            index = ContentIndex.load(folder, self.crawl_id)
            crawl = self.source(source_id)
            crawl.list_page()
            for known in index.known.values():
                crawl.again(known)
                count += 1
            for url in sorted(index.seen - set(index.known)):
                crawl.failed_again(url)
                count += 1
        return count
