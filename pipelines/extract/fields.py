"""Choosing each field's value among what the page offers (labels, meta tags, headings, body)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, cast

from gongwen.pipelines.extract.dom import Element, more_elements_than, tag_of, text_of
from gongwen.pipelines.extract.labels import meta_value
from gongwen.pipelines.normalise.dates import find_date, parse_epoch_ms
from gongwen.pipelines.normalise.docnumber import DocNumber, find_doc_number, is_placeholder, parse_doc_number
from gongwen.pipelines.normalise.text import clean_title, normalise_line, normalise_space
from gongwen.pipelines.notice import DOC_TYPES, DocType

Validity = Literal["有效", "失效", "废止"]

_HEADINGS = (
    "//h1 | //h2 | //h3 | //ucaptitle | //*[@id='ti'] | "
    "//*[contains(translate(@class, 'TITLE', 'title'), 'title')"
    " or contains(translate(@id, 'TITLE', 'title'), 'title')]"
)
MAX_TITLE_ELEMENTS = 40  # a heading, with the spans and fonts a CMS wraps its words in
_NOT_A_TITLE = re.compile(r"位置|首页|导航|^\s*$")
_DOC_TYPE_ALIASES = {"命令（令）": "命令", "命令(令)": "命令", "令": "命令", "会议纪要": "纪要"}


def _heading_title(root: Element, page_title: str) -> str | None:
    """The visible heading most likely to be the title: in <title>, an h1, with a title-ish class."""
    best: tuple[int, int, str] | None = None
    for order, el in enumerate(root.xpath(_HEADINGS)):
        if more_elements_than(el, MAX_TITLE_ELEMENTS):  # no heading: a block of the page
            continue
        text = clean_title(text_of(el))
        if not 4 <= len(text) <= 200 or _NOT_A_TITLE.search(text):
            continue
        score = 0
        score += 3 if page_title and text.replace(" ", "") in page_title.replace(" ", "") else 0
        score += 2 if tag_of(el) in ("h1", "ucaptitle") or el.get("id") == "ti" else 0
        score += 1 if "title" in f"{el.get('class') or ''} {el.get('id') or ''}".lower() else 0
        if best is None or (score, -order) > (best[0], best[1]):
            best = (score, -order, text)
    return best[2] if best else None


@dataclass(frozen=True, slots=True)
class Titles:
    """The titles a page shows, each cleaned of site suffixes: its 标题 row, its meta title
    (ArticleTitle), its heading and its <title>."""

    label: str | None
    meta: str | None
    heading: str | None
    page: str | None

    def shown(self) -> dict[str, str | None]:
        return {"<title>": self.page, "the meta title": self.meta, "the heading": self.heading}


def titles_of(labels: dict[str, str], meta: dict[str, str], root: Element) -> Titles:
    tags = root.xpath("//title")
    page_title = clean_title(text_of(tags[0])) if tags else ""
    return Titles(
        label=clean_title(labels.get("title") or "") or None,
        meta=clean_title(meta_value(meta, "title") or "") or None,
        heading=_heading_title(root, page_title),
        page=page_title or None,
    )


def choose_title(titles: Titles, site_name: str | None, spam: Callable[[str], list[str]]) -> str | None:
    """标题 row > meta title > heading > <title>, skipping the site's name, and skipping titles with
    spam words while another one is clean (hijackers rewrite <title> and meta for search engines)."""
    candidates = [t for t in (titles.label, titles.meta, titles.heading, titles.page) if t and t != site_name]
    return next((t for t in candidates if not spam(t)), candidates[0] if candidates else None)


_EPOCH_MS = re.compile(r"^\s*1\d{12}\s*$")


def _date_of(value: str) -> date | None:
    """A date printed in any form, or a millisecond epoch (meta pubtime) read in China time."""
    return parse_epoch_ms(value) if _EPOCH_MS.match(value) else find_date(value)


def first_date(*values: str | None) -> date | None:
    return next((d for v in values if v and (d := _date_of(v)) is not None), None)


def validity_of(value: str | None) -> Validity | None:
    """有效 / 失效 / 废止 when the page says one of them (现行有效, 已失效 …), else None."""
    if not value:
        return None
    v = normalise_space(value).replace(" ", "").removeprefix("现行").removeprefix("已").removeprefix("全文")
    return cast("Validity", v) if v in ("有效", "失效", "废止") else None


def doc_type_from_label(value: str | None) -> DocType | None:
    """A 公文种类 row's value when it is one of the 15 文种."""
    if not value:
        return None
    v = normalise_space(value).replace(" ", "")
    v = _DOC_TYPE_ALIASES.get(v, v)
    return cast("DocType", v) if v in DOC_TYPES else None


def choose_doc_number(label: str | None, body: str | None) -> tuple[str | None, DocNumber | None, bool]:
    """(raw, parsed, placeholder): the 文号 row unless it is absent, a placeholder or unreadable and the
    body shows one; `placeholder` when the page said 无/—/空 and no other 文号 was found."""
    label_raw = normalise_line(label) if label else None
    placeholder = label_raw is not None and is_placeholder(label_raw)
    if label_raw and not placeholder:
        # The row may carry more than the number ("国办发〔2019〕6号 （此件公开发布）").
        parsed = parse_doc_number(label_raw) or parse_doc_number(find_doc_number(label_raw))
        if parsed is not None or body is None or parse_doc_number(body) is None:
            return label_raw, parsed, False
    if body is not None:
        return body, parse_doc_number(body), False
    return None, None, placeholder
