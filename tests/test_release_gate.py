"""The publish gate's rules, on crawls described directly (the crawl-based test is in test_release_crawls)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gongwen.crawlers.registry import get_source
from gongwen.pipelines.ledger import Outcome, OutcomeName
from gongwen.pipelines.read.resolve import SourceCrawl
from gongwen.pipelines.release import Dataset, GateClosed, gate_problems, release_crawls
from gongwen.pipelines.release.contents import source_health
from tests.conftest import ROOT
from tests.test_release import meishan_notices


def crawl(
    source_id: str, *, notices: int, failed: int = 0, expected_min: int = 2, gone: int = 0
) -> SourceCrawl:
    """A crawl that read the first ``notices`` of meishan_notices, failed ``failed`` other pages and found
    the next ``gone`` of meishan_notices gone (404)."""
    source = get_source(source_id).model_copy(update={"expected_min": expected_min})
    found = meishan_notices(notices + gone, source_id=source_id)

    def outcome(n: int, name: OutcomeName, url: str, status: int = 200) -> Outcome:
        reason = "" if name == "published" else f"HTTP {status}"
        when = f"2026-01-02T03:04:{n:02}.000001Z"
        return Outcome(source_id, url, "detail", name, reason, status, None, when)

    outcomes = [outcome(n, "published", str(found[n].url)) for n in range(notices)]
    outcomes += [outcome(n, "failed", str(found[n].url), 404) for n in range(notices, notices + gone)]
    outcomes += [outcome(n, "failed", f"https://www.ms.gov.cn/failed/{n}.htm", 500) for n in range(failed)]
    return SourceCrawl(source, "20260102T030400Z", found[:notices], outcomes)


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    text = (ROOT / "datasets" / "notices" / "dataset.toml").read_text(encoding="utf-8")
    sources_line = next(line for line in text.splitlines() if line.startswith("sources = "))
    (tmp_path / "dataset.toml").write_text(text.replace(sources_line, 'sources = ["sc_meishan"]'), "utf-8")
    return Dataset.load(tmp_path)


def test_a_healthy_crawl_passes(dataset: Dataset) -> None:
    assert gate_problems(dataset, [crawl("sc_meishan", notices=2)]) == []


def test_too_few_notices_too_many_failures_or_no_crawl_close_the_gate(dataset: Dataset) -> None:
    assert dataset.max_failed_share == 0.2
    assert gate_problems(dataset, [crawl("sc_meishan", notices=1)]) == [
        "sc_meishan: fewer notices than its expected minimum of 2 (1)"]
    assert gate_problems(dataset, [crawl("sc_meishan", notices=4, failed=1)]) == []  # 20%: allowed
    assert gate_problems(dataset, [crawl("sc_meishan", notices=3, failed=1)]) == [
        "sc_meishan: 1 of 4 fetches failed (25%), more than the 20% allowed"]
    never = SourceCrawl(get_source("sc_meishan"), None, [], [])
    assert gate_problems(dataset, [never]) == ["sc_meishan: never crawled (no captures)"]
    # A source the release was not asked to read is not judged (it keeps what it had).
    assert gate_problems(dataset, []) == []


def test_a_closed_gate_publishes_nothing_and_logs_why(dataset: Dataset) -> None:
    release_crawls(dataset, [crawl("sc_meishan", notices=3)])
    with pytest.raises(GateClosed) as closed:
        release_crawls(dataset, [crawl("sc_meishan", notices=1, gone=2)])
    assert closed.value.problems == [
        "sc_meishan: fewer notices than its expected minimum of 2 (1)",
        "sc_meishan: 2 of 3 fetches failed (67%), more than the 20% allowed"]
    assert (dataset.folder / "latest").read_text(encoding="utf-8").strip() == "1.0.0"
    assert [v["version"] for v in dataset.versions()] == ["1.0.0"]
    assert "BLOCKED" in dataset.log_path.read_text(encoding="utf-8").splitlines()[-1]

    forced = release_crawls(dataset, [crawl("sc_meishan", notices=1, gone=2)], force=True)
    assert (forced.version, forced.forced) == ("1.1.0", tuple(closed.value.problems))
    assert dataset.versions()[-1]["updated"] == 2  # answered 404: kept, removed from their source
    assert "FORCED" in dataset.log_path.read_text(encoding="utf-8")


def test_a_source_whose_notice_pages_mostly_cannot_be_read_is_broken() -> None:
    healthy = crawl("sc_meishan", notices=3)
    assert source_health(healthy) == ("ok", "")
    unread = [replace(o, outcome="quarantined") for o in healthy.outcomes[:2]] + healthy.outcomes[2:]
    health, reason = source_health(replace(healthy, outcomes=unread))
    assert (health, reason) == ("broken", "2 of its 3 notice pages could not be read as notices")
    assert source_health(SourceCrawl(get_source("sc_meishan"), None, [], [])) == ("not crawled", "")


def test_a_crawl_no_longer_asking_for_more_than_its_share_of_pages_closes_the_gate(dataset: Dataset) -> None:
    assert dataset.max_lost_share == 0.1
    release_crawls(dataset, [crawl("sc_meishan", notices=13)])
    assert gate_problems(dataset, [crawl("sc_meishan", notices=12)]) == []  # one page: an ordinary day
    assert gate_problems(dataset, [crawl("sc_meishan", notices=11)]) == [
        ("sc_meishan: its crawl did not ask for 2 of the 13 pages the latest version has from it (15%), "
         "more than the 10% allowed: not listed any more")]
    # Pages the site answers 404 for are gone, not lost.
    assert gate_problems(dataset, [crawl("sc_meishan", notices=11, gone=2)]) == []
    with pytest.raises(GateClosed):
        release_crawls(dataset, [crawl("sc_meishan", notices=11)])
    forced = release_crawls(dataset, [crawl("sc_meishan", notices=11)], force=True)
    # Nothing changed: the crawl cannot say the two pages were removed, so they are carried as they were.
    assert (forced.version, forced.new) == ("1.0.0", False)
