"""The extractor on whole pages: every sample-web page against its hand-written [expected], and the real
pages of ../shared/real-pages against values written by hand here (skipped when they are absent)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from gongwen.crawlers.sampleweb.render import load_page, render_notice
from gongwen.pipelines.extract import Extracted, NotAPage, read_page
from gongwen.pipelines.normalise.text import normalise_line, strip_pinyin_glosses, to_simplified

SAMPLE_PAGES = Path(__file__).resolve().parents[1] / "crawlers" / "sampleweb" / "pages"
COMPARED = ("title", "doc_number", "written_date", "published_date", "index_number", "issuing_agency",
            "doc_type", "genre", "addressees", "script")
CHROME = (
    "字体", "打印", "关闭", "分享到", "扫一扫", "浏览次数", "访问量", "责任编辑", "相关链接", "关联稿件",
    "网站标识码", "ICP备", "公网安备", "当前位置", "所在位置", "返回顶部", "版权所有", "大汉", "纠错",
)
GAMBLING = ("体育在线", "365", "娱乐", "彩票", "棋牌", "澳门", "博彩")


def _sample_paths() -> list[Path]:
    return sorted(SAMPLE_PAGES.glob("*/*.toml"))


def _expected(path: Path) -> dict[str, object]:
    expected = tomllib.loads(path.read_text(encoding="utf-8")).get("expected")
    if expected is None:
        pytest.skip("page file without [expected]")
    return dict(expected)


def _read_sample(path: Path) -> Extracted:
    source = path.parent.name
    return read_page(render_notice(source, path), f"http://sample.gov.cn/{source}/{path.stem}.html")


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_web_page_matches_its_expected_fields(path: Path) -> None:
    expected = _expected(path)
    if "quarantine" in expected:
        assert _read_sample(path).title is None, expected["quarantine"]
        return
    x = _read_sample(path)
    got = {f: _iso(getattr(x, f)) for f in COMPARED}
    want = {f: _iso(expected.get(f, [] if f == "addressees" else None)) for f in COMPARED}
    assert got == want


# The 文号 line above the text as pages print it, and a 令's two-line head.
_HEAD_LINE = re.compile(
    r"^(?:[^，。：]{1,30}[〔﹝\[［(（【〖]\d{4}[〕﹞\]］)）】〗]第?\d+[号號]|中华人民共和国国务院令|第\d+号)$"
)


@pytest.mark.parametrize("path", _sample_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_web_body_is_the_printed_text_only(path: Path) -> None:
    """The body is the page file's paragraphs without the 文号 / 令 head above the text, in simplified
    script and without pinyin glosses; a hijacked signature is the only line that may differ."""
    expected = _expected(path)
    if "quarantine" in expected:
        pytest.skip("a page that is quarantined has no body to compare")
    page = load_page(path.parent.name, path)
    hant = expected.get("script") == "hant"
    printed = [
        to_simplified(strip_pinyin_glosses(line)) if hant else line
        for paragraph in page.paragraphs
        for line in map(normalise_line, paragraph.split("\n"))
        if line
    ]
    while printed and _HEAD_LINE.match(printed[0].replace(" ", "")):
        printed = printed[1:]
    lines = _read_sample(path).body_text.split("\n")
    assert (lines[0], lines[-1]) == (printed[0], printed[-1])
    assert [line for line in lines if line not in printed] == (
        [expected["issuing_agency"]] if path.name == "seed-000.toml" else []
    )


def test_hijacked_seed_is_flagged_and_no_field_has_a_gambling_word() -> None:
    x = _read_sample(SAMPLE_PAGES / "sc_qingbaijiang" / "seed-000.toml")
    messages = [f["message"] for f in x.quality_flags if f["code"] == "spam_injection"]
    assert len(messages) == 1
    assert "体育在线" in messages[0]
    assert "77365体育在线办公室" in messages[0]  # the hijacked name, and what replaced it
    assert "成都市青白江区人民政府办公室" in messages[0]
    fields = asdict(x)
    fields.pop("quality_flags")
    fields.pop("body_text")
    # The body keeps the notice's own words (文化娱乐共享, 体育场馆); what the hijacker put in is gone.
    assert not [w for w in GAMBLING if w in repr(fields)]
    assert "77365" not in x.body_text
    assert "体育在线" not in x.body_text
    assert "成都市青白江区人民政府办公室\n2018年4月2日" in x.body_text


def test_traditional_reposts_come_out_simplified_with_the_doc_number_normalised() -> None:
    pages = sorted((SAMPLE_PAGES / "repost_qqjl").glob("*.toml"))
    numbered = 0
    for path in pages:
        x = _read_sample(path)
        assert x.script == "hant", path.name
        for text in (x.title or "", x.body_text, x.issuing_agency or "", *x.addressees):
            assert to_simplified(text) == text, path.name
        printed = tomllib.loads(path.read_text(encoding="utf-8")).get("doc_number")
        if printed:
            numbered += 1
            assert x.doc_number_raw is not None
            assert x.doc_number == _expected(path)["doc_number"]
            assert re.fullmatch(r"[^〔〕]+〔\d{4}〕[1-9]\d*号", x.doc_number or ""), x.doc_number
    assert numbered >= 3


@pytest.mark.parametrize(
    "name", ["sc_meishan/seed-001.toml", "govcn/2019-guoling-716-xiugai-xingzheng-fagui.toml"]
)
def test_a_gb18030_copy_reads_the_same_as_the_utf8_page(name: str) -> None:
    path = SAMPLE_PAGES / name
    utf8 = render_notice(path.parent.name, path)
    url = "http://sample.gov.cn/a.html"
    text = utf8.decode("utf-8")
    declared = re.sub(r"charset=([\"']?)utf-8", r"charset=\1gb2312", text, flags=re.IGNORECASE)
    assert declared != text
    original = asdict(read_page(utf8, url, "text/html; charset=utf-8"))
    assert asdict(read_page(declared.encode("gb18030"), url, "text/html; charset=gb2312")) == original
    assert asdict(read_page(declared.encode("gb18030"), url)) == original  # the page's own declaration
    undeclared = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.IGNORECASE)
    assert asdict(read_page(undeclared.encode("gb18030"), url)) == original  # nothing declared at all


# ---------------------------------------------------------------- real pages (not in the repository)


RealPage = Callable[[str], Path]  # the conftest fixture real_page


def _real(real_page: RealPage, name: str, url: str) -> Extracted:
    return read_page(real_page(name).read_bytes(), url)


GOVCN_707 = ("govcn_zhengce_content_guoling707_fragment.html",
             "https://www.gov.cn/zhengce/content/2018-12/22/content_5351177.htm")
WANZAI = ("jx_wanzai_xxgk_tjgb_2022_ucap.html",
          "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml")
ZJ_FGW = ("zj_fgw_hanweb_art_article.html", "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html")
HANDAN_LIST = ("hebei_handan_xxgk_list_trs.html", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/")

REAL_EXPECTED: dict[tuple[str, str], dict[str, object]] = {
    GOVCN_707: {
        "title": "中华人民共和国个人所得税法实施条例",
        "doc_number": "国令第707号",
        "doc_number_parts": {"issuer_code": "国令", "year": None, "serial": 707},
        "index_number": "000014349/2018-00218",
        "issuing_agency": "国务院",
        "written_date": date(2018, 12, 18),
        "published_date": date(2018, 12, 22),
        "doc_type": "命令",  # a 国令 promulgating a regulation
        "genre": "条例",
        "topic": "财政、金融、审计\\税务",
        "addressees": [],
        "script": "hans",
        "quality_flags": [],
    },
    WANZAI: {
        "title": "万载县2022年国民经济和社会发展统计公报",
        "doc_number": None,
        "index_number": "014742224A/2023-0043406",
        "issuing_agency": "万载县统计局",  # 责任部门
        "written_date": date(2023, 5, 11),  # 生成日期
        "published_date": date(2023, 8, 16),  # PubDate meta; the page prints no 发布日期
        "doc_type": "公报",
        "genre": None,
        "attachments": [],
        "quality_flags": [],
    },
    ZJ_FGW: {
        "title": "1-10月德清县固定资产投资结构趋稳趋优",
        "doc_number": None,
        "index_number": None,
        # 信息来源：省发改委, written out with the site's name (SiteName 浙江省发展和改革委员会).
        "issuing_agency": "浙江省发展和改革委员会",
        "written_date": None,
        "published_date": date(2016, 11, 22),
        "doc_type": None,
        "genre": None,
        "quality_flags": [],
    },
}
REAL_BODIES: dict[tuple[str, str], tuple[str, str, int]] = {  # first line, last line, at least N lines
    GOVCN_707: ("现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。",
                "第三十六条 本条例自2019年1月1日起施行。", 60),
    WANZAI: ("万载县统计局 国家统计局万载调查队",
             ("本公报中财政数据来自县财政局；外贸出口、利用外资数据来自县商务局；公路客运量、货运量、周转量数据"
             "来自县交通运输局；邮政数据来自县邮政公司；电信数据来自移动、电信和联通三家；文化、旅游、广播、"
             "电视数据来自县文广新旅局；存贷款数据来自人民银行万载支行；保险数据来自宜春监管分局万载监管组；"
             "教育数据来自县教体局；科技数据来自县科技局；卫生数据来自县卫健委；城镇就业人员、城镇登记失业率、"
             "养老保险、失业保险数据来自县人社局；城乡低保、农村特困人员供养数据来自县民政局；空气、污染物排放"
             "数据来自万载生态环境局；其他数据来自县统计局和国家统计局万载调查队。"), 40),
    ZJ_FGW: (("1-10月，全县固定资产投资完成246.79亿元，完成年度计划82.3%，同比增长15.3%，位列三县两区第一。"
             "其中第三产业投资完成119.90亿元，同比增长15.2%，位列三县两区第二，三次产业投资占比由去年同期的"
             "1.1:50.3:48.6调整为0.7:50.7:48.6，三产占比与去年持平；生产性服务业完成投资39.66亿元，占第三产业"
             "完成投资的33.1%，位列三县两区第二；项目投资完成220.53亿元，占全部投资的89.4%，位列三县两区第二；"
             "总体全县投资结构趋稳趋优。（德清县发改局）"), "", 1),
}


@pytest.mark.parametrize(
    ("page", "field"),
    [(page, field) for page, fields in REAL_EXPECTED.items() for field in fields],
    ids=lambda v: v[0].split("_")[0] if isinstance(v, tuple) else v,
)
def test_real_page_field(real_page: RealPage, page: tuple[str, str], field: str) -> None:
    assert getattr(_real(real_page, *page), field) == REAL_EXPECTED[page][field]


@pytest.mark.parametrize("page", list(REAL_BODIES), ids=lambda v: v[0].split("_")[0])
def test_real_page_body_is_the_notice_text_only(real_page: RealPage, page: tuple[str, str]) -> None:
    x = _real(real_page, *page)
    first, last, at_least = REAL_BODIES[page]
    lines = x.body_text.split("\n")
    assert lines[0] == first
    assert lines[-1] == (last or first)
    assert len(lines) >= at_least
    assert not [word for word in CHROME if word in x.body_text]


def test_real_govcn_order_keeps_the_signature_and_drops_the_order_head(real_page: RealPage) -> None:
    lines = _real(real_page, *GOVCN_707).body_text.split("\n")
    assert lines[1:3] == ["总理 李克强", "2018年12月18日"]
    assert "中华人民共和国国务院令" not in lines
    assert "第707号" not in lines


def test_real_trs_list_page_is_not_a_notice(real_page: RealPage) -> None:
    """A column's list page holds links to notices, not a notice: it is refused with the reason."""
    body = real_page(HANDAN_LIST[0]).read_bytes()
    with pytest.raises(NotAPage, match=r"^a list page: 1 link\(s\) to other pages and page navigation"):
        read_page(body, HANDAN_LIST[1])


@pytest.mark.parametrize("page", [GOVCN_707, WANZAI, ZJ_FGW], ids=lambda v: v[0].split("_")[0])
def test_real_page_in_gb18030_reads_the_same(real_page: RealPage, page: tuple[str, str]) -> None:
    x = _real(real_page, *page)
    text = real_page(page[0]).read_text(encoding="utf-8")
    copy = re.sub(r"charset=([\"']?)utf-8", r"charset=\1gbk", text, flags=re.IGNORECASE).encode("gb18030")
    assert asdict(read_page(copy, page[1])) == asdict(x)
