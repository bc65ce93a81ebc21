"""HTML pages that are not notices: a column's list of links to notices, and error pages."""

from __future__ import annotations

import re

from gongwen.pipelines.extract.dom import Element, more_elements_than, tag_of, text_of
from gongwen.pipelines.normalise.dates import find_date
from gongwen.pipelines.normalise.text import cjk_count

_PAGINATION = re.compile(r"上一?[页頁]|下一?[页頁]|尾[页頁]|末[页頁]|共\s*\d+\s*[页頁条條]|跳转[至到]")
# Hanweb column pages carry their entries as <record>s of an XML island (domain notes §4.5).
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[", re.IGNORECASE)
_ERROR = re.compile(
    r"^\s*(?:40[0-9]|50[0-9])\b|not found|forbidden|bad gateway|service unavailable|页面不存在|页面未找到|"
    r"找不到|无法访问|无法找到|出错了|访问的页面|系统错误|网页不存在|信息不存在|已删除|已撤销",
    re.IGNORECASE,
)
_ROW_CLIMB = frozenset({"span", "font", "b", "strong", "em", "i", "td", "h3", "h4", "h5"})
MIN_TITLE_CJK = 6  # a link whose text is a notice's title
MIN_LIST_LINKS = 3  # dated links that make a list page by themselves (one is enough with pagination)
MAX_ENTRY_ELEMENTS = 40  # elements of a list entry's row: its link, date and wrappers
MAX_ERROR_TEXT = 80  # CJK characters of text an error page may carry


def _entries(root: Element) -> tuple[list[str], list[str]]:
    """Links that look like list entries: (those with a date in their row outside the link, those that
    stand with others in one list) — each by its text."""
    dated: list[str] = []
    rows: dict[Element, list[str]] = {}
    for link in root.iter("a"):
        if more_elements_than(link, MAX_ENTRY_ELEMENTS):  # no entry (and a deep nest of links is read once)
            continue
        text = text_of(link) or (link.get("title") or "")
        if cjk_count(text) < MIN_TITLE_CJK:
            continue
        row = link.getparent()
        while row is not None and tag_of(row) in _ROW_CLIMB and row.getparent() is not None:
            row = row.getparent()
        if row is None:
            continue
        # A row of many elements is a block of many entries: no date of its own (nor read once a link).
        rest = "" if more_elements_than(row, MAX_ENTRY_ELEMENTS) else text_of(row).replace(text, "")
        if len(rest) <= 80 and find_date(rest) is not None:
            dated.append(text)
        holder = row.getparent() if tag_of(row) in ("li", "dt", "dd", "tr") else row
        rows.setdefault(holder, []).append(text)
    listed = [t for texts in rows.values() if len(texts) >= 2 for t in texts]
    return dated, listed


def not_a_notice(root: Element, html: str, title: str | None, body: list[str], page: list[str]) -> str | None:
    """Why an HTML page that shows no notice metadata (文号, 索引号, 成文日期) is no notice (a list page,
    an error page), or None when it may be one."""
    body_cjk = sum(cjk_count(line) for line in body)
    if title and _ERROR.search(title) and body_cjk <= MAX_ERROR_TEXT:
        return f"an error page ({title!r})"
    if not body and (records := len(_RECORD.findall(html))):
        return f"a list page: {records} records of a Hanweb column, no notice text"
    dated, listed = _entries(root)
    paged = any(_PAGINATION.search(line) for line in (*page, *body))
    entries = len(dated) or len(listed)
    is_list = len(dated) >= MIN_LIST_LINKS or (paged and (dated or listed))
    if is_list and body_cjk <= 1.5 * sum(cjk_count(t) for t in dated + listed):  # the body is the list
        navigation = " and page navigation" if paged else ""
        return f"a list page: {entries} link(s) to other pages{navigation}, no notice text"
    return None
