"""The policy rules on small bodies written for them: outline, agency notes, agencies, tasks, targets,
citations, and the records' ids and foreign keys."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gongwen.pipelines.policy import AgencyName, Policy, Target, link_citations, read_policy
from gongwen.pipelines.policy.agencies import jurisdiction_of, normalise_agency, split_names
from gongwen.pipelines.policy.notes import parse_note
from gongwen.pipelines.policy.outline import body_lines, outline_of
from gongwen.pipelines.policy.tasks import says_what_to_do, schedule_of
from tests.conftest import make_notice

URL = "https://www.example.gov.cn/zwgk/2022/t1.html"


def policy(body: str, region: str | None = "四川省眉山市", **fields: Any) -> Policy:
    fields.setdefault("written_date", date(2022, 3, 29))
    return read_policy(make_notice(URL, body_text=body, **fields), region)


def target_tuples(targets: list[Target]) -> list[tuple[int | None, str, float, str, str]]:
    return [(t.year, t.indicator, t.value, t.unit, t.comparator) for t in targets]


# ---------------------------------------------------------------- outline


def test_outline_nests_by_numbering_rank_even_when_a_level_is_skipped() -> None:
    items = outline_of(
        ["一、总体要求", "（一）指导思想。坚持", "二、重点任务", "1.加快建设。内容", "正文续", "2.强化保障。"]
    )
    assert [i.outline for i in items] == ["一、", "一、/（一）", "二、", "二、/1.", "二、/2."]
    assert items[3].lines == ["1.加快建设。内容", "正文续"]
    assert items[3].heading == "加快建设"
    assert items[0].heading_only
    assert not items[3].heading_only


def test_outline_reads_yishi_only_at_the_start_of_a_line() -> None:
    items = outline_of(["一、在项目上", "一是实施项目。二是培育企业。", "二是大力培育新业态。"])
    assert [i.number for i in items] == ["一、", "一是", "二是"]
    assert items[1].heading == "实施项目"


def test_outline_skips_attachment_lists_and_stops_at_the_signature() -> None:
    items = outline_of(
        ["附件：1.重大项目表", "2.发展规划图", "一、加强领导。", "眉山市人民政府", "2022年1月24日", "正文"]
    )
    assert [i.number for i in items] == ["一、"]
    assert items[0].lines == ["一、加强领导。"]


def test_outline_marks_the_articles_of_rules() -> None:
    items = outline_of(["第一章 总则", "第四条 支持龙头企业落户。", "（一）注册资本5000万元以上的，给予奖励"])
    assert all(i.under_rules() for i in items)


def test_a_note_broken_over_two_lines_is_joined_and_line_numbers_stay() -> None:
    lines = body_lines("1.狠抓招引。(牵头单位:省商务厅;\n责任单位:各开发区)\n2.强化储备。")
    assert lines == ["1.狠抓招引。(牵头单位:省商务厅;责任单位:各开发区)", "", "2.强化储备。"]


# ---------------------------------------------------------------- agency notes and names


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("牵头单位：区城管局；责任单位：各乡镇（街道）。",
         [("lead", "区城管局"), ("responsible", "各乡镇（街道）")]),
        (
            "牵头部门:区科学技术局;配合部门:区人力资源部、财政局",
            [("lead", "区科学技术局"), ("cooperating", "区人力资源部"), ("cooperating", "财政局")],
        ),
        ("省财政厅牵头，省直各部门负责", [("lead", "省财政厅"), ("responsible", "省直各部门")]),
        (
            "省发展改革委牵头，省财政厅、省国资委配合",
            [("lead", "省发展改革委"), ("cooperating", "省财政厅"), ("cooperating", "省国资委")],
        ),
        ("住房城乡建设部、商务部按职责分工负责",
         [("responsible", "住房城乡建设部"), ("responsible", "商务部")]),
        ("责任单位：省发展改革委。以下均需各市人民政府落实，不再列出", [("responsible", "省发展改革委")]),
        ("以下简称联席会议", []),
        ("2018—2020年", []),
    ],
)
def test_agency_notes(note: str, expected: list[tuple[str, str]]) -> None:
    assert parse_note(note) == expected


def test_names_before_the_comma_lead_when_the_notice_says_so() -> None:
    note = "责任单位:天府新区眉山管委会、市科技局,东坡区政府、市发展改革委等部门(单位)按照职责分工负责"
    assert parse_note(note, comma_leads=True) == [
        ("lead", "天府新区眉山管委会"), ("lead", "市科技局"),
        ("responsible", "东坡区政府"), ("responsible", "市发展改革委"),
    ]


def test_agency_lists_keep_brackets_and_shared_endings() -> None:
    assert split_names("区财政局(区政府金融办)、港管委、区工管委(区智管委)") == [
        "区财政局(区政府金融办)", "港管委", "区工管委(区智管委)",
    ]
    assert split_names("各市、县(区)政府、赣江新区管委会、各开发区") == [
        "各市、县(区)政府", "赣江新区管委会", "各开发区",
    ]


def test_short_agency_names_expand_to_the_full_name_of_the_region() -> None:
    qingbaijiang = jurisdiction_of("四川省成都市青白江区", "成都市青白江区人民政府办公室")
    assert normalise_agency("区发改局", qingbaijiang) == "成都市青白江区发展和改革局"
    assert normalise_agency("区财政局(区政府金融办)", qingbaijiang) == "成都市青白江区财政局"
    assert normalise_agency("区委组织部", qingbaijiang) == "中共成都市青白江区委组织部"
    assert normalise_agency("市政府", qingbaijiang) == "成都市人民政府"
    assert normalise_agency("财政局", qingbaijiang, level="区") == "成都市青白江区财政局"
    shandong = jurisdiction_of(None, "山东省人民政府办公厅")
    assert normalise_agency("省发展改革委", shandong) == "山东省发展和改革委员会"
    assert normalise_agency("住房城乡建设部", shandong) == "住房和城乡建设部"
    zone = jurisdiction_of("河南省新乡市", "新乡高新技术产业开发区管理委员会")
    assert normalise_agency("区科学技术局", zone) == "新乡高新技术产业开发区科学技术局"


@pytest.mark.parametrize("raw", ["区欧管委", "区新经济局", "各乡镇（街道）", "区政府相关部门", "省直各部门"])
def test_unknown_short_forms_and_collectives_get_no_full_name(raw: str) -> None:
    assert normalise_agency(raw, jurisdiction_of("四川省成都市青白江区")) is None


def test_without_a_region_a_prefix_is_not_guessed() -> None:
    assert normalise_agency("区发改局", jurisdiction_of(None, "77365体育在线办公室")) is None


# ---------------------------------------------------------------- tasks


@pytest.mark.parametrize(
    "heading",
    [
        "加快淘汰落后产能", "建立统筹协调机制", "各区县、各部门要明确分管负责同志", "每季度组织银企对接活动",
        "对新技术、新产业实行包容审慎监管", "集中突破一批重点任务", "严明纪律要求",
    ],
)
def test_headings_that_say_what_to_do(heading: str) -> None:
    assert says_what_to_do(heading)


@pytest.mark.parametrize(
    "heading",
    ["发展目标", "指导思想", "保障措施", "整治范围和重点", "完善类", "同意设立山东莒南省级高新技术产业开发区",
     "将《城镇排水与污水处理条例》第二十一条第二款修改为", "高镍三元正极材料低能耗连续化制备关键技术及产业化",
     "主要任务", "工作要求"],
)
def test_headings_that_do_not(heading: str) -> None:
    assert not says_what_to_do(heading)


def test_schedule_by_year_and_span() -> None:
    milestones = schedule_of(["进度安排:2018年,成立领导小组。2019年和2020年,逐步优化;力争到2021年,建成。"])
    assert [(m.year, m.year_end) for m in milestones] == [(2018, None), (2019, 2020), (2021, None)]
    assert milestones[0].text == "2018年,成立领导小组。"


PLAN = """各乡镇人民政府、街道办事处:
现将《行动计划》印发你们。
成都市青白江区人民政府办公室
2018年4月2日
一、总体目标
到2020年,全区新经济产值占比达30%,总量达450亿元。
二、重点工作
(一)注重顶层设计。坚持……
1. 编制新经济发展规划。按照……
牵头单位:区新经济局、区发改局
责任单位:区教育局、区财政局(区政府金融办)、港管委
进度安排:2018年,制定规划;2019年,强化指引。
2. 加强技术要素源头创新。支持……
牵头单位:区科经信局
"""


def test_tasks_with_their_agencies_and_schedule() -> None:
    addressees = ["各乡镇人民政府", "区发改局"]
    p = policy(PLAN, region="四川省成都市青白江区", written_date=date(2018, 4, 2), addressees=addressees)
    assert [t.heading for t in p.tasks] == ["编制新经济发展规划", "加强技术要素源头创新"]
    first = p.tasks[0]
    assert (first.number, first.outline) == ("1.", "二、/(一)/1.")
    assert first.names("lead") == ["区新经济局", "区发改局"]
    assert first.names("responsible") == ["区教育局", "区财政局(区政府金融办)", "港管委"]
    assert [a.name for a in first.agencies][:2] == [None, "成都市青白江区发展和改革局"]
    assert [m.year for m in first.schedule] == [2018, 2019]
    assert p.signed_by == AgencyName(raw="成都市青白江区人民政府办公室", name="成都市青白江区人民政府办公室")
    assert p.signed_on == date(2018, 4, 2)
    assert p.addressees == [  # as the extractor read them, with full names where the rules are sure
        AgencyName(raw="各乡镇人民政府", name=None),
        AgencyName(raw="区发改局", name="成都市青白江区发展和改革局"),
    ]


def test_unnumbered_paragraphs_with_notes_are_the_tasks_under_a_bare_heading() -> None:
    body = (
        "(一)突出创新引领。\n"
        "加快创新基地建设。打造科创走廊。(责任单位:市科技局,市发展改革委。逗号前为牵头单位,下同。)\n"
        "推动创新平台培育。支持企业。(责任单位:市经济和信息化局、市科技局,市商务局)\n"
    )
    tasks = policy(body).tasks
    assert [(t.number, t.heading) for t in tasks] == [(None, "加快创新基地建设"), (None, "推动创新平台培育")]
    assert tasks[1].names("lead") == ["市经济和信息化局", "市科技局"]
    assert tasks[1].names("responsible") == ["市商务局"]


def test_articles_and_goal_sections_have_no_tasks() -> None:
    body = "一、工作目标\n到2025年，覆盖率达到80%。\n第一条 为规范管理，制定本办法。\n第二条 加强监督。"
    assert policy(body).tasks == []


# ---------------------------------------------------------------- targets


def test_targets_with_year_indicator_value_unit_and_comparator() -> None:
    body = (
        "一、发展目标\n"
        "到2025年，新经济发展取得明显突破，聚集新经济企业超500家，新经济增加值年均增速不低于10%，"
        "高新技术企业达到180户以上，社会物流总费用占地区生产总值比重下降到14%左右。"
    )
    assert target_tuples(policy(body).targets) == [
        (2025, "聚集新经济企业", 500, "家", "more_than"),
        (2025, "新经济增加值年均增速", 10, "%", "at_least"),
        (2025, "高新技术企业", 180, "户", "at_least"),
        (2025, "社会物流总费用占地区生产总值比重", 14, "%", "about"),
    ]


def test_a_list_of_values_shares_its_indicator_and_trailing_comparator() -> None:
    body = "到2025年，果蔬、肉类、水产品产地低温处理率分别达到30%、85%、90%以上，引育跨境电商平台企业2—3家。"
    targets = policy(body).targets
    assert target_tuples(targets) == [
        (2025, "果蔬、肉类、水产品产地低温处理率", 30, "%", "at_least"),
        (2025, "果蔬、肉类、水产品产地低温处理率", 85, "%", "at_least"),
        (2025, "果蔬、肉类、水产品产地低温处理率", 90, "%", "at_least"),
        (2025, "引育跨境电商平台企业", 2, "家", "between"),
    ]
    assert targets[-1].value_max == 3


def test_a_value_before_its_noun_and_a_schedule_year() -> None:
    body = "进度安排:2018年,完成技改投资155亿元,举办10场“蓉欧+”会展活动;2019年,全年举办20场会展活动。"
    assert target_tuples(policy(body, written_date=date(2018, 4, 2)).targets) == [
        (2018, "完成技改投资", 155, "亿元", "equal"),
        (2018, "举办“蓉欧+”会展活动", 10, "场", "equal"),
        (2019, "举办会展活动", 20, "场", "equal"),
    ]


def test_an_annual_plan_dates_its_targets_and_year_words_follow_the_notice() -> None:
    body = "1.建立梯度培育库，年内入库企业不少于60家。\n2.深化专员制度，每名专员联系服务企业不少于5家。"
    annual = policy(body, title="青白江区2022年促进中小企业发展工作要点", written_date=date(2022, 2, 25))
    targets = annual.targets
    assert [(t.year, t.year_raw, t.value) for t in targets] == [(2022, "年内", 60), (2022, None, 5)]
    assert [t.task_id for t in targets] == [task.id for task in annual.tasks]


@pytest.mark.parametrize(
    "sentence",
    [
        "对新引进的物流企业，按其实缴注册资本的1%给予一次性落户奖励，最高不超过500万元。",
        "实缴注册资本5000万元以上、承诺三年内年营业收入达到3亿元的，给予一次性奖励100万元。",
        "涉企投诉事项24小时内响应、5个工作日内办结。",
        "2015年，服务业增加值占国内生产总值的比重达到50.5%。",
        "推动“人才新政30条”落地，紧盯高性能纤维等10个细分领域，重点推进60多个在建项目。",
        "城市更新单元内拆除建筑面积原则上不得大于现状总建筑面积的20%。",
        "全市细颗粒物（PM2.5）年均浓度较2015年明显下降。",
    ],
)
def test_numbers_that_are_not_targets(sentence: str) -> None:
    assert policy(sentence, written_date=date(2016, 11, 28)).targets == []


def test_news_needs_a_goal_word_before_a_target() -> None:
    body = "一季度，全省重点项目开工率达到83.6%。\n下一步将力争上半年开工率达到95%以上。"
    published = date(2024, 4, 16)
    news = policy(body, doc_type=None, title="一季度项目进展", written_date=None, published_date=published)
    assert target_tuples(news.targets) == [(2024, "开工率", 95, "%", "at_least")]


# ---------------------------------------------------------------- citations


CITING = (
    "为贯彻落实《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号，"
    "以下简称《指导意见》），按照《历史文化名城名镇名村保护条例》和《指导意见》要求，"
    "制定《眉山市城市更新规划》。现将《眉山市打赢蓝天保卫战实施方案》印发给你们。"
    "原通知（眉府办发[2019]8号）同时废止。"
)


CITING_TITLE = "眉山市人民政府关于印发《眉山市打赢蓝天保卫战实施方案》的通知"


def test_citations_by_title_and_doc_number() -> None:
    citations = read_policy(make_notice(URL, body_text=CITING, title=CITING_TITLE)).citations
    assert [(c.title, c.doc_number) for c in citations] == [
        ("国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见", "国办发〔2020〕23号"),
        ("历史文化名城名镇名村保护条例", None),
        (None, "眉府办发〔2019〕8号"),
    ]
    assert citations[2].doc_number_raw == "眉府办发[2019]8号"


def test_citations_link_to_notices_in_the_dataset() -> None:
    citing = make_notice(URL, body_text=CITING, title=CITING_TITLE)
    cited = make_notice(
        "https://www.gov.cn/zhengce/content/2020-07/20/content_5528320.htm",
        title="国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见",
        doc_number="国办发〔2020〕23号",
        doc_number_parts={"issuer_code": "国办发", "year": 2020, "serial": 23},
    )
    linked = link_citations(read_policy(citing).citations, [citing, cited])
    assert [c.cited_notice_id for c in linked] == [cited.id, None, None]


# ---------------------------------------------------------------- records


def test_ids_are_stable_and_every_record_points_to_its_notice() -> None:
    first = policy(PLAN, region="四川省成都市青白江区")
    again = policy(PLAN, region="四川省成都市青白江区")
    assert first == again
    records = [*first.tasks, *first.targets, *first.citations, *first.agency_mentions()]
    assert {r.notice_id for r in records} == {first.notice_id}
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    leads = {m.task_id for m in first.agency_mentions() if m.context == "lead"}
    assert leads == {task.id for task in first.tasks}


def test_items_numbered_alike_twice_are_distinct_tasks_with_their_own_targets() -> None:
    body = (
        "一、加快建设产业园区，到2025年入园企业达到50家。（牵头单位：区发改局）\n"
        "附：重点项目\n"
        "一、加快建设物流园区，到2025年入园企业达到20家。（牵头单位：区交通局）"
    )
    read = policy(body, region="四川省成都市青白江区", addressees=["各部门", "各部门"])
    assert [t.outline for t in read.tasks] == ["一、", "一、"]
    assert len({t.id for t in read.tasks}) == 2
    assert [t.task_id for t in read.targets] == [t.id for t in read.tasks]
    mentions = [(m.context, m.task_id, m.raw) for m in read.agency_mentions()]
    assert mentions == [  # the addressee printed twice is one mention
        ("addressee", None, "各部门"),
        ("lead", read.tasks[0].id, "区发改局"),
        ("lead", read.tasks[1].id, "区交通局"),
    ]
