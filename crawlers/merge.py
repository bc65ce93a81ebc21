"""Merging captures: the crawl that several processes shared becomes one crawl folder for the release.

Each process of a distributed crawl (crawlers.distributed) writes its own captures folder, with the
same crawl id. A source's crawl in the merged folder is the workers' WARC files joined one after the
other (a ``.warc.gz`` is a sequence of gzip members, one per record, so joined files are one valid
WARC file) and their ledgers joined. A torn last record (a killed worker) is left out, and a URL
that two workers both recorded (they should not: they share a duplicate filter) keeps its first row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gongwen.crawlers.capture import complete_gzip_length, ledger_line, read_ledger
from gongwen.crawlers.incremental import LEDGER_SUFFIX


@dataclass(frozen=True)
class Merged:
    source_id: str
    crawl_id: str
    parts: int
    rows: int
    duplicates: int


def merge_captures(workers: Iterable[Path], into: Path) -> list[Merged]:
    """Join the crawls found in the ``workers`` captures folders into ``into``, crawl by crawl."""
    parts: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for worker in workers:
        for ledger in sorted(worker.glob(f"*/*{LEDGER_SUFFIX}")):
            parts[(ledger.parent.name, ledger.name.removesuffix(LEDGER_SUFFIX))].append(ledger.parent)
    return [_merge(source, crawl, parts[(source, crawl)], into / source) for source, crawl in sorted(parts)]


def _merge(source: str, crawl: str, folders: list[Path], target: Path) -> Merged:
    target.mkdir(parents=True, exist_ok=True)
    rows_path, warc_path = target / f"{crawl}{LEDGER_SUFFIX}", target / f"{crawl}.warc.gz"
    if rows_path.exists() or warc_path.exists():
        raise FileExistsError(f"{rows_path} or its WARC file exists already: merge a crawl once")
    recorded: set[str] = set()
    duplicates = 0
    with warc_path.open("wb") as warc, rows_path.open("w", encoding="utf-8") as rows:
        for folder in folders:
            _copy_whole_records(folder / f"{crawl}.warc.gz", warc)
            for fetch in read_ledger(folder / f"{crawl}{LEDGER_SUFFIX}"):
                if fetch.url in recorded:
                    duplicates += 1
                    continue
                recorded.add(fetch.url)
                rows.write(ledger_line(fetch))
    return Merged(source, crawl, len(folders), len(recorded), duplicates)


def _copy_whole_records(part: Path, out: IO[bytes]) -> None:
    left = complete_gzip_length(part)  # 0 for a worker that wrote no WARC file
    if not left:
        return
    with part.open("rb") as records:
        while left > 0 and (chunk := records.read(min(left, 1 << 20))):
            out.write(chunk)
            left -= len(chunk)
