"""Incremental crawling: what earlier crawls of a source hold, so that the next one asks only for changes.

The index is read from the ledgers of the source's earlier crawls (the newest row of a URL wins). A
detail page it knows is asked for with ``If-None-Match``/``If-Modified-Since`` when the server gave
validators; a 304, or the same bytes from a server that gives none, makes it ``unchanged`` and the
ledger points to the earlier WARC record that holds its body. List pages are never conditional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gongwen.crawlers.capture import Known, read_ledger

LEDGER_SUFFIX = ".fetches.jsonl"


@dataclass(frozen=True)
class ContentIndex:
    """The detail pages earlier crawls of one source asked for, those whose body they hold, and the list
    page that last linked each."""

    known: dict[str, Known] = field(default_factory=dict)
    seen: frozenset[str] = frozenset()
    listed_on: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path, current_crawl: str) -> ContentIndex:
        """From the ledgers in ``folder`` of every crawl but ``current_crawl``, oldest first."""
        known: dict[str, Known] = {}
        seen: set[str] = set()
        listed_on: dict[str, str] = {}
        current = current_crawl + LEDGER_SUFFIX
        ledgers = sorted(p for p in folder.glob(f"*{LEDGER_SUFFIX}") if p.name != current)
        for ledger in ledgers:
            crawl = ledger.name.removesuffix(LEDGER_SUFFIX)
            for fetch in read_ledger(ledger):
                if fetch.kind != "detail":
                    continue
                seen.add(fetch.url)
                if fetch.listed_on:
                    listed_on[fetch.url] = fetch.listed_on
                if fetch.outcome == "failed" or not fetch.sha256 or not fetch.warc_record_id:
                    continue  # an earlier body, if any, is still the best we hold
                earlier = known.get(fetch.url)
                unchanged = fetch.outcome == "unchanged" and earlier is not None
                known[fetch.url] = Known(
                    url=fetch.url,
                    etag=fetch.etag,
                    last_modified=fetch.last_modified,
                    sha256=fetch.sha256,
                    warc_file=Path(fetch.warc_file or f"{crawl}.warc.gz").name,
                    warc_record_id=fetch.warc_record_id,
                    # the date of the record that holds the body, which an unchanged row only points to
                    fetched_at=earlier.fetched_at if unchanged and earlier else fetch.fetched_at,
                )
        return cls(known, frozenset(seen), listed_on)


def conditional_headers(known: Known) -> dict[str, str]:
    """The validators to send for a page an earlier crawl holds (none when the server gave none)."""
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
