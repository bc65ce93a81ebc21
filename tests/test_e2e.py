"""End to end, as `make demo` runs it: a real crawl of the sample web → a validated release → the site."""

from __future__ import annotations

import csv
import json
import subprocess
from collections import Counter
from datetime import date
from typing import Any

import pytest
from lxml import html

from gongwen.crawlers.registry import get_source, load_sources
from gongwen.crawlers.sampleweb.render import PageFile, detail_url, load_pages, replicated
from gongwen.pipelines.notice import notice_id
from tests.conftest import BIN, Run

PAGES = [(s.id, p) for s in replicated(load_sources()) for p in load_pages(s.id)]
SEEDS = [(sid, p) for sid, p in PAGES if p.values.get("seed")]


def notices_by_id(run: Run) -> dict[str, dict[str, Any]]:
    records = json.loads((run.release / "notices.json").read_text(encoding="utf-8"))
    return {r["id"]: r for r in records}


def page_id(source_id: str, page: PageFile) -> str:
    return notice_id(detail_url(get_source(source_id), page))


def iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)


def test_the_release_passes_frictionless_validate(demo_run: Run) -> None:
    result = subprocess.run(
        [BIN / "frictionless", "validate", demo_run.release / "datapackage.json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_the_release_has_60_notices_from_the_9_sources_of_the_sample_web(demo_run: Run) -> None:
    notices = notices_by_id(demo_run)
    per_source = Counter(n["source_id"] for n in notices.values())
    assert len(notices) >= 60
    assert len(per_source) >= 9
    for source in replicated(load_sources()):
        assert per_source[source.id] >= source.expected_min, source.id


def test_the_ledger_counts_add_up(demo_run: Run) -> None:
    with (demo_run.workdir / "ledger.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    details = [r for r in rows if r["kind"] == "detail"]
    outcomes = Counter(r["outcome"] for r in details)
    assert set(outcomes) <= {"published", "quarantined", "failed"}
    assert outcomes["published"] + outcomes["quarantined"] + outcomes["failed"] == len(details)
    assert len(details) == len(PAGES)  # every detail page of the sample web was fetched once
    assert len({r["url"] for r in details}) == len(details)
    with (demo_run.release / "copies.csv").open(encoding="utf-8") as f:
        copies = list(csv.DictReader(f))
    assert outcomes["published"] == len(copies)  # every page read is a copy of one notice
    assert {c["notice_id"] for c in copies} == set(notices_by_id(demo_run))
    assert all(r["reason"] for r in details if r["outcome"] != "published")
    summary = f"detail pages fetched {len(details)} = published {outcomes['published']}"
    assert summary in demo_run.stdout
    assert f"site:     {demo_run.workdir / 'site'}/index.html" in demo_run.stdout  # the link, always served


def test_a_page_without_a_title_is_quarantined_with_a_reason(demo_run: Run) -> None:
    with (demo_run.workdir / "ledger.csv").open(encoding="utf-8") as f:
        rows = {r["url"]: r for r in csv.DictReader(f)}
    empty = next(p for sid, p in PAGES if sid == "sc_qingbaijiang" and p.name == "empty-title")
    row = rows[detail_url(get_source("sc_qingbaijiang"), empty)]
    assert row["outcome"] == "quarantined"
    assert "no title" in row["reason"]
    dead = next(p for sid, p in PAGES if p.status == 404)
    assert rows[detail_url(get_source("sc_qingbaijiang"), dead)]["reason"] == "HTTP 404"


@pytest.mark.parametrize(("source_id", "page"), SEEDS, ids=[p.name for _, p in SEEDS])
def test_seed_notices_are_on_the_site_with_their_doc_number_and_dates(
    demo_run: Run, source_id: str, page: PageFile
) -> None:
    nid = page_id(source_id, page)
    record = notices_by_id(demo_run)[nid]
    expected = page.expected
    assert record["doc_number"] == expected.get("doc_number")
    assert record["written_date"] == iso(expected.get("written_date"))
    assert record["published_date"] == iso(expected.get("published_date"))
    site_page = demo_run.workdir / "site" / "notices" / nid / "index.html"
    text = html.fromstring(site_page.read_text(encoding="utf-8")).text_content()
    for value in (record["doc_number"], record["written_date"], record["published_date"]):
        if value:
            assert value in text
    assert record["url"] in site_page.read_text(encoding="utf-8")


def test_the_site_home_page_counts_notices_per_source(demo_run: Run) -> None:
    home_page = (demo_run.workdir / "site" / "index.html").read_text(encoding="utf-8")
    home = html.fromstring(home_page).text_content()
    per_source = Counter(n["source_id"] for n in notices_by_id(demo_run).values())
    for source in replicated(load_sources()):
        assert source.name in home or source.id in home
        assert str(per_source[source.id]) in home
