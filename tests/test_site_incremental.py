"""The site built again: the pages written outside mkdocs into shells, kept in a cache beside the site
and rendered again only when what they are made from changed; the search index's shards, the
notices' listings and the value pages' rows kept; and downloads checked against their hashes.

One scenario runs the real mkdocs night after night into one site folder, as versions of a dataset
are published (a notice edited, one added, a cited notice arriving, a copy found elsewhere, a notice
fetched again, an old version's folder deleted), and compares the result with a site built once from
an empty cache: they must be the same files, byte for byte. The others call the writer on a
hand-made shell.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from gongwen.crawlers.registry import load_sources
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import publish
from gongwen.pipelines.run import Workdir, build_site
from gongwen.pipelines.site import listing
from gongwen.pipelines.site.browse import KeptRows, browse_value_pages
from gongwen.pipelines.site.markup import HtmlPage
from gongwen.pipelines.site.page_cache import read_kept, rendering_fingerprint, set_aside, write_pages
from gongwen.pipelines.site.release_data import LISTINGS, load_release, verified, version_files
from gongwen.pipelines.site.shells import CONTENT_MARK, SHELL, TITLE_MARK, OutsidePage, Shell
from tests.conftest import make_notice
from tests.test_release_policy import CITED, citing
from tests.test_site import (
    GOVCN,
    HOSTILE_NOTICE,
    HOSTILE_TITLE,
    MEISHAN,
    SHANDONG,
    SHANDONG_EDITED,
    mkdocs_build,
    new_dataset,
)
from tests.test_site_policy import HOSTILE_PLAN

SHELL_HTML = (
    '<html><head><link rel="canonical" href="https://example.org/notices/gw-shell/">'
    f"<title>{TITLE_MARK} - site</title></head><body><p>{TITLE_MARK}</p>{CONTENT_MARK}</body></html>"
)
PLAN = citing(1, HOSTILE_PLAN)  # cites CITED, which arrives in the second version
REPOST = make_notice(  # GOVCN on another site: a copy of it, found in the third version
    "https://www.ms.gov.cn/info/1046/5329250.htm", title=GOVCN.title, doc_number=GOVCN.doc_number,
    doc_number_raw=GOVCN.doc_number_raw, doc_number_parts=GOVCN.doc_number_parts,
    issuing_agency="国务院", doc_type="批复", written_date="2018-09-24", published_date="2018-10-16",
)
MEISHAN_AGAIN = MEISHAN.model_copy(update={"retrieved_at": datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)})
NIGHTS: list[list[Notice]] = [
    [MEISHAN, GOVCN, SHANDONG, PLAN],
    [MEISHAN, GOVCN, SHANDONG_EDITED, PLAN, CITED],  # PLAN's citation now links: PLAN is not "updated"
    [MEISHAN_AGAIN, GOVCN, SHANDONG_EDITED, PLAN, CITED, HOSTILE_NOTICE, REPOST],  # fetched again: not
]


@dataclass(frozen=True)
class Nights:
    site: Path  # built after each version, and after version 1.0.0's folder was deleted
    fresh: Path  # built once, from an empty cache, from the same dataset
    inodes: list[dict[str, int]]  # after each build: notice id -> inode of its page

    def changed(self, night: int) -> set[str]:
        """The notices whose page the build of ``night`` wrote anew (1: the second build)."""
        before, after = self.inodes[night - 1], self.inodes[night]
        return {notice for notice, inode in after.items() if before.get(notice) != inode}


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    tmp = tmp_path_factory.mktemp("nights")
    dataset, site = new_dataset(tmp / "notices"), tmp / "site"
    inodes = []
    for notices in [*NIGHTS, []]:
        if notices:
            publish(dataset, notices)
        else:  # a night without a version: an old version's folder deleted, its changes not known
            shutil.rmtree(dataset.folder / "1.0.0")
        build_site(Workdir(tmp), dataset.folder)  # into the folder not served, then swapped in
        inodes.append({p.parent.name: p.stat().st_ino for p in site.glob("notices/*/index.html")})
    (tmp / "fresh").mkdir()
    mkdocs_build(dataset.folder, tmp / "fresh" / "site")
    return Nights(site, tmp / "fresh" / "site", inodes)


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a site, by path."""
    paths = (p for p in sorted(site.rglob("*")) if p.is_file())
    return {str(p.relative_to(site)): p.read_bytes() for p in paths}


