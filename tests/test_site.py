"""The site: `mkdocs build --strict` on a small release and on a fresh clone, and what users rely on.

Each scenario is built once (module-scoped fixtures) by the real mkdocs in a subprocess, with
GONGWEN_DATASET pointing at a dataset folder in tmp. One notice is hostile: its scraped fields hold
scripts, event handlers, javascript: links and template syntax, which must reach the page as text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
import yaml

from gongwen.crawlers.registry import PROVINCES, load_sources
from gongwen.pipelines.notice import FlagCode, Notice
from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.schema import schema_path
from gongwen.pipelines.site.generate import generate, outside_pages
from gongwen.pipelines.site.markup import external_link, front_matter, web_url
from gongwen.pipelines.site.pages import FLAG_EXPLANATIONS
from gongwen.pipelines.site.reference import sources_page
from gongwen.pipelines.site.release_data import load_release, source_checks
from tests.conftest import BIN, ROOT, make_notice

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "{{ config }}",
    "{% raw %}",
)
HOSTILE_TITLE = "关于" + " ".join(HOSTILE) + "的通知"


MEISHAN = make_notice(
    "https://www.ms.gov.cn/info/1046/10001.htm",
    doc_number="眉府办发〔2022〕17号",
    doc_number_raw="眉府办发[2022]17号",
    doc_number_parts={"issuer_code": "眉府办发", "year": 2022, "serial": 17},
    index_number="971045726/szfb/2022-00078",
    issuing_agency="眉山市人民政府办公室",
    written_date="2022-03-29",
    published_date="2022-03-30",
    validity="有效",
    addressees=["各县（区）人民政府", "市级各部门"],
    attachments=[{"title": "防汛工作责任表.xls", "url": "https://www.ms.gov.cn/files/a.xls"}],
    quality_flags=[{"code": "doc_number_nonstandard", "message": "printed with [] brackets"}],
)
GOVCN = make_notice(
    "https://www.gov.cn/zhengce/content/2018-10/10/content_5329250.htm",
    source_id="govcn",
    title="国务院关于同意设立中国（海南）自由贸易试验区的批复",
    doc_number="国函〔2018〕119号",
    doc_number_raw="国函〔2018〕119号",
    doc_number_parts={"issuer_code": "国函", "year": 2018, "serial": 119},
    issuing_agency="国务院",
    doc_type="批复",
    written_date="2018-09-24",
    published_date="2018-10-16",
)
SHANDONG = make_notice(
    "http://www.shandong.gov.cn/art/2024/5/1/art_97564_1.html",
    source_id="sd_province",
    title="全省安全生产工作会议召开",
    doc_type=None,
    published_date="2024-05-01",
)
SHANDONG_EDITED = make_notice(
    str(SHANDONG.url),
    source_id="sd_province",
    title=SHANDONG.title,
    doc_type=None,
    published_date="2024-05-01",
    body_text="各有关单位：\n会议部署了下一阶段安全生产工作。",
)
HOSTILE_NOTICE = make_notice(
    "http://www.qbj.gov.cn/qbjq/c142988/2025-01/01/content_1.shtml",
    source_id="sc_qingbaijiang",
    title=HOSTILE_TITLE,
    body_text="\n".join(HOSTILE),
    doc_number="<script>alert(1)</script>〔2025〕1号",
    doc_number_raw="<img src=x onerror=alert(1)>〔2025〕1号",
    doc_number_parts={"issuer_code": "<script>alert(1)</script>", "year": 2025, "serial": 1},
    index_number="{{ config }}",
    issuing_agency="<img src=x onerror=alert(1)>",
    genre="{% raw %}",
    published_date="2025-01-01",
    topic="[click](javascript:alert(1))",
    addressees=["<script>alert(1)</script>", "[click](javascript:alert(1))"],
    attachments=[{"title": "<img src=x onerror=alert(1)>", "url": 'https://www.qbj.gov.cn/a.pdf?x="><script>alert(1)</script>'}],
    quality_flags=[{"code": "spam_injection", "message": "<script>alert(1)</script>"}],
)


@dataclass(frozen=True)
class Built:
    dataset: Path
    site: Path

    def html(self, path: str) -> Any:
        return lxml.html.parse(str(self.site / path)).getroot()

    def text(self, path: str) -> str:
        return " ".join(self.html(path).cssselect("article")[0].text_content().split())


def new_dataset(folder: Path) -> Dataset:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", folder)
    return Dataset.load(folder)


def mkdocs_build(dataset: Path, out: Path) -> None:
    env = {**os.environ, "GONGWEN_DATASET": str(dataset), "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true"}
    result = subprocess.run(
        [BIN / "mkdocs", "build", "--strict", "-f", ROOT / "mkdocs.yml", "-d", out],
        capture_output=True, text=True, check=False, env=env, cwd=out.parent, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]


def build_released(tmp: Path) -> Built:
    """Version 1.0.0 with three notices; 1.1.0 adds the hostile one and edits the Shandong body."""
    dataset = new_dataset(tmp / "notices")
    assert publish(dataset, [MEISHAN, GOVCN, SHANDONG]).version == "1.0.0"
    assert publish(dataset, [MEISHAN, GOVCN, SHANDONG_EDITED, HOSTILE_NOTICE]).version == "1.1.0"
    mkdocs_build(dataset.folder, tmp / "site")
    return Built(dataset.folder, tmp / "site")


def outside_html(dataset: Path) -> dict[str, str]:
    """The pages written outside mkdocs (pipelines/site/shells.py), by path: their article's HTML."""
    release = load_release(dataset)
    assert release is not None
    return {page.path: page.render().html for page in outside_pages(release, load_sources())}


