"""The policy resources of a release: tasks, targets, citations, agencies and missing documents.

The demo run's release (a real crawl of the sample web) must carry the tasks and targets of the
seeds as the hand-written expectations give them; small releases check the citation links.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bench.policy_scoring import fold, load_expected
from gongwen.crawlers.sampleweb.render import PAGES_DIR, load_page
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import Dataset, publish
from tests.conftest import ROOT, Run, make_notice
from tests.test_e2e import page_id

EXPECTATIONS = ROOT / "tests" / "policy_expectations"
POLICY = ("tasks", "targets", "citations", "agencies", "missing_documents")
SEEDS = [("sc_qingbaijiang", "seed-000"), ("ha_xinxiang_gxq", "seed-002")]


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def seed_id(source_id: str, name: str) -> str:
    return page_id(source_id, load_page(source_id, PAGES_DIR / source_id / f"{name}.toml"))


@pytest.mark.parametrize(("source_id", "name"), SEEDS)
def test_the_tasks_of_the_seeds_are_published_with_their_lead_agencies(
    demo_run: Run, source_id: str, name: str
) -> None:
    expected = load_expected(EXPECTATIONS / source_id / f"{name}.toml")
    notice = seed_id(source_id, name)
    published = [t for t in rows(demo_run.release, "tasks") if t["notice_id"] == notice]
    assert [(fold(t["heading"]), sorted(map(fold, json.loads(t["lead"])))) for t in published] == [
        (fold(e.heading), sorted(map(fold, e.lead))) for e in expected.tasks
    ]
    agencies = [a for a in rows(demo_run.release, "agencies") if a["notice_id"] == notice]
    assert {a["task_id"] for a in agencies if a["context"] == "lead"} == {t["id"] for t in published}


@pytest.mark.parametrize(("source_id", "name"), SEEDS)
def test_the_targets_of_the_seeds_are_published(demo_run: Run, source_id: str, name: str) -> None:
    expected = load_expected(EXPECTATIONS / source_id / f"{name}.toml")
    notice = seed_id(source_id, name)
    published = [t for t in rows(demo_run.release, "targets") if t["notice_id"] == notice]
    assert Counter((t["year"], float(t["value"]), t["unit"], t["comparator"]) for t in published) == Counter(
        (str(e.year or ""), e.value, e.unit, e.comparator) for e in expected.targets
    )


def test_seed_000_targets_and_agencies_read_as_the_notice_says(demo_run: Run) -> None:
    notice = seed_id("sc_qingbaijiang", "seed-000")
    targets = [t for t in rows(demo_run.release, "targets") if t["notice_id"] == notice]
    first = targets[0]
    assert (first["year"], first["indicator"], first["value"], first["unit"], first["comparator"]) == (
        "2020", "全区新经济产值占比", "30.0", "%", "equal"
    )
    assert first["year_raw"] == "到2020年"
    names = {(a["raw"], a["name"]) for a in rows(demo_run.release, "agencies") if a["notice_id"] == notice}
    assert ("区发改局", "成都市青白江区发展和改革局") in names
    assert ("区欧管委", "") in names  # an unknown short form gets no full name rather than a guess


def test_every_policy_resource_has_a_primary_key_and_keys_to_notices_and_tasks(demo_run: Run) -> None:
    descriptor = json.loads((demo_run.release / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(POLICY) <= set(resources)
    for name in POLICY:
        assert resources[name]["schema"]["primaryKey"], name
        assert resources[name]["hash"].startswith("sha256:"), name
    keys = {
        name: {(k["fields"][0], k["reference"]["resource"]) for k in resources[name]["schema"]["foreignKeys"]}
        for name in ("tasks", "targets", "citations", "agencies")
    }
    assert keys["tasks"] == {("notice_id", "notices")}
    assert keys["targets"] == {("notice_id", "notices"), ("task_id", "tasks")}
    assert keys["citations"] == {("notice_id", "notices"), ("cited_notice_id", "notices")}
    assert keys["agencies"] == {("notice_id", "notices"), ("task_id", "tasks")}
    notices = {n["id"] for n in rows(demo_run.release, "notices")}
    tasks = {t["id"] for t in rows(demo_run.release, "tasks")}
    assert {t["notice_id"] for t in rows(demo_run.release, "tasks")} <= notices
    assert {t["task_id"] for t in rows(demo_run.release, "targets")} - {""} <= tasks
    assert len(tasks) > 100


CITED = make_notice(
    "https://www.gov.cn/zhengce/content/2020-07/20/content_5528320.htm",
    source_id="govcn",
    title="国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见",
    doc_number="国办发〔2020〕23号",
    doc_number_raw="国办发〔2020〕23号",
    doc_number_parts={"issuer_code": "国办发", "year": 2020, "serial": 23},
)


def citing(n: int, body: str) -> Notice:
    url = f"https://www.ms.gov.cn/info/1046/{n}.htm"
    return make_notice(url, title=f"关于第{n}项工作的通知", body_text=body)


def test_citations_link_to_the_notices_of_the_version_and_list_the_documents_it_lacks(tmp_path: Path) -> None:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    first = citing(1, "按照《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号）"
                      "和《历史文化名城名镇名村保护条例》要求，执行《眉山市城市更新办法》（眉府发〔2021〕3号）。")
    second = citing(2, "依据《历史文化名城名镇名村保护条例》和《眉山市城市更新办法》，"
                       "落实国办发〔2020〕23号文件。")
    folder = publish(Dataset.load(tmp_path), [first, second, CITED]).folder
    cited = {(c["notice_id"], c["title"] or c["doc_number"]): c["cited_notice_id"]
             for c in rows(folder, "citations")}
    assert cited == {
        (first.id, "国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见"): CITED.id,
        (first.id, "历史文化名城名镇名村保护条例"): "",
        (first.id, "眉山市城市更新办法"): "",
        (second.id, "历史文化名城名镇名村保护条例"): "",
        (second.id, "眉山市城市更新办法"): "",
        (second.id, "国办发〔2020〕23号"): CITED.id,
    }
    missing = [(m["document"], m["doc_number"], m["title"], m["cited_by"])
               for m in rows(folder, "missing_documents")]
    assert missing == [  # the title cited alone by the second notice counts for the 文号 the first gives it
        ("《历史文化名城名镇名村保护条例》", "", "历史文化名城名镇名村保护条例", "2"),
        ("眉府发〔2021〕3号", "眉府发〔2021〕3号", "眉山市城市更新办法", "2"),
    ]
