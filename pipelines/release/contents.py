"""The data files of a version, from the notices and the crawls they were read from.

Everything is sorted (notices and changes by id, attachments by notice and position, sources as
dataset.toml lists them, quality by source and URL) and every time comes from the captures, so
two builds from the same captures write the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from crawlers.registry import Source
from pipelines.release.staging import Staging
from pipelines.release.tables import Record, Row, utc_seconds

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from pipelines.ledger import SourceCrawl

NOT_PUBLISHED = ("quarantined", "failed")


def attachment_rows(records: Sequence[Record]) -> Iterator[Row]:
    for r in records:
        for n, a in enumerate(r["attachments"], start=1):
            yield {"notice_id": r["id"], "position": n, "title": a["title"], "url": a["url"]}


def quality_rows(crawls: Sequence[SourceCrawl]) -> list[Row]:
    rows: list[Row] = [
        {
            "source_id": c.source.id,
            "url": o.url,
            "kind": o.kind,
            "outcome": o.outcome,
            "reason": o.reason,
            "http_status": o.http_status,
            "notice_id": o.notice_id,
            "fetched_at": utc_seconds(o.fetched_at),
        }
        for c in crawls
        for o in c.outcomes
        if o.outcome in NOT_PUBLISHED
    ]
    return sorted(rows, key=lambda row: (str(row["source_id"]), str(row["url"])))


def source_rows(
    sources: Sequence[Source], crawls: Sequence[SourceCrawl], records: Sequence[Record]
) -> list[Row]:
    by_id = {c.source.id: c for c in crawls}
    notices = Counter(r["source_id"] for r in records)
    rows: list[Row] = []
    for source in sources:
        crawl = by_id.get(source.id)
        outcomes = crawl.outcomes if crawl else []
        crawled_at = crawl.crawled_at if crawl else None
        rows.append({
            "source_id": source.id,
            "name": source.name,
            "publisher": source.publisher,
            "region": source.region,
            "level": source.level,
            "start_url": source.start_urls[0],
            "terms": source.terms,
            "expected_min": source.expected_min,
            "crawl_id": crawl.crawl_id if crawl else None,
            "crawled_at": utc_seconds(crawled_at) if crawled_at else None,
            "fetches": len(outcomes),
            "failed": crawl.failed if crawl else 0,
            "notices": notices[source.id],
            "quarantined": sum(o.outcome == "quarantined" for o in outcomes),
        })
    return rows


def write_notices(staging: Staging, records: Sequence[Record]) -> None:
    """The notices in their four files: JSON, NDJSON, CSV and the Excel CSV."""
    staging.json("notices.json", "notices.ndjson", records)
    staging.csv("notices", records, excel="notices-excel.csv")
