"""The site's ways in: browse pages by facet, the search index, the Atom feed and the data quality page.

Built once by the real mkdocs (``build_released`` of test_site: versions 1.0.0 and 1.1.0, one
hostile notice). The browser tests (test_browser.py) use the search index; here its contents.
"""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gongwen.pipelines.site.markup import slug
from gongwen.pipelines.site.quality import quarantine_section
from tests.test_site import GOVCN, HOSTILE_NOTICE, HOSTILE_TITLE, MEISHAN, SHANDONG, Built, build_released

ALL = (MEISHAN, GOVCN, SHANDONG, HOSTILE_NOTICE)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_released(tmp_path_factory.mktemp("browse"))


def _table(built: Built, page: str, css: str) -> list[list[str]]:
    return [[td.text_content() for td in row.cssselect("td")]
            for row in built.html(page).cssselect(f"{css} tbody tr")]


def _notice_ids(built: Built, page: str) -> list[str]:
    return [a.get("href").rstrip("/").rsplit("/", 1)[-1]
            for a in built.html(page).cssselect(".gw-notices tbody tr td:first-child a")]


def test_every_facet_puts_each_notice_on_one_page_sorted_by_date(released: Built) -> None:
    for facet in ("source", "agency", "year", "type"):
        pages = sorted((released.site / "browse" / facet).glob("*/index.html"))
        listed = []
        for page in pages:
            ids = _notice_ids(released, str(page.relative_to(released.site)))
            dates = [row[3] for row in _table(released, str(page.relative_to(released.site)), ".gw-notices")]
            assert dates == sorted(dates, reverse=True), page
            listed += ids
        assert sorted(listed) == sorted(n.id for n in ALL), facet


def test_the_year_index_counts_notices_newest_year_first(released: Built) -> None:
    rows = _table(released, "browse/year/index.html", ".gw-facet")
    assert [(r[0], r[1]) for r in rows] == [("2025", "1"), ("2024", "1"), ("2022", "1"), ("2018", "1")]
    assert _notice_ids(released, "browse/year/2022/index.html") == [MEISHAN.id]


def test_document_types_include_the_notices_without_one(released: Built) -> None:
    rows = {r[0]: r[1] for r in _table(released, "browse/type/index.html", ".gw-facet")}
    assert rows == {"通知": "2", "批复": "1", "（未注明 not stated）": "1"}
    assert _notice_ids(released, "browse/type/_none/index.html") == [SHANDONG.id]


def test_agency_pages_have_hashed_paths_and_show_the_name_as_text(released: Built) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    page = f"browse/agency/{slug(hostile)}/index.html"
    assert slug(hostile).startswith("h-")
    assert released.html(page).cssselect("article h1")[0].text_content() == f"发文机关 Agency：{hostile}"
    assert _notice_ids(released, page) == [HOSTILE_NOTICE.id]
    assert _notice_ids(released, f"browse/agency/{slug('国务院')}/index.html") == [GOVCN.id]


def test_sources_are_browsed_by_region(released: Built) -> None:
    rows = _table(released, "browse/source/index.html", ".gw-sources")
    assert rows[-2][0].startswith("另有")  # the sources without notices, counted
    assert rows[-1][0].startswith("合计")
    regions = [r[1] for r in rows[:-2]]
    assert regions == sorted(regions)
    assert _notice_ids(released, "browse/source/sc_meishan/index.html") == [MEISHAN.id]


