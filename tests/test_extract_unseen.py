"""The failure classes seen on pages of sites the extractor was never tuned on (issue 18), each on a
page written here that reproduces it."""

from __future__ import annotations

from datetime import date

from gongwen.pipelines.extract import Extracted, read_page

URL = "https://www.example.gov.cn/zwgk/202401/t20240105_1.html"
TITLE = "某县人民政府办公室关于印发春耕生产工作方案的通知"
TEXT = (
    "<p>各乡镇人民政府，县直各单位：</p><p>现将《某县2024年春耕生产工作方案》印发给你们，请认真贯彻执行。</p>"
    "<p>某县人民政府办公室</p><p>2024年1月3日</p>"
)


def _read(html: str) -> Extracted:
    return read_page(html.encode(), URL, "text/html; charset=utf-8")


def _page(body: str, head: str = "", title: str = TITLE) -> str:
    return (
        f'<html><head><meta charset="utf-8">{head}<title>{title}</title></head><body>'
        f"<h1>{title}</h1>{body}</body></html>"
    )


def _codes(x: Extracted) -> list[str]:
    return [f["code"] for f in x.quality_flags]


def test_an_early_closing_html_tag_loses_nothing_after_it() -> None:
    # A header include closes the document; libxml2 puts the article in a second top-level tree.
    html = (
        f'<html><head><meta charset="utf-8"><title>{TITLE}</title></head><body><div class="header">'
        '<a href="/">首页</a></div></body></html>\n'
        f'<div class="article"><h1>{TITLE}</h1><div class="info">发布日期：2024-01-05</div>'
        f'<div id="UCAP-CONTENT">{TEXT}</div></div></body></html>'
    )
    x = _read(html)
    assert x.body_text.splitlines()[0] == "各乡镇人民政府，县直各单位："
    assert x.body_text.endswith("2024年1月3日")
    assert (x.published_date, x.written_date) == (date(2024, 1, 5), date(2024, 1, 3))


MENU = '<div class="nav"><ul>' + "".join(f'<li><a href="/c{i}/">栏目名称第{i}个</a></li>' for i in range(12))
MENU += "</ul></div>"
META = (
    '<table class="xxgk"><tr><td>索引号：</td><td>11410700-2024-00012</td>'
    "<td>发布机构：</td><td>某县统计局</td></tr>"
    "<tr><td>发文字号：</td><td></td><td>成文日期：</td><td>2024-01-03</td></tr></table>"
)


def test_a_page_with_metadata_and_no_article_has_an_empty_body_not_its_menus() -> None:
    title = "某县统计局关于开展2024年统计执法检查的通知"
    html = _page(
        f'<div id="content">{MENU}<div class="main">{META}<div class="links"><a href="/x/1.html">上一篇：'
        '某县统计局关于某事项的公告</a><a href="/x/2.html">下一篇：某县统计局关于另一事项的公告</a>'
        "</div></div>"
        '<div class="bottom">主办：某县人民政府 地址：某县某路1号</div></div>',
        title=title,
    )
    x = _read(html)
    assert x.body_text == ""
    assert _codes(x) == ["empty_body"]
    assert (x.index_number, x.issuing_agency, x.written_date) == (
        "11410700-2024-00012",
        "某县统计局",
        date(2024, 1, 3),
    )
    assert x.published_date is None  # the 成文日期 row is no 发布日期


def test_an_empty_label_cell_does_not_take_the_next_label_s_value() -> None:
    x = _read(_page(META + f'<div class="TRS_Editor">{TEXT}</div>'))
    assert (x.doc_number, x.doc_number_raw) == (None, None)
    assert "doc_number_nonstandard" not in _codes(x)


def test_an_agency_in_an_undated_closing_line() -> None:
    x = _read(
        _page(
            '<div class="TRS_Editor"><p>2023年，全县规模以上工业增加值同比增长6.1%，高于全市平均水平。</p>'
            "<p>（某县统计局）</p></div>",
            title="2023年全县规模以上工业生产情况",
        )
    )
    assert x.issuing_agency == "某县统计局"
    assert "agency_from_site" not in _codes(x)


def test_a_joint_signature_names_every_agency() -> None:
    x = _read(
        _page(
            '<div class="TRS_Editor"><p>各乡镇人民政府，县直有关单位：</p><p>为做好春节期间安全生产工作，'
            "现就有关事项通知如下。</p><p>某县应急管理局　　　　某县公安局</p><p>2024年1月20日</p></div>",
            title="关于做好2024年春节期间安全生产工作的通知",
        )
    )
    assert x.issuing_agency == "某县应急管理局 某县公安局"


