"""Real Scrapy crawls of the sample web over loopback HTTP: captures in WARC, one ledger row per URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from gongwen.crawlers.registry import get_source, load_sources
from gongwen.crawlers.replay import replay_url
from gongwen.crawlers.sampleweb.render import detail_url, load_pages, replicated
from gongwen.pipelines.read.warc import latest_crawl
from tests.crawling import run_crawl


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory, sample_web: str) -> Path:
    folder = tmp_path_factory.mktemp("captures")
    for source in replicated(load_sources()):
        run_crawl(source.id, sample_web, folder)
    return folder


def test_replay_maps_real_urls_onto_the_sample_web() -> None:
    assert replay_url("http://127.0.0.1:8765", "https://www.gov.cn/zhengce/a.htm?x=1") == (
        "http://127.0.0.1:8765/www.gov.cn/zhengce/a.htm?x=1"
    )


@pytest.mark.parametrize("source_id", [s.id for s in replicated(load_sources())])
def test_every_detail_page_has_exactly_one_ledger_row(captures: Path, source_id: str) -> None:
    crawl = latest_crawl(captures, source_id)
    assert crawl is not None
    details = [f for f in crawl.fetches() if f.kind == "detail"]
    urls = [f.url for f in details]
    assert len(urls) == len(set(urls))
    expected = {detail_url(get_source(source_id), p) for p in load_pages(source_id)}
    assert set(urls) == expected
    assert all(f.outcome in {"fetched", "failed"} for f in details)


@pytest.mark.parametrize("source_id", [s.id for s in replicated(load_sources())])
def test_every_fetched_page_is_in_the_warc_under_its_real_url(captures: Path, source_id: str) -> None:
    crawl = latest_crawl(captures, source_id)
    assert crawl is not None
    with crawl.warc_path.open("rb") as stream:
        records = {
            r.rec_headers.get_header("WARC-Record-ID"): r.rec_headers.get_header("WARC-Target-URI")
            for r in ArchiveIterator(stream)
            if r.rec_type == "response"
        }
    fetched = [f for f in crawl.fetches() if f.outcome == "fetched"]
    assert fetched
    for fetch in fetched:
        assert records[fetch.warc_record_id] == fetch.url
        assert not fetch.url.startswith("http://127.0.0.1")


def test_a_dead_link_is_a_failed_fetch_with_its_http_status(captures: Path) -> None:
    crawl = latest_crawl(captures, "sc_qingbaijiang")
    assert crawl is not None
    failed = [f for f in crawl.fetches() if f.outcome == "failed"]
    assert [(f.status, f.error) for f in failed] == [(404, "HTTP 404")]


def test_pages_are_decoded_from_their_declared_gb2312_as_gb18030(captures: Path) -> None:
    crawl = latest_crawl(captures, "ha_xinxiang_gxq")
    assert crawl is not None
    response = next(r for r in crawl.responses() if "/t20" in r.url)
    assert b"charset=gb2312" in response.body
    assert "新乡" in response.body.decode("gb18030")
