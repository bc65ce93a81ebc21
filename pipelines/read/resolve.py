"""A crawl read: every page its ledger of fetches names, and the outcome of each of its URLs.

The read stage's entry point: the release reads the latest crawl of each source here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gongwen.crawlers.capture import Fetch
from gongwen.crawlers.incremental import ContentIndex
from gongwen.crawlers.registry import Source
from gongwen.pipelines.ledger import Outcome, OutcomeName
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.read.batches import read_pages
from gongwen.pipelines.read.readings import PolicyRef, Read, Reading, earlier_readings, keep_readings
from gongwen.pipelines.read.warc import Crawl, latest_crawl

# Below this many pages, starting worker processes costs more than it saves.
PARALLEL_FROM = 500


@dataclass(frozen=True)
class Resolved:
    """A crawl read: its notices, one outcome per ledger row, and for each notice (by id) where the
    policy read from it is kept and the signature of its text (dedupe.match.page_signatures)."""

    notices: list[Notice]
    outcomes: list[Outcome]
    policies: dict[str, PolicyRef]
    signatures: dict[str, bytes]


def resolve(crawl: Crawl, *, region: str | None = None, workers: int | None = None) -> Resolved:
    """Read every page a crawl fetched, with ``region`` the place of the crawl's source.

    The WARC files are read once, record by record, and each page is read as it comes, so no body is
    held longer than it takes to read it. A page an earlier resolve already read (an unchanged page of
    a nightly crawl) is not read again (pipelines.read.readings). Pages are read in ``workers`` processes
    (default: one per CPU when at least PARALLEL_FROM pages are to be read, else this process alone).
    """
    fetches = crawl.fetches()
    wanted = {f.warc_record_id for f in fetches if f.kind == "detail" and f.warc_record_id}
    kept = earlier_readings(crawl.folder, wanted)
    unread = wanted - kept.readings.keys()
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if len(unread) >= PARALLEL_FROM else 1
    new = dict(read_pages(crawl.responses(unread, fetches), crawl.source_id, region, workers))
    readings = keep_readings(crawl.folder, crawl.crawl_id, kept, new)
    return _resolved(crawl, fetches, readings)


def _resolved(crawl: Crawl, fetches: list[Fetch], readings: Mapping[str, Reading]) -> Resolved:
    """Every ledger row's outcome, with the pages read."""
    notices: dict[str, Read] = {}
    outcomes: list[Outcome] = []
    for fetch in fetches:

        def outcome(name: OutcomeName, reason: str, nid: str | None = None, fetch: Fetch = fetch) -> Outcome:
            return Outcome(
                crawl.source_id, fetch.url, fetch.kind, name, reason, fetch.status, nid, fetch.fetched_at
            )

        if fetch.outcome == "failed":
            outcomes.append(outcome("failed", fetch.error or "failed"))
            continue
        if fetch.kind == "list":
            outcomes.append(outcome("followed", ""))
            continue
        reading = readings.get(fetch.warc_record_id or "")
        if reading is None:
            missing = f"no WARC record {fetch.warc_record_id} in {crawl.warc_path.name}"
            outcomes.append(outcome("failed", missing))
            continue
        if isinstance(reading, str):
            outcomes.append(outcome("quarantined", reading))
            continue
        nid = reading.notice.id
        if nid in notices:
            outcomes.append(outcome("quarantined", f"same page as {notices[nid].notice.url}", nid))
            continue
        notices[nid] = reading
        outcomes.append(outcome("published", "", nid))
    policies = {nid: r.policy for nid, r in notices.items() if isinstance(r.policy, PolicyRef)}
    signatures = {r.notice.content_sha256: r.signature for r in notices.values()}
    return Resolved([r.notice for r in notices.values()], outcomes, policies, signatures)


@dataclass(frozen=True)
class SourceCrawl:
    """What the latest crawl of one source brought: its notices and every URL's outcome.

    ``crawl_id`` is None when the source has never been crawled (then both lists are empty).
    ``policies`` and ``signatures``: as Resolved has them. ``listed_before``: each detail page an
    earlier crawl found on a list page, and the list page that last linked it (what the release needs
    to tell a page the site no longer lists from one this crawl did not reach).
    """

    source: Source
    crawl_id: str | None
    notices: list[Notice]
    outcomes: list[Outcome]
    policies: dict[str, PolicyRef] = field(default_factory=dict)
    signatures: dict[str, bytes] = field(default_factory=dict)
    listed_before: dict[str, str] = field(default_factory=dict)

    @property
    def crawled_at(self) -> str | None:
        """When the crawl fetched its last URL, as recorded in its ledger."""
        return max((o.fetched_at for o in self.outcomes), default=None)

    @property
    def failed(self) -> int:
        return sum(o.outcome == "failed" for o in self.outcomes)


def read_source(captures: Path, source: Source) -> SourceCrawl:
    """The latest crawl of ``source`` under ``captures``, read."""
    crawl = latest_crawl(captures, source.id)
    if crawl is None:
        return SourceCrawl(source, None, [], [])
    read = resolve(crawl, region=source.region)
    listed_before = ContentIndex.load(crawl.folder, crawl.crawl_id).listed_on
    return SourceCrawl(
        source, crawl.crawl_id, read.notices, read.outcomes, read.policies, read.signatures, listed_before
    )
