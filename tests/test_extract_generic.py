"""The generic path, on hand-written pages of layouts no rule was written for: meta tags, label/value
pairs anywhere, the title's agency prefix, the signature block, text-density body detection; pages that
are no notice (lists, error pages); encodings nobody declared."""

from __future__ import annotations

from datetime import date

import pytest

from gongwen.pipelines.extract import Extracted, NotAPage, read_page
from gongwen.pipelines.extract.agency import expand_short_name, title_agency

URL = "http://www.mm.gov.cn/art/2023/3/14/art_1_2.html"

UNSEEN_XXGK = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>某某市人民政府办公室关于印发某某市优化营商环境三年行动方案的通知 - 某某市人民政府门户网站</title>
<meta name="SiteName" content="某某市人民政府"><meta name="ColumnName" content="市政府办文件">
</head><body>
<div class="head-wrap"><div class="logo">某某市人民政府</div>
<ul class="menu"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="crumbs">首页 » 政务公开 » 市政府办文件</div>
<div class="wrapper"><div class="sidebar"><h3>最新文件</h3><ul>
<li><a href="/a/1.html">某某市人民政府关于调整最低工资标准的通知</a><span>2023-03-01</span></li>
<li><a href="/a/2.html">某某市人民政府办公室关于做好春季农业生产工作的通知</a><span>2023-02-20</span></li>
<li><a href="/a/3.html">某某市人民政府关于表彰2022年度先进集体和个人的决定</a><span>2023-02-10</span></li>
</ul></div>
<div class="wz-main">
<dl class="gk-meta">
<dt>名　　称：</dt><dd>某某市人民政府办公室关于印发某某市优化营商环境三年行动方案的通知</dd>
<dt>索 取 号：</dt><dd>11330100MB0000000X/2023-01234</dd>
<dt>发文机构：</dt><dd>某某市人民政府办公室</dd>
<dt>文件编号：</dt><dd>某政办发〔2023〕7号</dd>
<dt>成文时间：</dt><dd>2023年3月10日</dd>
<dt>公布日期：</dt><dd>2023年3月14日</dd>
</dl>
<div class="wz-title">某某市人民政府办公室关于印发某某市优化营商环境三年行动方案的通知</div>
<div class="wz-article">
<p>某政办发〔2023〕7号</p>
<p>各县（市、区）人民政府，市政府各部门、各直属单位：</p>
<p>　　《某某市优化营商环境三年行动方案》已经市政府同意，现印发给你们，请认真贯彻执行。</p>
<p style="text-align:right">某某市人民政府办公室</p>
<p style="text-align:right">2023年3月10日</p>
<p style="text-align:center">某某市优化营商环境三年行动方案</p>
<p>　　为持续优化营商环境，激发市场主体活力，制定本方案。</p>
<p>　　一、工作目标。到2025年，营商环境主要指标进入全省前列。</p>
</div>
<div class="wz-tools"><a href="javascript:window.print()">[打印]</a>
<a href="javascript:window.close()">[关闭]</a></div>
</div></div>
<div class="foot">版权所有：某某市人民政府办公室 网站标识码3301000001 浙ICP备12345678号</div>
</body></html>"""

# No labels at all: the date stands under the heading; the issuer is the title's head and the signature.
BARE_LETTER = """<html><head><meta charset="utf-8">
<meta name="pubtime" content="1686535200000">
<title>某某县农业农村局关于开展2023年春季动物疫病集中免疫工作的通知（某农发〔2023〕12号）</title></head>
<body><div class="nav"><a href="/">网站首页</a> | <a href="/tzgg/">通知公告</a></div>
<div class="box">
<div class="tt">某某县农业农村局关于开展2023年春季动物疫病集中免疫工作的通知（某农发〔2023〕12号）</div>
<div class="zw">
<p>各乡镇人民政府：</p>
<p>为有效防控重大动物疫病，保障畜牧业生产安全，经研究，决定在全县开展春季集中免疫工作。</p>
<p>一、免疫时间。3月1日至4月30日。</p>
<p>二、工作要求。各乡镇要落实属地责任，确保应免尽免。</p>
<p>某某县农业农村局</p>
<p>二〇二三年二月二十日</p>
</div>
<div class="rel"><h4>相关新闻</h4><ul>
<li><a href="/xw/1.html">全县召开春季动物防疫工作推进会</a> 2023-02-28</li>
<li><a href="/xw/2.html">县农业农村局开展动物防疫技术培训</a> 2023-02-25</li>
</ul></div></div>
<div class="footer">主办单位：某某县人民政府办公室</div></body></html>"""

NEWS = """<html><head><meta charset="utf-8">
<title>全市召开安全生产工作会议_某某市人民政府</title></head><body>
<div class="nav"><a href="/">网站首页</a> | <a href="/xw/">新闻中心</a></div>
<div class="article-box">
<h1 class="art-tit">全市召开安全生产工作会议</h1>
<div class="art-info">2023-06-01 10:20 某某市应急管理局</div>
<div class="art-text">
<p>6月1日，全市安全生产工作会议召开，会议传达学习了上级有关会议精神，安排部署下一阶段安全生产工作。</p>
<p>会议要求，各地各部门要压紧压实安全生产责任，深入开展隐患排查整治，坚决防范遏制重特大事故发生。</p>
</div>
<div class="art-rel"><h4>相关新闻</h4><ul>
<li><a href="/xw/1.html">全市防汛工作会议召开 部署今年防汛备汛工作</a> 2023-05-20</li>
<li><a href="/xw/2.html">市政府召开常务会议 研究部署重点工作任务</a> 2023-05-18</li>
</ul></div></div>
<div class="footer">主办单位：某某市人民政府办公室</div></body></html>"""

JOINT = """<html><head><meta charset="utf-8"><title>关于进一步做好节能降碳工作的通知</title></head><body>
<table class="info"><tr><td>发文字号：</td><td>发改环资〔2021〕1号、财金〔2021〕2号</td>
<td>发文机关：</td><td>国家发展改革委 财政部</td></tr>
<tr><td>发布日期：</td><td>2021.1.8</td></tr></table>
<div id="zoom"><p>各省、自治区、直辖市发展改革委、财政厅（局）：</p>
<p>为深入推进节能降碳工作，现将有关事项通知如下。</p>
<p>国家发展改革委 财政部</p><p>2021年1月5日</p></div></body></html>"""


def _read(html: str, url: str = URL) -> Extracted:
    return read_page(html.encode("utf-8"), url, "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("html", "fields"),
    [
        (UNSEEN_XXGK, {
            "title": "某某市人民政府办公室关于印发某某市优化营商环境三年行动方案的通知",
            "doc_number": "某政办发〔2023〕7号",
            "index_number": "11330100MB0000000X/2023-01234",
            "issuing_agency": "某某市人民政府办公室",
            "written_date": date(2023, 3, 10),
            "published_date": date(2023, 3, 14),
            "doc_type": "通知",
            "addressees": ["各县（市、区）人民政府", "市政府各部门", "各直属单位"],
            "quality_flags": [],
        }),
        (BARE_LETTER, {
            "title": "某某县农业农村局关于开展2023年春季动物疫病集中免疫工作的通知",  # its 文号 taken out
            "doc_number": "某农发〔2023〕12号",
            "issuing_agency": "某某县农业农村局",
            "written_date": date(2023, 2, 20),  # 二〇二三年二月二十日 under the signature
            "published_date": date(2023, 6, 12),  # pubtime in epoch milliseconds, China time
            "doc_type": "通知",
            "addressees": ["各乡镇人民政府"],
        }),
        (NEWS, {
            "title": "全市召开安全生产工作会议",
            "doc_number": None,
            "issuing_agency": None,  # the line under the heading names a bureau but no label says what it is
            "published_date": date(2023, 6, 1),  # the date under the heading
            "doc_type": None,
            "quality_flags": [],
        }),
        (JOINT, {
            "doc_number": "发改环资〔2021〕1号",  # the lead agency's number
            "doc_number_raw": "发改环资〔2021〕1号、财金〔2021〕2号",
            "issuing_agency": "国家发展改革委 财政部",
            "written_date": date(2021, 1, 5),
            "published_date": date(2021, 1, 8),
        }),
    ],
    ids=["unseen-xxgk", "bare-letter", "news", "joint"],
)
def test_unseen_layout_fields(html: str, fields: dict[str, object]) -> None:
    x = _read(html)
    assert {f: getattr(x, f) for f in fields} == fields


@pytest.mark.parametrize(
    ("html", "first", "last"),
    [
        (UNSEEN_XXGK, "各县（市、区）人民政府，市政府各部门、各直属单位：",
         "一、工作目标。到2025年，营商环境主要指标进入全省前列。"),
        (BARE_LETTER, "各乡镇人民政府：", "二〇二三年二月二十日"),
        (NEWS,
         "6月1日，全市安全生产工作会议召开，会议传达学习了上级有关会议精神，安排部署下一阶段安全生产工作。",
         "会议要求，各地各部门要压紧压实安全生产责任，深入开展隐患排查整治，坚决防范遏制重特大事故发生。"),
    ],
    ids=["unseen-xxgk", "bare-letter", "news"],
)
def test_unseen_layout_body_is_the_text_only(html: str, first: str, last: str) -> None:
    lines = _read(html).body_text.split("\n")
    assert (lines[0], lines[-1]) == (first, last)
    text = "\n".join(lines)
    chrome = ("打印", "关闭", "相关新闻", "最新文件", "版权所有", "主办单位", "首页")
    assert not [w for w in chrome if w in text]


LIST_PAGE = """<html><head><meta charset="utf-8"><title>通知公告_某某县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a></div><h2>通知公告</h2><ul class="list">
<li><a href="/t/1.html">某某县人民政府关于做好2024年防汛工作的通知</a><span>2024-05-06</span></li>
<li><a href="/t/2.html">某某县人民政府办公室关于开展安全生产大检查的通知</a><span>2024-04-28</span></li>
<li><a href="/t/3.html">某某县教育局关于2024年义务教育招生工作的公告</a><span>2024-04-20</span></li>
</ul><div class="page">共3条 1/1 首页 上一页 下一页 尾页</div></body></html>"""


REMOVED = """<html><head><meta charset='utf-8'><title>提示信息</title></head><body>
<h1>您访问的页面不存在或已删除</h1><p><a href='/'>返回首页</a></p></body></html>"""


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        (LIST_PAGE, "a list page: 3 link(s) to other pages and page navigation, no notice text"),
        ("<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>nginx</body></html>",
         "an error page ('404 Not Found')"),
        (REMOVED, "an error page ('您访问的页面不存在或已删除')"),
    ],
    ids=["list", "404", "removed"],
)
def test_pages_that_are_no_notice_are_refused_with_the_reason(html: str, reason: str) -> None:
    with pytest.raises(NotAPage) as info:
        _read(html)
    assert info.value.message == reason


def test_a_notice_with_page_navigation_and_related_links_is_still_a_notice() -> None:
    navigation = '<div class="page">上一页 下一页</div><div class="tt">'
    x = _read(BARE_LETTER.replace('<div class="tt">', navigation))
    assert x.doc_number == "某农发〔2023〕12号"


BIG5_PAGE = """<html><head><title>關於印發政府資訊公開工作要點的通知</title></head><body><div id="zoom">
<p>各區縣人民政府，市政府各部門：</p><p>現將《政府資訊公開工作要點》印發給你們，請認真貫徹執行。</p>
<p>某某市人民政府辦公廳</p><p>2019年3月5日</p></div></body></html>"""


def test_an_undeclared_big5_page_is_detected_and_simplified() -> None:
    x = read_page(BIG5_PAGE.encode("big5"), URL)
    assert x.script == "hant"
    assert x.title == "关于印发政府资讯公开工作要点的通知"
    assert x.issuing_agency == "某某市人民政府办公厅"
    assert x.quality_flags == []


def test_a_utf8_page_that_declares_gb2312_reads_as_utf8() -> None:
    declaration = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    html = UNSEEN_XXGK.replace('<meta charset="utf-8">', declaration)
    assert read_page(html.encode("utf-8"), URL, "text/html; charset=gb2312") == _read(UNSEEN_XXGK)


BEIJING = """<html><head><meta charset="utf-8">
<title>北京市人民政府关于印发某某方案的通知_北京市人民政府</title></head><body>
<ol class="doc-info"><li><span>[标题]</span>北京市人民政府关于印发某某方案的通知</li>
<li><span>[发文机构]</span>北京市人民政府</li><li><span>[成文日期]</span>2023年05月06日</li>
<li><span>[发文字号]</span>京政发〔2023〕12号</li></ol>
<div class="info">【发布时间】2023-05-10 【来源】北京市人民政府</div>
<div id="mainText"><p>各区人民政府，市政府各委、办、局，各市属机构：</p>
<p>现将《某某方案》印发给你们，请认真贯彻落实。</p><p>北京市人民政府</p><p>2023年5月6日</p></div></body></html>"""


def test_bracketed_labels_and_an_addressee_made_of_words() -> None:
    x = _read(BEIJING)
    assert (x.doc_number, x.issuing_agency) == ("京政发〔2023〕12号", "北京市人民政府")
    assert (x.written_date, x.published_date) == (date(2023, 5, 6), date(2023, 5, 10))
    assert x.addressees == ["各区人民政府", "市政府各委、办、局", "各市属机构"]


@pytest.mark.parametrize(
    ("name", "site", "full"),
    [
        ("区政府办", "成都市青白江区人民政府", "成都市青白江区人民政府办公室"),
        ("区府办", "成都市青白江区人民政府", "成都市青白江区人民政府办公室"),
        ("区政府", "成都市青白江区人民政府", "成都市青白江区人民政府"),
        ("省政府办", "浙江省人民政府", "浙江省人民政府办公厅"),
        ("市政府办公室", "眉山市人民政府", "眉山市人民政府办公室"),
        ("省发改委", "浙江省发展和改革委员会", "浙江省发展和改革委员会"),
        ("市政府办", "某某县人民政府", "市政府办"),  # another level: another government
        ("区发改局", "成都市青白江区人民政府", "区发改局"),  # a bureau the site's name does not spell
        ("省委", "浙江省发展和改革委员会", "省委"),
        ("区政府办", None, "区政府办"),
    ],
)
def test_short_agency_names_are_written_out(name: str, site: str | None, full: str) -> None:
    assert expand_short_name(name, site) == full


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("眉山市人民政府办公室关于印发《实施方案》的通知", "眉山市人民政府办公室"),
        ("国家发展改革委 财政部关于进一步做好节能降碳工作的通知", "国家发展改革委 财政部"),
        ("国务院办公厅转发国家发展改革委关于某某意见的通知", "国务院办公厅"),
        ("关于做好2024年防汛工作的通知", None),
        ("省政府召开常务会议 研究部署稳外贸工作", None),
    ],
)
def test_title_agency(title: str, agency: str | None) -> None:
    assert title_agency(title) == agency