def test_a_page_naming_no_agency_gets_the_site_s_owner_with_a_flag() -> None:
    x = _read(
        _page(
            '<div class="TRS_Editor"><p>各乡镇：</p><p>为切实做好秸秆禁烧工作，现将有关事项通知如下。</p>'
            "</div>",
            head='<meta name="SiteName" content="某县人民政府">',
            title="关于进一步加强秸秆禁烧工作的通知",
        )
    )
    assert x.issuing_agency == "某县人民政府"
    assert "agency_from_site" in _codes(x)


def test_a_doc_number_on_the_body_s_first_line() -> None:
    x = _read(_page(f'<div class="TRS_Editor"><p>某政〔2024〕3号</p>{TEXT}</div>'))
    assert x.doc_number == "某政〔2024〕3号"
    assert not x.body_text.startswith("某政")


def test_a_title_with_a_column_tag_and_its_doc_number_before_it() -> None:
    printed = "【县政府文件】某政〔2026〕2号 某县人民政府关于印发某某实施方案的通知"
    unsigned = "<p>各乡镇人民政府，县直各单位：</p><p>现将《某某实施方案》印发给你们，请认真贯彻执行。</p>"
    x = _read(_page(f'<div class="TRS_Editor">{unsigned}</div>', title=printed))
    assert x.title == "某县人民政府关于印发某某实施方案的通知"
    assert x.doc_number == "某政〔2026〕2号"
    assert (x.issuing_agency, x.doc_type) == ("某县人民政府", "通知")  # from the clean title


def test_a_visible_labelled_date_wins_over_a_later_meta_date() -> None:
    # Meta PubDate is often a re-publication stamp years later.
    x = _read(
        _page(
            f'<div class="info">发布日期：2019-03-12</div><div class="TRS_Editor">{TEXT}</div>',
            head='<meta name="PubDate" content="2023-06-01 10:00">',
        )
    )
    assert x.published_date == date(2019, 3, 12)
    assert "dates_disagree" in _codes(x)


def test_a_meta_date_a_day_from_the_shown_one_is_no_disagreement() -> None:
    x = _read(
        _page(
            f'<div class="info">发布日期：2019-03-12</div><div class="TRS_Editor">{TEXT}</div>',
            head='<meta name="PubDate" content="2019-03-13 10:00">',
        )
    )
    assert "dates_disagree" not in _codes(x)


def test_toolbars_repeated_metadata_and_interpretations_are_not_body_text() -> None:
    meta = (
        "<table><tr><td>索引号：</td><td>11410700-2024-00012</td><td>发布机构：</td><td>某县人民政府办公室</td></tr>"
        f"<tr><td>标题：</td><td>{TITLE}</td></tr></table>"
    )
    x = _read(
        _page(
            '<div class="TRS_Editor"><div class="tool">时间：2024-01-05 来源：县政府办 '
            "我的收藏 打印 关闭</div>"
            f"<p>字体：大 中 小</p>{meta}{TEXT}<p>一图读懂：某县2024年春耕生产工作方案</p>"
            "<p>政策解读：点击查看</p></div>"
        )
    )
    assert x.body_text.splitlines() == [
        "各乡镇人民政府，县直各单位：",
        "现将《某县2024年春耕生产工作方案》印发给你们，请认真贯彻执行。",
        "某县人民政府办公室",
        "2024年1月3日",
    ]
    assert x.index_number == "11410700-2024-00012"


def test_deeply_nested_unclosed_markup_keeps_the_rest_of_the_body() -> None:
    deep = "<font>" * 400 + "深层文字段落。</p><p>后续段落也要读到，这是最后一段。"
    x = _read(_page(f'<div class="TRS_Editor"><p>各乡镇：</p><p>{deep}</p></div>'))
    assert x.body_text.splitlines()[-1] == "后续段落也要读到，这是最后一段。"
    assert "markup_truncated" not in _codes(x)


def test_markup_deeper_than_any_parse_is_flagged() -> None:
    deep = "<div>" * 5000 + "深层文字段落。"
    x = _read(_page(f'<div class="TRS_Editor"><p>各乡镇：</p><p>为做好工作，现通知如下。</p>{deep}</div>'))
    assert "markup_truncated" in _codes(x)


