"""Captures: every response kept raw in a WARC file, every fetch recorded in the crawl's ledger.

A crawl of source S writes ``<GONGWEN_CAPTURES>/S/<crawl_id>.warc.gz`` (warcio) and
``<crawl_id>.fetches.jsonl``: one row per URL the spider asked for, saying whether it was fetched
(with the WARC record that holds it), unchanged since an earlier crawl (with the earlier record that
holds its body) or failed (with the HTTP or network error). The release step reads both and gives
every detail page its final outcome.

Both files are journals: each record and each row is flushed as soon as it is written, so a crawl
killed midway (even with SIGKILL) leaves at most a torn last record, cut off when the same crawl id
opens them again to resume.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterator
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

from gongwen.crawlers.upstream import set_frozen

Kind = Literal["list", "detail"]
FetchOutcome = Literal["fetched", "unchanged", "failed"]
Change = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class Fetch:
    """One ledger row of a crawl: a URL the spider asked for and what came of it.

    An ``unchanged`` detail page (HTTP 304, or the same bytes as before) points to the earlier record
    that holds its body: ``warc_record_id`` in ``warc_file``, a WARC file of the same source folder.
    ``etag``, ``last_modified`` and ``sha256`` (of the body) let the next crawl ask only for changes.
    """

    url: str
    kind: Kind
    outcome: FetchOutcome
    status: int | None
    error: str | None
    warc_record_id: str | None
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    warc_file: str | None = None  # None: this crawl's own WARC file
    listed_on: str | None = None  # a detail page: the list page that linked it (None: asked for otherwise)


@dataclass(frozen=True)
class Known:
    """What an earlier crawl kept of a detail page: enough to ask whether it changed."""

    url: str
    etag: str | None
    last_modified: str | None
    sha256: str
    warc_file: str
    warc_record_id: str
    fetched_at: str


def crawl_id(crawler: Crawler) -> str:
    """The crawl's id: GONGWEN_CRAWL_ID, else the start time in UTC (shared by all spiders of a run)."""
    configured: str = crawler.settings.get("GONGWEN_CRAWL_ID", "")
    if not configured:
        configured = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        set_frozen(crawler.settings, "GONGWEN_CRAWL_ID", configured)
    return configured


def capture_paths(crawler: Crawler, spider: Spider) -> tuple[Path, Path]:
    folder = Path(crawler.settings.get("GONGWEN_CAPTURES")) / spider.name
    folder.mkdir(parents=True, exist_ok=True)
    stem = crawl_id(crawler)
    return folder / f"{stem}.warc.gz", folder / f"{stem}.fetches.jsonl"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ledger_line(fetch: Fetch) -> str:
    return json.dumps(asdict(fetch), ensure_ascii=False) + "\n"


def read_ledger(path: Path) -> list[Fetch]:
    """The rows of a ledger file; a torn last line (a crawl killed while writing it) is skipped."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [Fetch(**json.loads(line)) for line in lines if line.endswith("\n") and line.strip()]


def cut_torn_tail(path: Path, complete_length: int) -> None:
    if path.exists() and path.stat().st_size > complete_length:
        with path.open("r+b") as stream:
            stream.truncate(complete_length)


def complete_lines_length(path: Path) -> int:
    data = path.read_bytes() if path.exists() else b""
    return data.rfind(b"\n") + 1


def complete_gzip_length(path: Path) -> int:
    """How many leading bytes of a .warc.gz file are whole gzip members (one member per record)."""
    if not path.exists():
        return 0
    with path.open("rb") as stream:
        return max((end for _, end, _ in gzip_members(stream)), default=0)


HEAD = 1 << 14  # bytes of a gzip member given decompressed by gzip_members: a WARC record's headers


def gzip_members(stream: IO[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """The whole gzip members of a stream, in order: where each starts and ends in the stream, and its
    first HEAD bytes decompressed (a .warc.gz holds one member per record). A torn last member (a
    crawl killed while writing it) is left out."""
    data, base, start = memoryview(b""), 0, 0  # data: what was read of the stream from base on
    while True:
        member, head, at = zlib.decompressobj(zlib.MAX_WBITS | 16), b"", start
        while not member.eof:
            if at - base == len(data):
                data, base = memoryview(stream.read(1 << 20)), at
                if not data:
                    return
            # fed a bounded piece at a time: what is left of a piece is copied once the member ends
            piece = data[at - base : at - base + (1 << 14)]
            out = member.decompress(piece)
            head += out[: HEAD - len(head)]
            at += len(piece) - len(member.unused_data)
        yield start, at, head
        start = at


def response_header(response: Response, name: str) -> str | None:
    """A response header's value as text (HTTP headers are Latin-1), or None when it has none."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# Headers that described the bytes on the wire, not the body as stored after decompression.
_WIRE_HEADERS = {"content-length", "content-encoding", "transfer-encoding"}
# The WARC revisit profile for a server that answered 304 Not Modified.
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"


class WarcCaptureMiddleware:
    """Downloader middleware: write a request and a response record for every response.

    A detail page requested with what an earlier crawl knew of it (``request.meta["known"]``) that
    comes back 304, or with the same bytes, is written as a WARC revisit record pointing to the
    earlier one; ``request.meta["change"]`` says whether the page is new, changed or unchanged.
    """

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
        cut_torn_tail(warc_path, complete_gzip_length(warc_path))
        self.file = warc_path.open("ab")
        self.writer = WARCWriter(self.file, gzip=True)

    def spider_closed(self, spider: Spider) -> None:  # noqa: ARG002 (signal signature)
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None or self.file is None:
            return response
        date = now_iso()
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, values in response.headers.items()
            for v in values
            if k.decode("latin-1").lower() not in _WIRE_HEADERS
        ]
        http_headers = StatusAndHeaders(
            f"{response.status} {_reason(response.status)}", headers, protocol="HTTP/1.1"
        )
        known: Known | None = request.meta.get("known")
        digest = sha256_hex(response.body)
        same = response.status == 304 or (response.status == 200 and digest == getattr(known, "sha256", None))
        if known is not None and same:
            record = self.writer.create_revisit_record(
                response.url,
                f"sha256:{known.sha256}",
                known.url,
                known.fetched_at,
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": known.warc_record_id},
            )
            if response.status == 304:
                record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
            request.meta["change"] = "unchanged"
        else:
            record = self.writer.create_warc_record(
                response.url,
                "response",
                payload=BytesIO(response.body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date},
            )
            request.meta["change"] = "changed" if known is not None else "new"
        self.writer.write_record(record)
        self.file.flush()  # a journal: what the ledger will point to is on disk first
        request.meta["warc_record_id"] = record.rec_headers.get_header("WARC-Record-ID")
        request.meta["fetched_at"] = date
        request.meta["sha256"] = digest
        return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class LedgerPipeline:
    """Item pipeline: append every Fetch to the crawl's ledger, one JSON line each, once per URL.

    A resumed crawl (same crawl id) appends to the same ledger; a URL already recorded there, such as
    a list page read again to find the pages not yet fetched, gets no second row.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.file: IO[str] | None = None
        self.recorded: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        assert self.crawler.spider is not None
        _, ledger_path = capture_paths(self.crawler, self.crawler.spider)
        cut_torn_tail(ledger_path, complete_lines_length(ledger_path))
        self.recorded = {fetch.url for fetch in read_ledger(ledger_path)}
        self.file = ledger_path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None

    def process_item(self, item: object) -> object:
        if isinstance(item, Fetch) and self.file is not None and item.url not in self.recorded:
            self.recorded.add(item.url)
            self.file.write(ledger_line(item))
            self.file.flush()
        return item
