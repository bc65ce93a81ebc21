"""The site in a real browser: headless Chromium (Debian's package) driven by Playwright.

The site is the one `gongwen run` built from the sample web (the session's ``demo_run``), served on
127.0.0.1. Every page visit records what a reader must never get: console errors, uncaught script
errors, dialogs (a script injected by a scraped page would call alert), failed requests, and any
request to another host (the site must work offline, and from China).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, Route, sync_playwright

from gongwen.pipelines.notice import notice_id
from gongwen.pipelines.site.search_index import index_notices
from tests.conftest import Run

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium, installed by .ci/run; never `playwright install`
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_URL = "https://www.ms.gov.cn/info/1046/75232.htm"  # seed 001: 眉府办发〔2022〕17号, 新经济 …
HOSTILE_URL = "https://www.ms.gov.cn/info/1046/80417.htm"  # sampleweb/pages/sc_meishan/2025-hostile-…
TIMEOUT_MS = 15_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@dataclass
class Visit:
    page: Page
    problems: list[str] = field(default_factory=list)


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def site(demo_run: Run) -> Iterator[str]:
    with _served(demo_run.workdir / "site") as origin:
        yield origin


@pytest.fixture(scope="module")
def sharded_site(demo_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """The demo site with its search index in shards of two notices (a real one has thousands);
    its address and, in shard order, the notices of each shard."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(demo_run.workdir / "site", site, ignore=shutil.ignore_patterns("pagefind"))
    pages = {p.parent.name: "-" for p in sorted(site.glob("notices/*/index.html"))}
    index_notices(site, pages, site.parent / "cache", sizes=(2,))
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert len(shards) == (len(pages) + 1) // 2
    with _served(site) as origin:
        yield origin, list(pages)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def notices(demo_run: Run) -> dict[str, dict[str, Any]]:
    records = json.loads((demo_run.release / "notices.json").read_text(encoding="utf-8"))
    return {r["id"]: r for r in records}


@pytest.fixture
def visit(browser: Browser, site: str) -> Iterator[Callable[[str], Visit]]:
    with _visits(browser, site) as open_page:
        yield open_page


@pytest.fixture
def visit_sharded(browser: Browser, sharded_site: tuple[str, list[str]]) -> Iterator[Callable[[str], Visit]]:
    with _visits(browser, sharded_site[0]) as open_page:
        yield open_page


@contextmanager
def _visits(browser: Browser, site: str) -> Iterator[Callable[[str], Visit]]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)

    def open_page(path: str) -> Visit:
        page = context.new_page()
        seen = Visit(page)

        def on_dialog(dialog: Dialog) -> None:
            seen.problems.append(f"dialog: {dialog.message}")
            dialog.dismiss()

        def elsewhere(route: Route) -> None:
            seen.problems.append(f"request to another host: {route.request.url}")
            route.abort()

        page.route(re.compile(rf"^(?!{re.escape(site)})"), elsewhere)
        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: seen.problems.append(f"script error: {error}"))
        page.on("console", lambda m: m.type == "error" and seen.problems.append(f"console error: {m.text}"))
        page.on("requestfailed", lambda r: seen.problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and seen.problems.append(f"HTTP {r.status}: {r.url}"))
        page.goto(site + path, wait_until="load")
        return seen

    yield open_page
    context.close()


def _search(visit: Callable[[str], Visit], query: str) -> Visit:
    seen = visit("search/")
    box = seen.page.locator("#gw-q")
    box.wait_for(state="visible")
    seen.page.wait_for_function("!document.getElementById('gw-q').disabled")
    box.fill(query)
    seen.page.wait_for_selector("#gw-results li a")
    return seen


def _count(seen: Visit) -> int:
    return int(seen.page.locator("#gw-status").inner_text().split()[0])


def test_a_search_for_a_chinese_word_finds_the_seed_notice(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    seed = notices[notice_id(SEED_URL)]
    assert "新经济" in seed["title"]
    seen = _search(visit, "新经济")
    links = seen.page.locator("#gw-results li > a")
    found = {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())}
    assert found[seed["title"]].endswith(f"notices/{seed['id']}/")
    assert seen.problems == []


def test_a_filter_narrows_the_results(visit: Callable[[str], Visit]) -> None:
    seen = _search(visit, "通知")
    before = _count(seen)
    year = seen.page.locator("#gw-filters input[data-filter='年份'][value='2022']")
    year.check()
    seen.page.wait_for_function(f"parseInt(document.getElementById('gw-status').textContent) < {before}")
    after = _count(seen)
    assert 0 < after < before
    facts = seen.page.locator("#gw-results .gw-facts").all_inner_texts()
    assert facts
    assert all(f.startswith("2022") for f in facts)
    assert seen.problems == []


