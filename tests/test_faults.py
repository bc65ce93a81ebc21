"""A crawl of a hostile site finishes, politely, with exactly one ledger outcome and reason per URL."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from gongwen.crawlers.capture import Fetch
from gongwen.crawlers.resilience import BackoffRetryMiddleware, retry_after_seconds
from gongwen.pipelines.read.warc import Crawl
from tests.conftest import ROOT
from tests.crawling import ledger, run_crawl
from tests.faultweb import DETAILS, HUGE, LISTS, SITE, FaultServer

CONTACT = "https://example.org/gongwen-test-contact"


@dataclass(frozen=True)
class FaultCrawl:
    server: FaultServer
    rows: list[Fetch]
    crawl: Crawl

    def row(self, path: str) -> Fetch:
        return next(f for f in self.rows if f.url == SITE + path)


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultCrawl]:
    captures = tmp_path_factory.mktemp("fault-captures")
    server = FaultServer().start()
    try:
        run_crawl(
            "faults", server.origin, captures, "c1", "DOWNLOAD_TIMEOUT=1", GONGWEN_CONTACT_URL=CONTACT
        )
        yield FaultCrawl(server, ledger(captures, "faults", "c1"), Crawl("faults", "c1", captures / "faults"))
    finally:
        server.stop()


@pytest.fixture(scope="module")
def second_fault_crawl(fault_crawl: FaultCrawl) -> FaultCrawl:
    """The same site crawled again (fewer retries, to be quick): the hits of that crawl, its ledger."""
    captures = fault_crawl.crawl.folder.parent
    already = len(fault_crawl.server.hits)
    run_crawl("faults", fault_crawl.server.origin, captures, "c2", "DOWNLOAD_TIMEOUT=1", "RETRY_TIMES=0")
    hits = FaultServer(hits=fault_crawl.server.hits[already:])
    return FaultCrawl(hits, ledger(captures, "faults", "c2"), Crawl("faults", "c2", captures / "faults"))


def test_every_url_has_exactly_one_ledger_row(fault_crawl: FaultCrawl) -> None:
    urls = [f.url for f in fault_crawl.rows]
    assert sorted(urls) == sorted(SITE + path for path in [*LISTS, *DETAILS])


@pytest.mark.parametrize(
    ("path", "outcome", "status", "reason"),
    [
        ("/list/1.html", "fetched", 200, None),
        ("/list/2.html", "failed", 200, "list page has no detail links"),  # an error of its source
        ("/list/3.html", "failed", 200, "list page has no detail links"),  # binary junk
        ("/d/ok.html", "fetched", 200, None),
        ("/d/500.html", "failed", 500, "HTTP 500 (gave up after 2 retries)"),
        ("/d/429.html", "fetched", 200, None),
        ("/d/503-once.html", "fetched", 200, None),
        ("/d/slow.html", "failed", None, "DownloadTimeoutError"),
        ("/d/cut.html", "failed", None, "ResponseDataLossError (gave up after 2 retries)"),
        ("/d/loop.html", "failed", None, "max redirections reached"),
        ("/d/offsite.html", "failed", None, "redirected off-site to elsewhere.gongwen.test"),
        ("/d/charset.html", "fetched", 200, None),
        ("/d/junk.html", "fetched", 200, None),
        ("/d/huge.html", "failed", None, "larger than download max size"),
        ("/private/secret.html", "failed", None, "Forbidden by robots.txt"),
    ],
)
def test_each_fault_ends_in_its_outcome_and_reason(
    fault_crawl: FaultCrawl, path: str, outcome: str, status: int | None, reason: str | None
) -> None:
    row = fault_crawl.row(path)
    assert (row.outcome, row.status) == (outcome, status)
    if reason is None:
        assert row.error is None
        assert row.warc_record_id
    else:
        assert row.error is not None
        assert reason in row.error


def test_timeouts_are_retried_before_giving_up(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.server.count("/d/slow.html") == 3
    assert "gave up after 2 retries" in (fault_crawl.row("/d/slow.html").error or "")


def test_retry_after_is_honoured(fault_crawl: FaultCrawl) -> None:
    times = [hit.at for hit in fault_crawl.server.hits if hit.path == "/d/429.html"]
    assert len(times) >= 2
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))  # the server said Retry-After: 1


def test_a_page_disallowed_by_robots_txt_is_never_requested(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.server.count("/robots.txt") == 1
    assert fault_crawl.server.count("/private/secret.html") == 0


def test_every_request_names_the_crawler_and_its_contact_url(fault_crawl: FaultCrawl) -> None:
    agents = {hit.headers.get("User-Agent", "") for hit in fault_crawl.server.hits}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("gongwen/")
    assert CONTACT in agent


def test_what_was_fetched_is_kept_byte_for_byte_and_the_huge_page_is_not(fault_crawl: FaultCrawl) -> None:
    bodies = {r.url: r.body for r in fault_crawl.crawl.responses()}
    assert bodies[SITE + "/d/junk.html"] == bytes(reversed(range(256))) * 32
    assert "关于".encode("gbk") in bodies[SITE + "/d/charset.html"]
    assert SITE + "/d/huge.html" not in bodies
    assert all(len(body) < HUGE for body in bodies.values())


def test_settings_for_real_sites_are_polite() -> None:
    code = (
        "import json, gongwen.crawlers.settings as s; print(json.dumps({k: getattr(s, k) for k in ("
        "'ROBOTSTXT_OBEY', 'AUTOTHROTTLE_ENABLED', 'CONCURRENT_REQUESTS_PER_DOMAIN', 'DOWNLOAD_DELAY',"
        "'DOWNLOAD_MAXSIZE', 'USER_AGENT', 'GONGWEN_RETRY_BACKOFF')}))"
    )
    env = {"PATH": "/usr/bin:/bin", "GONGWEN_CONTACT_URL": CONTACT}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True)
    settings = json.loads(out.stdout)
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2
    assert settings["DOWNLOAD_DELAY"] >= 1
    assert settings["DOWNLOAD_MAXSIZE"] < HUGE
    assert CONTACT in settings["USER_AGENT"]
    assert settings["GONGWEN_RETRY_BACKOFF"] >= 1


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds(b"Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds(b"Thu, 01 Jan 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None


def _middleware() -> BackoffRetryMiddleware:
    crawler = get_crawler(settings_dict={"GONGWEN_RETRY_BACKOFF": 2.0, "GONGWEN_RETRY_MAX_DELAY": 60.0})
    crawler.spider = Spider.from_crawler(crawler, "retries")
    return BackoffRetryMiddleware.from_crawler(crawler)


def _response(request: Request, status: int, **headers: str) -> HtmlResponse:
    return HtmlResponse(request.url, status=status, headers=headers, request=request, body=b"")


def test_retries_back_off_exponentially_without_retry_after() -> None:
    middleware = _middleware()
    request = Request("https://example.org/a")
    delays = []
    for _ in range(2):
        retry = middleware.process_response(request, _response(request, 503))
        assert isinstance(retry, Request)
        delays.append(retry.meta["retry_delay"])
        request = retry
    assert delays == [2.0, 4.0]


def test_a_retry_after_beyond_the_longest_wait_is_not_retried() -> None:
    middleware = _middleware()
    request = Request("https://example.org/a")
    response = _response(request, 429, **{"Retry-After": "3600"})
    assert middleware.process_response(request, response) is response
    assert "Retry-After 3600 s" in request.meta["retry_note"]


def test_a_page_with_only_last_modified_is_asked_for_with_if_modified_since(
    second_fault_crawl: FaultCrawl,
) -> None:
    second = second_fault_crawl
    (hit,) = [h for h in second.server.hits if h.path == "/d/lastmod.html"]
    assert "If-Modified-Since" in hit.headers
    assert "If-None-Match" not in hit.headers
    row = second.row("/d/lastmod.html")
    assert (row.outcome, row.status, row.warc_file) == ("unchanged", 304, "c1.warc.gz")


def test_a_page_without_validators_is_recognised_by_its_content(
    second_fault_crawl: FaultCrawl,
) -> None:
    second = second_fault_crawl
    row = second.row("/d/plain.html")
    assert (row.outcome, row.status, row.warc_file) == ("unchanged", 200, "c1.warc.gz")
    stored_again = [r for r in second.crawl.responses() if r.url == SITE + "/d/plain.html"]
    assert [r.record_id for r in stored_again] == [row.warc_record_id]  # only the first crawl's record


def test_list_pages_are_never_asked_for_conditionally(second_fault_crawl: FaultCrawl) -> None:
    second = second_fault_crawl
    (hit,) = [h for h in second.server.hits if h.path == "/list/1.html"]
    assert not {"If-None-Match", "If-Modified-Since"} & set(hit.headers)
    assert second.row("/list/1.html").outcome == "fetched"
