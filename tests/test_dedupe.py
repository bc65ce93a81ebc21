"""Dedupe: one group per document, the issuer's page canonical, changed copies flagged, 转发 linked.

Every case is a hand-made set of notices as the extractor would read them from several sites.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import opencc
import pytest

from gongwen.crawlers.registry import Source, load_sources
from gongwen.pipelines.dedupe import DedupeResult, NoticeGroup, dedupe
from gongwen.pipelines.notice import Notice
from tests.conftest import make_notice

DONGPO = Source(
    id="sc_dongpo",
    name="眉山市东坡区人民政府",
    publisher="眉山市东坡区人民政府",
    region="四川省眉山市东坡区",
    level="county",
    division_code="511402",
    family="xxgk_table",
    start_urls=["https://www.scdp.gov.cn/"],
    allowed_hosts=["www.scdp.gov.cn"],
    expected_min=0,
    terms="Article 5",
    evidence="an invented neighbour of sc_meishan, for dedupe tests",
)
SOURCES = [*load_sources(), DONGPO]

TITLE = "眉山市人民政府办公室关于做好2022年防汛减灾工作的通知"
DOC_NUMBER = "眉府办发〔2022〕17号"
PARAGRAPHS = [
    "各县（区）人民政府，市级各部门：",
    "为切实做好2022年防汛减灾工作，保障人民群众生命财产安全，经市政府同意，现就有关事项通知如下。",
    "一、压紧压实防汛责任。各县（区）要严格落实以行政首长负责制为核心的防汛责任制，逐级明确乡镇、村组和重点部位的责任人，确保责任落实到人。",
    "二、全面排查风险隐患。要组织力量对水库、堤防、山洪灾害危险区和地质灾害隐患点开展拉网式排查，建立问题清单，限期整改到位。",
    "三、加强监测预警。气象、水利、自然资源等部门要加强会商研判，及时发布预警信息，确保预警信息第一时间传达到户到人。",
    "四、做好应急准备。要修订完善防汛应急预案，充实抢险救援队伍，储备必要的防汛物资，确保关键时刻拉得出、用得上。",
    "五、严格值班值守。汛期实行24小时值班和领导带班制度，遇有重大险情灾情要在30分钟内向市防汛抗旱指挥部报告。",
    "眉山市人民政府办公室",
    "2022年5月10日",
]
BODY = "\n".join(PARAGRAPHS)
ALTERED_BODY = BODY.replace(
    "遇有重大险情灾情要在30分钟内向市防汛抗旱指挥部报告。",
    "遇有一般险情由各县（区）自行处置，可于次日汇总上报。",
)
ISSUER_URL = "https://www.ms.gov.cn/info/1046/10001.htm"
GOVCN_URL = "https://www.gov.cn/zhengce/difang/202205/content_10001.htm"
DONGPO_URL = "https://www.scdp.gov.cn/zwgk/tzgg/202205/t20220512_1.html"
FARM_URL = "http://www.qiaoqiaojianli.com/fanwen/gongzuoyaodian/40001.html"
COUNTY_URL = "http://www.qbj.gov.cn/qbjq/c142988/2022-05/13/content_1.shtml"
DONGPO_AGENCY = "眉山市东坡区人民政府办公室"


def notice(url: str, source_id: str, **fields: Any) -> Notice:
    """The 眉山 notice as read from `url`; `fields` change what that page shows."""
    values: dict[str, Any] = {
        "source_id": source_id,
        "title": TITLE,
        "doc_number": DOC_NUMBER,
        "doc_number_raw": DOC_NUMBER,
        "doc_number_parts": {"issuer_code": "眉府办发", "year": 2022, "serial": 17},
        "issuing_agency": "眉山市人民政府办公室",
        "published_date": "2022-05-10",
        "body_text": BODY,
    }
    return make_notice(url, **{**values, **fields})


def without_doc_number(**fields: Any) -> dict[str, Any]:
    return {"doc_number": None, "doc_number_raw": None, "doc_number_parts": None, **fields}


def traditional_with_glosses(text: str) -> str:
    """What a content farm publishes: traditional characters with pinyin glosses inside words."""
    converted = str(opencc.OpenCC("s2t").convert(text))
    return converted.replace("辦公", "辦(ban)公").replace("防汛", "防(fang)汛").replace("預警", "預(yu)警")


def three_government_copies() -> list[Notice]:
    """The issuer's own page, a gov.cn mirror (a higher level) and a county repost published earlier."""
    return [
        notice(GOVCN_URL, "govcn", published_date="2022-05-12", issuing_agency="国务院办公厅"),
        notice(DONGPO_URL, "sc_dongpo", published_date="2022-05-09", issuing_agency=DONGPO_AGENCY),
        notice(ISSUER_URL, "sc_meishan", body_text=BODY.replace("\n", "\n\n").replace("24", "２４")),
    ]


