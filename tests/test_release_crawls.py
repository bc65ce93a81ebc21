"""Releases from real crawls of the sample web (a copy of its pages, changed between crawls).

One crawl of every source is shared by the module; each test copies its pages, captures and dataset,
changes a page file, crawls that one source again and releases with the `gongwen` command.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from gongwen.crawlers.registry import get_source, load_sources
from gongwen.crawlers.sampleweb.render import LAYOUTS, PAGES_DIR, detail_url, load_page
from gongwen.pipelines.notice import notice_id
from tests.conftest import BIN, ROOT


@dataclass(frozen=True)
class Site:
    """A sample web (its page files), the captures of its crawls and a dataset released from them."""

    pages: Path
    workdir: Path
    dataset: Path

    @classmethod
    def copy_of_sample_web(cls, tmp: Path) -> Site:
        """A copy of the sample web's page files (to change between crawls) and an empty dataset."""
        shutil.copytree(PAGES_DIR, tmp / "pages")
        (tmp / "notices").mkdir()
        shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp / "notices")
        return cls(tmp / "pages", tmp / "build", tmp / "notices")

    def gongwen(self, command: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        where: list[str | Path] = ["--workdir", self.workdir]
        if command == "crawl":
            where += ["--sample-pages", self.pages]
        if command == "release":
            where += ["--dataset", self.dataset]
        return subprocess.run(
            [BIN / "gongwen", command, *args, *where],
            capture_output=True, text=True, check=False, cwd=ROOT, timeout=600,
        )

    def recrawl_and_release(self, source_id: str, *release_args: str) -> subprocess.CompletedProcess[str]:
        crawl = self.gongwen("crawl", source_id)
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        return self.gongwen("release", *release_args)

    @property
    def latest(self) -> str:
        return (self.dataset / "latest").read_text(encoding="utf-8").strip()

    def rows(self, version: str, name: str) -> list[dict[str, str]]:
        with (self.dataset / version / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def notice_ids(self, version: str) -> set[str]:
        return {r["id"] for r in json.loads((self.dataset / version / "notices.json").read_bytes())}


def page_id(source_id: str, page_file: Path) -> str:
    return notice_id(detail_url(get_source(source_id), load_page(source_id, page_file)))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = Site.copy_of_sample_web(tmp_path_factory.mktemp("crawled"))
    crawl = site.gongwen("crawl")
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    release = site.gongwen("release")
    assert release.returncode == 0, release.stderr[-2000:]
    assert site.latest == "1.0.0"
    return site


@pytest.fixture
def site(crawled: Site, tmp_path: Path) -> Site:
    """A copy of the crawled sample web, its captures and its dataset, to change."""
    for name in ("pages", "build", "notices"):
        shutil.copytree(crawled.pages.parent / name, tmp_path / name)
    return Site(tmp_path / "pages", tmp_path / "build", tmp_path / "notices")


def test_two_builds_from_the_same_captures_are_byte_identical(crawled: Site, tmp_path: Path) -> None:
    again = Site(crawled.pages, crawled.workdir, tmp_path / "notices")
    again.dataset.mkdir()
    shutil.copy(crawled.dataset / "dataset.toml", again.dataset)
    assert again.gongwen("release").returncode == 0
    first, second = crawled.dataset / "1.0.0", again.dataset / "1.0.0"
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (crawled.dataset / "index.json").read_bytes() == (again.dataset / "index.json").read_bytes()
    # created is the crawls' last fetch, not the time of the build
    ledgers = crawled.workdir.glob("captures/*/*.fetches.jsonl")
    last_fetch = max(json.loads(line)["fetched_at"] for f in ledgers for line in f.read_text().splitlines())
    created = json.loads((first / "datapackage.json").read_bytes())["created"]
    assert created == last_fetch[:19] + "Z"


def test_sources_name_their_last_crawl_and_quality_lists_every_page_not_published(crawled: Site) -> None:
    sources = {r["source_id"]: r for r in crawled.rows("1.0.0", "sources.csv")}
    assert list(sources) == [s.id for s in load_sources()]  # the dataset's sources: the whole registry
    replicated = set(LAYOUTS)
    for source_id, row in sources.items():
        if source_id not in replicated:  # on the real web only: the sample web's crawl did not reach it
            assert (row["crawl_id"], row["health"], row["fetches"]) == ("", "not crawled", "0")
            continue
        (ledger,) = (crawled.workdir / "captures" / source_id).glob("*.fetches.jsonl")
        assert row["crawl_id"] == ledger.name.removesuffix(".fetches.jsonl")
        assert row["crawled_at"]
        assert row["health"] == "ok"
        assert row["family"] == get_source(source_id).family
    with (crawled.workdir / "ledger.csv").open(encoding="utf-8") as f:
        not_published = {(r["url"], r["outcome"], r["reason"]) for r in csv.DictReader(f)
                         if r["outcome"] in ("quarantined", "failed")}
    quality = crawled.rows("1.0.0", "quality.csv")
    assert {(r["url"], r["outcome"], r["reason"]) for r in quality} == not_published  # no source is broken
    assert {"quarantined", "failed"} <= {r["outcome"] for r in quality}


def test_a_source_whose_list_links_to_no_notice_is_reported_broken(site: Site) -> None:
    for page_file in (site.pages / "sc_meishan").glob("*.toml"):
        page_file.unlink()  # its list page still answers, with no entry: as if its layout had changed
    released = site.recrawl_and_release("sc_meishan", "--force")
    assert released.returncode == 0, released.stderr[-2000:]
    version = site.latest
    assert version != "1.0.0"
    meishan = next(r for r in site.rows(version, "sources.csv") if r["source_id"] == "sc_meishan")
    assert meishan["health"] == "broken"
    assert "link to no notice" in meishan["health_reason"]
    rows = [r for r in site.rows(version, "quality.csv") if r["kind"] == "source"]
    assert [(r["source_id"], r["outcome"], r["url"]) for r in rows] == [
        ("sc_meishan", "broken", get_source("sc_meishan").start_urls[0])
    ]
    assert rows[0]["reason"] == meishan["health_reason"]


def test_the_released_csv_reads_in_pandas_and_duckdb_as_it_is(crawled: Site) -> None:
    csv_path = crawled.dataset / "1.0.0" / "notices.csv"
    count = len(crawled.notice_ids("1.0.0"))
    assert len(pd.read_csv(csv_path)) == count
    assert duckdb.sql(f"select count(*) from read_csv_auto('{csv_path}')").fetchall() == [(count,)]


def test_adding_one_notice_makes_a_minor_version_listing_exactly_that_id(site: Site) -> None:
    model = site.pages / "sc_meishan" / "2018-lantian-baoweizhan.toml"
    text = model.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = ".*"$', 'path = "/info/1046/99999.htm"', text, count=1)
    text = re.sub(r'(?m)^title = ".*"$', 'title = "眉山市人民政府关于新增一件通知的通知"', text, count=1)
    text = text.replace("2018-09-30", "2026-01-15")  # published now: first on the list pages
    text = re.sub(r'(?m)^doc_number = ".*"$', 'doc_number = "眉府发〔2026〕1号"', text, count=1)
    new_body = '\nbody = """\n各区县人民政府：\n\n现将新增事项通知如下。\n"""'  # another text: not a copy
    text = re.sub(r'(?s)\nbody = """.*?"""', new_body, text)
    added = site.pages / "sc_meishan" / "2026-new-notice.toml"
    added.write_text(text, encoding="utf-8")

    release = site.recrawl_and_release("sc_meishan")
    assert release.returncode == 0, release.stderr[-2000:]
    assert site.latest == "1.1.0"
    assert [(r["id"], r["change"]) for r in site.rows("1.1.0", "changes.csv")] == [
        (page_id("sc_meishan", added), "added")]
    assert json.loads((site.dataset / "index.json").read_bytes())["versions"][-1]["change"] == "MINOR"


def test_a_page_gone_from_its_source_keeps_its_notice_with_removed_from_source_at(site: Site) -> None:
    removed = site.pages / "sc_meishan" / "2018-lantian-baoweizhan.toml"
    gone = page_id("sc_meishan", removed)
    assert gone in site.notice_ids("1.0.0")
    removed.unlink()

    release = site.recrawl_and_release("sc_meishan")
    assert release.returncode == 0, release.stderr[-2000:]
    assert site.latest == "1.1.0"
    (change,) = site.rows("1.1.0", "changes.csv")
    assert (change["id"], change["change"]) == (gone, "updated")
    assert json.loads(change["fields"]) == ["removed_from_source_at", "copies"]
    assert site.notice_ids("1.1.0") == site.notice_ids("1.0.0")
    before, after = ({r["id"]: r for r in site.rows(v, "notices.csv")}[gone] for v in ("1.0.0", "1.1.0"))
    (failed,) = (r for r in site.rows("1.1.0", "quality.csv") if r["url"] == before["url"])
    assert failed["http_status"] == "404"
    assert after["removed_from_source_at"] == failed["fetched_at"]  # when the crawl found it gone
    assert after["validity"] == before["validity"] == "废止"
    assert after | {"removed_from_source_at": ""} == before  # as last read


def test_a_source_below_its_minimum_blocks_publication_until_forced(site: Site) -> None:
    for page in sorted((site.pages / "repost_qqjl").glob("*.toml"))[1:]:
        page.unlink()  # one page left; the source expects at least 4 notices

    blocked = site.recrawl_and_release("repost_qqjl")
    assert blocked.returncode == 1
    assert "repost_qqjl" in blocked.stderr
    assert "expected minimum of 4" in blocked.stderr
    assert site.latest == "1.0.0"
    assert sorted(p.name for p in site.dataset.iterdir() if p.is_dir()) == ["1.0.0"]
    log = (site.dataset / "build.log").read_text(encoding="utf-8").splitlines()
    assert "BLOCKED" in log[-1]
    assert "repost_qqjl" in log[-1]
    assert "latest stays 1.0.0" in log[-1]

    forced = site.gongwen("release", "--force")
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert "FORCED" in forced.stderr
    assert site.latest == "1.1.0"
    entry = json.loads((site.dataset / "index.json").read_bytes())["versions"][-1]
    assert any("repost_qqjl" in reason for reason in entry["forced"])
    assert "--force" in (site.dataset / "1.1.0" / "CHANGES.md").read_text(encoding="utf-8")


def _unlist(page_file: Path) -> None:
    """The site still serves the page but its list pages no longer link it."""
    page_file.write_text("listed = false\n" + page_file.read_text(encoding="utf-8"), encoding="utf-8")


def test_a_crawl_that_no_longer_reaches_pages_is_refused_and_removes_none_of_them(site: Site) -> None:
    served = [p for p in sorted((site.pages / "sc_meishan").glob("*.toml"))
              if "\nstatus = " not in p.read_text(encoding="utf-8")]
    for page_file in served[:2]:
        _unlist(page_file)
    shutil.rmtree(site.workdir / "captures" / "sc_meishan")  # a crawl from a new workdir: no earlier ledger
    live = [r for r in site.rows("1.0.0", "copies.csv") if r["source_id"] == "sc_meishan"]

    blocked = site.recrawl_and_release("sc_meishan")
    assert blocked.returncode == 1
    assert f"sc_meishan: its crawl did not ask for 2 of the {len(live)} pages" in blocked.stderr
    assert site.latest == "1.0.0"

    forced = site.gongwen("release", "--force")
    assert forced.returncode == 0, forced.stderr[-2000:]
    # The crawl cannot say where the two pages went: they are carried as they were, not removed.
    copies = [r for r in site.rows(site.latest, "copies.csv") if r["source_id"] == "sc_meishan"]
    assert {r["url"] for r in copies} == {r["url"] for r in live}
    assert not any(r["removed_from_source_at"] for r in copies)


def test_a_page_its_list_page_no_longer_links_is_removed_when_the_crawl_read_it(site: Site) -> None:
    pages = site.pages / "gd_province"  # one list page (the gkmlpt API's page 1)
    unlisted = pages / "2019-shuzi-zhengfu-gongzuo-yaodian.toml"
    _unlist(unlisted)
    text = (pages / "2024-xiandai-wuliu-shishi-yijian.toml").read_text(encoding="utf-8")
    text = text.replace("post_4432519", "post_4599001").replace("/4/4432/", "/4/4599/")
    text = text.replace("现代物流业", "智能网联汽车产业").replace("2024", "2026")
    (pages / "2026-new-notice.toml").write_text(text, encoding="utf-8")  # the list page brings a new link

    release = site.recrawl_and_release("gd_province")
    assert release.returncode == 0, release.stderr[-2000:]
    url = detail_url(get_source("gd_province"), load_page("gd_province", unlisted))
    *_, ledger = sorted((site.workdir / "captures" / "gd_province").glob("*.fetches.jsonl"))
    fetches = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
    assert url not in {f["url"] for f in fetches}  # not asked for: no list page links it
    lists = {f["url"] for f in fetches if f["kind"] == "list"}
    assert {f["listed_on"] for f in fetches if f["kind"] == "detail"} <= lists  # where each was found
    (copy,) = (r for r in site.rows(site.latest, "copies.csv") if r["url"] == url)
    assert copy["removed_from_source_at"] == max(f["fetched_at"] for f in fetches)[:19] + "Z"
