"""A crawl killed with SIGKILL midway resumes under the same crawl id, losing and repeating nothing."""

from __future__ import annotations

import gzip
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import Resource, detail_url, load_pages
from gongwen.crawlers.sampleweb.server import SampleWebServer
from gongwen.pipelines.read.warc import Crawl
from tests.conftest import ROOT
from tests.crawling import crawl_env, ledger, run_crawl, scrapy_command

SOURCE = "sc_meishan"
CRAWL = "20260301T000000Z"
SERVED_BEFORE_THE_KILL = 3


class GatedSampleWeb:
    """The sample web, answering only the first few detail pages until ``opened``; logs every URL."""

    def __init__(self) -> None:
        self.server = SampleWebServer().start()
        self.details = {detail_url(get_source(SOURCE), p) for p in load_pages(SOURCE)}
        self.hits: Counter[str] = Counter()
        self.held = 0
        self.opened = threading.Event()
        self.lock = threading.Lock()
        lookup = self.server.web.lookup

        def gated(host: str, path: str) -> Resource | None:
            url = f"https://{host}{path}"
            with self.lock:
                self.hits[url] += 1
                served = sum(self.hits[u] for u in self.details)
                hold = url in self.details and served > SERVED_BEFORE_THE_KILL
                self.held += hold
            if hold:
                self.opened.wait(30)
            return lookup(host, path)

        self.server.web.lookup = gated  # type: ignore[method-assign]

    def stop(self) -> None:
        self.opened.set()
        self.server.stop()


@pytest.fixture
def gated() -> Iterator[GatedSampleWeb]:
    web = GatedSampleWeb()
    yield web
    web.stop()


def kill_midway(web: GatedSampleWeb, captures: Path) -> None:
    """Start the crawl, and SIGKILL it once it has recorded some detail pages and waits for others."""
    process = subprocess.Popen(
        scrapy_command(SOURCE),
        cwd=ROOT,
        env=crawl_env(web.server.origin, captures, CRAWL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            details = [f for f in ledger(captures, SOURCE, CRAWL) if f.kind == "detail"]
            if len(details) >= SERVED_BEFORE_THE_KILL and web.held:
                break
            assert process.poll() is None, "the crawl ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("the crawl never got midway")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def tear_last_records(captures: Path) -> None:
    """What a kill during a write leaves: half a WARC record and half a ledger line."""
    folder = captures / SOURCE
    with (folder / f"{CRAWL}.warc.gz").open("ab") as warc:
        record = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n" + random.randbytes(4000))
        warc.write(record[: len(record) // 2])
    with (folder / f"{CRAWL}.fetches.jsonl").open("a", encoding="utf-8") as rows:
        rows.write('{"url": "https://www.ms.gov.cn/info/1046/torn.htm", "kind": "det')


def test_a_killed_crawl_resumes_without_losing_or_repeating_anything(
    gated: GatedSampleWeb, sample_web: str, tmp_path: Path
) -> None:
    captures = tmp_path / "captures"
    kill_midway(gated, captures)
    done_before = {f.url for f in ledger(captures, SOURCE, CRAWL) if f.kind == "detail"}
    assert 0 < len(done_before) < len(gated.details)
    tear_last_records(captures)

    gated.opened.set()
    run_crawl(SOURCE, gated.server.origin, captures, CRAWL)
    run_crawl(SOURCE, sample_web, tmp_path / "clean", CRAWL)

    rows = ledger(captures, SOURCE, CRAWL)
    clean = ledger(tmp_path / "clean", SOURCE, CRAWL)
    assert Counter(f.url for f in rows) == Counter(f.url for f in clean)  # every URL, once
    assert {(f.url, f.outcome, f.status) for f in rows} == {(f.url, f.outcome, f.status) for f in clean}
    assert all(gated.hits[url] == 1 for url in done_before)  # not fetched again after the kill

    # A detail page fetched twice is one whose response reached the WARC file but not the ledger before the
    # kill: its first record stays in the file, named by no ledger row. (List pages are read again.)
    responses = [r for r in Crawl(SOURCE, CRAWL, captures / SOURCE).responses() if r.url in gated.details]
    twice = {url for url, count in Counter(r.url for r in responses).items() if count > 1}
    assert not twice & done_before
    named = {f.warc_record_id for f in rows}
    assert all(sum(r.record_id in named for r in responses if r.url == url) == 1 for url in twice)

    bodies = {r.url: r.body for r in Crawl(SOURCE, CRAWL, captures / SOURCE).responses()}
    record_urls = {r.record_id: r.url for r in Crawl(SOURCE, CRAWL, captures / SOURCE).responses()}
    clean_bodies = {r.url: r.body for r in Crawl(SOURCE, CRAWL, tmp_path / "clean" / SOURCE).responses()}
    for fetch in rows:
        if fetch.outcome == "fetched":
            assert record_urls[fetch.warc_record_id or ""] == fetch.url
            assert bodies[fetch.url] == clean_bodies[fetch.url]
