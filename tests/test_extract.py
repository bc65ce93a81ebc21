"""The extractor on small pages written for the layouts it must read (whole pages: test_extract_pages)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gongwen.pipelines.extract import Extracted, NotAPage, read_page

CHROME = (
    "字体", "打印本页", "关闭窗口", "分享到", "扫一扫", "浏览次数", "责任编辑", "相关链接", "网站标识码",
    "ICP备", "公网安备", "当前位置", "您当前所在位置",
)

# ---------------------------------------------------------------- pages written for each layout

GOVCN = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>国务院办公厅关于印发《政务公开工作要点》的通知_政府信息公开_中国政府网</title>
<meta name="firstpublishedtime" content="2019-04-15-17:30:00"></head><body>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; 政策 &gt; 政府信息公开</div>
<div class="wrap"><table class="bd1"><tbody>
<tr><td><b>索&nbsp;引&nbsp;号：</b></td><td>000014349/2019-00061</td><td><b>主题分类：</b></td><td>综合政务\\政务公开</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2019年04月12日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于印发《政务公开工作要点》的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2019〕14号</td><td><b>发布日期：</b></td><td>2019年04月15日</td></tr>
</tbody></table>
<table><tbody><tr><td class="b12c" id="UCAP-CONTENT">
<p style="text-align: center;"><span>国务院办公厅关于印发《政务公开工作要点》的通知</span></p>
<p style="text-align: center;">国办发〔2019〕14号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　《政务公开工作要点》已经国务院同意，现印发给你们，请认真贯彻执行。</p>
<p style="text-align: right;">国务院办公厅&nbsp;&nbsp;&nbsp;</p>
<p style="text-align: right;">2019年4月12日&nbsp;&nbsp;&nbsp;</p>
<p>（此件公开发布）</p>
<p>附件：<a href="P020190415.pdf">政务公开工作要点.pdf</a></p>
</td></tr></tbody></table>
<div class="editor">【我要纠错】 责任编辑：王洋</div>
<div class="pages_print"><a href="javascript:window.print()">【打印本页】</a> <a>【关闭窗口】</a>
扫一扫在手机打开当前页</div>
</div>
<div class="footer">网站标识码bm01000001 京ICP备05070218号 京公网安备11010202000001号</div>
</body></html>"""