def run(notices: list[Notice]) -> DedupeResult:
    return dedupe(notices, SOURCES)


def group_of(result: DedupeResult, url: str) -> NoticeGroup:
    return next(g for g in result.groups if any(c.url == url for c in g.copies))


def test_one_notice_on_three_government_sites_is_one_group_with_the_issuers_page_canonical() -> None:
    result = run(three_government_copies())
    assert len(result.groups) == 1
    group = result.groups[0]
    assert group.canonical.url == ISSUER_URL
    assert {c.url for c in group.copies} == {ISSUER_URL, GOVCN_URL, DONGPO_URL}
    assert {c.site for c in group.copies} == {"www.ms.gov.cn", "www.gov.cn", "www.scdp.gov.cn"}
    assert [c.differs for c in group.copies] == [False, False, False]  # spacing and ２４ are not changes
    assert group.id == group.canonical.notice.id


def test_without_the_issuers_page_the_highest_level_government_copy_is_canonical() -> None:
    copies = [n for n in three_government_copies() if str(n.url) != ISSUER_URL]
    assert run(copies).groups[0].canonical.url == GOVCN_URL


def test_a_department_notice_is_canonical_on_its_citys_site_over_a_higher_level_mirror() -> None:
    department = {"title": TITLE.replace("人民政府办公室", "发展和改革委员会"), "issuing_agency": None}
    copies = [notice(GOVCN_URL, "govcn", **department), notice(ISSUER_URL, "sc_meishan", **department)]
    assert run(copies).groups[0].canonical.url == ISSUER_URL


def test_a_site_missing_from_the_registry_ranks_below_government_and_above_a_content_farm() -> None:
    unknown_url = "https://www.example-mirror.cn/2022/0510.html"
    farm, unknown, county = (
        notice(FARM_URL, "repost_qqjl"),
        notice(unknown_url, "www.example-mirror.cn"),
        notice(COUNTY_URL, "sc_qingbaijiang"),
    )
    assert run([farm, unknown]).groups[0].canonical.url == unknown_url
    assert run([farm, unknown, county]).groups[0].canonical.url == COUNTY_URL


def test_a_traditional_content_farm_copy_with_glosses_joins_the_group_and_is_never_canonical() -> None:
    farm = notice(
        FARM_URL,
        "repost_qqjl",
        **without_doc_number(
            title=traditional_with_glosses(TITLE),
            body_text=traditional_with_glosses(BODY),
            issuing_agency="巧巧簡歷站",
            script="hant",
            published_date="2022-05-01",  # earlier than every government copy
        ),
    )
    county = notice(COUNTY_URL, "sc_qingbaijiang", issuing_agency=None)
    result = run([farm, county])
    assert len(result.groups) == 1
    group = result.groups[0]
    assert group.canonical.url == COUNTY_URL
    copy = next(c for c in group.copies if c.url == FARM_URL)
    assert copy.similarity == 1.0
    assert not copy.differs


def test_a_content_farm_copy_alone_is_its_own_notice() -> None:
    farm = notice(FARM_URL, "repost_qqjl", body_text=traditional_with_glosses(BODY), script="hant")
    (group,) = run([farm]).groups
    assert group.canonical.url == FARM_URL


def test_a_copy_with_an_altered_paragraph_stays_listed_and_is_flagged() -> None:
    altered = notice(COUNTY_URL, "sc_qingbaijiang", body_text=ALTERED_BODY)
    result = run([*three_government_copies(), altered])
    assert len(result.groups) == 1
    copies = {c.url: c for c in result.groups[0].copies}
    assert copies[COUNTY_URL].differs
    assert 0.5 < copies[COUNTY_URL].similarity < 0.95
    assert not copies[GOVCN_URL].differs
    assert copies[ISSUER_URL].similarity == 1.0


def test_an_altered_paragraph_without_doc_number_still_joins_by_its_text() -> None:
    altered = notice(COUNTY_URL, "sc_qingbaijiang", **without_doc_number(body_text=ALTERED_BODY))
    result = run([notice(ISSUER_URL, "sc_meishan"), altered])
    assert len(result.groups) == 1
    assert result.groups[0].copies[1].differs


