"""Two crawler processes share one crawl through a real Redis server: each page once, nothing missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gongwen.crawlers.capture import Fetch
from gongwen.crawlers.distributed import local_redis
from gongwen.crawlers.merge import merge_captures
from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import Resource, detail_url, load_pages
from gongwen.crawlers.sampleweb.server import SampleWebServer
from gongwen.pipelines.read.warc import Crawl
from tests.conftest import ROOT
from tests.crawling import crawl_env, ledger, run_crawl, scrapy_command

SOURCE = "govcn"  # an API whose first page names all the others: work to share at once
CRAWL = "20260401T000000Z"
DETAILS = {detail_url(get_source(SOURCE), p) for p in load_pages(SOURCE)}
# Two requests at a time per process, each taking a moment: neither process can take all the work.
SLOW_AND_NARROW = ("CONCURRENT_REQUESTS=2", "CONCURRENT_REQUESTS_PER_DOMAIN=2")

if shutil.which("redis-server") is None:
    if os.environ.get("CI"):
        pytest.fail("redis-server is missing: .ci/run installs it", pytrace=False)
    pytest.skip("redis-server is not installed (apt-get install redis-server)", allow_module_level=True)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with local_redis() as url:
        yield url


class CountingSampleWeb:
    """The sample web, counting requests per URL; detail pages wait until both workers are up."""

    def __init__(self, workers: list[Path]) -> None:
        self.server = SampleWebServer().start()
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        lookup = self.server.web.lookup

        def counted(host: str, path: str) -> Resource | None:
            url = f"https://{host}{path}"
            with self.lock:
                self.hits[url] += 1
            if url in DETAILS:
                deadline = time.monotonic() + 30
                while not all((w / SOURCE / f"{CRAWL}.fetches.jsonl").exists() for w in workers):
                    assert time.monotonic() < deadline
                    time.sleep(0.02)
                time.sleep(0.05)
            return lookup(host, path)

        self.server.web.lookup = counted  # type: ignore[method-assign]


@dataclass(frozen=True)
class TwoWorkers:
    web: CountingSampleWeb
    captures: list[Path]


@pytest.fixture(scope="module")
def two_workers(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> TwoWorkers:
    """One crawl of the source by two processes started together, each with its own captures."""
    tmp = tmp_path_factory.mktemp("distributed")
    workers = [tmp / "worker-1", tmp / "worker-2"]
    web = CountingSampleWeb(workers)
    try:
        crawl_together(web.server.origin, workers, CRAWL, GONGWEN_REDIS_URL=redis_url)
    finally:
        web.server.stop()
    return TwoWorkers(web, workers)


def crawl_together(origin: str, workers: list[Path], crawl_id: str, **env: str) -> None:
    """Run one ``scrapy crawl`` per captures folder, all at once, and wait for them."""
    processes = [
        subprocess.Popen(
            scrapy_command(SOURCE, *SLOW_AND_NARROW),
            cwd=ROOT,
            env=crawl_env(origin, folder, crawl_id, **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in workers
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr[-3000:]


def rows(fetches: list[Fetch]) -> set[tuple[str, str, str, int | None]]:
    return {(f.url, f.kind, f.outcome, f.status) for f in fetches}


def test_every_page_is_fetched_exactly_once_by_the_two_processes(
    two_workers: TwoWorkers,
) -> None:
    web, workers = two_workers.web, two_workers.captures
    assert {url: web.hits[url] for url in DETAILS} == dict.fromkeys(DETAILS, 1)
    shares = [[f for f in ledger(w, SOURCE, CRAWL) if f.kind == "detail"] for w in workers]
    assert all(shares), "both processes crawled"
    urls = [f.url for share in shares for f in share]
    assert sorted(urls) == sorted(DETAILS)


def test_the_merged_captures_equal_a_single_process_crawl(
    two_workers: TwoWorkers, sample_web: str, tmp_path: Path
) -> None:
    workers = two_workers.captures
    merged = merge_captures(workers, tmp_path / "merged")
    assert [(m.source_id, m.crawl_id, m.parts, m.duplicates) for m in merged] == [(SOURCE, CRAWL, 2, 0)]
    run_crawl(SOURCE, sample_web, tmp_path / "single", CRAWL)
    together = Crawl(SOURCE, CRAWL, tmp_path / "merged" / SOURCE)
    alone = Crawl(SOURCE, CRAWL, tmp_path / "single" / SOURCE)
    assert rows(together.fetches()) == rows(alone.fetches())
    assert len(together.fetches()) == len(alone.fetches())
    bodies = {r.record_id: (r.url, r.body) for r in together.responses()}
    expected = {r.url: r.body for r in alone.responses()}
    for fetch in together.fetches():
        if fetch.outcome == "fetched":
            url, body = bodies[fetch.warc_record_id or ""]
            assert (url, body) == (fetch.url, expected[fetch.url])


def test_a_crawl_is_merged_once(two_workers: TwoWorkers, tmp_path: Path) -> None:
    workers = two_workers.captures
    merge_captures(workers, tmp_path)
    with pytest.raises(FileExistsError):
        merge_captures(workers, tmp_path)


def test_the_next_distributed_crawl_compares_with_the_merged_captures(
    two_workers: TwoWorkers, redis_url: str, sample_web: str, tmp_path: Path
) -> None:
    merged, night = tmp_path / "captures", "20260402T000000Z"
    merge_captures(two_workers.captures, merged)
    workers = [tmp_path / "worker-1", tmp_path / "worker-2"]
    shared = {"GONGWEN_REDIS_URL": redis_url, "GONGWEN_PREVIOUS_CAPTURES": str(merged)}
    crawl_together(sample_web, workers, night, **shared)
    merge_captures(workers, merged)
    crawl = Crawl(SOURCE, night, merged / SOURCE)
    details = [f for f in crawl.fetches() if f.kind == "detail"]
    assert sorted(f.url for f in details) == sorted(DETAILS)
    assert {(f.outcome, f.status, f.warc_file) for f in details} == {("unchanged", 304, f"{CRAWL}.warc.gz")}
    bodies = {r.record_id for r in crawl.responses()}
    assert all(f.warc_record_id in bodies for f in details)