XXGK_TABLE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>眉山市人民政府办公室关于印发《眉山市加快发展新经济的实施方案》的通知-眉山市人民政府</title></head>
<body><div class="crumb">市政府办文件当前位置: 首页 &gt; 政  策 &gt; 正文</div>
<table class="xxgk_table">
<tr><th>索 引 号</th><td>971045726/szfb/2022-00078</td><th>发布机构</th><td>市政府办公室</td>
<th>公开日期</th><td>2022-03-30</td></tr>
<tr><th>文\u3000\u3000号</th><td>眉府办发〔2022〕17号</td><th>公文种类</th><td>通知</td></tr>
<tr><th>成文日期</th><td>2022-03-29</td><th>有效性</th><td>有效</td></tr>
</table>
<div class="content">
<h2 class="title">眉山市人民政府办公室关于印发《眉山市加快发展新经济的实施方案》的通知</h2>
<div class="xxgk_content">
<p>眉府办发〔2022〕17号</p>
<p>天府新区眉山管委会，各县（区）人民政府，市级相关部门（单位）：</p>
<p>《眉山市加快发展新经济的实施方案》已经市政府同意，现印发给你们，请认真抓好贯彻落实。</p>
<p>眉山市人民政府办公室</p><p>2022年3月29日</p>
<p>眉山市加快发展新经济的实施方案</p><p>为深入贯彻落实党的十九大精神，特制定本实施方案。</p>
</div></div>
<div class="share">分享到：微信 微博</div></body></html>"""

TRS = """<html><head><meta charset="utf-8">
<title>新乡高新区深化改革创新加快推动高质量发展工作方案</title></head><body>
<div class="position">当前位置：首页 &gt; 政策文件</div>
<h1>关于印发新乡高新区深化改革创新加快推动高质量发展工作方案的通知</h1>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
<p>发布日期:2020-08-22</p>
<p>新开〔2020〕28号</p>
<p>各部门,关堤乡、振中街道,驻区各单位:</p>
<p>《新乡高新区深化改革创新加快推动高质量发展工作方案》已经区管委会研究同意，现印发给你们，请认真遵照执行。</p>
<p>2020年3月31日</p>
<p>新乡高新区深化改革创新加快推动高质量发展工作方案</p>
<p>根据《国务院办公厅关于支持国家级新区深化改革创新加快推动高质量发展的指导意见》（国办发〔2019〕58号），结合我区实际，制定本方案。</p>
</div></div>
<div class="fontsize">【字体：大 中 小】</div></body></html>"""

HANWEB = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="SiteName" content="山东省人民政府">
<meta name="ArticleTitle" content="新旧动能转换综合试验区建设，今年要在这7个方面攻坚突破">
<meta name="PubDate" content="2020-04-10 09:30"><meta name="ContentSource" content="大众日报">
<title>新旧动能转换综合试验区建设，今年要在这7个方面攻坚突破_山东省人民政府</title></head><body>
<div class="position">当前位置：<a href="/">首页</a> &gt; 政务要闻</div>
<p class="con-title">新旧动能转换综合试验区建设，今年要在这7个方面攻坚突破</p>
<div class="small-title"><span>发布日期：2020-04-10</span><span>浏览次数： </span>
<span>信息来源：大众日报</span></div>
<div class="main-txt" id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">
<p>　　近日，省新旧动能转换综合试验区建设领导小组召开扩大会议，
审议通过《山东省新旧动能转换综合试验区建设2020年工作要点》。</p>
<p>&nbsp;</p><p>一、在抢抓机遇补短板强弱项上，积极培育新经济增长点。</p>
<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=gzyd.pdf">2020年工作要点全文</a></p>
<meta name="ContentEnd"><!--ZJEG_RSS.content.end-->
<div class="bdsharebuttonbox">分享到：</div><span class="printer">打印</span>
<span class="close">关闭</span></div>
<div class="footer">版权所有：山东省人民政府办公厅 网站标识码3700000063 鲁ICP备05046029号
Produced By 大汉网络</div>
</body></html>"""

EASYSITE = """<html><head><meta charset="utf-8">
<title>77365体育在线办公室关于印发促进新经济发展三年行动计划(2018—2020年)的通知</title></head>
<body><div class="crumbs">您当前所在位置: 信息公开 &gt; 五公开 &gt; 决策公开</div>
<div class="main"><div class="detail">
<h1 class="bt">77365体育在线办公室关于印发促进新经济发展三年行动计划(2018—2020年)的通知</h1>
<div class="info">来源: 发布者:区政府办 发布时间:2018年04月23日 浏览次数:</div>
<div class="conTxt">
<p>各乡镇人民政府、街道办事处,区政府相关部门,有关单位:</p>
<p>　　《促进新经济发展三年行动计划(2018—2020年)》已经区政府同意,现印发你们,请遵照执行。</p>
<p>　　77365体育在线办公室</p>
<p>　　2018年4月2日</p>
<p>　　促进新经济发展三年行动计划</p>
<p>　　为深入贯彻落实党的十九大精神,树立新理念、运用新机制、转变新方式,特制定本计划。</p>
<p>　　一、总体目标</p><p>　　围绕区域优势产业,加强创新突破,推动形成一批新业态。</p>
</div></div></div>
<div class="bottom"><a href="#">网站地图</a> 网站标识码：5101130004 蜀ICP备12345678号</div></body></html>"""