def unresolved_links(built: Built, page: str) -> list[str]:
    """The links of a page's article to this site that lead to no file."""
    missing = []
    for a in built.html(page).cssselect("article a[href]"):
        href = a.get("href")
        if urlsplit(href).scheme or href.startswith("#"):
            continue
        target = (built.site / page).parent / unquote(urlsplit(href).path)
        target = target / "index.html" if href.split("#")[0].endswith("/") else target
        if not target.resolve().is_file():
            missing.append(href)
    return missing


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_released(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> Built:
    tmp = tmp_path_factory.mktemp("empty")
    dataset = new_dataset(tmp / "notices")
    mkdocs_build(dataset.folder, tmp / "site")
    return Built(dataset.folder, tmp / "site")


# --- what users rely on -----------------------------------------------------------------------------


def test_every_notice_has_a_permanent_page_with_its_number_dates_and_source_link(released: Built) -> None:
    page = f"notices/{MEISHAN.id}/index.html"
    text = released.text(page)
    assert MEISHAN.title in text
    assert "眉府办发〔2022〕17号" in text
    assert "眉府办发[2022]17号" in text  # the raw 文号, as it differs
    assert "971045726/szfb/2022-00078" in text
    assert "2022-03-29" in text
    assert "2022-03-30" in text
    assert "各县（区）人民政府、市级各部门" in text
    assert "2026-01-02T03:04:05Z" in text
    assert "sc_meishan" in text
    assert "文号写法不符合" in text  # the quality flag in plain words
    hrefs = [a.get("href") for a in released.html(page).cssselect("article a")]
    assert str(MEISHAN.url) in hrefs
    assert "https://www.ms.gov.cn/files/a.xls" in hrefs
    assert f"https://web.archive.org/web/20260102030405/{MEISHAN.url}" in hrefs  # the archived copy
    paragraphs = [p.text_content() for p in released.html(page).cssselect(".gw-body p")]
    assert paragraphs == MEISHAN.body_text.split("\n")
    for notice in (GOVCN, SHANDONG, HOSTILE_NOTICE):
        assert (released.site / "notices" / notice.id / "index.html").exists()


def test_a_notice_page_lists_the_versions_in_which_it_changed(released: Built) -> None:
    def versions(notice: Notice) -> list[str]:
        page = released.html(f"notices/{notice.id}/index.html")
        heading = next(h for h in page.cssselect("article h2") if "Versions" in h.text_content())
        return [" ".join(li.text_content().split()) for li in heading.getnext().cssselect("li")]

    assert versions(MEISHAN) == ["1.0.0 新增 added"]
    assert versions(SHANDONG) == ["1.0.0 新增 added", "1.1.0 更新 updated：body_text、content_sha256"]
    assert versions(HOSTILE_NOTICE) == ["1.1.0 新增 added"]


def test_notice_pages_do_not_embed_the_other_notices(released: Built) -> None:
    """A page's size must not grow with the corpus: no navigation of every notice in any page."""
    for path in _built_pages(released.site):
        if path.parent.parent.name == "notices":
            links = {a.get("href") for a in lxml.html.parse(str(path)).getroot().iter("a")}
            others = {n.id for n in (MEISHAN, GOVCN, SHANDONG, HOSTILE_NOTICE)} - {path.parent.name}
            assert not [h for h in links if h and any(i in h for i in others)], path


def test_home_page_counts_notices_per_source_and_lists_the_newest(released: Built) -> None:
    home = released.html("index.html")
    rows = {
        row.cssselect("td")[0].text_content(): row.cssselect("td")[-1].text_content()
        for row in home.cssselect(".gw-sources tbody tr")
    }
    assert rows["眉山市人民政府 政府信息公开"] == "1"
    assert rows["中国政府网 政策文件库"] == "1"
    # A source without notices is counted below, and listed on the sources page.
    assert "新乡高新技术产业开发区管理委员会 政策文件" not in rows
    waiting = len(load_sources()) - 4  # the 4 notices come from 4 sources
    more = f"另有 {waiting} 个来源尚无公文 · {waiting} more registered sources have no notices yet"
    assert rows[more] == "0"
    assert rows["合计 Total"] == "4"
    newest = [row.cssselect("td")[3].text_content() for row in home.cssselect(".gw-notices tbody tr")]
    assert newest == ["2025-01-01", "2024-05-01", "2022-03-30", "2018-10-16"]
    facts = released.text("index.html")
    assert "最新版本 Latest version: 1.1.0" in facts
    assert "公文 4 notices · 来源 4 sources · 发文机关 3 agencies · 年份 years 2018–2025" in facts
    assert home.cssselect("form[action='search/'] input[name=q]")


def test_every_generated_link_resolves(released: Built) -> None:
    pages = [str(p.relative_to(released.site)) for p in _built_pages(released.site)]
    assert len(pages) > 25
    for page in pages:
        assert unresolved_links(released, page) == [], page


def test_downloads_list_every_version_with_checksums_and_the_files_are_on_the_site(released: Built) -> None:
    text = released.text("downloads/index.html")
    for version in ("1.0.0", "1.1.0"):
        assert version in text
        package = json.loads((released.dataset / version / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            sha = resource["hash"].removeprefix("sha256:")
            assert sha in text
            copied = released.site / "downloads" / version / resource["path"]
            assert copied.read_bytes() == (released.dataset / version / resource["path"]).read_bytes()
            assert hashlib.sha256(copied.read_bytes()).hexdigest() == sha
        assert (released.site / "downloads" / version / "datapackage.json").is_file()
    assert "read_csv_auto" in text
    assert "pd.read_csv" in text
    assert "notices-excel.csv (UTF-8 with a byte order mark) opens in Excel with a double click" in text


def test_downloads_give_each_version_its_changelog(released: Built) -> None:
    blocks = released.html("downloads/index.html").cssselect(".gw-version")
    newest, oldest = (" ".join(b.text_content().split()) for b in blocks)
    assert "新增 added 1 · 更新 updated 1 · 撤下 withdrawn 0" in newest
    assert "Fields updated: body_text ×1 · content_sha256 ×1" in newest
    assert "新增 added 3 · 更新 updated 0 · 撤下 withdrawn 0" in oldest


def test_markdown_files_of_a_release_are_downloads_not_pages(released: Built) -> None:
    """CHANGES.md holds scraped titles: it is copied as it is, never rendered by mkdocs."""
    copied = released.site / "downloads" / "1.1.0" / "CHANGES.md"
    assert copied.read_bytes() == (released.dataset / "1.1.0" / "CHANGES.md").read_bytes()
    assert not (released.site / "downloads" / "1.1.0" / "CHANGES").exists()


def test_schema_page_documents_every_field_and_the_schema_file_is_on_the_site(released: Built) -> None:
    page = released.html("schema/index.html")
    documented = {code.text_content() for code in page.cssselect(".gw-schema td:first-child code")}
    assert set(Notice.model_fields) <= documented
    published = json.loads(schema_path().read_text(encoding="utf-8"))
    assert published["$id"] in released.text("schema/index.html")  # the current version's
    copied = released.site / "schema" / "1.0.0" / "notice.schema.json"
    assert copied.read_bytes() == (ROOT / "schema" / "1.0.0" / "notice.schema.json").read_bytes()
    types = {row.cssselect("td")[0].text_content(): row.cssselect("td")[1].text_content()
             for row in page.cssselect(".gw-schema tbody tr")}
    assert types["doc_number"] == "string or null"
    assert types["attachments"] == "list of Attachment"
    examples = {row.cssselect("td")[0].text_content(): row.cssselect("td")[3].text_content()
                for row in page.cssselect(".gw-schema tbody tr") if len(row.cssselect("td")) == 4}
    assert examples["published_date"] == "2025-01-01"  # from the newest notice
    assert examples["validity"] == "有效"  # from the newest notice that has one


def test_sources_page_lists_every_registered_source_with_its_terms(released: Built) -> None:
    text = released.text("sources/index.html")
    for fragment in ("govcn", "repost_qqjl", "xxgk_table", "https://www.ms.gov.cn/zwgk/zcwj/szfbwj.htm",
                     "Article 5 of the Copyright Law"):
        assert fragment in text
    assert "Last successful crawl未抓取 not crawled" in text  # published without crawls


def test_sources_page_shows_each_source_s_family_its_last_check_and_the_coverage_by_province() -> None:
    sources = load_sources()
    hostile = '<script>alert("x")</script> 列表页没有链接'
    checks = {"sc_meishan": {"checked_at": "2026-12-07T01:02:03Z", "verdict": "layout changed", "links": 0,
                             "reason": hostile}}
    page = lxml.html.fromstring(f"<div>{sources_page(sources, None, checks)}</div>")
    summary = {row.cssselect("td")[0].text_content(): [td.text_content() for td in row.cssselect("td")]
               for row in page.cssselect(".gw-source-list tbody tr")}
    assert len(summary) == len(sources)
    meishan = summary["眉山市人民政府 政府信息公开"]
    assert meishan[1:4] == ["xxgk_table", "四川省眉山市", "地市级 prefectural"]
    assert meishan[5] == "版式已变 layout changed"
    assert summary["中国政府网 政策文件库"][5] == "—"  # never checked
    coverage = {row.cssselect("td")[1].text_content(): [td.text_content() for td in row.cssselect("td")]
                for row in page.cssselect(".gw-coverage tbody tr")}
    assert list(coverage) == ["100000", *PROVINCES]  # every province, those with nothing too
    guangdong = [s for s in sources if s.division_code.startswith("44")]
    assert coverage["440000"][2] == str(len(guangdong)) != "0"
    assert coverage["440000"][3] == "0"  # no release: nothing crawled
    assert coverage["100000"][2] == str(sum(s.level == "national" for s in sources))
    # The check's reason is shown as text, never as markup.
    assert not page.cssselect("script")
    assert hostile in page.text_content()


def test_the_sources_last_checks_are_read_from_the_file_the_build_is_given(tmp_path: Path) -> None:
    assert source_checks({}) == {}
    assert source_checks({"GONGWEN_CHECKS": str(tmp_path / "none.json")}) == {}  # no check has run
    kept = tmp_path / "checks.json"
    kept.write_text('{"govcn": {"verdict": "ok", "links": 5}}', encoding="utf-8")
    assert source_checks({"GONGWEN_CHECKS": str(kept)}) == {"govcn": {"verdict": "ok", "links": 5}}


# --- hostile content ----------------------------------------------------------------------------------


def _built_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_hostile_notice_renders_as_text(released: Built) -> None:
    for path in _built_pages(released.site):
        root = lxml.html.parse(str(path)).getroot()
        for script in root.iter("script"):
            assert "alert" not in (script.text or ""), path
        assert not root.xpath("//*[@onerror]"), path
        hrefs = [(a.get("href") or "").strip().lower() for a in root.iter("a")]
        assert not [href for href in hrefs if href.startswith("javascript")], path

    page = f"notices/{HOSTILE_NOTICE.id}/index.html"
    root = released.html(page)
    assert root.cssselect("article h1")[0].text_content() == HOSTILE_TITLE
    paragraphs = [p.text_content() for p in root.cssselect(".gw-body p")]
    assert paragraphs == list(HOSTILE)
    text = released.text(page)
    assert "[click](javascript:alert(1))" in text
    assert "{{ config }}" in text
    assert "<img src=x onerror=alert(1)>" in text
    # mkdocs-material prints the page title unescaped into <title>: the front matter neutralises it.
    title = root.find(".//title").text_content()
    assert "＜script＞alert(1)＜/script＞" in title
    assert "<" not in title


def test_only_http_and_https_urls_become_links() -> None:
    assert 'href="https://example.gov.cn/a?b=1&amp;c=%22"' in external_link("https://example.gov.cn/a?b=1&c=%22")
    for url in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                "vbscript:x", "//evil.example", "https:// spaced", "http://x\njavascript:alert(1)"):
        assert web_url(url) is None
        assert "href" not in external_link(url, "标题")
        assert "<b>" not in external_link(url)


def test_front_matter_title_is_json_yaml_without_html_characters() -> None:
    text = front_matter('</title><script>alert("1")</script>\n\u2028{{ config }} & \x00\x85')
    data = yaml.safe_load(text.split("---\n")[1])
    assert data["title"] == "＜/title＞＜script＞alert(＂1＂)＜/script＞ {{ config }} ＆"


def test_every_flag_code_is_explained() -> None:
    assert set(FLAG_EXPLANATIONS) == set(FlagCode)


def test_scraped_text_reaches_markdown_only_inside_raw_html_blocks(tmp_path: Path) -> None:
    """Outside front matter and the ``<div class="gw-…">`` blocks (kept as they are by Markdown) no
    scraped text appears; the pages written outside mkdocs are such blocks only."""
    dataset = new_dataset(tmp_path / "notices")
    publish(dataset, [HOSTILE_NOTICE])
    pages: dict[str, bytes] = {}
    generate(pages.__setitem__, dataset.folder)
    outside = outside_html(dataset.folder)
    assert f"notices/{HOSTILE_NOTICE.id}/" in outside
    pages |= {f"{path.rstrip('/')}.md": html.encode("utf-8") for path, html in outside.items()}
    for name, data in pages.items():
        if not name.endswith(".md"):
            continue
        for chunk in data.decode("utf-8").split("\n\n"):
            if chunk.startswith('<div class="gw-') and chunk.endswith("</div>"):
                assert "<script" not in chunk, name
                assert "<img" not in chunk, name
                continue
            if chunk.startswith("---\ntitle: "):  # front matter: a JSON string without < > &
                assert not set("<>&") & set(chunk), name
                continue
            for fragment in ("alert", "{{", "{%", "onerror"):
                assert fragment not in chunk, (name, chunk)


# --- a fresh clone ---------------------------------------------------------------------------------


def test_a_fresh_clone_builds_and_says_there_is_no_release(fresh_clone: Built) -> None:
    for page in ("index.html", "notices/index.html", "downloads/index.html"):
        assert "No release yet" in fresh_clone.text(page)
    assert (fresh_clone.site / "schema" / "1.0.0" / "notice.schema.json").is_file()
    assert (fresh_clone.site / "glossary" / "index.html").is_file()
    assert (fresh_clone.site / "about" / "index.html").is_file()
    assert not (fresh_clone.site / "downloads" / "1.0.0").exists()
