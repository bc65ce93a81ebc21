"""Normalisers: whitespace, script, titles, dates, 文号, 文种 and genre."""

from __future__ import annotations

from datetime import date

import pytest

from gongwen.pipelines.normalise.dates import find_date, parse_date, parse_epoch_ms
from gongwen.pipelines.normalise.docnumber import (
    chinese_to_int,
    find_doc_number,
    parse_doc_number,
    split_title_number,
)
from gongwen.pipelines.normalise.doctype import doc_type_of, genre_of
from gongwen.pipelines.normalise.text import (
    clean_title,
    detect_script,
    normalise_line,
    normalise_space,
    strip_pinyin_glosses,
    to_simplified,
)

# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("标　　题", "标题"),
        ("政  策", "政策"),
        ("索 引 号：", "索引号："),
        ("\u00a0\u00a0国务院\u00a0办公厅 ", "国务院办公厅"),
        ("国务\u200b院", "国务院"),
        ("Hello   world", "Hello world"),
        ("2018年12月18日\u00a0\u00a0\u00a0", "2018年12月18日"),
        ("第一行\n\n第二行", "第一行第二行"),
        ("GDP 增长", "GDP 增长"),
    ],
)
def test_normalise_space(raw: str, expected: str) -> None:
    assert normalise_space(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("总理　　李克强", "总理 李克强"),
        ("附　　件", "附件"),
        ("万载县统计局    国家统计局万载调查队", "万载县统计局 国家统计局万载调查队"),
        ("\u3000\u3000为深入贯彻落实", "为深入贯彻落实"),
    ],
)
def test_normalise_line_keeps_spaces_between_words(raw: str, expected: str) -> None:
    assert normalise_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("國務院辦公廳關於印發《開發區》的通知", "国务院办公厅关于印发《开发区》的通知"),
        ("2019年促進全省開發區改革和創新發展工作要點", "2019年促进全省开发区改革和创新发展工作要点"),
        ("贛府廳發[2018]30號", "赣府厅发[2018]30号"),
        ("已经是简体的通知", "已经是简体的通知"),
        ("", ""),
    ],
)
def test_to_simplified(raw: str, expected: str) -> None:
    assert to_simplified(raw) == expected


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("2019年促進全省開發區改革和創新發展工作要點", "hant"),
        ("深入貫徹省委十四屆七次全會精神，全面落實《江西省促進開發區改革和創新發展》", "hant"),
        ("眉山市人民政府办公室关于印发实施方案的通知", "hans"),
        ("2022年，万载全县上下坚持以习近平新时代中国特色社会主义思想为指导。", "hans"),
        ("GDP 2022", "hans"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("国务院关于印发X的通知_中国政府网", "国务院关于印发X的通知"),
        ("国务院办公厅关于X的通知_国务院部门文件_中国政府网", "国务院办公厅关于X的通知"),
        ("关于X的通知_政府信息公开_中国政府网", "关于X的通知"),
        ("眉山市人民政府办公室关于X的通知-眉山市人民政府", "眉山市人民政府办公室关于X的通知"),
        ("万载县2022年国民经济和社会发展统计公报 | 万载县人民政府", "万载县2022年国民经济和社会发展统计公报"),
        ("新旧动能转换综合试验区建设_山东省人民政府", "新旧动能转换综合试验区建设"),
        ("标　　题", "标题"),
        ("省政府召开常务会议　研究部署稳外贸稳外资工作", "省政府召开常务会议 研究部署稳外贸稳外资工作"),
        ("1-10月德清县固定资产投资结构趋稳趋优", "1-10月德清县固定资产投资结构趋稳趋优"),
        ("促进新经济发展三年行动计划(2018—2020年)", "促进新经济发展三年行动计划(2018—2020年)"),
        ("关于做好防汛工作的通知--某某市人民政府", "关于做好防汛工作的通知"),
        ("关于做好防汛工作的通知——某某市人民政府", "关于做好防汛工作的通知"),
        ("关于做好防汛工作的通知-政策文件-某某县人民政府网", "关于做好防汛工作的通知"),
        ("关于做好防汛工作的通知_某某县政府信息公开平台", "关于做好防汛工作的通知"),
        ("关于做好防汛工作的通知|某某市应急管理局", "关于做好防汛工作的通知"),
        ("某某市人民政府-关于做好防汛工作的通知", "关于做好防汛工作的通知"),
        ("关于印发《某某规划（2021—2035年）》的通知", "关于印发《某某规划（2021—2035年）》的通知"),
        ("关于做好2020-2021年度冬春森林防火工作的通知", "关于做好2020-2021年度冬春森林防火工作的通知"),
    ],
)
def test_clean_title(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("國務院辦(ban)公廳", "國務院辦公廳"),
        ("政府網站(zhan)發展指(zhi)引", "政府網站發展指引"),
        ("生产总值(GDP)262.6亿元", "生产总值(GDP)262.6亿元"),
        ("各县（区）人民政府", "各县（区）人民政府"),
    ],
)
def test_strip_pinyin_glosses(raw: str, expected: str) -> None:
    assert strip_pinyin_glosses(raw) == expected


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018年4月2日", date(2018, 4, 2)),
        ("2018年04月02日", date(2018, 4, 2)),
        ("2018-04-02", date(2018, 4, 2)),
        ("2018.4.2", date(2018, 4, 2)),
        ("2018/4/2", date(2018, 4, 2)),
        ("二〇一八年四月二日", date(2018, 4, 2)),
        ("二○一八年四月二日", date(2018, 4, 2)),
        ("二零一八年四月二日", date(2018, 4, 2)),
        ("二ＯＯ六年五月二十三日", date(2006, 5, 23)),
        ("二〇一九年十二月三十一日", date(2019, 12, 31)),
        ("２０１８年４月２日", date(2018, 4, 2)),
        ("２０１８－０４－０２", date(2018, 4, 2)),
        ("2007-08-20-23:59:59", date(2007, 8, 20)),
        ("2020-04-10 09:30", date(2020, 4, 10)),
        ("2020-09-11 08:38:00", date(2020, 9, 11)),
        (" 2018年12月18日\u3000", date(2018, 12, 18)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "18-04-02",  # two-digit year
        "18年4月2日",
        "2018-02-30",  # impossible
        "2018年13月1日",
        "二〇一八年二月三十日",
        "2018-4/2",  # mixed separators
        "2018年4月",  # no day
        "000014349/2018-00218",  # 索引号
        "2026-02-00018",  # TRS 索引号 that looks like a date
        "发布日期：2018-04-02",  # a label: use find_date
        "",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间:2018年04月23日 浏览次数:", date(2018, 4, 23)),
        ("索引号 000014349/2018-00218 发布日期 2018-12-22", date(2018, 12, 22)),
        ("2018-13-01 以后 2018-12-01", date(2018, 12, 1)),
        ("成文于二〇〇六年五月二十三日", date(2006, 5, 23)),
        ("没有日期", None),
    ],
)
def test_find_date(text: str, expected: date | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (1545408000000, date(2018, 12, 22)),  # 2018-12-21T16:00Z is midnight in Beijing
        (1545407999000, date(2018, 12, 21)),
        ("1545408000000", date(2018, 12, 22)),
    ],
)
def test_parse_epoch_ms_uses_china_time(ms: int | str, expected: date) -> None:
    assert parse_epoch_ms(ms) == expected