CONTENT_FARM = """<html><head><meta charset="utf-8">
<title>2019年促進全省開發區改革和創新發展工作要點 - 巧巧簡歷站</title></head>
<body><div class="nav"><a href="/">首頁</a> <a href="/fanwen/">範文</a></div>
<div class="article"><h1>2019年促進全省開發區改革和創新發展工作要點</h1>
<div class="meta">來源:巧巧簡歷站 1.02W</div>
<div class="article-content">
<p>深入貫徹省委十四屆七次全會精神，全面落實《江西省促進開發區改革和創新發展三年攻堅行動計劃(2018—2020年)》(贛府廳發[2018]30號)，以加快轉型升級、提質增效為主線。</p>
<p>2019年促進全省開發區改革和創新發展工作要點</p>
<p>一、強化項目支撐</p>
<p>1.狠抓重大項目招引。實施定向招商、產業鏈招商。(牽頭單位:省商務廳;責任單位:各市、縣(區)政府)</p>
<p>2.省政府辦(ban)公廳負責督促落實。</p>
</div></div></body></html>"""


def _page(html: str, encoding: str = "utf-8") -> bytes:
    return html.encode(encoding)


def _read(html: str, url: str = "https://www.example.gov.cn/zwgk/202001/t20200101_1.html") -> Extracted:
    return read_page(_page(html), url, "text/html; charset=utf-8")


def _codes(x: Extracted) -> list[str]:
    return [f["code"] for f in x.quality_flags]


@pytest.mark.parametrize(
    ("html", "field", "expected"),
    [
        (GOVCN, "title", "国务院办公厅关于印发《政务公开工作要点》的通知"),
        (GOVCN, "doc_number", "国办发〔2019〕14号"),
        (GOVCN, "doc_number_parts", {"issuer_code": "国办发", "year": 2019, "serial": 14}),
        (GOVCN, "index_number", "000014349/2019-00061"),
        (GOVCN, "issuing_agency", "国务院办公厅"),
        (GOVCN, "written_date", date(2019, 4, 12)),
        (GOVCN, "published_date", date(2019, 4, 15)),
        (GOVCN, "topic", "综合政务\\政务公开"),
        (GOVCN, "doc_type", "通知"),
        (GOVCN, "genre", "工作要点"),
        (GOVCN, "addressees", ["各省、自治区、直辖市人民政府", "国务院各部委", "各直属机构"]),
        (XXGK_TABLE, "title", "眉山市人民政府办公室关于印发《眉山市加快发展新经济的实施方案》的通知"),
        (XXGK_TABLE, "doc_number", "眉府办发〔2022〕17号"),
        (XXGK_TABLE, "index_number", "971045726/szfb/2022-00078"),
        (XXGK_TABLE, "issuing_agency", "眉山市人民政府办公室"),
        (XXGK_TABLE, "written_date", date(2022, 3, 29)),
        (XXGK_TABLE, "published_date", date(2022, 3, 30)),
        (XXGK_TABLE, "validity", "有效"),
        (XXGK_TABLE, "genre", "实施方案"),
        (XXGK_TABLE, "addressees", ["天府新区眉山管委会", "各县（区）人民政府", "市级相关部门（单位）"]),
        (TRS, "title", "关于印发新乡高新区深化改革创新加快推动高质量发展工作方案的通知"),
        (TRS, "doc_number", "新开〔2020〕28号"),
        (TRS, "published_date", date(2020, 8, 22)),
        (TRS, "written_date", date(2020, 3, 31)),
        (TRS, "addressees", ["各部门", "关堤乡", "振中街道", "驻区各单位"]),
        (TRS, "genre", "工作方案"),
        (HANWEB, "title", "新旧动能转换综合试验区建设，今年要在这7个方面攻坚突破"),
        (HANWEB, "published_date", date(2020, 4, 10)),
        # 来源 is a newspaper, not an agency, and nothing else names one: the site's owner (flagged).
        (HANWEB, "issuing_agency", "山东省人民政府"),
        (HANWEB, "doc_number", None),
        (HANWEB, "doc_type", None),
        # The hijacked 发文机关 leaves the title; without a SiteName the page names the real one only by
        # its short 发布者, which is not put in its place.
        (EASYSITE, "title", "关于印发促进新经济发展三年行动计划(2018—2020年)的通知"),
        (EASYSITE, "published_date", date(2018, 4, 23)),
        (EASYSITE, "written_date", date(2018, 4, 2)),
        (EASYSITE, "issuing_agency", "区政府办"),
        (EASYSITE, "addressees", ["各乡镇人民政府", "街道办事处", "区政府相关部门", "有关单位"]),
        (EASYSITE, "doc_type", "通知"),
        (EASYSITE, "genre", "行动计划"),
        (CONTENT_FARM, "title", "2019年促进全省开发区改革和创新发展工作要点"),
        (CONTENT_FARM, "script", "hant"),
        (CONTENT_FARM, "genre", "工作要点"),
        (CONTENT_FARM, "doc_number", None),
        (CONTENT_FARM, "issuing_agency", None),  # 来源 is the content farm
    ],
)
def test_layout_fields(html: str, field: str, expected: object) -> None:
    assert getattr(_read(html), field) == expected


