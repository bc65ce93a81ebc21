"""Reading a crawl back: its ledger of fetches and the responses kept in its WARC file."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawlers.capture import Fetch, read_ledger


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

    def warc_paths(self) -> list[Path]:
        """This crawl's WARC file, then the earlier ones that hold the bodies of its unchanged pages."""
        earlier = sorted({Path(f.warc_file).name for f in self.fetches() if f.warc_file})
        return [self.warc_path, *(self.folder / name for name in earlier if name != self.warc_path.name)]

    def responses(self, wanted: Container[str] | None = None) -> Iterator[CapturedResponse]:
        """The response records of this crawl's WARC files, one at a time in file order: only those
        whose record id is ``wanted``, when given (the others are skipped without reading their body,
        and a file that holds none of them, as the ledger says, is not opened)."""
        paths = self.warc_paths()
        if wanted is not None:
            fetches = self.fetches()
            holding = {f.warc_file or self.warc_path.name for f in fetches if f.warc_record_id in wanted}
            paths = [p for p in paths if p.name in {Path(name).name for name in holding}]
        for path in paths:
            if path.exists():
                yield from _responses(path, wanted)


def _responses(warc_path: Path, wanted: Container[str] | None) -> Iterator[CapturedResponse]:
    with warc_path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            if wanted is not None and record_id not in wanted:
                continue
            headers = record.http_headers
            yield CapturedResponse(
                record_id=record_id,
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