FORWARD_TITLE = f"{DONGPO_AGENCY}关于转发《{TITLE}》的通知"
FORWARD_HEAD = (
    f"各镇人民政府、街道办事处：\n现将《{TITLE}》（{DOC_NUMBER}）转发给你们，请结合实际认真贯彻落实。"
)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        pytest.param(FORWARD_TITLE, f"{FORWARD_HEAD}\n{BODY}", id="forward-with-full-text"),
        pytest.param(f"{DONGPO_AGENCY}关于转发市政府办公室防汛文件的通知", FORWARD_HEAD, id="cites-wenhao"),
        pytest.param(FORWARD_TITLE, "请遵照执行。", id="names-title"),
    ],
)
def test_a_notice_that_forwards_another_is_its_own_notice_linked_to_it(title: str, body: str) -> None:
    forward = notice(
        DONGPO_URL,
        "sc_dongpo",
        title=title,
        body_text=body,
        doc_number="东府办发〔2022〕8号",
        doc_number_parts={"issuer_code": "东府办发", "year": 2022, "serial": 8},
        issuing_agency=DONGPO_AGENCY,
    )
    result = run([notice(ISSUER_URL, "sc_meishan"), notice(GOVCN_URL, "govcn"), forward])
    assert len(result.groups) == 2
    original, forwarding = group_of(result, ISSUER_URL), group_of(result, DONGPO_URL)
    assert forwarding.forwards == (original.id,)
    assert original.forwards == ()
    assert [c.url for c in forwarding.copies] == [DONGPO_URL]


LESHAN_BODY = """各县（区）人民政府，乐山高新区管委会：
今年我市入汛时间早、降雨偏多，为做好汛期各项工作，现将有关要求通知如下。
一、各地要在5月底前完成汛前检查，对病险水库一律空库运行。
二、城市建成区要疏通排水管网，下穿隧道和地下车库要配备挡水设施。
三、景区、工地和学校要落实暴雨天气停工停课停业措施。
乐山市人民政府办公室"""


def test_a_forward_naming_a_title_two_notices_carry_is_linked_by_the_doc_number_it_cites() -> None:
    namesake = notice(
        GOVCN_URL,
        "sc_meishan",
        body_text=LESHAN_BODY.replace("乐山", "眉山"),
        doc_number="眉府办发〔2022〕18号",
        doc_number_parts={"issuer_code": "眉府办发", "year": 2022, "serial": 18},
    )
    forward = without_doc_number(title=FORWARD_TITLE, body_text=FORWARD_HEAD)
    result = run([notice(ISSUER_URL, "sc_meishan"), namesake, notice(DONGPO_URL, "sc_dongpo", **forward)])
    assert len(result.groups) == 3
    assert group_of(result, DONGPO_URL).forwards == (group_of(result, ISSUER_URL).id,)


def test_the_same_doc_number_from_different_issuers_is_not_merged() -> None:
    """Pages often title a notice without its issuer, and short 机关代字 are reused across issuers."""
    generic = {
        "title": "关于做好2022年防汛减灾工作的通知",
        "doc_number": "府办发〔2022〕17号",
        "doc_number_parts": {"issuer_code": "府办发", "year": 2022, "serial": 17},
    }
    meishan = notice(ISSUER_URL, "sc_meishan", **generic)
    leshan = notice(
        DONGPO_URL, "sc_dongpo", **generic, body_text=LESHAN_BODY, issuing_agency="乐山市人民政府办公室"
    )
    meishan_repost = notice(GOVCN_URL, "govcn", **generic, issuing_agency=None)
    result = run([meishan, leshan, meishan_repost])
    assert len(result.groups) == 2
    assert group_of(result, GOVCN_URL) == group_of(result, ISSUER_URL) != group_of(result, DONGPO_URL)


def test_a_stub_page_with_the_same_doc_number_and_title_joins_and_is_flagged() -> None:
    stub = notice(GOVCN_URL, "govcn", body_text="详见附件。")
    result = run([notice(ISSUER_URL, "sc_meishan"), stub])
    assert len(result.groups) == 1
    assert [c.differs for c in result.groups[0].copies] == [False, True]


def test_yearly_editions_of_one_notice_are_different_notices() -> None:
    next_year = notice(
        COUNTY_URL,
        "sc_meishan",
        **without_doc_number(title=TITLE.replace("2022", "2023"), body_text=BODY.replace("2022", "2023")),
    )
    assert len(run([notice(ISSUER_URL, "sc_meishan"), next_year]).groups) == 2


def test_copies_record_url_site_source_and_dates() -> None:
    (group,) = run([notice(ISSUER_URL, "sc_meishan", published_date=date(2022, 5, 10))]).groups
    (row,) = run([group.canonical.notice]).copy_table()
    assert (row.url, row.site, row.source_id) == (ISSUER_URL, "www.ms.gov.cn", "sc_meishan")
    assert row.canonical
    assert row.first_seen == row.last_seen == group.canonical.notice.retrieved_at