def test_the_search_index_holds_every_notice_with_the_facts_it_is_filtered_by(released: Built) -> None:
    index = released.site / "searchindex"
    assert json.loads((index / "shards.json").read_text(encoding="utf-8")) == ["000000"]  # one shard
    table = json.loads(gzip.decompress((index / "000000" / "table.gz").read_bytes()))
    assert table["notices"] == len(ALL)
    held = [json.loads(gzip.decompress((index / "000000" / "d" / f"{n}.gz").read_bytes()))
            for n in range(len(ALL))]
    assert {notice["id"] for notice in held} == {notice.id for notice in ALL}
    number = [notice["id"] for notice in held].index(MEISHAN.id)
    meishan = held[number]
    facts = (meishan["agency"], meishan["doc_type"], meishan["date"])
    assert facts == ("眉山市人民政府办公室", "通知", "2022-03-30")
    assert meishan["region"] == "四川省"
    assert table["date"][number] == 20220330
    assert table["agency"]["names"][table["agency"]["of"][number]] == "眉山市人民政府办公室"


def test_the_feed_lists_the_notices_new_in_each_release_newest_first(released: Built) -> None:
    feed = ET.parse(released.site / "feed.xml").getroot()
    entries = [(e.find(f"{ATOM}category").get("term"), e.find(f"{ATOM}title").text)
               for e in feed.findall(f"{ATOM}entry")]
    assert entries == [
        ("1.1.0", HOSTILE_TITLE),  # as text: ElementTree unescapes what the feed escaped
        ("1.0.0", SHANDONG.title),
        ("1.0.0", MEISHAN.title),
        ("1.0.0", GOVCN.title),
    ]
    links = [e.find(f"{ATOM}link").get("href") for e in feed.findall(f"{ATOM}entry")]
    assert links[0] == f"https://gongwen.github.io/gongwen/notices/{HOSTILE_NOTICE.id}/"
    assert b"<script" not in (released.site / "feed.xml").read_bytes()
    head = released.html("index.html").cssselect("link[type='application/atom+xml']")
    assert head[0].get("href").endswith("feed.xml")


def test_the_quality_page_counts_flags_by_source_and_lists_the_flagged_notices(released: Built) -> None:
    page = "quality/index.html"
    headers = [th.text_content() for th in released.html(page).cssselect(".gw-flags th")]
    rows = {r[0]: dict(zip(headers[1:], r[1:], strict=True)) for r in _table(released, page, ".gw-flags")}
    assert rows["眉山市人民政府 政府信息公开"]["doc_number_nonstandard"] == "1"
    assert rows["成都市青白江区人民政府 信息公开"]["spam_injection"] == "1"
    flagged = [a.get("href") for a in released.html(page).cssselect(".gw-flagged a")]
    assert f"../notices/{MEISHAN.id}/" in flagged
    assert "0 URLs of the crawls that gave no notice" in released.text(page)
    headings = [h.text_content() for h in released.html(page).cssselect("article h2")]
    assert "我们的保证 What we guarantee" in headings[-1]  # the README's section, last
    assert "A crash loses nothing." in released.text(page)


def test_quarantined_pages_are_shown_with_their_reasons_as_text() -> None:
    rows = [
        {"source_id": "sc_meishan", "url": "https://www.ms.gov.cn/info/1/2.htm", "outcome": "quarantined",
         "reason": "no title <script>alert(1)</script>", "notice_id": ""},
        {"source_id": "sc_meishan", "url": "javascript:alert(1)", "outcome": "failed", "reason": "HTTP 404",
         "notice_id": MEISHAN.id},
    ]
    html = quarantine_section(rows, {MEISHAN.id})
    assert "no title &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://www.ms.gov.cn/info/1/2.htm"' in html
    assert 'href="javascript' not in html
    assert f'href="../notices/{MEISHAN.id}/"' in html
    assert "no record of quarantined pages" in quarantine_section(None, set())


def test_search_page_has_the_form_and_filters_panel(released: Built) -> None:
    page = released.html("search/index.html")
    for part in ("#gw-q", "#gw-filters", "#gw-results"):
        assert page.cssselect(part), part
    scripts = [s.get("src") for s in page.iter("script") if s.get("src")]
    assert "../javascripts/search.js" in scripts
    assert Path(released.site / "javascripts" / "search.js").is_file()
