"""The publish gate: a crawl that went wrong must not replace good data.

The gate judges the dataset's sources that the release was asked to read. No version is published
when one of them was never crawled, brings fewer notices than its ``expected_min``
(crawlers/sources.toml), failed more of its fetches than the dataset's ``[gate] max_failed_share``
(dataset.toml) allows, or did not ask for more of the pages the latest version has from it than
``[gate] max_lost_share`` allows (and more than one). A page that is gone from its site answers
404/410 when asked for; one the crawl never asked for was not listed, and a site that stopped listing
pages (a changed layout, a list page cut short) must not replace good data. ``--force`` publishes
anyway and says so in the version's CHANGES.md, in index.json and in build.log.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gongwen.pipelines.notice import notice_id
from gongwen.pipelines.release.dataset import Dataset

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from gongwen.pipelines.read.resolve import SourceCrawl


class GateClosed(Exception):  # noqa: N818 (a verdict, not an error of the program)
    """The build was not published; ``problems`` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def gate_problems(dataset: Dataset, crawls: Sequence[SourceCrawl]) -> list[str]:
    """Why these crawls must not be published (empty: the gate is open)."""
    included = set(dataset.source_ids)
    limit = dataset.max_failed_share
    had = _live_pages(dataset)
    problems = []
    for crawl in crawls:
        source_id = crawl.source.id
        if source_id not in included:
            continue
        if crawl.crawl_id is None:
            problems.append(f"{source_id}: never crawled (no captures)")
            continue
        found, expected = len(crawl.notices), crawl.source.expected_min
        if found < expected:
            problems.append(f"{source_id}: fewer notices than its expected minimum of {expected} ({found})")
        fetches = len(crawl.outcomes)
        if fetches and crawl.failed / fetches > limit:
            share = crawl.failed / fetches
            problems.append(
                f"{source_id}: {crawl.failed} of {fetches} fetches failed ({share:.0%}),"
                f" more than the {limit:.0%} allowed"
            )
        problems += _lost(crawl, had.get(source_id, set()), dataset.max_lost_share)
    return problems


def _lost(crawl: SourceCrawl, had: set[str], limit: float) -> list[str]:
    """The problem, if any, with the pages of ``had`` (page ids) that the crawl did not ask for."""
    asked = {notice_id(o.url) for o in crawl.outcomes if o.kind == "detail"}
    lost = len(had - asked)
    if lost <= max(1, limit * len(had)):  # one page fewer is a site's ordinary day
        return []
    problem = (f"{crawl.source.id}: its crawl did not ask for {lost} of the {len(had)} pages the latest"
               f" version has from it ({lost / len(had):.0%}), more than the {limit:.0%} allowed:"
               " not listed any more")
    return [problem]


def _live_pages(dataset: Dataset) -> dict[str, set[str]]:
    """The pages (their ids) of each source in the latest version that are not removed from it."""
    latest = dataset.latest()
    table = latest / "copies.csv" if latest else None
    if table is None or not table.is_file():
        return {}
    pages: dict[str, set[str]] = {}
    with table.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            if not row["removed_from_source_at"]:
                pages.setdefault(row["source_id"], set()).add(notice_id(row["url"]))
    return pages
