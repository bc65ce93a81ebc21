"""Captures: every response kept raw in a WARC file, every fetch recorded in the crawl's ledger.

A crawl of source S writes ``<GONGWEN_CAPTURES>/S/<crawl_id>.warc.gz`` (warcio) and
``<crawl_id>.fetches.jsonl``: one row per URL the spider asked for, saying whether it was fetched
(with the WARC record that holds it) or failed (with the HTTP or network error). The release step
reads both and gives every detail page its final outcome.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, Literal, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

Kind = Literal["list", "detail"]


@dataclass(frozen=True)
class Fetch:
    """One ledger row of a crawl: a URL the spider asked for and what came of it."""

    url: str
    kind: Kind
    outcome: Literal["fetched", "failed"]
    status: int | None
    error: str | None
    warc_record_id: str | None
    fetched_at: str


def crawl_id(crawler: Crawler) -> str:
    """The crawl's id: GONGWEN_CRAWL_ID, else the start time in UTC (shared by all spiders of a run)."""
    configured: str = crawler.settings.get("GONGWEN_CRAWL_ID", "")
    if not configured:
        configured = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        crawler.settings.frozen = False
        crawler.settings.set("GONGWEN_CRAWL_ID", configured)
        crawler.settings.frozen = True
    return configured


def capture_paths(crawler: Crawler, spider: Spider) -> tuple[Path, Path]:
    folder = Path(crawler.settings.get("GONGWEN_CAPTURES")) / spider.name
    folder.mkdir(parents=True, exist_ok=True)
    stem = crawl_id(crawler)
    return folder / f"{stem}.warc.gz", folder / f"{stem}.fetches.jsonl"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Headers that described the bytes on the wire, not the body as stored after decompression.
_WIRE_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}


class WarcCaptureMiddleware:
    """Downloader middleware: write a request and a response record for every response."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.file: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        warc_path, _ = capture_paths(self.crawler, spider)
        self.file = warc_path.open("ab")
        self.writer = WARCWriter(self.file, gzip=True)

    def spider_closed(self, spider: Spider) -> None:  # noqa: ARG002 (signal signature)
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None:
            return response
        date = now_iso()
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
            if k.decode("latin-1").lower() not in _WIRE_HEADERS
        ]
        status_line = f"{response.status} {_reason(response.status)}"
        record = self.writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(status_line, headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date},
        )
        self.writer.write_record(record)
        request.meta["warc_record_id"] = record.rec_headers.get_header("WARC-Record-ID")
        request.meta["fetched_at"] = date
        return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class LedgerPipeline:
    """Item pipeline: append every Fetch to the crawl's ledger, one JSON line each."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        _, ledger_path = capture_paths(self.crawler, self.crawler.spider)
        self.file = ledger_path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_item(self, item: object) -> object:
        if isinstance(item, Fetch) and self.file is not None:
            self.file.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
            self.file.flush()
        return item
