"""One build: the publish gate, then publication, each outcome written to the dataset's build.log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gongwen.pipelines.release.dataset import Dataset
from gongwen.pipelines.release.gate import GateClosed, gate_problems
from gongwen.pipelines.release.versions import Published, publish

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from gongwen.pipelines.read.resolve import SourceCrawl


def release_crawls(dataset: Dataset, crawls: Sequence[SourceCrawl], *, force: bool = False) -> Published:
    """Publish the notices of the crawls when the gate is open, or when ``force`` overrides it.

    Raises GateClosed, with the reasons, when the gate is closed and not forced: nothing is written
    but the build.log line, and ``latest`` stays where it was.
    """
    notices = [n for c in crawls for n in c.notices]
    try:
        problems = gate_problems(dataset, crawls)
        if problems and not force:
            latest = dataset.latest()
            kept = f"latest stays {latest.name}" if latest else "nothing published yet"
            dataset.log(f"BLOCKED by the publish gate, no version published ({kept}): " + "; ".join(problems))
            raise GateClosed(problems)
        published = publish(dataset, notices, crawls=crawls, forced=problems)
    except (ValueError, RuntimeError) as exc:
        dataset.log(f"FAILED, no version published: {exc}")
        raise
    if problems:
        dataset.log("FORCED past the publish gate: " + "; ".join(problems))
    if published.new:
        dataset.log(f"published {published.version} ({published.bump}), {len(notices)} notices")
    else:
        dataset.log(f"nothing changed since {published.version}: no version published")
    return published