def test_a_search_finds_notices_in_every_shard_as_in_one_index(
    visit: Callable[[str], Visit], visit_sharded: Callable[[str], Visit],
    sharded_site: tuple[str, list[str]], notices: dict[str, dict[str, Any]],
) -> None:
    last = notices[sharded_site[1][-1]]  # in the last shard; the first is the one pagefind.js is loaded from
    found = _search(visit_sharded, last["title"])
    hrefs = found.page.locator("#gw-results li > a").evaluate_all("links => links.map(a => a.href)")
    assert any(href.endswith(f"/notices/{last['id']}/") for href in hrefs)
    assert _count(_search(visit_sharded, "通知")) == _count(_search(visit, "通知")) > 2
    assert found.problems == []


def _filter_counts(seen: Visit) -> list[str]:
    """Each filter value with its count (values of equal counts come in the order the index found them)."""
    seen.page.wait_for_selector("#gw-filters input")
    return sorted(seen.page.locator("#gw-filters label").all_inner_texts())


def test_filters_count_and_narrow_across_shards(
    visit: Callable[[str], Visit], visit_sharded: Callable[[str], Visit]
) -> None:
    one, sharded = _search(visit, "通知"), _search(visit_sharded, "通知")
    assert _filter_counts(sharded) == _filter_counts(one)  # every value, with its count over every shard
    for seen in (one, sharded):
        before = _count(seen)
        seen.page.locator("#gw-filters input[data-filter='年份'][value='2022']").check()
        seen.page.wait_for_function(f"parseInt(document.getElementById('gw-status').textContent) < {before}")
        assert all(f.startswith("2022") for f in seen.page.locator("#gw-results .gw-facts").all_inner_texts())
    assert _count(sharded) == _count(one) > 1
    assert _filter_counts(sharded) == _filter_counts(one)
    assert sharded.problems == []


def test_a_notice_page_shows_its_doc_number_and_source_link(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    seed = notices[notice_id(SEED_URL)]
    seen = visit(f"notices/{seed['id']}/")
    assert seen.page.get_by_text("眉府办发〔2022〕17号").first.is_visible()
    source = seen.page.locator(f"article a[href='{SEED_URL}']")  # in the metadata, then among the copies
    assert source.first.is_visible()
    assert seen.page.locator("h1").inner_text() == seed["title"]
    assert seen.problems == []


def test_the_hostile_notice_executes_nothing(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    hostile = notices[notice_id(HOSTILE_URL)]
    assert "<script>" in hostile["title"]
    seen = visit(f"notices/{hostile['id']}/")
    assert seen.page.locator("article h1").inner_text() == hostile["title"]
    body = seen.page.locator(".gw-body").inner_text()
    assert "<img src=x onerror=alert('正文')>" in body
    assert "{{ config.items() }}" in body
    assert seen.page.locator("article img, article iframe, article svg[onload], article script").count() == 0
    assert seen.page.locator("article a[href^='javascript']").count() == 0
    assert seen.problems == []
    found = _search(visit, "安全检查")  # its title and excerpt in the search results, and its filters
    assert hostile["title"] in found.page.locator("#gw-results li > a").all_inner_texts()
    assert found.page.locator("#gw-results img, #gw-filters img").count() == 0
    assert found.problems == []


PAGES = ["", "search/", "notices/", "browse/source/", "browse/agency/", "browse/year/", "browse/type/",
         "browse/genre/", "browse/source/sc_meishan/", "downloads/", "quality/", "sources/", "schema/",
         "glossary/", "about/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_console_errors(visit: Callable[[str], Visit], path: str) -> None:
    seen = visit(path)
    seen.page.wait_for_load_state("networkidle")
    assert seen.page.locator("article h1").count() == 1
    assert seen.problems == []


def test_a_notice_page_of_each_source_loads_without_errors(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    """One notice per source: each source's layout brings its own quirks (spam, reposts, 繁体 …)."""
    first = {r["source_id"]: r for r in sorted(notices.values(), key=lambda r: r["id"], reverse=True)}
    assert len(first) >= 6
    for record in first.values():
        seen = visit(f"notices/{record['id']}/")
        assert seen.page.locator("article h1").inner_text() == record["title"]
        assert seen.problems == [], record["id"]
        seen.page.close()
