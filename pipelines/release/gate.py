"""The publish gate: a crawl that went wrong must not replace good data.

The gate judges the dataset's sources that the release was asked to read. No version is published
when one of them was never crawled, brings fewer notices than
its ``expected_min`` (crawlers/sources.toml), or failed more of its fetches than the dataset's
``[gate] max_failed_share`` (dataset.toml) allows. ``--force`` publishes anyway and says so in the
version's CHANGES.md, in index.json and in build.log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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
    return problems
