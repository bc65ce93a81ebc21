"""Hostile pages, written by hand: hijacked agency names, gambling words, hidden link farms and titles that
disagree. Each is flagged spam_injection with a message saying what was found, and no field keeps an
injected word; ordinary pages that use such words for their own purposes are not flagged."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from gongwen.pipelines.extract import Extracted, read_page
from gongwen.pipelines.extract.spam import spam_words, strip_words

URL = "http://www.qbj.gov.cn/qbjq/c142988/2018-04/23/content_1.shtml"
TITLE = "某某县人民政府办公室关于做好2024年防汛工作的通知"


def _read(html: str, url: str = URL) -> Extracted:
    return read_page(html.encode("utf-8"), url, "text/html; charset=utf-8")


def _spam(x: Extracted) -> str | None:
    messages = [f["message"] for f in x.quality_flags if f["code"] == "spam_injection"]
    assert len(messages) <= 1
    return messages[0] if messages else None


def _fields_text(x: Extracted) -> str:
    fields = asdict(x)
    fields.pop("quality_flags")
    return repr(fields)


def _page(title: str, body: str, *, head: str = "", chrome: str = "", heading: str | None = None) -> str:
    return f"""<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>
<div class="top"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>{chrome}
<div class="main"><h1>{title if heading is None else heading}</h1>
<div class="info">发布时间：2024-05-06</div>
<div id="zoom">{body}</div></div>
<div class="footer">主办：某某县人民政府办公室 网站标识码：5101130004</div></body></html>"""


NOTICE_BODY = """<p>各乡镇人民政府，县级各部门：</p>
<p>为切实做好今年防汛工作，确保人民群众生命财产安全，现将有关事项通知如下。</p>
<p>一、压实防汛责任。各地要落实以行政首长负责制为核心的防汛责任制。</p>
<p>某某县人民政府办公室</p><p>2024年5月6日</p>"""

HIJACKED = """<html><head><meta charset="utf-8">
<title>77365体育在线办公室关于做好2024年防汛工作的通知</title>
<meta name="SiteName" content="成都市青白江区人民政府"></head><body>
<h1>77365体育在线办公室关于做好2024年防汛工作的通知</h1>
<div class="info">发布者:区政府办 发布时间:2024年05月06日</div>
<div id="zoom"><p>各镇人民政府、街道办事处,区级有关部门:</p>
<p>为切实做好今年防汛工作,现将有关事项通知如下。</p>
<p>77365体育在线办公室</p><p>2024年5月6日</p></div></body></html>"""


def test_hijacked_agency_is_replaced_by_the_one_the_page_names() -> None:
    x = _read(HIJACKED)
    assert x.title == "成都市青白江区人民政府办公室关于做好2024年防汛工作的通知"
    assert x.issuing_agency == "成都市青白江区人民政府办公室"  # 区政府办 + SiteName
    assert x.body_text.split("\n")[-2:] == ["成都市青白江区人民政府办公室", "2024年5月6日"]
    assert x.written_date is not None
    message = _spam(x)
    assert message is not None
    assert "77365体育" in message
    assert "体育在线" in message
    assert "'77365体育在线办公室' is replaced by '成都市青白江区人民政府办公室'" in message
    assert "77365" not in _fields_text(x)
    assert "体育在线" not in _fields_text(x)


def test_hijacked_agency_without_a_real_one_on_the_page_is_removed_not_guessed() -> None:
    html = HIJACKED.replace('<meta name="SiteName" content="成都市青白江区人民政府">', "")
    html = html.replace("发布者:区政府办 ", "")
    x = _read(html)
    assert x.title == "关于做好2024年防汛工作的通知"
    assert x.issuing_agency is None
    assert x.body_text.split("\n")[-1] == "2024年5月6日"
    assert "the page names no other" in (_spam(x) or "")
    assert "77365" not in _fields_text(x)


HIDDEN_CASINO_LINKS = """<div style="position:absolute;left:-9999px;top:-9999px">
<a href="http://www.a-casino.com/">澳门新葡京</a> <a href="http://www.b-bet.net/">百家乐真人娱乐</a></div>"""


@pytest.mark.parametrize(
    ("chrome", "head", "words"),
    [
        (HIDDEN_CASINO_LINKS, "", "a-casino.com"),
        # hidden by a stylesheet rule, not an inline style
        ('<div class="hdlk"><a href="https://x.example.com/">皇冠体育官网</a></div>',
         "<style>.hdlk{display:none}</style>", "x.example.com"),
        # a farm of innocuous links pushed off screen
        ('<div style="text-indent:-3000px;height:1px;overflow:hidden">'
         + "".join(f'<a href="http://shop{n}.example.com/">装修公司{n}</a>' for n in range(6)) + "</div>",
         "", "6 off-site links hidden off screen"),
        ('<p style="font-size:0"><a href="http://a.example.org/">成人视频在线</a></p>', "", "a.example.org"),
    ],
)
def test_hidden_blocks_of_off_site_links_are_flagged(chrome: str, head: str, words: str) -> None:
    x = _read(_page(TITLE, NOTICE_BODY, head=head, chrome=chrome))
    message = _spam(x)
    assert message is not None
    assert words in message
    assert x.body_text.startswith("各乡镇人民政府，县级各部门：")
    assert not [w for w in ("新葡京", "百家乐", "装修公司", "皇冠体育", "成人视频") if w in _fields_text(x)]


def test_hidden_menus_of_ordinary_links_are_not_spam() -> None:
    menu = ('<ul class="sub" style="display:none">'
            + "".join(f'<li><a href="http://www.{s}.com.cn/">{n}</a></li>'
                      for s, n in (("people", "人民网"), ("xinhuanet", "新华网"), ("cctv", "央视网"),
                                   ("chinadaily", "中国日报网"), ("gmw", "光明网"), ("ce", "中国经济网")))
            + '</ul><a style="display:none" href="http://www.hanweb.com">Produced By 大汉网络</a>')
    x = _read(_page(TITLE, NOTICE_BODY, chrome=menu))
    assert _spam(x) is None


def test_a_hijacked_title_tag_is_flagged_and_the_visible_title_kept() -> None:
    html = _page("澳门新葡京娱乐城_官方网站", NOTICE_BODY, heading=TITLE,
                 head='<meta name="keywords" content="百家乐,真人视讯,彩票">')
    x = _read(html)
    assert x.title == TITLE
    message = _spam(x) or ""
    assert "新葡京" in message
    assert "<title>" in message
    assert "the meta keywords" in message


def test_title_meta_and_heading_that_name_different_documents_are_flagged() -> None:
    html = _page("最新热播电视剧免费在线观看高清完整版", NOTICE_BODY, heading=TITLE,
                 head=f'<meta name="ArticleTitle" content="{TITLE}">')
    x = _read(html)
    assert x.title == TITLE
    message = _spam(x) or ""
    assert "name different documents" in message
    assert "最新热播电视剧" in message


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("关于做好2024年防汛工作的通知_某某县人民政府", "关于做好2024年防汛工作的通知"),
        ("某某县人民政府办公室关于做好2024年防汛工作的通知", "关于做好2024年防汛工作的通知"),
        ("某某县人民政府", "关于做好2024年防汛工作的通知"),  # a <title> that is the site's name
        ("政府信息公开_某某县人民政府", "关于做好2024年防汛工作的通知"),
        ("关于印发某某县支持重点行业和重点设施超低排放改造（深度治...",  # a list's truncated title
         "关于印发某某县支持重点行业和重点设施超低排放改造（深度治理）实施方案的通知"),
    ],
)
def test_titles_that_agree_beyond_suffixes_are_not_flagged(title: str, heading: str) -> None:
    assert _spam(_read(_page(title, NOTICE_BODY, heading=heading))) is None


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("某某县公安局关于依法严厉打击跨境赌博和网络赌场违法犯罪活动的通告",
         "<p>为严厉打击赌博违法犯罪活动，净化社会环境，现通告如下。</p><p>一、严禁开设赌场、组织参与网络赌博。</p>"),
        ("关于加强体育彩票销售管理的通知",
         ("<p>各县（区）体育局：</p><p>为规范体育彩票销售，发展文化娱乐和全民健身事业，现通知如下。</p>"
          "<p>中国体育彩票某某中心 开户银行等信息另行通知。</p>")),
        ("国家体育总局棋牌运动管理中心关于举办全国象棋锦标赛的通知",
         "<p>各省（区、市）体育局：</p><p>现将赛事安排通知如下。</p>"),
    ],
)
def test_notices_about_gambling_or_lotteries_are_not_spam(title: str, body: str) -> None:
    x = _read(_page(title, body))
    assert _spam(x) is None
    assert x.title == title


@pytest.mark.parametrize(
    ("text", "short", "words"),
    [
        ("77365体育在线办公室", True, ["体育在线", "77365体育"]),
        ("澳门新葡京娱乐城", True, ["娱乐城", "新葡京", "葡京娱乐", "澳门"]),
        ("体育彩票管理中心", True, []),  # one generic word is not enough
        ("棋牌彩票官网", True, ["棋牌", "彩票", "官网"]),
        ("棋牌彩票官网", False, []),  # in long text only promotional words count
        ("bet365官方", False, ["bet365"]),
        ("全年365天开放体育场馆", False, []),
        ("alphabet", False, []),
    ],
)
def test_spam_words(text: str, short: bool, words: list[str]) -> None:
    assert spam_words(text, short=short) == words


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("77365体育在线办公室", ["体育在线", "77365体育"], "办公室"),
        ("关于bet365注册送彩金的通知", ["bet365", "注册送"], "关于彩金的通知"),
        ("没有", ["体育在线"], "没有"),
    ],
)
def test_strip_words(text: str, words: list[str], expected: str) -> None:
    assert strip_words(text, words) == expected
