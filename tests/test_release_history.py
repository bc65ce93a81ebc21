"""What a release carries from version to version, on notices and crawls described directly: merges,
fetch failures that say nothing, and versions published before the copies and versions tables."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gongwen.crawlers.registry import get_source
from gongwen.pipelines.ledger import Outcome
from gongwen.pipelines.notice import Notice, notice_id
from gongwen.pipelines.read.resolve import SourceCrawl
from gongwen.pipelines.release import Dataset, publish, release_crawls
from gongwen.pipelines.release.history import Previous
from tests.conftest import ROOT
from tests.test_dedupe import BODY, GOVCN_URL, ISSUER_URL, notice
from tests.test_release import meishan_notices


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    return Dataset.load(tmp_path)


def test_two_notices_found_to_be_one_keep_the_older_id_and_withdraw_the_other(dataset: Dataset) -> None:
    issuer = notice(ISSUER_URL, "sc_meishan", retrieved_at=datetime(2026, 1, 1, tzinfo=UTC))
    stub = notice(GOVCN_URL, "govcn", title="地方政策文件", doc_number=None, doc_number_raw=None,
                  doc_number_parts=None, body_text="详见附件。")  # nothing says it is the same document
    publish(dataset, [issuer, stub])
    mirror = notice(GOVCN_URL, "govcn")  # the mirror now carries the whole text
    published = publish(dataset, [issuer, mirror])

    changes = {r["id"]: r for r in rows(published.folder, "changes.csv")}
    assert {nid: r["change"] for nid, r in changes.items()} == {issuer.id: "updated", stub.id: "withdrawn"}
    assert json.loads(changes[issuer.id]["fields"]) == ["copies"]
    assert changes[stub.id]["title"] == "地方政策文件"  # described as it last was
    assert [(c["notice_id"], c["url"], c["canonical"]) for c in rows(published.folder, "copies.csv")] == [
        (issuer.id, ISSUER_URL, "true"), (issuer.id, GOVCN_URL, "false")]
    assert "## Withdrawn (1)" in (published.folder / "CHANGES.md").read_text(encoding="utf-8")


def crawl(
    notices: list[Notice], failed: dict[str, int], when: str,
    lists: dict[str, int] | None = None, listed_before: dict[str, str] | None = None,
) -> SourceCrawl:
    """A crawl of sc_meishan that read ``notices``, failed on the URLs of ``failed`` (with the status),
    asked for the list pages ``lists`` (with the status: 200 read, else failed), and whose earlier crawls
    found pages on list pages (``listed_before``)."""
    source = get_source("sc_meishan").model_copy(update={"expected_min": 1})
    outcomes = [
        Outcome("sc_meishan", str(n.url), "detail", "published", "", 200, n.id, when) for n in notices
    ] + [Outcome("sc_meishan", url, "detail", "failed", f"HTTP {status}", status, None, when)
         for url, status in failed.items()]
    outcomes += [Outcome("sc_meishan", url, "list", "followed" if status == 200 else "failed",
                         "" if status == 200 else f"HTTP {status}", status, None, when)
                 for url, status in (lists or {}).items()]
    crawl_id = when.replace("-", "").replace(":", "")[:15] + "Z"
    return SourceCrawl(source, crawl_id, notices, outcomes, listed_before=listed_before or {})


def test_a_failed_fetch_says_nothing_about_a_page_and_a_404_says_it_is_gone(tmp_path: Path) -> None:
    text = (ROOT / "datasets" / "notices" / "dataset.toml").read_text(encoding="utf-8")
    sources_line = next(line for line in text.splitlines() if line.startswith("sources = "))
    (tmp_path / "dataset.toml").write_text(text.replace(sources_line, 'sources = ["sc_meishan"]'), "utf-8")
    dataset = Dataset.load(tmp_path)
    *kept, lost = meishan_notices(5)
    release_crawls(dataset, [crawl([*kept, lost], {}, "2026-01-02T03:04:05Z")])

    unchanged = release_crawls(dataset, [crawl(kept, {str(lost.url): 503}, "2026-02-02T03:04:05Z")])
    assert (unchanged.version, unchanged.new) == ("1.0.0", False)

    gone = release_crawls(dataset, [crawl(kept, {str(lost.url): 404}, "2026-03-02T03:04:05Z")])
    assert gone.version == "1.1.0"
    records = {r["id"]: r for r in json.loads((gone.folder / "notices.json").read_bytes())}
    assert records[lost.id]["removed_from_source_at"] == "2026-03-02T03:04:05Z"
    assert [r["id"] for r in rows(gone.folder, "changes.csv")] == [lost.id]


def test_a_page_its_list_page_no_longer_links_is_removed_only_when_the_crawl_read_its_listing(
    tmp_path: Path,
) -> None:
    text = (ROOT / "datasets" / "notices" / "dataset.toml").read_text(encoding="utf-8")
    sources_line = next(line for line in text.splitlines() if line.startswith("sources = "))
    (tmp_path / "dataset.toml").write_text(text.replace(sources_line, 'sources = ["sc_meishan"]'), "utf-8")
    dataset = Dataset.load(tmp_path)
    *kept, unlisted = meishan_notices(5)
    first, second = "https://www.ms.gov.cn/zwgk/zcwj/szfbwj.htm", "https://www.ms.gov.cn/zwgk/zcwj/szfbwj/2.htm"
    release_crawls(dataset, [crawl([*kept, unlisted], {}, "2026-01-02T03:04:05Z", {first: 200, second: 200})])
    before = {str(unlisted.url): second}  # the list page that linked it, as the earlier crawl recorded

    # Not asked for again, but the crawl cannot say it is gone: the list page that linked it failed; another
    # list page failed (it may have moved there); no earlier crawl recorded where it was listed.
    for lists, listed in [({first: 200, second: 500}, before), ({first: 500, second: 200}, before),
                          ({first: 200, second: 200}, {})]:
        carried = release_crawls(dataset, [crawl(kept, {}, "2026-02-02T03:04:05Z", lists, listed)])
        assert (carried.version, carried.new) == ("1.0.0", False)

    read = {first: 200, second: 200}
    gone = release_crawls(dataset, [crawl(kept, {}, "2026-03-02T03:04:05Z", read, before)])
    assert gone.version == "1.1.0"
    records = {r["id"]: r for r in json.loads((gone.folder / "notices.json").read_bytes())}
    assert records[unlisted.id]["removed_from_source_at"] == "2026-03-02T03:04:05Z"


def test_a_version_older_than_the_copies_table_still_gives_each_page_its_history(dataset: Dataset) -> None:
    first = publish(dataset, [notice(ISSUER_URL, "sc_meishan")]).folder
    descriptor = json.loads((first / "datapackage.json").read_bytes())
    for name in ("copies.csv", "versions.csv"):  # as published before those tables existed
        (first / name).unlink()
    old = [r for r in descriptor["resources"] if r["path"] not in ("copies.csv", "versions.csv")]
    descriptor["resources"] = old
    (first / "datapackage.json").chmod(0o644)
    (first / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert [(c.notice_id, c.url, c.canonical) for c in Previous.load(first).copies] == [
        (notice_id(ISSUER_URL), ISSUER_URL, True)]

    edited = notice(ISSUER_URL, "sc_meishan", body_text=BODY + "\n（此件公开发布）",
                    retrieved_at=datetime(2026, 2, 1, tzinfo=UTC))
    second = publish(dataset, [edited]).folder
    texts = rows(second, "versions.csv")
    assert [t["body_text"] for t in texts] == [BODY, edited.body_text]
    assert [t["first_seen"] for t in texts] == ["2026-01-02T03:04:05Z", "2026-02-01T00:00:00Z"]