# ---------------------------------------------------------------- 文号


@pytest.mark.parametrize(
    # raw, normalised, issuer_code, year, serial, standard
    "case",
    [
        ("国函〔2018〕159号", "国函〔2018〕159号", "国函", 2018, 159, True),
        ("国办发 〔2019〕 6号", "国办发〔2019〕6号", "国办发", 2019, 6, True),
        ("国办发﹝2019﹞6号", "国办发〔2019〕6号", "国办发", 2019, 6, False),
        ("川府发[2019]8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("川府发［2019］8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("川府发(2019)8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("川府发（2019）8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("川府发【2019】8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("川府发〖2019〗8号", "川府发〔2019〕8号", "川府发", 2019, 8, False),
        ("X市财发〔1992〕字第36号", "X市财发〔1992〕36号", "X市财发", 1992, 36, False),
        ("眉府办发〔2022〕第17号", "眉府办发〔2022〕17号", "眉府办发", 2022, 17, False),
        ("国办发〔2019〕006号", "国办发〔2019〕6号", "国办发", 2019, 6, False),
        ("国办发（２０１９）６号", "国办发〔2019〕6号", "国办发", 2019, 6, False),
        ("国办发〔２０１９〕６号", "国办发〔2019〕6号", "国办发", 2019, 6, False),
        ("X发(1995)(12号)", "X发〔1995〕12号", "X发", 1995, 12, False),
        ("贛府廳發〔2019〕5號", "赣府厅发〔2019〕5号", "赣府厅发", 2019, 5, True),
        ("呼政辦發[2008]68號", "呼政办发〔2008〕68号", "呼政办发", 2008, 68, False),
        ("国令第707号", "国令第707号", "国令", None, 707, True),
        ("国务院令 第707号", "国令第707号", "国令", None, 707, True),
        ("中华人民共和国国务院令第763号", "国令第763号", "国令", None, 763, True),
        ("中华人民共和国主席令 第三十一号", "主席令第31号", "主席令", None, 31, True),
        ("中华人民共和国财政部令第102号", "财政部令第102号", "财政部令", None, 102, True),
        ("主席令第六十一号", "主席令第61号", "主席令", None, 61, True),
        ("国令第0707号", "国令第707号", "国令", None, 707, False),
    ],
)
def test_parse_doc_number(case: tuple[str, str, str, int | None, int, bool]) -> None:
    parsed = parse_doc_number(case[0])
    assert parsed is not None
    got = (parsed.raw, parsed.normalised, parsed.issuer_code, parsed.year, parsed.serial, parsed.standard)
    assert got == case


@pytest.mark.parametrize(
    "raw",
    ["无", "—", "/", "空", "", "  ", "暂无", "国办发〔87〕6号", "(1995)12号", "国办发〔2019〕0号", "非文号"],
)
def test_parse_doc_number_gives_none(raw: str) -> None:
    assert parse_doc_number(raw) is None


@pytest.mark.parametrize(
    ("text", "value"), [("六十一", 61), ("一百零八", 108), ("十", 10), ("七〇七", 707), ("x", None)]
)
def test_chinese_to_int(text: str, value: int | None) -> None:
    assert chinese_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布日期:2020-08-22\n新开〔2020〕28号\n各部门:", "新开〔2020〕28号"),
        ("眉府办发〔2022〕17号　　签发人：张三", "眉府办发〔2022〕17号"),
        ("文号：川府发[2019]8号", "川府发[2019]8号"),
        ("中华人民共和国国务院令\n第707号\n现公布修订后的条例", "中华人民共和国国务院令 第707号"),
        ("国令第707号", "国令第707号"),
        ("根据《指导意见》（国办发〔2019〕58号，以下简称《指导意见》），结合我区实际", None),
        ("（国办发〔2019〕58号）", None),
        ("现将国办发〔2019〕6号文件转发给你们", None),
        ("发改环资〔2021〕1号、财金〔2021〕2号", "发改环资〔2021〕1号"),  # joint numbers: the lead agency's
        ("人社部发〔2020〕10号；财社〔2020〕5号", "人社部发〔2020〕10号"),
        ("没有文号的正文", None),
    ],
)
def test_find_doc_number(text: str, expected: str | None) -> None:
    assert find_doc_number(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于做好防汛工作的通知（某农发〔2023〕12号）", ("关于做好防汛工作的通知", "某农发〔2023〕12号")),
        ("某某条例(国令第707号)", ("某某条例", "国令第707号")),
        ("关于XX的通告（2019年第3号）", ("关于XX的通告（2019年第3号）", None)),
        ("促进新经济发展三年行动计划(2018—2020年)", ("促进新经济发展三年行动计划(2018—2020年)", None)),
        ("（国办发〔2019〕6号）", ("（国办发〔2019〕6号）", None)),
        (None, (None, None)),
    ],
)
def test_split_title_number(title: str | None, expected: tuple[str | None, str | None]) -> None:
    assert split_title_number(title) == expected


