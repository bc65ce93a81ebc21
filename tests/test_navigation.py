"""Navigation by CMS family: what one list page links to, read from real captures (../shared, skipped
without it) and from pages written here the way each family's sites write theirs."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from gongwen.crawlers.navigation.families import FAMILIES, Selectors, detect_family, read_list_page
from gongwen.crawlers.navigation.list_page import Link, as_response
from gongwen.crawlers.registry import Source, load_sources
from gongwen.crawlers.sampleweb.render import (
    LAYOUTS,
    SampleWeb,
    detail_url,
    list_path,
    load_pages,
    replicated,
)
from tests.conftest import BIN

HANDAN = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
GOVCN_API = "https://sousuo.www.gov.cn/search-gov/data?q=&sort=score&sortType=1&searchfield=title&p=1&n=5&type=gwyzcwjk"
NFRA_API = "https://www.nfra.gov.cn/cbircweb/DocInfo/SelectItemAndDocByItemPId?itemId=914&pageSize=6"


def _read(path: Path, url: str, family: str | None = None) -> tuple[str, list[Link], list[str]]:
    response = as_response(path.read_bytes(), url)
    page = read_list_page(response, family)
    return detect_family(response), page.detail_links, page.next_pages


# --- real captures ---------------------------------------------------------------------------------


def test_a_trs_table_list_yields_its_one_row_and_the_next_index_page(
    real_page: Callable[[str], Path],
) -> None:
    family, links, following = _read(real_page("hebei_handan_xxgk_list_trs.html"), HANDAN)
    assert family == "trs"
    # One data row (名称/索引号/发布机构/发布日期); the footer's 网站声明 and 联系我们 share the URL shape.
    assert links == [
        Link(
            "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html",
            "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知",
            "2020-08-05",
        )
    ]
    assert following == ["http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_1.html"]


def test_the_govcn_policy_library_api_yields_every_category_s_rows(real_page: Callable[[str], Path]) -> None:
    path = real_page("govcn_policy_search_api_response.json")
    family, links, following = _read(path, GOVCN_API)
    assert family == "govcn"
    categories = json.loads(path.read_bytes())["searchVO"]["catMap"]
    assert [link.url for link in links] == [row["url"] for c in categories.values() for row in c["listVO"]]
    assert len(links) == 20
    assert links[0] == Link(
        "https://www.gov.cn/zhengce/zhengceku/202609/content_7082493.htm",
        "国务院办公厅关于发展体育赛事激发消费活力的意见",
        "2026-09-30",
    )
    # The 公报 rows carry <br/> and ideographic spaces in their titles; a person reads one line.
    assert all("<" not in link.title and "\u3000" not in link.title for link in links)
    assert following == [GOVCN_API.replace("p=1", "p=2")]


def test_nfra_s_api_yields_each_document_once_with_its_article_page(real_page: Callable[[str], Path]) -> None:
    family, links, following = _read(real_page("nfra_list_api.json"), NFRA_API)
    assert family == "cbircweb"
    # 37 rows in 7 channels; 1272870 and one more are shown in two channels each.
    assert len(links) == 35
    assert (
        Link(
            "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1273452&itemId=915",
            "金融监管总局 科技部等部门联合召开科技保险交流推进会 多方协同支持科技创新",
            "2026-09-28",
        )
        in links
    )
    # A row that is a link to another site leads there (isTitleLink, titleLink).
    assert links[0].url == "https://www.gov.cn/yaowen/liebiao/202609/content_7081005.htm"
    assert following == []


# --- each family, on pages written the way its sites write them --------------------------------------

TRS_LIST = """<html><head><meta charset="utf-8"><title>政策文件</title></head><body>
<div class="nav"><a href="/t20200101_1.html">首页导航里的一个很长的栏目名称链接</a></div>
<ul class="list">
<li><a href="./202401/t20240105_901.html"
 title="关于印发某某市2024年工作要点的通知">关于印发某某市2024年工作要点的...</a>
