"""The canary an operator runs before the nightly crawl: for each source, its first list page and the
first notice page it links to, fetched politely (robots.txt, the crawl's user agent, delays and
retries) and kept in memory; nothing is captured. What the notice page says is read by the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from gongwen.crawlers.capture import response_header
from gongwen.crawlers.navigation.families import read_list_response
from gongwen.crawlers.registry import Source
from gongwen.crawlers.resilience import failure_reason


@dataclass
class Fetched:
    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    error: str = ""  # why it could not be fetched or read


@dataclass
class SourceCheck:
    """What one source's first list page and first notice page brought."""

    source: Source
    list_page: Fetched | None = None
    links: int = 0
    next_page: str | None = None
    detail: Fetched | None = None
    problems: list[str] = field(default_factory=list)


class CheckSpider(scrapy.Spider):
    """Asks each source for its first start URL, then for the first notice its list links to on the
    source's own hosts; fills ``checks`` (by source id) as the answers come."""

    name = "sources-check"
    # Nothing is captured or written to a ledger: a check leaves no crawl behind.
    custom_settings = {  # noqa: RUF012 (Scrapy's own class attribute)
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": {"gongwen.crawlers.capture.WarcCaptureMiddleware": None},
    }

    def __init__(self, sources: list[Source], checks: dict[str, SourceCheck], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = sources
        self.checks = checks
        self.allowed_domains = sorted({host for s in sources for host in s.allowed_hosts})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            self.checks[source.id] = SourceCheck(source)
            yield self._ask(source.start_urls[0], source, self.listed)

    def _ask(self, url: str, source: Source, callback: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback,
            errback=self.failed,
            cb_kwargs={"source": source},
            meta={"source_id": source.id},
            dont_filter=True,
        )

    def listed(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        check = self.checks[source.id]
        check.list_page = _fetched(response)
        try:
            page = read_list_response(response, source.family, source.selectors)
        except Exception as exc:  # noqa: BLE001 (a broken page is what the check is for)
            check.problems.append(f"list page unreadable: {exc!r}")
            return
        check.links = len(page.detail_links)
        check.next_page = page.next_pages[0] if page.next_pages else None
        own = [link.url for link in page.detail_links if urlsplit(link.url).hostname in source.allowed_hosts]
        if own:
            yield self._ask(own[0], source, self.read)

    def read(self, response: Response, source: Source) -> None:
        self.checks[source.id].detail = _fetched(response)

    def failed(self, failure: Failure) -> None:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        check = self.checks[request.meta["source_id"]]
        status, reason = failure_reason(failure)
        fetched = Fetched(request.url, status, error=reason)
        if check.list_page is None:
            check.list_page = fetched
        else:
            check.detail = fetched


def _fetched(response: Response) -> Fetched:
    return Fetched(response.url, response.status, response.body, response_header(response, "Content-Type"))
