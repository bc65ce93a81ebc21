"""Property-based tests: the normalisers and the extractor never raise on arbitrary text or bytes (the
extractor's one refusal is NotAPage), and what they return keeps its promises."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gongwen.crawlers.sampleweb.render import render_notice
from gongwen.pipelines.extract import NotAPage, read_page
from gongwen.pipelines.normalise.dates import find_date, parse_date
from gongwen.pipelines.normalise.docnumber import find_doc_number, parse_doc_number
from gongwen.pipelines.normalise.doctype import doc_type_of, genre_of
from gongwen.pipelines.normalise.text import clean_title
from gongwen.pipelines.notice import DOC_TYPES
from gongwen.pipelines.read.validate import build_notice

RETRIEVED = datetime(2024, 1, 1, tzinfo=UTC)
# No example database on disk, and no deadline: the tests must not depend on the machine's speed.
PROPERTY = settings(max_examples=300, deadline=None, database=None)
PAGES = settings(max_examples=150, deadline=None, database=None)

# Pieces of government pages, to build texts that reach deep into the parsers.
PIECES = (
    "国办发", "〔", "〕", "﹝", "﹞", "[", "]", "（", "）", "(", ")", "【", "】", "2019", "２０１９", "第",
    "字第", "号", "號", "令", "国务院令", "主席令第六十一号", "六十一", "〇", "○", "零", "一", "十", "廿",
    "年", "月", "日", "-", ".", "/", ":", "：", " ", "\u3000", "\u00a0", "\n", "关于", "印发", "《", "》",
    "的通知", "实施方案", "意见", "通知", "决定", "函", "纪要", "_中国政府网", " | ", "人民政府", "无", "—",
    "2007-08-20-23:59:59", "1545408000000", "二〇一八年四月二日", "2018.4.2", "体育在线", "77365",
    "国令第707号",
)
texty = st.one_of(
    st.text(),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=30).map("".join),
)


@PROPERTY
@given(texty)
def test_parse_date_never_raises_and_gives_a_plausible_date(text: str) -> None:
    for value in (parse_date(text), find_date(text)):
        assert value is None or (isinstance(value, date) and 1949 <= value.year <= 2100)


@PROPERTY
@given(texty)
def test_parse_doc_number_never_raises_and_its_normal_form_is_stable(text: str) -> None:
    parsed = parse_doc_number(text)
    if parsed is not None:
        again = parse_doc_number(parsed.normalised)
        assert again is not None
        assert (again.normalised, again.standard) == (parsed.normalised, True)
        assert parsed.serial >= 1


@PROPERTY
@given(texty)
def test_find_doc_number_never_raises_and_finds_what_parses(text: str) -> None:
    found = find_doc_number(text)
    assert found is None or parse_doc_number(found.replace(" ", "")) is not None


@PROPERTY
@given(texty, st.one_of(st.none(), texty))
def test_doc_type_and_genre_never_raise(title: str, doc_number: str | None) -> None:
    assert doc_type_of(title, doc_number) in (*DOC_TYPES, None)
    genre = genre_of(title)
    assert genre is None or (isinstance(genre, str) and genre)


@PROPERTY
@given(texty)
def test_clean_title_never_raises_and_leaves_one_line(text: str) -> None:
    title = clean_title(text)
    assert "\n" not in title
    assert title == title.strip()


def _read_or_refuse(body: bytes, content_type: str | None = None) -> None:
    """read_page reads the page or refuses it with a one-line reason; what it reads, with a title, makes a
    record that keeps the published contract (pydantic model and JSON Schema)."""
    url = "http://www.example.gov.cn/a/b.html"
    try:
        x = read_page(body, url, content_type)
    except NotAPage as refused:
        message = refused.message
    else:
        message = None
    if message is not None:
        assert message
        assert "\n" not in message
        return
    assert "\n" not in (x.title or "")
    assert all(line.strip() == line and line for line in x.body_text.split("\n") if x.body_text)
    if x.title:
        notice = build_notice(body, url, source_id="x", retrieved_at=RETRIEVED, content_type=content_type)
        assert notice.title == x.title


@PAGES
@given(st.binary(max_size=4096), st.sampled_from([None, "text/html", "text/html; charset=gb2312",
                                                   "text/html; charset=utf-8", "application/octet-stream"]))
def test_read_page_never_raises_on_bytes(body: bytes, content_type: str | None) -> None:
    _read_or_refuse(body, content_type)


MARKUP = (
    "<html>", "<head>", "<title>", "</title>", "<meta name='ArticleTitle' content='关于印发的通知'>",
    "<meta name='SiteName' content='某某区人民政府'>", "<meta charset='gb2312'>", "<body>", "<div id='zoom'>",
    "<div style='display:none'>", "<div style='left:-9999px'>", "<a href='http://x.example.com/'>", "</a>",
    "<p>", "</p>", "<br>", "</div>", "<table><tr><td>", "</td><td>", "</td></tr></table>", "<h1>", "</h1>",
    "<style>.x{display:none}</style>", "<span class='x'>", "<script>alert(1)</script>", "<!--", "-->",
    "索 引 号：", "发文字号：", "发布机构：", "成文日期：", "发布日期：", "来源：", "区政府办",
    "各乡镇人民政府：",
    "上一页", "下一页", "<li>", "</li>", "<ul>", "</ul>", "&nbsp;", "&#0;", "\x00", "\ufffd",
    "<a href='http://[::1/a.pdf'>", "<base href='http://[x'>", "<a href='http://a.gov.cn:99999/b.pdf'>",
    "<a href='c.pdf'>附件", "<a href=' javascript:void(0)'>",
)


@PAGES
@given(st.lists(st.sampled_from(MARKUP + PIECES) | st.text(max_size=5), max_size=60).map("".join),
       st.sampled_from(["utf-8", "gb18030", "big5", "utf-16"]))
@example("<body><style>.x{display:none}</style>\x1f", "utf-8")  # a control character lxml refuses
def test_read_page_never_raises_on_page_like_text(text: str, encoding: str) -> None:
    _read_or_refuse(text.encode(encoding, errors="replace"))


SAMPLE = Path(__file__).resolve().parents[1] / "crawlers" / "sampleweb" / "pages" / "sc_qingbaijiang"
SEED = render_notice("sc_qingbaijiang", SAMPLE / "seed-000.toml")


@PAGES
@given(st.data())
def test_read_page_never_raises_on_a_damaged_page(data: st.DataObject) -> None:
    """A real page cut short, with bytes overwritten: what a broken transfer or a broken CMS serves."""
    body = bytearray(SEED[: data.draw(st.integers(0, len(SEED)), label="cut")])
    for _ in range(data.draw(st.integers(0, 20), label="damage")):
        if body:
            body[data.draw(st.integers(0, len(body) - 1))] = data.draw(st.integers(0, 255))
    _read_or_refuse(bytes(body), data.draw(st.sampled_from([None, "text/html; charset=utf-8"])))