<span>2024-01-05</span></li>
<li><a href="./202312/t20231220_877.html">某某市人民政府关于加强安全生产工作的意见</a>
<span>2023-12-20</span></li>
</ul>
<div class="page"><script>createPageHTML(12, 3, "index", "shtml");</script></div>
<div class="footer"><a href="/wzsm/201709/t20170912_1.html">网站声明</a></div>
</body></html>"""


def test_trs_reads_t_date_links_and_pages_by_its_script() -> None:
    response = as_response(TRS_LIST.encode(), "http://www.example.gov.cn/zwgk/zcwj/index_3.shtml")
    page = read_list_page(response, "trs")
    assert page.detail_links == [
        Link(
            "http://www.example.gov.cn/zwgk/zcwj/202401/t20240105_901.html",
            "关于印发某某市2024年工作要点的通知",
            "2024-01-05",
        ),
        Link(
            "http://www.example.gov.cn/zwgk/zcwj/202312/t20231220_877.html",
            "某某市人民政府关于加强安全生产工作的意见",
            "2023-12-20",
        ),
    ]
    assert page.next_pages == ["http://www.example.gov.cn/zwgk/zcwj/index_4.shtml"]


def test_the_last_trs_page_has_no_next_page() -> None:
    html = TRS_LIST.replace("createPageHTML(12, 3,", "createPageHTML('page_div', 4, 3,")
    assert (
        read_list_page(
            as_response(html.encode(), "http://www.example.gov.cn/a/index_3.html"), "trs"
        ).next_pages
        == []
    )


def test_trs_paging_variables_without_a_call_or_a_link() -> None:
    paging = "var countPage = 5//共多少页\nvar currentPage = 1;"
    html = TRS_LIST.replace('createPageHTML(12, 3, "index", "shtml");', paging)
    page = read_list_page(as_response(html.encode(), "http://www.example.gov.cn/a/index_1.html"), "trs")
    assert page.next_pages == ["http://www.example.gov.cn/a/index_2.html"]


def test_a_newer_trs_call_names_its_element_first() -> None:
    html = TRS_LIST.replace(
        'createPageHTML(12, 3, "index", "shtml")', "createPageHTML('page_div',56, 0,'index','html',6348)"
    )
    page = read_list_page(as_response(html.encode(), "http://www.example.gov.cn/a/"), "trs")
    assert page.next_pages == ["http://www.example.gov.cn/a/index_1.html"]


HANWEB_COLUMN = """<html><body><div id="3245"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=3245\
&unitid=10440&webname=某省人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[
<li><a href="/art/2024/3/5/art_3245_100.html"
 title="某省人民政府关于印发某某行动方案的通知">某省人民政府关于印发某某行动方案的通知</a>
<span class="time">2024-03-05</span></li>]]></record>
<record><![CDATA[
<li><a href="/art/2024/2/1/art_3245_99.html">某省人民政府办公厅关于做好春耕生产的通知</a>
<span>2024-02-01</span></li>]]></record>
</recordset></datastore></script></div>
<script>$('#3245').jpage({ dataStore: dataStore, perPage: 2, totalRecord: 5,
  proxyUrl: '/module/web/jpage/dataproxy.jsp' });</script>
