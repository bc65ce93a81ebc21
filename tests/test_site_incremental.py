"""The site built again: the pages written outside mkdocs into shells, kept in a cache beside the site
and rendered again only when what they are made from changed; downloads checked against their hashes.

One scenario runs the real mkdocs twice into the same folder: from a release of three notices, then
from a dataset whose 1.1.0 has one of them edited, another gone (releases keep every notice, so it
is another dataset) and one added. The others call the writer on a hand-made shell.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest

from pipelines.release import publish
from pipelines.site.markup import HtmlPage
from pipelines.site.page_cache import set_aside, write_pages
from pipelines.site.release_data import verified, version_files
from pipelines.site.shells import CONTENT_MARK, SHELL, TITLE_MARK, OutsidePage, Shell
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

SHELL_HTML = (
    '<html><head><link rel="canonical" href="https://example.org/notices/gw-shell/">'
    f"<title>{TITLE_MARK} - site</title></head><body><p>{TITLE_MARK}</p>{CONTENT_MARK}</body></html>"
)


@dataclass(frozen=True)
class TwoBuilds:
    site: Path
    first: dict[str, int]  # notice id -> inode of its page after the first build


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> TwoBuilds:
    tmp = tmp_path_factory.mktemp("incremental")
    site = tmp / "site"
    before = new_dataset(tmp / "before")
    publish(before, [MEISHAN, GOVCN, SHANDONG])
    mkdocs_build(before.folder, site)
    first = {n.id: (site / "notices" / n.id / "index.html").stat().st_ino for n in (MEISHAN, GOVCN, SHANDONG)}
    after = new_dataset(tmp / "after")
    publish(after, [MEISHAN, SHANDONG])
    publish(after, [MEISHAN, SHANDONG_EDITED, HOSTILE_NOTICE])
    mkdocs_build(after.folder, site)
    return TwoBuilds(site, first)


def test_a_second_build_shows_the_new_release_and_renders_only_what_changed(rebuilt: TwoBuilds) -> None:
    notices = rebuilt.site / "notices"
    assert not (notices / GOVCN.id).exists()
    page = lxml.html.parse(str(notices / HOSTILE_NOTICE.id / "index.html")).getroot()
    assert page.cssselect("article h1")[0].text_content() == HOSTILE_TITLE
    edited = lxml.html.parse(str(notices / SHANDONG.id / "index.html")).getroot()
    assert "会议部署了下一阶段安全生产工作。" in edited.cssselect(".gw-body")[0].text_content()
    assert "1.1.0" in edited.cssselect(".gw-notice")[0].text_content()  # its versions list
    assert (notices / SHANDONG.id / "index.html").stat().st_ino != rebuilt.first[SHANDONG.id]
    # the unchanged notice's page is the file the first build wrote: not rendered again
    assert (notices / MEISHAN.id / "index.html").stat().st_ino == rebuilt.first[MEISHAN.id]


def test_pages_written_outside_mkdocs_have_their_own_address_and_no_shell_is_left(rebuilt: TwoBuilds) -> None:
    assert not list(rebuilt.site.rglob(SHELL))
    page = lxml.html.parse(str(rebuilt.site / "notices" / MEISHAN.id / "index.html")).getroot()
    assert page.cssselect('link[rel="canonical"]')[0].get("href").endswith(f"/notices/{MEISHAN.id}/")
    assert page.find(".//title").text_content() == f"{MEISHAN.title} - gongwen 公文"
    assert page.cssselect('head link[type="application/atom+xml"]')[0].get("href") == "../../feed.xml"
    assert (rebuilt.site / "browse" / "source" / "sc_meishan" / "index.html").is_file()
    sitemap = (rebuilt.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/notices/{MEISHAN.id}/</loc>" in sitemap
    assert "/browse/source/sc_meishan/</loc>" in sitemap
    assert GOVCN.id not in sitemap
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
    target.path.write_bytes(target.path.read_bytes() + b"x")  # changed after it was checked: checked again
    with pytest.raises(ValueError, match="does not match"):
        verified(target, known)
