"""One notice, many copies, and its history, on two real crawls of the sample web.

The first crawl reads a copy of the sample web without the content farm's copy of a 眉山 notice; the
second reads it again after four changes: the farm's copy is back (a copy added), the 眉山 repost of
a State Council notice is gone (a copy lost), one gov.cn page has a changed paragraph and another
gov.cn page is gone. Each crawl is released; the site's pages are generated from the second release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import lxml.html
import pytest

from gongwen.crawlers.sampleweb.render import PAGES_DIR
from gongwen.pipelines.site.provenance import NO_LONGER_THERE, text_diff
from tests.test_release_crawls import Site, page_id
from tests.test_site import outside_html

REPOSTED = {  # one 国务院办公厅 notice on three sites, each in its own layout; the issuer's page first
    "govcn": "2021-guobanfa-chengshi-neilao-zhili-yijian.toml",
    "sc_meishan": "2021-repost-guobanfa-chengshi-neilao-zhili.toml",
    "sc_qingbaijiang": "2021-repost-guobanfa-chengshi-neilao-zhili.toml",
}
ALTERED = ("ha_xinxiang_gxq", "2020-repost-guofa-quxiao-xiafang-altered.toml")
ALTERED_OF = ("govcn", "2020-guofa-quxiao-xiafang-xingzheng-xuke.toml")
FARM = ("repost_qqjl", "2021-meishan-laojiu-xiaoqu-gaizao-yijian.toml")
FARMED = ("sc_meishan", "2021-laojiu-xiaoqu-gaizao-yijian.toml")
CHANGED = ("govcn", "2024-guobanhan-xianyu-yiliao-gongzuo-fangan.toml")
GONE = ("govcn", "2019-guobanhan-ranqi-anquan-lianxi-huiyi.toml")
OLD_SENTENCE = "每个县级医院至少与1家三级医院建立稳定的对口帮扶关系。"
NEW_SENTENCE = "每个县级医院至少与2家三级医院建立稳定的对口帮扶关系，帮扶期限不少于5年。"


def pid(source_id: str, name: str) -> str:
    return page_id(source_id, PAGES_DIR / source_id / name)


@dataclass(frozen=True)
class History:
    site: Site
    pages: dict[str, str]  # the notice pages' HTML by path, from the second release

    def table(self, version: str, name: str) -> list[dict[str, str]]:
        return self.site.rows(version, name)

    def copies(self, version: str, notice_id: str) -> list[dict[str, str]]:
        return [r for r in self.table(version, "copies.csv") if r["notice_id"] == notice_id]

    def record(self, version: str, notice_id: str) -> dict[str, object]:
        records = json.loads((self.site.dataset / version / "notices.json").read_bytes())
        found: dict[str, object] = next(r for r in records if r["id"] == notice_id)
        return found

    def page(self, notice_id: str) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.pages[f"notices/{notice_id}/"])


def crawl_and_release(site: Site, crawl_id: str, *sources: str) -> None:
    crawl = site.gongwen("crawl", *sources, "--crawl-id", crawl_id)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    release = site.gongwen("release")
    assert release.returncode == 0, release.stderr[-2000:]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    site = Site.copy_of_sample_web(tmp_path_factory.mktemp("history"))
    farm = site.pages / FARM[0] / FARM[1]
    farm_copy = farm.read_bytes()
    farm.unlink()
    crawl_and_release(site, "20260101T000000Z")

    farm.write_bytes(farm_copy)
    (site.pages / "sc_meishan" / REPOSTED["sc_meishan"]).unlink()
    changed = site.pages / CHANGED[0] / CHANGED[1]
    changed.write_text(changed.read_text(encoding="utf-8").replace(OLD_SENTENCE, NEW_SENTENCE), "utf-8")
    (site.pages / GONE[0] / GONE[1]).unlink()
    crawl_and_release(site, "20260201T000000Z", "govcn", "sc_meishan", "repost_qqjl")
    assert site.latest == "1.1.0"
    return History(site, outside_html(site.dataset))


def test_a_notice_on_three_sites_is_one_notice_with_the_issuers_page_canonical(history: History) -> None:
    notice = pid("govcn", REPOSTED["govcn"])
    copies = history.copies("1.0.0", notice)
    assert {(c["source_id"], c["canonical"]) for c in copies} == {
        ("govcn", "true"), ("sc_meishan", "false"), ("sc_qingbaijiang", "false")}
    assert copies[0]["source_id"] == "govcn"  # canonical first
    assert all(c["differs"] == "false" for c in copies)
    assert history.record("1.0.0", notice)["url"] == copies[0]["url"]
    ids = history.site.notice_ids("1.0.0")
    assert pid("sc_meishan", REPOSTED["sc_meishan"]) not in ids
    assert pid("sc_qingbaijiang", REPOSTED["sc_qingbaijiang"]) not in ids


def test_losing_a_copy_keeps_the_id_and_lists_the_copy_as_removed(history: History) -> None:
    notice = pid("govcn", REPOSTED["govcn"])
    by_source = {c["source_id"]: c for c in history.copies("1.1.0", notice)}
    assert by_source["govcn"]["canonical"] == "true"
    assert by_source["sc_meishan"]["removed_from_source_at"]
    assert not by_source["sc_qingbaijiang"]["removed_from_source_at"]
    assert history.record("1.1.0", notice)["removed_from_source_at"] is None  # its page is still there


def test_the_altered_copy_is_listed_and_flagged_and_the_site_shows_how_it_differs(history: History) -> None:
    notice = pid(*ALTERED_OF)
    (altered,) = (c for c in history.copies("1.0.0", notice) if c["source_id"] == ALTERED[0])
    assert (altered["canonical"], altered["differs"]) == ("false", "true")
    assert 0.5 < float(altered["similarity"]) < 1
    assert pid(*ALTERED) not in history.site.notice_ids("1.0.0")
    page = history.page(notice)
    rows = [" ".join(tr.text_content().split()) for tr in page.cssselect("table")[-1].cssselect("tbody tr")]
    assert any("www.xxgxq.gov.cn" in row and "text differs" in row for row in rows)
    diff = page.cssselect("details .gw-diff")[0]
    assert any("报送司法" in d.text_content() for d in diff.cssselect("del"))  # struck out …
    assert any("自行存档备查" in i.text_content() for i in diff.cssselect("ins"))  # … and put in


def test_the_content_farm_copy_is_listed_never_canonical_and_adding_it_keeps_the_id(history: History) -> None:
    notice = pid(*FARMED)
    assert [c["source_id"] for c in history.copies("1.0.0", notice)] == ["sc_meishan"]
    copies = history.copies("1.1.0", notice)
    assert [(c["source_id"], c["canonical"]) for c in copies] == [
        ("sc_meishan", "true"), ("repost_qqjl", "false")]
    assert pid(*FARM) not in history.site.notice_ids("1.1.0")
    changes = {r["id"]: json.loads(r["fields"]) for r in history.table("1.1.0", "changes.csv")}
    assert changes[notice] == ["copies"]
    # a farm page that is the only copy is its notice's record, flagged as a repost
    farm_only = [r for r in json.loads((history.site.dataset / "1.1.0" / "notices.json").read_bytes())
                 if r["source_id"] == "repost_qqjl"]
    assert farm_only
    assert all("repost" in {f["code"] for f in r["quality_flags"]} for r in farm_only)


def test_a_changed_page_keeps_both_texts_and_the_site_shows_the_diff(history: History) -> None:
    notice = pid(*CHANGED)
    texts = [r for r in history.table("1.1.0", "versions.csv") if r["notice_id"] == notice]
    assert len(texts) == 2
    assert OLD_SENTENCE in texts[0]["body_text"]
    assert NEW_SENTENCE in texts[1]["body_text"]
    assert texts[0]["last_seen"] < texts[1]["first_seen"]
    assert history.record("1.1.0", notice)["content_sha256"] == texts[1]["content_sha256"]
    changes = {r["id"]: json.loads(r["fields"]) for r in history.table("1.1.0", "changes.csv")}
    assert "body_text" in changes[notice]
    page = history.page(notice)
    heading = next(h for h in page.cssselect("h2") if "Text history" in h.text_content())
    diff = heading.getparent().cssselect("details[open] .gw-diff")[0]
    assert [d.text_content() for d in diff.cssselect("del")] == ["1"]
    assert [i.text_content() for i in diff.cssselect("ins")] == ["2", "，帮扶期限不少于5年"]


def test_a_page_gone_from_its_source_stays_published_and_the_site_says_so(history: History) -> None:
    notice = pid(*GONE)
    before, after = history.record("1.0.0", notice), history.record("1.1.0", notice)
    assert before["removed_from_source_at"] is None
    assert after["removed_from_source_at"]
    assert after | {"removed_from_source_at": None} == before  # as last read, validity included
    (copy,) = history.copies("1.1.0", notice)
    assert copy["removed_from_source_at"] == after["removed_from_source_at"]
    page = history.page(notice)
    banner = page.cssselect(".admonition.warning")[0]
    assert NO_LONGER_THERE in banner.text_content()
    stamp = "".join(filter(str.isdigit, str(before["retrieved_at"])))
    assert [a.get("href") for a in banner.cssselect("a")] == [f"https://web.archive.org/web/{stamp}/{before['url']}"]
    assert not history.page(pid(*CHANGED)).cssselect(".admonition.warning")


def test_ids_are_stable_across_the_two_crawls(history: History) -> None:
    assert history.site.notice_ids("1.1.0") == history.site.notice_ids("1.0.0")
    first = {r["url"]: r["notice_id"] for r in history.table("1.0.0", "copies.csv")}
    second = {r["url"]: r["notice_id"] for r in history.table("1.1.0", "copies.csv")}
    assert {url: second[url] for url in first} == first
    farm = {c["url"] for c in history.copies("1.1.0", pid(*FARMED)) if c["source_id"] == FARM[0]}
    assert set(second) - set(first) == farm


def test_a_diff_holds_both_texts_as_text() -> None:
    """Without its <del> the changed paragraph reads as the new text, without its <ins> as the old."""
    old, new = "<b>旧的</b>一段", "<script>alert(1)</script>一段"
    html = "".join(text_diff(f"第一段\n{old}", f"第一段\n{new}"))
    assert not lxml.html.fromstring(html).cssselect("script, b")
    for struck, kept in (("del", new), ("ins", old)):
        diff = lxml.html.fromstring(html)
        for element in diff.cssselect(struck):
            element.drop_tree()
        assert diff.cssselect("p")[-1].text_content() == kept