@pytest.mark.parametrize(
    ("html", "first_line", "last_line"),
    [
        (GOVCN, "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：", "附件：政务公开工作要点.pdf"),
        (XXGK_TABLE, "天府新区眉山管委会，各县（区）人民政府，市级相关部门（单位）：",
         "为深入贯彻落实党的十九大精神，特制定本实施方案。"),
        (TRS, "各部门,关堤乡、振中街道,驻区各单位:",
         ("根据《国务院办公厅关于支持国家级新区深化改革创新加快推动高质量发展的指导意见》"
          "（国办发〔2019〕58号），结合我区实际，制定本方案。")),
        (HANWEB,
         ("近日，省新旧动能转换综合试验区建设领导小组召开扩大会议，"
          "审议通过《山东省新旧动能转换综合试验区建设2020年工作要点》。"),
         "2020年工作要点全文"),
        (EASYSITE, "各乡镇人民政府、街道办事处,区政府相关部门,有关单位:",
         "围绕区域优势产业,加强创新突破,推动形成一批新业态。"),
        (CONTENT_FARM,
         ("深入贯彻省委十四届七次全会精神，全面落实《江西省促进开发区改革和创新发展三年攻坚行动计划"
          "(2018—2020年)》(赣府厅发[2018]30号)，以加快转型升级、提质增效为主线。"),
         "2.省政府办公厅负责督促落实。"),
    ],
)
def test_layout_body_is_the_text_only(html: str, first_line: str, last_line: str) -> None:
    x = _read(html)
    lines = x.body_text.split("\n")
    assert (lines[0], lines[-1]) == (first_line, last_line)
    assert all(line.strip() == line and line for line in lines)
    assert not [word for word in CHROME if word in x.body_text]
    assert x.title not in lines[:1]


def test_govcn_attachment_url_is_absolute_against_the_page() -> None:
    x = _read(GOVCN, "https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm")
    assert x.attachments == [
        {"title": "政务公开工作要点.pdf", "url": "https://www.gov.cn/zhengce/content/2019-04/15/P020190415.pdf"}
    ]


def test_hanweb_download_handler_is_an_attachment() -> None:
    x = _read(HANWEB, "http://www.shandong.gov.cn/art/2020/4/10/art_97564_355430.html")
    assert x.attachments == [{
        "title": "2020年工作要点全文",
        "url": "http://www.shandong.gov.cn/module/download/downfile.jsp?classid=0&filename=gzyd.pdf",
    }]


@pytest.mark.parametrize(
    ("html", "codes"),
    [
        (GOVCN, []),
        (XXGK_TABLE, []),
        (TRS, []),
        (HANWEB, ["agency_from_site"]),
        (EASYSITE, ["spam_injection"]),
        (CONTENT_FARM, ["missing_date"]),
    ],
)
def test_layout_flags(html: str, codes: list[str]) -> None:
    assert _codes(_read(html)) == codes


def test_traditional_page_is_converted_and_glosses_removed() -> None:
    x = _read(CONTENT_FARM)
    assert x.script == "hant"
    assert "辦" not in x.body_text
    assert "(ban)" not in x.body_text
    assert "省政府办公厅" in x.body_text


