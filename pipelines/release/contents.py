"""The data files of a version, from the notices and the crawls they were read from.

Everything is sorted (notices and changes by id, attachments by notice and position, sources as
dataset.toml lists them, quality by source and URL) and every time comes from the captures, so
two builds from the same captures write the same bytes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gongwen.crawlers.registry import Source
from gongwen.pipelines.policy.citations import CitedDocuments
from gongwen.pipelines.policy.rows import POLICY_TABLES
from gongwen.pipelines.policy.rows import Row as PolicyRow
from gongwen.pipelines.read.readings import PolicyRef
from gongwen.pipelines.release.carry import Note, Places, PreviousRows, digest
from gongwen.pipelines.release.policy import KnownPolicies, cited, from_page, missing_documents, record_policy
from gongwen.pipelines.release.settled import Settled
from gongwen.pipelines.release.staging import JsonWriter, Span, Staging, TableWriter
from gongwen.pipelines.release.tables import Record, Row, utc_seconds

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from gongwen.pipelines.read.resolve import SourceCrawl

NOT_PUBLISHED = ("quarantined", "failed")


def attachment_rows(records: Sequence[Record]) -> Iterator[Row]:
    for r in records:
        for n, a in enumerate(r["attachments"], start=1):
            yield {"notice_id": r["id"], "position": n, "title": a["title"], "url": a["url"]}


def source_health(crawl: SourceCrawl | None) -> tuple[str, str]:
    """ok, broken (and why) or not crawled: what its last crawl says of a source. A source is broken
    when its list pages linked to no notice, or when most of its notice pages could not be read as
    notices: its layout changed, or the site is down or hijacked."""
    if crawl is None or crawl.crawl_id is None:
        return "not crawled", ""
    details = [o for o in crawl.outcomes if o.kind == "detail"]
    if not details:
        return "broken", "its list pages link to no notice page (the list layout may have changed)"
    quarantined = sum(o.outcome == "quarantined" for o in details)
    if 2 * quarantined > len(details):
        return "broken", f"{quarantined} of its {len(details)} notice pages could not be read as notices"
    return "ok", ""


def quality_rows(crawls: Sequence[SourceCrawl]) -> list[Row]:
    """Every URL that gave no notice, and a row of kind ``source`` for each broken source."""
    broken: list[Row] = [
        {
            "source_id": c.source.id,
            "url": c.source.start_urls[0],
            "kind": "source",
            "outcome": "broken",
            "reason": reason,
            "http_status": None,
            "notice_id": None,
            "fetched_at": utc_seconds(c.crawled_at) if c.crawled_at else None,
        }
        for c in crawls
        for health, reason in [source_health(c)]
        if health == "broken"
    ]
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
    return sorted(broken + rows, key=lambda r: (str(r["source_id"]), r["kind"] != "source", str(r["url"])))


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
        health, reason = source_health(crawl)
        rows.append({
            "source_id": source.id,
            "name": source.name,
            "publisher": source.publisher,
            "region": source.region,
            "level": source.level,
            "division_code": source.division_code,
            "family": source.family,
            "start_url": source.start_urls[0],
            "terms": source.terms,
            "expected_min": source.expected_min,
            "crawl_id": crawl.crawl_id if crawl else None,
            "crawled_at": utc_seconds(crawled_at) if crawled_at else None,
            "fetches": len(outcomes),
            "failed": crawl.failed if crawl else 0,
            "notices": notices.get(source.id, 0),
            "quarantined": sum(o.outcome == "quarantined" for o in outcomes),
            "health": health,
            "health_reason": reason,
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
    missing_documents no citation links). ``records`` are the notices made (by id), ``settled`` the
    documents carried whole (their lines and rows copied, a run of them at once); a record whose rows
    the previous version made from the same has them copied too. Returns where each notice's rows
    are, for the next version."""
    made = {r["id"]: r for r in records}
    notice_ids = list(heapq.merge(made, settled.ids()))
    documents = CitedDocuments()
    for nid in notice_ids:
        note = settled.note(nid) if nid in settled else _note(made[nid])
        documents.add(nid, note.doc_number, note.title)
    with (
        staging.json("notices.json", "notices.ndjson") as json_lines,
        staging.table("notices", excel="notices-excel.csv") as notices,
        staging.tables("attachments", *POLICY_TABLES) as (attachments, tasks, targets, citations, agencies),
    ):
        rows = (notices, attachments, tasks, targets, agencies)
        files = _NoticeFiles(json_lines, rows, citations, documents)
        regions = {s.id: s.region for s in sources}
        for run in settled.runs(notice_ids):
            if run[0] in settled:
                files.carry(run, settled)
            else:
                record = made[run[0]]
                page = from_page(record, known)
                files.write(record, page, regions.get(record["source_id"]), settled.before)
    staging.csv("missing_documents", missing_documents(files.unlinked))
    return files.places