def test_ideographic_spaces_and_nbsp_in_titles_and_doc_numbers() -> None:
    x = _read(
        _page(
            "<table><tr><td>发文字号：</td><td>某政〔2024〕&nbsp;3号</td></tr></table>"
            f'<div class="TRS_Editor">{TEXT}</div>',
            title="某县人民政府关于印发\u3000春耕生产工作方案的通知",
        )
    )
    assert x.title == "某县人民政府关于印发 春耕生产工作方案的通知"
    assert x.doc_number == "某政〔2024〕3号"
    assert "\xa0" not in (x.doc_number_raw or "")


def test_an_empty_value_whose_next_element_is_another_label_and_its_value() -> None:
    # As gov.cn's 部门文件 pages print an empty 发文字号 in their mobile metadata list.
    x = _read(
        _page(
            "<ul><li><span>发文字号：</span><span></span></li>"
            "<li><span>来\u00a0\u00a0源：</span><span>中国人民银行网站</span></li></ul>"
            f'<div class="TRS_Editor">{TEXT}</div>'
        )
    )
    assert (x.doc_number_raw, x.doc_number) == (None, None)
    assert "doc_number_nonstandard" not in _codes(x)


def test_a_formal_name_is_not_taken_for_a_short_form_of_the_site_s_joint_masthead() -> None:
    # 平潭综合实验区管委会 issues; the site is the joint 党工委管委会: the row's name stands.
    x = _read(
        _page(
            "<table><tr><td>发文机关：</td><td>平潭综合实验区管委会</td></tr></table>"
            f'<div class="TRS_Editor">{TEXT}</div>',
            head='<meta name="SiteName" content="平潭综合实验区党工委管委会">',
        )
    )
    assert x.issuing_agency == "平潭综合实验区管委会"


def test_a_company_and_a_date_in_a_table_of_data_are_no_signature() -> None:
    # NMPA publishes lists as a table whose cells hold paragraphs: a row's company and date, one line
    # each, are no 发文机关 and 成文日期.
    rows = "".join(
        f"<tr><td><p>{n}</p></td><td><p>JYSB20003{n}</p></td><td><p>某某注射液</p></td>"
        f"<td><p>某某药业有限责任公司</p></td><td><p>2020年9月{n}日</p></td></tr>"
        for n in range(1, 5)
    )
    head = "<tr><th>序号</th><th>受理号</th><th>品名</th><th>企业</th><th>日期</th></tr>"
    x = _read(
        _page(
            f'<div class="TRS_Editor"><p>以下药品批准证明文件待领取：</p><table>{head}{rows}</table></div>',
            head='<meta name="ContentSource" content="国家药品监督管理局">',
            title="2020年09月11日药品批准证明文件待领取信息发布",
        )
    )
    assert x.issuing_agency == "国家药品监督管理局"
    assert x.written_date is None


def test_a_signature_after_a_table_of_targets_is_still_read() -> None:
    rows = "".join(f"<tr><td>指标{n}</td><td>{n}0%</td><td>某县发展改革局</td></tr>" for n in range(1, 5))
    x = _read(
        _page(
            f'<div class="TRS_Editor"><p>各乡镇人民政府：</p><table>{rows}</table>'
            "<p>某县人民政府办公室</p><p>2024年1月3日</p></div>"
        )
    )
    assert (x.issuing_agency, x.written_date) == ("某县人民政府办公室", date(2024, 1, 3))


def test_a_doc_number_on_the_title_s_line_at_the_top_of_the_body() -> None:
    # The title and its 文号 in two spans of one line above the text (a ministry's template).
    title = "财政部 税务总局关于某项税收政策继续执行的通知"
    body = f'<div class="content"><p><span>{title}</span> <span>财税〔2023〕81号</span></p>{TEXT}</div>'
    x = _read(_page(body, title=title))
    assert x.doc_number == "财税〔2023〕81号"
    assert x.body_text.splitlines()[0] == "各乡镇人民政府，县直各单位："


def test_a_line_of_the_page_s_date_and_empty_source_is_no_body_text() -> None:
    body = f'<div class="content"><p>日期：2024-01-05 来源：</p>{TEXT}</div>'
    x = _read(_page(body))
    assert x.body_text.splitlines()[0] == "各乡镇人民政府，县直各单位："
    source = _read(_page(f'<div class="content">{TEXT}<p>数据来源：县统计局</p></div>'))
    assert "数据来源：县统计局" in source.body_text  # a source line of the text itself stays