@pytest.mark.parametrize(
    ("raw", "standard"),
    [("川府发[2019]8号", False), ("眉府办发〔2022〕第017号", False), ("川府发〔2019〕8号", True)],
)
def test_nonstandard_doc_number_is_flagged(raw: str, standard: bool) -> None:
    x = _read(XXGK_TABLE.replace("眉府办发〔2022〕17号", raw))
    assert x.doc_number_raw == raw
    assert ("doc_number_nonstandard" not in _codes(x)) is standard


def test_doc_number_row_with_more_than_the_number() -> None:
    printed = "眉府办发〔2022〕17号 （此件公开发布）"
    x = _read(XXGK_TABLE.replace("<td>眉府办发〔2022〕17号</td>", f"<td>{printed}</td>"))
    assert (x.doc_number, x.doc_number_raw) == ("眉府办发〔2022〕17号", printed)


@pytest.mark.parametrize("placeholder", ["无", "—", "/", "空", ""])
def test_placeholder_doc_number_is_null(placeholder: str) -> None:
    html = XXGK_TABLE.replace("<td>眉府办发〔2022〕17号</td>", f"<td>{placeholder}</td>")
    html = html.replace("<p>眉府办发〔2022〕17号</p>", "")
    x = _read(html)
    assert (x.doc_number, x.doc_number_raw, x.doc_number_parts) == (None, None, None)
    assert "doc_number_nonstandard" not in _codes(x)


def test_empty_body_and_missing_date_are_flagged() -> None:
    x = _read("<html><head><title>关于XX的通知_XX市人民政府</title></head>"
              "<body><h1>关于XX的通知</h1></body></html>")
    assert x.title == "关于XX的通知"
    assert x.body_text == ""
    assert _codes(x) == ["empty_body", "missing_date"]


# ---------------------------------------------------------------- encodings


GB_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于表彰朱镕基同志的决定</title></head><body><div id="zoom"><p>各有关单位：</p>
<p>现决定对喆、堃、镕等同志予以表彰，特此通知。</p></div></body></html>"""


@pytest.mark.parametrize(
    ("content_type", "html"),
    [
        (None, GB_PAGE),  # the page declares gb2312 but carries GBK-only characters (镕 喆 堃)
        ("text/html; charset=gb2312", GB_PAGE),
        ("text/html; charset=GBK", GB_PAGE),
        (None, GB_PAGE.replace('http-equiv="Content-Type"', 'httpequiv="ContentType"')),
        ("text/html; charset=ISO-8859-1", GB_PAGE),  # a server default the page's own declaration overrules
        (None, GB_PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "")),
        # a server's Latin-1 default and nothing in the page: read as what a Chinese page is
        ("text/html; charset=ISO-8859-1",
         GB_PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "")),
    ],
)
def test_gb_pages_decode_as_gb18030(content_type: str | None, html: str) -> None:
    body = html.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        html.encode("gb2312")
    x = read_page(body, "http://www.example.gov.cn/a.html", content_type)
    assert x.title == "关于表彰朱镕基同志的决定"
    assert "喆、堃、镕" in x.body_text
    assert "encoding_replacement" not in _codes(x)


def test_undecodable_bytes_are_replaced_and_flagged() -> None:
    body = GB_PAGE.encode("gb18030").replace("特此".encode("gb18030"), b"\x81\x20\x81\x20")
    x = read_page(body, "http://www.example.gov.cn/a.html", "text/html; charset=gb2312")
    flags = [f for f in x.quality_flags if f["code"] == "encoding_replacement"]
    assert len(flags) == 1
    assert "gb18030" in flags[0]["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"", None, "empty"),
        (b"   \n ", "text/html", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/octet-stream", "PDF"),
        (json.dumps({"searchVO": {"listVO": []}}).encode(), "text/html", "JSON"),
        (b'{"a": 1}', "application/json", "application/json"),
        ("只是一段没有标记的文字".encode(), "text/plain", "no HTML markup"),
        (bytes(range(256)) * 4, None, "binary"),
    ],
)
def test_not_a_page(body: bytes, content_type: str | None, words: str) -> None:
    with pytest.raises(NotAPage) as info:
        read_page(body, "http://www.example.gov.cn/x", content_type)
    assert words in info.value.message
    assert "\n" not in info.value.message
