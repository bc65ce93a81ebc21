"""The policy on the site: each notice page's targets, tasks and cited documents, and the targets by year.

The demo run's site (built by the real mkdocs from a crawl of the sample web) shows seed 000's plan;
small releases, generated without mkdocs, check the citation links, hostile text and old releases.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html

from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.site.generate import generate
from tests.conftest import ROOT, Run
from tests.test_release_policy import CITED, citing, seed_id
from tests.test_site import Built, outside_html, unresolved_links


def built(run: Run) -> Built:
    return Built(run.dataset, run.workdir / "site")


def cells(root: Any, section: str) -> list[list[str]]:
    """The rows of the table in the policy section whose summary starts with ``section``."""
    for details in root.cssselect(".gw-policy details"):
        if details.cssselect("summary")[0].text_content().startswith(section):
            return [[" ".join(td.text_content().split()) for td in tr.cssselect("td")]
                    for tr in details.cssselect("tbody tr")]
    return []


def test_a_notice_page_shows_its_targets_and_tasks_with_their_agencies(demo_run: Run) -> None:
    page = f"notices/{seed_id('sc_qingbaijiang', 'seed-000')}/index.html"
    root = built(demo_run).html(page)
    targets = cells(root, "目标 Targets")
    assert targets[0] == ["2020", "全区新经济产值占比", "30%", "达到 equal"]
    assert ["2020", "总量", "450亿元", "达到 equal"] in targets
    tasks = {row[1]: row for row in cells(root, "任务 Tasks")}
    plan = tasks["编制青白江区新经济发展规划"]
    assert plan[2].startswith("牵头 Lead：区新经济局责任 Responsible：区发改局、区教育局、")  # a line each
    assert plan[3].startswith("2018年")  # the 进度安排, by year
    full = {a.text_content(): a.get("title") for a in root.cssselect(".gw-policy abbr")}
    assert full["区发改局"] == "成都市青白江区发展和改革局"
    assert unresolved_links(built(demo_run), page) == []


def test_the_targets_are_browsed_by_year_and_sorted_by_indicator(demo_run: Run) -> None:
    site = built(demo_run)
    with (demo_run.release / "targets.csv").open(encoding="utf-8", newline="") as f:
        per_year = Counter(row["year"] for row in csv.DictReader(f))
    index = [[td.text_content() for td in tr.cssselect("td")]
             for tr in site.html("browse/targets/index.html").cssselect(".gw-targets-years tbody tr")]
    years = [row[0] for row in index if row[0].isdigit()]
    assert years == sorted(years, reverse=True)
    assert {row[0]: int(row[1]) for row in index if row[0].isdigit()} == {
        year: count for year, count in per_year.items() if year
    }
    page = "browse/targets/2020/index.html"
    rows = site.html(page).cssselect(".gw-targets tbody tr")
    indicators = [tr.cssselect("td")[0].text_content() for tr in rows]
    assert indicators == sorted(indicators)
    seed = next(tr for tr in rows if tr.cssselect("td")[0].text_content() == "全区新经济产值占比")
    assert seed.cssselect("td")[1].text_content() == "30%"
    assert seed.cssselect("a")[0].get("href") == f"../../../notices/{seed_id('sc_qingbaijiang', 'seed-000')}/"
    assert unresolved_links(site, page) == []
    nav = [a.get("href") for a in site.html("index.html").cssselect("nav a")]
    assert "browse/targets/" in nav


HOSTILE_PLAN = (
    "一、加快建设<script>alert(1)</script>平台，到2025年<img src=x onerror=alert(1)>产值达到30亿元。"
    "（牵头单位：区发改局、<img src=x onerror=alert(1)>）\n"
    "二、贯彻落实《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》和《<script>alert(2)</script>办法》。"
)


def pages_of(tmp_path: Path, notices: list[Notice]) -> dict[str, str]:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    publish(Dataset.load(tmp_path), notices)
    return outside_html(tmp_path)


def test_cited_notices_of_the_dataset_link_to_their_page_and_the_others_are_text(tmp_path: Path) -> None:
    plan = citing(1, HOSTILE_PLAN)
    page = pages_of(tmp_path, [plan, CITED])[f"notices/{plan.id}/"]
    cited = lxml.html.fromstring(page).cssselect(".gw-policy li")
    assert cited[0].cssselect("a")[0].get("href") == f"../../notices/{CITED.id}/"
    assert cited[0].text_content() == "《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》"
    assert not cited[1].cssselect("a")
    assert cited[1].text_content() == (
        "《<script>alert(2)</script>办法》 （本数据集未收录 not in this dataset）"
    )


def test_scraped_text_in_the_policy_is_escaped(tmp_path: Path) -> None:
    plan = citing(1, HOSTILE_PLAN)
    pages = pages_of(tmp_path, [plan])
    for name in (f"notices/{plan.id}/", "browse/targets/2025/"):
        assert "<script" not in pages[name], name
        assert "<img" not in pages[name], name
    root = lxml.html.fromstring(pages[f"notices/{plan.id}/"])
    hostile = "<img src=x onerror=alert(1)>"
    assert cells(root, "目标 Targets") == [["2025", f"{hostile}产值", "30亿元", "达到 equal"]]
    task = cells(root, "任务 Tasks")[0]
    assert task[1] == f"加快建设<script>alert(1)</script>平台，到2025年{hostile}产值达到30亿元"
    assert task[2] == f"牵头 Lead：区发改局、{hostile}"
    assert "&lt;img src=x onerror=alert(1)&gt;产值" in pages["browse/targets/2025/"]


def test_a_release_without_the_policy_resources_shows_none(tmp_path: Path) -> None:
    plan = citing(1, HOSTILE_PLAN)
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    folder = publish(Dataset.load(tmp_path), [plan]).folder
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "targets"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    pages: dict[str, bytes] = {}
    generate(pages.__setitem__, tmp_path)
    assert "has no targets resource" in pages["browse/targets/index.md"].decode("utf-8")
    assert "gw-policy" not in outside_html(tmp_path)[f"notices/{plan.id}/"]
