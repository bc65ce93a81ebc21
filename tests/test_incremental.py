"""Incremental crawls of the sample web: unchanged pages are not downloaded again, yet stay in the release."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from gongwen.crawlers.capture import Fetch
from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import PAGES_DIR, detail_url, load_pages
from gongwen.crawlers.sampleweb.server import SampleWebServer
from gongwen.pipelines.read.warc import Crawl
from tests.crawling import ledger, run_crawl

SOURCE = "sc_meishan"  # three list pages, paged by a 下页 link
FIRST, SECOND = "20260101T000000Z", "20260102T000000Z"


def warc_records(crawl: Crawl) -> list[tuple[str, str, int]]:
    """(record type, URL, HTTP status) of every response and revisit record of a crawl's WARC file."""
    with crawl.warc_path.open("rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), int(r.http_headers.get_statuscode()))
            for r in ArchiveIterator(stream)
            if r.rec_type in {"response", "revisit"}
        ]


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """A copy of the sample web's page files, to change between crawls."""
    copy = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, copy)
    return copy


@pytest.fixture
def serve(pages: Path) -> Iterator[SampleWebServer]:
    server = SampleWebServer(pages_dir=pages).start()
    yield server
    server.stop()


def crawl_twice(origin: str, captures: Path, between: object = None) -> tuple[list[Fetch], list[Fetch], str]:
    run_crawl(SOURCE, origin, captures, FIRST)
    if callable(between):
        between()
    log = run_crawl(SOURCE, origin, captures, SECOND).stderr
    return ledger(captures, SOURCE, FIRST), ledger(captures, SOURCE, SECOND), log


@dataclass(frozen=True)
class TwoCrawls:
    captures: Path
    first: list[Fetch]
    second: list[Fetch]
    log: str

    def crawl(self, crawl_id: str) -> Crawl:
        return Crawl(SOURCE, crawl_id, self.captures / SOURCE)


@pytest.fixture(scope="module")
def unchanged_site(sample_web: str, tmp_path_factory: pytest.TempPathFactory) -> TwoCrawls:
    """Two crawls of the sample web, which did not change in between."""
    captures = tmp_path_factory.mktemp("incremental")
    return TwoCrawls(captures, *crawl_twice(sample_web, captures))


def test_a_second_crawl_downloads_no_unchanged_detail_page(unchanged_site: TwoCrawls) -> None:
    details = [f for f in unchanged_site.second if f.kind == "detail"]
    assert {f.url for f in details} == {f.url for f in unchanged_site.first if f.kind == "detail"}
    assert {(f.outcome, f.status) for f in details} == {("unchanged", 304)}
    detail_urls = {f.url for f in details}
    records = warc_records(unchanged_site.crawl(SECOND))
    assert not [r for r in records if r[0] == "response" and r[1] in detail_urls]
    assert {r[1] for r in records if r[0] == "revisit"} == detail_urls
    assert f"detail pages: 0 new, 0 changed, {len(details)} unchanged" in unchanged_site.log


def test_list_pages_are_read_again_and_paging_stops_when_nothing_is_new(unchanged_site: TwoCrawls) -> None:
    first_lists = [f.url for f in unchanged_site.first if f.kind == "list"]
    second_lists = [f for f in unchanged_site.second if f.kind == "list"]
    assert len(first_lists) > 1
    assert [(f.url, f.outcome, f.status) for f in second_lists] == [(first_lists[0], "fetched", 200)]
    assert ("response", first_lists[0], 200) in warc_records(unchanged_site.crawl(SECOND))


def test_an_unchanged_page_keeps_its_body_for_the_release(unchanged_site: TwoCrawls) -> None:
    earlier = {r.record_id: r.body for r in unchanged_site.crawl(FIRST).responses()}
    later = {r.record_id: r.body for r in unchanged_site.crawl(SECOND).responses()}
    by_url = {f.url: f for f in unchanged_site.first}
    for fetch in (f for f in unchanged_site.second if f.kind == "detail"):
        assert fetch.warc_file == f"{FIRST}.warc.gz"
        assert later[fetch.warc_record_id or ""] == earlier[by_url[fetch.url].warc_record_id or ""]


def test_new_and_changed_pages_are_fetched_and_counted(
    serve: SampleWebServer, pages: Path, tmp_path: Path
) -> None:
    folder = pages / SOURCE
    changed = min(folder.glob("*.toml"))
    newest = next(p for p in load_pages(SOURCE, pages) if p.status == 200)

    def edit_the_site() -> None:
        text = changed.read_text(encoding="utf-8")
        changed.write_text(text.replace('body = """', 'body = """\n（本文已更新）\n', 1), encoding="utf-8")
        added = (folder / f"{newest.name}.toml").read_text(encoding="utf-8")
        added = added.replace(newest.path, "/info/1046/99999.htm").replace("2025-", "2026-")
        (folder / "2026-added.toml").write_text(added, encoding="utf-8")
        serve.web = type(serve.web)(pages_dir=pages)

    first, second, log = crawl_twice(serve.origin, tmp_path / "captures", edit_the_site)
    outcomes = {f.url: (f.outcome, f.status) for f in second if f.kind == "detail"}
    source = get_source(SOURCE)
    changed_url = detail_url(source, next(p for p in load_pages(SOURCE, pages) if p.name == changed.stem))
    assert outcomes.pop("https://www.ms.gov.cn/info/1046/99999.htm") == ("fetched", 200)
    assert outcomes.pop(changed_url) == ("fetched", 200)
    assert set(outcomes.values()) == {("unchanged", 304)}
    assert f"detail pages: 1 new, 1 changed, {len(outcomes)} unchanged" in log
    # page 1 brought the new page, so page 2 was read; it brought nothing new, so paging stopped there
    first_lists = [f.url for f in first if f.kind == "list"]
    assert [f.url for f in second if f.kind == "list"] == first_lists[:2]
    assert len(first_lists) == 3