@dataclass
class _NoticeFiles:
    """The files write_notices writes, and what it learns on the way."""

    json_lines: JsonWriter
    tables: tuple[TableWriter, ...]  # as carry.ROWS has them: the notices (CSV and Excel copy), …
    citations: TableWriter
    documents: CitedDocuments
    places: Places = field(default_factory=Places)
    unlinked: list[PolicyRow] = field(default_factory=list)

    def _positions(self) -> list[int]:
        return [at for writer in self.tables for at in writer.position()]

    def _cite(self, citations: Iterable[PolicyRow]) -> None:
        for row in citations:
            if cited(self.documents, row) is None:
                self.unlinked.append(row)
            self.citations.write(row)

    def write(self, record: Record, page: PolicyRef | None, region: str | None, before: PreviousRows) -> None:
        """A notice made now; its rows copied when the previous version made them from the same."""
        nid, start = record["id"], self._positions()
        line, line_at = self.json_lines.write(record)
        made_from = digest(line, region, from_page=page is not None)
        if (rows := before.rows(nid, made_from)) is None:
            self._cite(_encode(record, page, region, self.tables))
        else:
            self._carry_rows(rows, [record])
            self._cite(before.citations(nid))
        at = [at for pair in zip(start, self._positions(), strict=True) for at in pair]
        self.places.add(nid, made_from, [*at, *line_at], _note(record))

    def carry(self, run: Sequence[str], settled: Settled) -> None:
        """Settled documents whose bytes lie together in the previous version, copied at once."""
        before, first = settled.before, settled.index(run[0])
        spans = before.span(first, settled.index(run[-1]))
        starts = self._positions()
        self._carry_rows(spans.rows, [{"id": nid, "source_id": settled.note(nid).source_id} for nid in run])
        starts += self.json_lines.carry(spans.array, spans.lines, len(run))
        # each notice's start and end in a file move as far as the run's start in it did
        moved = [new - old for new, old in zip(starts, before.places.starts_of(first), strict=True)]
        by = [shift for shift in moved for _ in ("start", "end")]
        for nid in run:
            at = [a + shift for a, shift in zip(before.places.at_of(settled.index(nid)), by, strict=True)]
            self.places.add(nid, settled.made(nid), at, settled.note(nid))
            self._cite(before.citations(nid))

    def _carry_rows(self, rows: Sequence[bytes | Span], keys: Iterable[Row]) -> None:
        """Rows encoded before, of a notice or a run of them: the bytes of each of ROWS. Only the keys
        of the notices' own rows (``keys``) are checked (release.carry says why)."""
        notices_csv, notices_excel, *others = rows
        notices, *writers = self.tables
        notices.carry(notices_csv, notices_excel, rows=keys)
        for writer, data in zip(writers, others, strict=True):
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


def _note(record: Record) -> Note:
    return Note(record["source_id"], record["doc_number"], record["title"], len(record["attachments"]))
