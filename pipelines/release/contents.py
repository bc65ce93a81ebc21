"""The data files of a version, from the notices and the crawls they were read from.

Everything is sorted (notices and changes by id, attachments by notice and position, sources as
dataset.toml lists them, quality by source and URL) and every time comes from the captures, so
two builds from the same captures write the same bytes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from crawlers.registry import Source
from pipelines.policy.citations import CitedDocuments
from pipelines.policy.rows import POLICY_TABLES
from pipelines.policy.rows import Row as PolicyRow
from pipelines.readings import PolicyRef
from pipelines.release.carry import ROWS, Note, Places, digest
from pipelines.release.policy import KnownPolicies, cited, from_page, missing_documents, record_policy
from pipelines.release.settled import Settled
from pipelines.release.staging import Staging, TableWriter
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
    sources: Sequence[Source], crawls: Sequence[SourceCrawl], notices: Mapping[str, int]
) -> list[Row]:
    """A row a source: what it is, its crawl, and how many ``notices`` (by source id) it has."""
    by_id = {c.source.id: c for c in crawls}
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
            "notices": notices.get(source.id, 0),
            "quarantined": sum(o.outcome == "quarantined" for o in outcomes),
        })
    return rows


def write_notices(
    staging: Staging,
    records: Sequence[Record],
    settled: Settled,
    sources: Sequence[Source],
    known: KnownPolicies,
) -> Places:
    """Every file made from the notices, a notice at a time: the notices (JSON, NDJSON, CSV, Excel
    CSV), their attachments and their policy (tasks, targets, citations, agencies, and the
    missing_documents no citation links). ``records`` are the notices made, ``settled`` the documents
    carried whole (their line and rows copied); a record whose rows the previous version made from the
    same has them copied too. Returns where each notice's rows are, for the next version."""
    regions = {s.id: s.region for s in sources}
    before = settled.before
    made: Iterable[Record | str] = records
    notices_in_order = list(heapq.merge(made, settled.ids(), key=_id))
    documents = CitedDocuments()
    for item in notices_in_order:
        note = settled.note(item) if isinstance(item, str) else _note(item)
        documents.add(_id(item), note.doc_number, note.title)
    places = Places()
    unlinked: list[PolicyRow] = []
    with (
        staging.json("notices.json", "notices.ndjson") as json_lines,
        staging.table("notices", excel="notices-excel.csv") as notices,
        staging.tables("attachments", *POLICY_TABLES) as (attachments, tasks, targets, citations, agencies),
    ):
        carried_tables = (notices, attachments, tasks, targets, agencies)  # as carry.ROWS has them
        for item in notices_in_order:
            start = [at for writer in carried_tables for at in writer.position()]
            if isinstance(item, str):
                nid, note, made_from = item, settled.note(item), settled.made(item)
                rows = before.rows(nid, made_from)
                assert rows is not None  # a settled document's rows are the previous version's
                _carry(rows, carried_tables, {"id": nid, "source_id": note.source_id})
                line_at = json_lines.carry(rows[-1])
                cites = before.citations(nid)
            else:
                nid, note = item["id"], _note(item)
                line, line_at = json_lines.write(item)
                page, region = from_page(item, known), regions.get(item["source_id"])
                made_from = digest(line, region, from_page=page is not None)
                if (rows := before.rows(nid, made_from)) is None:
                    cites = _encode(item, page, region, carried_tables)
                else:
                    _carry(rows, carried_tables, item)
                    cites = before.citations(nid)
            for row in cites:
                if cited(documents, row) is None:
                    unlinked.append(row)
                citations.write(row)
            end = [at for writer in carried_tables for at in writer.position()]
            at = [at for pair in zip(start, end, strict=True) for at in pair]
            places.add(nid, made_from, [*at, *line_at], note)
    staging.csv("missing_documents", missing_documents(unlinked))
    return places


def _carry(rows: Sequence[bytes], tables: Sequence[TableWriter], record: Record) -> None:
    """A notice's rows in carry.ROWS, as the previous version wrote them (the notices key checked)."""
    tables[0].carry(rows[0], rows[1], row=record)
    for writer, data in zip(tables[1:], rows[2 : len(ROWS)], strict=True):
        writer.carry(data)


def _encode(
    record: Record, page: PolicyRef | None, region: str | None, tables: Sequence[TableWriter]
) -> list[PolicyRow]:
    """A notice's rows in carry.ROWS, made from its record; returns its citations."""
    notices, attachments, tasks, targets, agencies = tables
    notices.write(record)
    for row in attachment_rows([record]):
        attachments.write(row)
    policy = record_policy(record, page, region)
    for table, writer in (("tasks", tasks), ("targets", targets), ("agencies", agencies)):
        for row in policy[table]:
            writer.write(row)
    return policy["citations"]


def _id(item: Record | str) -> str:
    return item if isinstance(item, str) else str(item["id"])


def _note(record: Record) -> Note:
    return Note(record["source_id"], record["doc_number"], record["title"], len(record["attachments"]))
