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

import opencc
import pytest
from playwright.sync_api import Browser, Dialog, Page, Route, sync_playwright

from gongwen.crawlers.registry import load_sources
from gongwen.pipelines.notice import notice_id
from gongwen.pipelines.site.post_build import search_entry
from gongwen.pipelines.site.search_index import Notices, index_notices
from gongwen.pipelines.site.search_text import compact
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
    """The demo site with its search index in shards of ten notices (a real one has thousands);
    its address and, in shard order, the notices of each shard."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    shutil.copytree(demo_run.workdir / "site", site, ignore=shutil.ignore_patterns("searchindex"))
    released = json.loads((demo_run.release / "notices.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in released}
    sources = {source.id: source for source in load_sources()}
    pages = dict.fromkeys(sorted(records), "-")
    notices = Notices(pages, lambda notice: search_entry(records[notice], sources))
    index_notices(site, notices, site.parent / "cache", sizes=(10,))
    shards = json.loads((site / "searchindex" / "shards.json").read_text(encoding="utf-8"))
    assert len(shards) == (len(pages) + 9) // 10
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


def _search(visit: Callable[[str], Visit], query: str, path: str = "search/") -> Visit:
    """The query typed into the search page, once its results are shown."""
    seen = visit(path)
    box = seen.page.locator("#gw-q")
    box.wait_for(state="visible")
    seen.page.wait_for_function("!document.getElementById('gw-q').disabled")
    box.fill(query)
    _shown(seen, query)
    return seen


def _shown(seen: Visit, query: str) -> None:
    seen.page.wait_for_function("q => document.getElementById('gw-results').dataset.query === q", arg=query)


def _count(seen: Visit) -> int:
    return int(seen.page.locator("#gw-status").inner_text().split()[0])


def _found(seen: Visit) -> list[str]:
    """The ids of the notices listed, in order."""
    hrefs = seen.page.locator("#gw-results li > a").evaluate_all("links => links.map(a => a.href)")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def _holding(notices: dict[str, dict[str, Any]], phrase: str) -> set[str]:
    fields = ("title", "doc_number_raw", "index_number", "issuing_agency", "body_text")
    key = compact(phrase)
    return {i for i, r in notices.items() if key in compact(" ".join(r.get(f) or "" for f in fields))}


def test_a_search_for_a_chinese_word_finds_the_notices_holding_it_as_written(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    seed = notices[notice_id(SEED_URL)]
    assert "新经济" in seed["title"]
    seen = _search(visit, "新经济")
    found = _found(seen)
    assert seed["id"] in found
    assert set(found) == _holding(notices, "新经济")  # not the notices holding 新 or 新乡 alone
    marks = seen.page.locator("#gw-results .gw-excerpt mark").all_inner_texts()
    assert marks
    assert set(marks) == {"新经济"}  # the excerpt is from the text, around the phrase
    assert seen.problems == []


@pytest.mark.parametrize("query", ["眉府办发〔2022〕17号", "眉府办发[2022]17号", "眉府办发（２０２２）第17号",
                                   "眉府办发 2022 17 号", "眉府辦發【2022】17號"])
def test_a_doc_number_in_any_printed_form_finds_its_notice_first(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]], query: str
) -> None:
    seen = _search(visit, query)
    assert _found(seen)[0] == notice_id(SEED_URL)
    assert seen.problems == []


def test_a_whole_title_simplified_or_traditional_and_an_index_number_find_their_notice_first(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    to_traditional = opencc.OpenCC("s2t")
    marked = [r for r in notices.values() if "《" in r["title"] or "（" in r["title"]]
    titled = sorted(marked, key=lambda r: r["id"])
    assert len(titled) >= 3
    for record in titled[:3]:
        for query in (record["title"], to_traditional.convert(record["title"])):
            assert _found(_search(visit, query))[0] == record["id"], query
    indexed = next(r for r in sorted(notices.values(), key=lambda r: r["id"]) if r.get("index_number"))
    assert _found(_search(visit, indexed["index_number"]))[0] == indexed["id"]


def test_filters_narrow_sort_and_stay_in_the_address(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    seen = _search(visit, "通知")
    before = _count(seen)
    page = seen.page
    page.select_option("#gw-filters select[name='from']", "2021")
    page.select_option("#gw-filters select[name='to']", "2022")
    page.select_option("#gw-filters select[name='type']", "通知")
    page.select_option("#gw-filters select[name='sort']", "new")
    _shown(seen, "通知")
    wanted = {i for i, r in notices.items() if r.get("doc_type") == "通知"
              and "2021" <= (r.get("published_date") or "")[:4] <= "2022"} & _holding(notices, "通知")
    assert 0 < len(wanted) < before
    # Each filter searches again as it is chosen: wait for the last one's count, not the first's.
    status = "parseInt(document.getElementById('gw-status').textContent)"
    page.wait_for_function(f"{status} === {len(wanted)} && window.location.search.includes('sort=new')")
    assert _count(seen) == len(wanted)
    dates = [notices[i]["published_date"] for i in _found(seen)]
    assert dates == sorted(dates, reverse=True)
    address = page.evaluate("window.location.search")
    assert all(part in address for part in ("from=2021", "to=2022", "sort=new"))
    again = visit("search/" + address)  # the address brings the same search back
    _shown(again, "通知")
    assert _found(again) == _found(seen)
    assert seen.problems == again.problems == []


def test_the_filters_alone_list_the_notices_of_a_value_newest_first(
    visit: Callable[[str], Visit], notices: dict[str, dict[str, Any]]
) -> None:
    seen = visit("search/?agency=眉山市人民政府办公室")
    _shown(seen, "")
    wanted = {i for i, r in notices.items() if r.get("issuing_agency") == "眉山市人民政府办公室"}
    assert _count(seen) == len(wanted) > 1
    dates = [notices[i]["published_date"] or "" for i in _found(seen)]
    assert dates == sorted(dates, reverse=True)
    assert seen.problems == []


def test_a_search_finds_notices_in_every_shard_as_in_one_index(
    visit: Callable[[str], Visit], visit_sharded: Callable[[str], Visit],
    sharded_site: tuple[str, list[str]], notices: dict[str, dict[str, Any]],
) -> None:
    last = notices[sharded_site[1][-1]]  # in the last shard
    assert _found(_search(visit_sharded, last["title"]))[0] == last["id"]
    one, sharded = _search(visit, "人民政府"), _search(visit_sharded, "人民政府")
    assert _count(sharded) == _count(one) > 2
    few, sharded_few = _search(visit, "新经济"), _search(visit_sharded, "新经济")  # fewer than a page
    assert _found(sharded_few) == _found(few)
    options = "sel => [...sel.options].map(o => o.textContent)"
    for name in ("from", "region", "agency", "type"):  # every value, with its count over every shard
        control = f"#gw-filters select[name='{name}']"
        assert sharded.page.eval_on_selector(control, options) == one.page.eval_on_selector(control, options)
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
    assert found.page.locator("#gw-results img, #gw-filters img, #gw-results script").count() == 0
    assert found.problems == []


PAGES = ["", "search/", "notices/", "browse/", "browse/source/", "browse/agency/", "browse/year/",
         "browse/type/", "browse/genre/", "browse/source/sc_meishan/", "downloads/", "quality/", "sources/",
         "schema/", "glossary/", "about/"]


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


@pytest.fixture
def phone(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_no_page_scrolls_sideways_on_a_phone(
    phone: Page, site: str, notices: dict[str, dict[str, Any]]
) -> None:
    """Wide tables scroll inside their own box; the page itself never does."""
    hostile = notice_id(HOSTILE_URL)
    pages = [*PAGES, "search/?q=通知", f"notices/{notice_id(SEED_URL)}/", f"notices/{hostile}/",
             "browse/targets/", "browse/targets/2025/", "404.html"]
    for path in pages:
        response = phone.goto(site + path, wait_until="load")
        assert response is not None
        assert response.ok, path
        sizes = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        width = phone.evaluate(sizes)
        assert width[0] <= width[1], path


def test_on_a_phone_the_search_box_and_first_results_are_on_the_first_screen(phone: Page, site: str) -> None:
    phone.goto(site + "search/?q=通知", wait_until="load")
    phone.wait_for_function("document.getElementById('gw-results').dataset.query === '通知'")
    assert not phone.locator("#gw-filters-box").evaluate("fold => fold.open")  # folded away
    for selector in ("#gw-q", "#gw-results li:first-child a"):
        box = phone.locator(selector).bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= 844, selector


def test_a_list_table_sorts_by_a_column_with_its_totals_last(visit: Callable[[str], Visit]) -> None:
    seen = visit("browse/source/")
    header = seen.page.locator(".gw-sources th button", has_text="公文数")
    column = "rows => rows.map(r => r.cells[3].textContent.trim())"
    header.click()
    counts = seen.page.locator(".gw-sources tbody tr").evaluate_all(column)
    assert counts[:-2] == sorted(counts[:-2], key=int)
    assert seen.page.locator(".gw-sources tbody tr").last.inner_text().startswith("合计")
    header.click()
    counts = seen.page.locator(".gw-sources tbody tr").evaluate_all(column)
    assert counts[:-2] == sorted(counts[:-2], key=int, reverse=True)
    assert seen.problems == []


def test_a_query_of_punctuation_alone_finds_nothing(visit: Callable[[str], Visit]) -> None:
    seen = _search(visit, "《》〔〕")
    assert _count(seen) == 0
    assert _found(seen) == []
    assert seen.problems == []