</body></html>"""


def test_hanweb_reads_the_records_and_asks_the_dataproxy_for_the_rest() -> None:
    page = read_list_page(
        as_response(HANWEB_COLUMN.encode(), "https://www.example.gov.cn/col/col3245/index.html")
    )
    assert [link.url for link in page.detail_links] == [
        "https://www.example.gov.cn/art/2024/3/5/art_3245_100.html",
        "https://www.example.gov.cn/art/2024/2/1/art_3245_99.html",
    ]
    assert page.detail_links[1].date == "2024-02-01"
    proxy = "https://www.example.gov.cn/module/web/jpage/dataproxy.jsp?"
    assert page.next_pages == [
        proxy + "startrecord=3&endrecord=4&perpage=2&columnid=3245&unitid=10440&webid=3",
        proxy + "startrecord=5&endrecord=5&perpage=2&columnid=3245&unitid=10440&webid=3",
    ]


def test_a_dataproxy_answer_brings_records_and_no_more_pages() -> None:
    xml = (
        "<datastore><recordset>"
        + HANWEB_COLUMN.split("<recordset>")[1].split("</recordset>", maxsplit=1)[0]
        + "</recordset></datastore>"
    )
    url = "https://www.example.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2&columnid=3245"
    page = read_list_page(as_response(xml.encode(), url), "hanweb")
    assert len(page.detail_links) == 2
    assert page.next_pages == []


def test_gkmlpt_pages_by_its_total_a_hundred_at_a_time() -> None:
    articles = [
        {
            "id": 4000 + i,
            "title": f"广东省人民政府关于第{i}项工作的通知",
            "url": f"http://www.gd.gov.cn/gkmlpt/content/4/40/post_{4000 + i}.html",
            "create_time": 1704412800,
        }
        for i in range(100)
    ]
    url = "http://www.gd.gov.cn/gkmlpt/api/all/7?page=2&sid=2"
    answer = json.dumps({"total": 250, "articles": articles}).encode()
    page = read_list_page(as_response(answer, url))
    assert len(page.detail_links) == 100
    assert page.detail_links[0].date == "2024-01-05"
    assert page.next_pages == ["http://www.gd.gov.cn/gkmlpt/api/all/7?page=3&sid=2"]
    last = json.dumps({"total": 250, "articles": articles[:50]}).encode()
    assert read_list_page(as_response(last, url.replace("page=2", "page=3"))).next_pages == []


GENERIC_LIST = """<html><body>
<div id="menu"><ul><li><a href="/xxgk/">政府信息公开专栏入口页面</a></li>
<li><a href="/zwdt/">政务动态新闻列表页面</a></li></ul></div>
<div class="hot"><h3>热点</h3><ul><li><a href="/a/999.html">一篇与本栏目无关的热点新闻报道</a></li></ul></div>
<div class="main"><ul class="news">
<li><a href="/zcwj/2024/0301/1201.html">某县人民政府关于印发春季农业生产工作方案的通知</a>
[2024-03-01]</li>
<li><a href="/zcwj/2024/0215/1190.html">某县人民政府办公室关于做好防汛工作的通知</a>
[2024-02-15]</li>
<li><a href="/zcwj/2024/0110/1150.html">某县2024年优化营商环境工作要点</a>[2024-01-10]</li>
</ul>
<div class="pages"><a href="?page=1">上一页</a> <a href="list.jsp?page=3">下一页</a>
<a href="list.jsp?page=9">尾页</a></div></div>
<div class="footer"><a href="/about/contact.html">联系我们</a> 网站标识码：1234000001</div>
</body></html>"""


def test_the_generic_family_finds_the_dated_list_and_its_next_page() -> None:
    response = as_response(GENERIC_LIST.encode(), "http://www.example.gov.cn/zcwj/list.jsp?page=2")
    assert detect_family(response) == "generic"
    page = read_list_page(response)
    assert [(link.title, link.date) for link in page.detail_links] == [
        ("某县人民政府关于印发春季农业生产工作方案的通知", "2024-03-01"),
        ("某县人民政府办公室关于做好防汛工作的通知", "2024-02-15"),
        ("某县2024年优化营商环境工作要点", "2024-01-10"),
    ]
    assert page.next_pages == ["http://www.example.gov.cn/zcwj/list.jsp?page=3"]


def test_a_vsb_pager_s_next_link() -> None:
    html = GENERIC_LIST.replace(
        '<a href="list.jsp?page=3">下一页</a>', '<a href="szfbwj/8.htm" class="Next">下页</a>'
    )
    page = read_list_page(as_response(html.encode(), "http://www.example.gov.cn/zcwj/szfbwj.htm"), "vsb")
    assert page.next_pages == ["http://www.example.gov.cn/zcwj/szfbwj/8.htm"]


def test_a_source_s_own_selectors_win() -> None:
    own = Selectors(links_css="div.hot a::attr(href)", next_css="div.pages a:last-child::attr(href)")
    page = read_list_page(
        as_response(GENERIC_LIST.encode(), "http://www.example.gov.cn/zcwj/list.jsp?page=2"), "generic", own
    )
    assert [link.url for link in page.detail_links] == ["http://www.example.gov.cn/a/999.html"]
    assert page.next_pages == ["http://www.example.gov.cn/zcwj/list.jsp?page=9"]


def test_every_family_is_registered() -> None:
    assert set(FAMILIES) >= {
        "trs",
        "hanweb",
        "ucap",
        "easysite",
        "vsb",
        "gkmlpt",
        "govcn",
        "xxgk_table",
        "generic",
    }


# --- the command -----------------------------------------------------------------------------------


def _list_page(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN / "gongwen", "list-page", *args], capture_output=True, text=True, check=False)


def test_list_page_prints_links_and_next_pages_as_json(tmp_path: Path) -> None:
    saved = tmp_path / "list.html"
    saved.write_text(TRS_LIST, encoding="utf-8")
    done = _list_page(str(saved), "--url", "http://www.example.gov.cn/zwgk/zcwj/index_3.shtml")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["next_pages"] == ["http://www.example.gov.cn/zwgk/zcwj/index_4.shtml"]
    assert printed["detail_links"][1] == {
        "url": "http://www.example.gov.cn/zwgk/zcwj/202312/t20231220_877.html",
        "title": "某某市人民政府关于加强安全生产工作的意见",
        "date": "2023-12-20",
    }


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["missing.html", "--url", "http://www.example.gov.cn/"], "cannot read"),
        (["{saved}", "--url", "not a url"], "--url must be"),
        (["{saved}", "--url", "http://www.example.gov.cn/", "--family", "wordpress"], "unknown family"),
        (["{saved}", "--url", "http://www.example.gov.cn/", "--family", "govcn"], "not a list page"),
    ],
)
def test_list_page_refuses_bad_input_with_one_line(tmp_path: Path, args: list[str], said: str) -> None:
    saved = tmp_path / "list.json"
    saved.write_text('{"rows": []}', encoding="utf-8")
    done = _list_page(*[a.format(saved=saved) if a != "missing.html" else str(tmp_path / a) for a in args])
    assert done.returncode == 2
    assert said in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert done.stdout == ""


# --- every family of the sample web, through the command --------------------------------------------

REPLICATED = replicated(load_sources())


@pytest.mark.parametrize("source", REPLICATED, ids=lambda s: s.family)
def test_list_page_reads_the_first_list_page_of_each_family(source: Source, tmp_path: Path) -> None:
    """The first list page (or list API answer) as the sample web serves it, read without --family:
    exactly the notices it shows, in its order, and the page after it."""
    start = urlsplit(source.start_urls[0])
    served = SampleWeb([source]).lookup(start.netloc, start.path + (f"?{start.query}" if start.query else ""))
    assert served is not None
    saved = tmp_path / "list"
    saved.write_bytes(served.body)
    done = _list_page(str(saved), "--url", source.start_urls[0])
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    layout, pages = LAYOUTS[source.id], load_pages(source.id)
    shown = pages[: layout.per_page]
    assert [link["url"] for link in printed["detail_links"]] == [detail_url(source, p) for p in shown]
    dated = source.id != "repost_qqjl"  # the content farm's list shows no dates
    dates = [link["date"] for link in printed["detail_links"]]
    assert dates == [p.list_date if dated else None for p in shown]
    following = [_second_page(source, len(pages))] if len(pages) > layout.per_page else []
    assert printed["next_pages"][:1] == following


def _second_page(source: Source, count: int) -> str:
    """Where the second list page is, as each family addresses it."""
    layout, start = LAYOUTS[source.id], source.start_urls[0]
    if source.family == "govcn":
        return start.replace("&p=1&", "&p=2&")
    if source.family == "hanweb":
        proxy = f"/module/web/jpage/dataproxy.jsp?startrecord=6&endrecord={min(10, count)}&perpage=5"
        return urljoin(start, proxy + "&columnid=97564&unitid=525424&webid=410")
    pages = -(-count // layout.per_page)
    return urljoin(start, list_path(layout, urlsplit(start).path, 2, pages))