# ---------------------------------------------------------------- 文种 and genre


@pytest.mark.parametrize(
    ("title", "doc_number", "doc_type", "genre"),
    [
        ("眉山市人民政府办公室关于印发《眉山市加快发展新经济的实施方案》的通知", None, "通知", "实施方案"),
        ("77365体育在线办公室关于印发促进新经济发展三年行动计划(2018—2020年)的通知", None, "通知",
         "行动计划"),
        ("国务院办公厅关于印发《关于支持国家级新区深化改革创新的指导意见》的通知", None, "通知", "意见"),
        ("关于印发2019年政务公开工作要点的通知", None, "通知", "工作要点"),
        ("关于印发青白江区2019年农村人居环境整治工作方案的通知", None, "通知", "工作方案"),
        ("关于转发《XX市管理办法（试行）》的通知", None, "通知", "办法"),
        ("关于下达2019年投资计划的通知", None, "通知", "计划"),
        ("关于印发《XX实施细则》的通知。", None, "通知", "细则"),
        ("国务院关于支持国家级新区深化改革创新加快推动高质量发展的指导意见", None, "意见", None),
        ("关于做好2019年防汛工作的通知", None, "通知", None),
        ("国务院关于同意设立XX的批复", None, "批复", None),
        ("XX县人民政府关于XX的请示", None, "请示", None),
        ("XX专题会议纪要", None, "纪要", None),
        ("关于商请协助XX的函", None, "函", None),
        ("国家税务总局公告2019年第5号", None, "公告", None),
        ("关于XX的通告（2019年第3号）", None, "通告", None),
        ("关于表彰XX的决定", None, "决定", None),
        ("万载县2022年国民经济和社会发展统计公报", None, "公报", None),
        ("中华人民共和国个人所得税法实施条例", "国令第707号", "命令", "条例"),
        ("中华人民共和国国务院令第707号", None, "命令", None),
        ("国务院关于修改和废止部分行政法规的决定", "国令第716号", "决定", None),
        ("中华人民共和国个人所得税法实施条例", None, None, "条例"),
        ("2019年促進全省開發區改革和創新發展工作要點", None, None, "工作要点"),
        ("XX市国土空间总体规划（2021—2035年）", None, None, "规划"),
        ("XX县企业投资项目管理办法", None, None, "办法"),
        ("新旧动能转换综合试验区建设，今年要在这7个方面攻坚突破", None, None, None),
        ("1-10月德清县固定资产投资结构趋稳趋优", None, None, None),
    ],
)
def test_doc_type_and_genre(
    title: str, doc_number: str | None, doc_type: str | None, genre: str | None
) -> None:
    assert doc_type_of(title, doc_number) == doc_type
    assert genre_of(title) == genre


def test_empty_title_has_no_type_or_genre() -> None:
    assert doc_type_of(None) is None
    assert genre_of("") is None
