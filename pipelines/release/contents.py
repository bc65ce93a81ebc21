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
from pipelines.policy.citations import CitedDocuments
from pipelines.policy.rows import POLICY_TABLES
from pipelines.policy.rows import Row as PolicyRow
from pipelines.release.carry import Places, PreviousRows, digest
from pipelines.release.policy import KnownPolicies, cited, from_page, missing_documents, record_policy
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


def write_notices(
    staging: Staging,
    records: Sequence[Record],
    sources: Sequence[Source],
    known: KnownPolicies,
    before: PreviousRows,
) -> Places:
    """Every file made from the records, a record at a time: the notices (JSON, NDJSON, CSV, Excel
    CSV), their attachments and their policy (tasks, targets, citations, agencies, and the
    missing_documents no citation links). A notice whose rows the previous version made from the same
    (``before``) has them copied; returns where each notice's rows are, for the next version."""
    regions = {s.id: s.region for s in sources}
    documents = CitedDocuments()
    for record in records:
        documents.add(record["id"], record["doc_number"], record["title"])
    places = Places()
    unlinked: list[PolicyRow] = []
    with (
        staging.json("notices.json", "notices.ndjson") as json_line,
        staging.table("notices", excel="notices-excel.csv") as notices,
        staging.tables("attachments", *POLICY_TABLES) as (attachments, tasks, targets, citations, agencies),
    ):
        carried_tables = (notices, attachments, tasks, targets, agencies)  # as carry.FILES has them
        for record in records:
            line = json_line(record)
            page = from_page(record, known)
            region = regions.get(record["source_id"])
            made_from = digest(line, region, from_page=page is not None)
            start = [at for writer in carried_tables for at in writer.position()]
            carried = before.rows(record["id"], made_from)
            if carried is None:
                notices.write(record)
                for row in attachment_rows([record]):
                    attachments.write(row)
                policy = record_policy(record, page, region)
                for table, writer in (("tasks", tasks), ("targets", targets), ("agencies", agencies)):
                    for row in policy[table]:
                        writer.write(row)
                cites = policy["citations"]
            else:
                notices.carry(carried[0], carried[1], row=record)
                for writer, data in zip(carried_tables[1:], carried[2:], strict=True):
                    writer.carry(data)
                cites = before.citations(record["id"])
            for row in cites:
                if cited(documents, row) is None:
                    unlinked.append(row)
                citations.write(row)
            end = [at for writer in carried_tables for at in writer.position()]
            places.add(record["id"], made_from, start, end)
    staging.csv("missing_documents", missing_documents(unlinked))
    return places