def _searched(site: Path) -> dict[str, int]:
    """Each shard's notice count (in its table), as the search page loads them."""
    counts = {}
    for shard in json.loads((site / "searchindex" / "shards.json").read_text(encoding="utf-8")):
        table = json.loads(gzip.decompress((site / "searchindex" / shard / "table.gz").read_bytes()))
        counts[shard] = table["notices"]
    return counts


def test_a_site_built_night_after_night_is_the_site_built_at_once(nights: Nights) -> None:
    incremental, fresh = _files(nights.site), _files(nights.fresh)
    assert sorted(incremental) == sorted(fresh)
    assert [path for path in incremental if incremental[path] != fresh[path]] == []
    assert _searched(nights.site) == _searched(nights.fresh)
    notices = [gzip.decompress(data) for path, data in incremental.items() if "/d/" in path]
    records = {json.loads(notice)["id"] for notice in notices}
    assert records == {n.id for n in (MEISHAN, GOVCN, SHANDONG, PLAN, CITED, HOSTILE_NOTICE)}


def test_a_night_renders_only_the_pages_whose_inputs_changed(nights: Nights) -> None:
    assert nights.changed(1) == {SHANDONG.id, CITED.id, PLAN.id}  # PLAN: its citation links to CITED
    assert nights.changed(2) == {MEISHAN.id, GOVCN.id, HOSTILE_NOTICE.id}  # retrieved again; a new copy
    assert nights.changed(3) == set(nights.inodes[3])  # every page lists 1.0.0 as "not recorded"
    page = lxml.html.parse(str(nights.site / "notices" / PLAN.id / "index.html")).getroot()
    assert page.cssselect(".gw-policy li a")[0].get("href") == f"../../notices/{CITED.id}/"
    page = lxml.html.parse(str(nights.site / "notices" / MEISHAN.id / "index.html")).getroot()
    assert "2026-02-03T04:05:06Z" in page.cssselect(".gw-notice")[0].text_content()


def test_pages_written_outside_mkdocs_have_their_own_address_and_no_shell_is_left(nights: Nights) -> None:
    assert not list(nights.site.rglob(SHELL))
    page = lxml.html.parse(str(nights.site / "notices" / MEISHAN.id / "index.html")).getroot()
    assert page.cssselect('link[rel="canonical"]')[0].get("href").endswith(f"/notices/{MEISHAN.id}/")
    assert page.find(".//title").text_content() == f"{MEISHAN.title} - gongwen 公文"
    assert page.cssselect('head link[type="application/atom+xml"]')[0].get("href") == "../../feed.xml"
    assert (nights.site / "browse" / "source" / "sc_meishan" / "index.html").is_file()
    hostile = lxml.html.parse(str(nights.site / "notices" / HOSTILE_NOTICE.id / "index.html")).getroot()
    assert hostile.cssselect("article h1")[0].text_content() == HOSTILE_TITLE
    sitemap = (nights.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/notices/{MEISHAN.id}/</loc>" in sitemap
    assert "/browse/source/sc_meishan/</loc>" in sitemap
    assert SHELL not in sitemap


def _shell_site(tmp_path: Path) -> Path:
    """A site folder as mkdocs leaves it: the shell of ``notices/``."""
    site = tmp_path / "site"
    (site / "notices" / SHELL).mkdir(parents=True, exist_ok=True)
    (site / "notices" / SHELL / "index.html").write_text(SHELL_HTML, encoding="utf-8")
    return site


def test_the_shell_takes_the_title_escaped_and_leaves_markers_in_scraped_text_alone() -> None:
    shell = Shell(SHELL_HTML, "notices/gw-shell/")
    hostile = HtmlPage(f"<script>{CONTENT_MARK}", f"<p>{TITLE_MARK}</p>")
    html = shell.fill("notices/0123456789abcdef/", hostile)
    assert '<link rel="canonical" href="https://example.org/notices/0123456789abcdef/">' in html
    assert "<title>＜script＞＜h1＞gw-shell-content＜/h1＞ - site</title>" in html
    assert html.endswith(f"<p>{TITLE_MARK}</p></body></html>")


def test_a_shell_without_its_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="lost its markers"):
        Shell(SHELL_HTML.replace(CONTENT_MARK, ""), "notices/gw-shell/")


