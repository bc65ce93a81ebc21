"""Reading a crawl back: its ledger of fetches and the responses kept in its WARC file."""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from gongwen.crawlers.capture import Fetch, gzip_members, read_ledger


@dataclass(frozen=True)
class Crawl:
    """One crawl of one source: ``<captures>/<source_id>/<crawl_id>.{warc.gz,fetches.jsonl}``."""

    source_id: str
    crawl_id: str
    folder: Path

    @property
    def warc_path(self) -> Path:
        return self.folder / f"{self.crawl_id}.warc.gz"

    @property
    def ledger_path(self) -> Path:
        return self.folder / f"{self.crawl_id}.fetches.jsonl"

    def fetches(self) -> list[Fetch]:
        return read_ledger(self.ledger_path)

    def warc_paths(self, fetches: Sequence[Fetch] | None = None) -> list[Path]:
        """This crawl's WARC file, then the earlier ones that hold the bodies of its unchanged pages
        (``fetches``: its ledger, when read already)."""
        fetches = self.fetches() if fetches is None else fetches
        earlier = sorted({Path(name).name for name in {f.warc_file for f in fetches if f.warc_file}})
        return [self.warc_path, *(self.folder / name for name in earlier if name != self.warc_path.name)]

    def responses(
        self, wanted: Container[str] | None = None, fetches: Sequence[Fetch] | None = None
    ) -> Iterator[CapturedResponse]:
        """The response records of this crawl's WARC files, one at a time in file order: only those
        whose record id is ``wanted``, when given (found without parsing the others, and a file that
        holds none of them, as the ledger says, is not opened). ``fetches``: the ledger, when read
        already."""
        fetches = self.fetches() if fetches is None else fetches
        if wanted is None:
            for path in self.warc_paths(fetches):
                if path.exists():
                    yield from _responses(path)
            return
        holding = {f.warc_file or self.warc_path.name for f in fetches if f.warc_record_id in wanted}
        holding = {Path(name).name for name in holding}
        for path in self.warc_paths(fetches):
            if path.name in holding and path.exists():
                yield from _wanted_responses(path, wanted)


def _responses(warc_path: Path) -> Iterator[CapturedResponse]:
    with warc_path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                yield _captured(record)


def _wanted_responses(warc_path: Path, wanted: Container[str]) -> Iterator[CapturedResponse]:
    """The ``wanted`` response records of a WARC file, in file order: a .warc.gz holds one gzip member
    per record (warcio reads no other), so each is told by the headers at the start of its member and
    only those wanted are parsed."""
    with warc_path.open("rb") as stream:
        starts = [start for start, _, head in gzip_members(stream) if _may_be(head, wanted)]
        for start in starts:
            stream.seek(start)
            record = next(iter(ArchiveIterator(stream)))
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Record-ID") in wanted:
                yield _captured(record)


def _may_be(head: bytes, wanted: Container[str]) -> bool:
    """Whether a record, of which ``head`` is the first bytes, may be one of those ``wanted``: not when
    its headers name another WARC-Record-ID as crawls write it (else it is parsed to know)."""
    end = head.find(b"\r\n\r\n")
    at = head.find(b"\r\nWARC-Record-ID:", 0, end)
    if end < 0 or at < 0:
        return True
    line_end = head.find(b"\r\n", at + 2, end)
    value = head[at + 17 : line_end if line_end >= 0 else end].strip()
    return not value.isascii() or value.decode() in wanted


def _captured(record: ArcWarcRecord) -> CapturedResponse:
    headers = record.http_headers
    return CapturedResponse(
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        date=datetime.fromisoformat(record.rec_headers.get_header("WARC-Date")),
        status=int(headers.get_statuscode()),
        content_type=headers.get_header("Content-Type"),
        body=record.content_stream().read(),
    )


@dataclass(frozen=True)
class CapturedResponse:
    record_id: str
    url: str
    date: datetime
    status: int
    content_type: str | None
    body: bytes


def latest_crawl(captures: Path, source_id: str) -> Crawl | None:
    """The newest crawl of a source that left a ledger (crawl ids sort by time)."""
    folder = captures / source_id
    ledgers = sorted(folder.glob("*.fetches.jsonl")) if folder.is_dir() else []
    if not ledgers:
        return None
    return Crawl(source_id, ledgers[-1].name.removesuffix(".fetches.jsonl"), folder)
