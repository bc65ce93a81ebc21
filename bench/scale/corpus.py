"""Notice pages at any count, shaped like the sample web: its six layouts, body lengths, copies, flags.

Every page is a sample-web page file (crawlers/sampleweb/README.md) made from data instead of TOML
and rendered by its source's layout, with the source's chrome, encoding and way of printing 文号,
索引号 and dates. The text comes from bench/dedupe_bench.py's generator: policy sentences from a
vocabulary, so no two notices share a paragraph by chance, and its planted copies of an original
(exact, reformatted, traditional with pinyin glosses, altered). Bodies run from 500 to about 12,000
characters (median about 1,100, as in the sample web). Among the pages:

- copies: 15% of the pages copy an earlier notice: on another government site (exact, reformatted
  or altered) or, in traditional characters, on the content farm (repost_qqjl);
- flags: 1.5% hijacked (a gambling site's name in place of the issuing agency: spam_injection), 0.5%
  with no body (empty_body), and sd_province's news articles (no 文号, no 成文日期);
- not published: 0.3% with no title (quarantined) and 0.3% dead links (404, failed).

The same seed gives the same pages, URLs, copies and flags.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.dedupe_bench import ADDRESSEES, KINDS, NOUNS, PLACES, Generator
from gongwen.crawlers.sampleweb.render import PageFile, page_of

GOVERNMENT = ("govcn", "sc_qingbaijiang", "sc_meishan", "ha_xinxiang_gxq", "sd_province")
FARM = "repost_qqjl"
# How the originals spread over the government sites (the farm only copies).
ORIGINALS = {"govcn": 0.16, "sc_qingbaijiang": 0.18, "sc_meishan": 0.22, "ha_xinxiang_gxq": 0.16,
             "sd_province": 0.28}
COPY_SHARE = 0.15
COPY_KINDS = {"exact": 0.3, "reformatted": 0.15, "traditional": 0.45, "altered": 0.1}
HIJACKED, EMPTY_BODY, NO_TITLE, DEAD = 0.015, 0.005, 0.003, 0.003
NEWS_SHARE = 0.4  # of sd_province's originals
GENRES = ("实施方案", "工作要点", "行动计划", "管理办法", "专项规划", "工作方案")
DOC_TYPES = ("通知", "通知", "通知", "意见", "通报", "决定", "批复", "函")
SPAM_NAMES = ("77365体育在线", "88365体育在线", "太阳城娱乐", "新葡京娱乐")
TOPICS = ("综合政务\\其他", "城乡建设、环境保护\\节能与资源综合利用", "工业、交通\\其他",
          "农业、林业、水利\\农业")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Page:
    """One page of the corpus and what it is (original, a copy kind, or a flag)."""

    source_id: str
    page: PageFile
    kind: str


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def _brackets(number: str | None, opening: str, closing: str) -> str | None:
    return number.replace("〔", opening).replace("〕", closing) if number else None


def _printed(source_id: str, fields: dict[str, Any], n: int) -> dict[str, Any]:
    """The metadata a source's layout prints for a notice, in that site's own forms."""
    written: date = fields["written"]
    day: date = fields["published_date"]
    number: str | None = fields["doc_number"]
    if source_id == "govcn":
        return {
            "path": f"/zhengce/content/{day:%Y-%m}/{day:%d}/content_{5_000_000 + n}.htm",
            "index_number": f"000014349/{written.year}-{n % 100_000:05d}",
            "agency": fields["issuing_agency"],
            "doc_number": number,
            "written_date": _cn_date(written),
            "published_date": _cn_date(day),
            "topic": TOPICS[n % len(TOPICS)],
        }
    if source_id == "sc_qingbaijiang":
        return {
            "path": f"/qbjq/c142988/{day:%Y-%m}/{day:%d}/content_{n:032x}.shtml",
            "agency": "区政府办",
            "published_date": _cn_date(day),
            "doc_number": number.translate(_FULL_WIDTH) if number and n % 3 == 0 else number,
        }
    if source_id == "sc_meishan":
        return {
            "path": f"/info/1046/{100_000 + n}.htm",
            "index_number": f"971045726/szfb/{written.year}-{n:05d}",
            "agency": "市政府办公室",
            "published_date": day.isoformat(),
            "doc_number": _brackets(number, "﹝", "﹞") if n % 4 == 0 else number,
            "doc_type_label": fields["doc_type"],
            "written_date": f"{written.year}/{written.month}/{written.day}",
            "validity": ("有效", "失效", "有效", "废止")[n % 4],
        }
    if source_id == "ha_xinxiang_gxq":
        return {
            "path": f"/zwgk/zcwj/{day:%Y%m}/t{day:%Y%m%d}_{800_000 + n}.html",
            "agency": "管委会办公室",
            "published_date": day.isoformat(),
            "doc_number": _brackets(number, "（", "）"),
        }
    if source_id == "sd_province":
        return {
            "path": f"/art/{day.year}/{day.month}/{day.day}/art_97564_{8_000_000 + n}.html",
            "agency": "山东省人民政府办公厅",
            "published_date": f"{day.isoformat()} {9 + n % 8:02d}:00",
            "doc_number": _brackets(number, "[", "]"),
        }
    farm_number = _brackets(number, "[", "]")
    return {
        "path": f"/fanwen/gongzuoyaodian/{40_000 + n}.html",
        "agency": "巧巧簡歷站",
        "doc_number": farm_number.replace("号", "號") if farm_number else None,
    }


class Corpus:
    """The pages of a corpus, in the order a crawl would meet them."""

    def __init__(self, seed: int, *, first: int = 0) -> None:
        """``first``: the number of the first page (a later crawl's new pages get new URLs)."""
        self.text = Generator(seed)
        self.rng = self.text.rng
        self.next = first

    def pages(self, count: int) -> Iterator[Page]:
        """``count`` detail pages: originals, each followed now and then by its copies."""
        made = 0
        while made < count:
            fields = self._original()
            source = self.rng.choices(list(ORIGINALS), weights=list(ORIGINALS.values()))[0]
            if source == "sd_province" and self.rng.random() < NEWS_SHARE:
                fields = self._news(fields)
            yield self._page(source, fields, self._flag())
            made += 1
            while made < count and self.rng.random() < COPY_SHARE:  # COPY_SHARE of all pages
                kind = self.rng.choices(KINDS, weights=[COPY_KINDS[k] for k in KINDS])[0]
                copied, target = self.text.copy(fields, kind)
                target = FARM if kind == "traditional" else next(
                    (s for s in (target, *GOVERNMENT) if s != source), target)
                yield self._page(target, {**fields, **copied}, kind)
                made += 1

    def _original(self) -> dict[str, Any]:
        rng = self.rng
        fields = self.text.original(numbered=rng.random() < 0.85)
        target = min(12_000, max(500, int(rng.lognormvariate(math.log(1_100), 0.55))))
        body = fields["paragraphs"][:-2]
        while sum(map(len, body)) < target:
            body.append(self.text.paragraph(len(body)))
        fields["paragraphs"] = [*body, *fields["paragraphs"][-2:]]
        year = fields["published_date"].year
        if rng.random() < 0.4:
            subject = rng.choice(PLACES) + rng.choice(NOUNS)
            fields["title"] = f"{fields['issuing_agency']}关于印发{subject}{rng.choice(GENRES)}的通知"
        else:
            kind = rng.choice(DOC_TYPES)
            fields["title"] = fields["title"].removesuffix("通知") + kind
        fields["doc_type"] = next(t for t in DOC_TYPES if fields["title"].endswith(t))
        fields["written"] = fields["published_date"] - timedelta(days=rng.randint(0, 12))
        if fields["written"].year != year:
            fields["written"] = fields["published_date"]
        return fields

    def _news(self, fields: dict[str, Any]) -> dict[str, Any]:
        subject = self.rng.choice(NOUNS)
        lines = fields["paragraphs"][:-2]  # no signature, no date, no addressees
        paragraphs = [p for p in lines if p != fields["doc_number"] and p not in ADDRESSEES]
        return {**fields, "doc_number": None, "written": fields["published_date"],
                "title": f"省政府召开常务会议 研究部署{subject}等工作", "paragraphs": paragraphs}

    def _flag(self) -> str:
        draw = self.rng.random()
        for kind, share in (("hijacked", HIJACKED), ("empty_body", EMPTY_BODY), ("no_title", NO_TITLE),
                            ("dead", DEAD)):
            if draw < share:
                return kind
            draw -= share
        return "original"

    def _page(self, source: str, fields: dict[str, Any], kind: str) -> Page:
        n = self.next
        self.next += 1
        paragraphs = [p for p in fields["paragraphs"] if p != fields["doc_number"]]  # placed as printed
        title = fields["title"]
        if kind == "hijacked":
            spam = self.rng.choice(SPAM_NAMES) + "办公室"
            title = title.replace(fields["issuing_agency"], spam, 1)
            paragraphs = [spam if p == fields["issuing_agency"] else p for p in paragraphs]
        data = _printed(source, fields, n)
        number = data.get("doc_number")
        if number and source not in ("govcn", "sc_meishan"):
            paragraphs = [number, *paragraphs]
        data |= {
            "title": "" if kind == "no_title" else title,
            "body": "" if kind == "empty_body" else "\n\n".join(p for p in paragraphs if p.strip()),
            "status": 404 if kind == "dead" else 200,
        }
        if n % 9 == 0 and kind != "dead":
            data["attachments"] = [{"title": f"{title[-12:]}附件{k}", "file": f"fj{k}.pdf"} for k in (1, 2)]
        return Page(source, page_of(source, f"p{n}", data), kind)