def test_the_writer_renders_only_new_inputs_and_removes_pages_no_longer_written(tmp_path: Path) -> None:
    rendered: list[str] = []

    def page(name: str, text: str) -> OutsidePage:
        def render() -> HtmlPage:
            rendered.append(name)
            return HtmlPage(name, f"<p>{text}</p>")
        return OutsidePage(f"notices/{name}/", text.encode(), render)

    site, cache = _shell_site(tmp_path), tmp_path / "cache"
    write_pages(site, [page("a", "1"), page("b", "1")], ["notices/"], cache, b"code")
    assert rendered == ["a", "b"]
    set_aside(site, ["notices/"], cache / "aside")  # the pre_build hook; then mkdocs empties the site
    shutil.rmtree(site)
    _shell_site(tmp_path)
    digests = write_pages(site, [page("a", "2"), page("c", "1")], ["notices/"], cache, b"code")
    assert rendered == ["a", "b", "a", "c"]
    assert sorted(p.name for p in (site / "notices").iterdir()) == ["a", "c"]
    assert "<p>2</p>" in (site / "notices" / "a" / "index.html").read_text(encoding="utf-8")
    assert len(list((cache / "pages").glob("*/*.html"))) == len(digests) == 2
    _shell_site(tmp_path)
    write_pages(site, [page("a", "2"), page("c", "1")], ["notices/"], cache, b"other code")
    assert rendered == ["a", "b", "a", "c", "a", "c"]


def test_a_download_that_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    dataset = new_dataset(tmp_path / "notices")
    folder = publish(dataset, [MEISHAN]).folder
    known: dict[str, list[object]] = {}
    files = {f.name: f for f in version_files(folder)}
    for file in files.values():
        verified(file, known)
    assert len(known) == len(files)
    target = files["notices.csv"]
    assert known[str(target.path)][3] == hashlib.sha256(target.path.read_bytes()).hexdigest()
    target.path.chmod(0o644)  # published read-only: changed by someone who may
    target.path.write_bytes(target.path.read_bytes() + b"x")  # changed after it was checked: checked again
    with pytest.raises(ValueError, match="does not match"):
        verified(target, known)


def test_a_release_read_again_parses_only_the_lines_it_has_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset, cache = new_dataset(tmp_path / "notices"), tmp_path / "cache"
    parsed: list[str] = []

    def read_line(line: bytes) -> listing.Listing:
        found = reading(line)
        parsed.append(found[0]["id"])
        return found

    reading = listing.read_line
    monkeypatch.setattr(listing, "read_line", read_line)
    publish(dataset, [MEISHAN, GOVCN, SHANDONG])
    assert load_release(dataset.folder, cache) is not None
    assert sorted(parsed) == sorted([MEISHAN.id, GOVCN.id, SHANDONG.id])
    parsed.clear()
    publish(dataset, [MEISHAN, GOVCN, SHANDONG_EDITED, HOSTILE_NOTICE])
    again = load_release(dataset.folder, cache)
    assert sorted(parsed) == sorted([SHANDONG.id, HOSTILE_NOTICE.id])  # an edited line, a new one
    whole = load_release(dataset.folder)  # every line parsed
    assert again is not None
    assert whole is not None
    assert (again.notices, again.filled, again.digests, again.lines) == (
        whole.notices, whole.filled, whole.digests, whole.lines)
    assert {n["id"] for n in again.notices} == {MEISHAN.id, GOVCN.id, SHANDONG.id, HOSTILE_NOTICE.id}
    assert "body_text" in again.filled[SHANDONG.id]
    assert "body_text" not in again.notices[0]
    kept = read_kept(cache / LISTINGS, rendering_fingerprint())
    assert sorted(kept) == sorted(again.digests.values())  # the listings of this release only


def test_value_pages_reuse_the_rows_of_unchanged_records_only(tmp_path: Path) -> None:
    dataset, rows = new_dataset(tmp_path / "notices"), tmp_path / "rows.marshal"
    sources = load_sources()

    def pages(kept: KeptRows | None) -> dict[str, str]:
        release = load_release(dataset.folder)
        assert release is not None
        return {page.path: page.render().html for page in browse_value_pages(release, sources, kept)}

    def kept(fingerprint: bytes = b"code") -> KeptRows:
        release = load_release(dataset.folder)
        assert release is not None
        return KeptRows(rows, fingerprint, release.digests)

    publish(dataset, [MEISHAN, GOVCN, SHANDONG])
    first = kept()
    pages(first)
    first.save()
    publish(dataset, [MEISHAN, GOVCN, SHANDONG_EDITED, HOSTILE_NOTICE])
    second = kept()
    assert sorted(second.rows()) == sorted([MEISHAN.id, GOVCN.id])  # not the edited nor the new one
    assert pages(second) == pages(None)
    second.save()
    assert len(kept().rows()) == 4
    assert kept(b"other code").rows() == {}
