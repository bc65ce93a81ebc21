"""Metadata read from <meta> tags and from label/value pairs (索引号：…, 发布日期：…) anywhere on a page."""

from __future__ import annotations

import re

import lxml.etree

from gongwen.pipelines.extract.dom import Element, more_elements_than, tag_of, text_of
from gongwen.pipelines.normalise.text import ZERO_WIDTH, normalise_line, to_simplified

# Canonical key → the labels sites print for it (spaces inside labels are removed before matching).
LABELS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "信息索引号", "索取号"),
    "title": ("标题", "文件标题", "信息标题", "信息名称", "文件名称"),
    "doc_number": ("发文字号", "文号", "文件编号", "文件文号", "发文文号", "发文号"),
    "issuer": ("发文机关", "发文单位", "发文机构", "发文部门", "制发机关", "成文机关", "发布机关"),
    "publisher": ("发布机构", "发布单位", "信息来源", "来源", "发布者", "责任部门", "公开责任部门",
                  "来源单位", "发布部门", "信息发布机构", "公开主体"),
    "written_date": ("成文日期", "生成日期", "产生日期", "签发日期", "形成日期", "成文时间"),
    "published_date": ("发布日期", "公开日期", "发布时间", "发文日期", "信息提供日期", "上网时间", "发文时间",
                       "公开时间", "发表时间", "公布日期", "公布时间", "信息发布日期", "发稿时间"),
    "topic": ("主题分类", "主题类别", "信息分类"),
    "doc_type": ("公文种类", "文种", "文种分类", "体裁分类"),
    "validity": ("有效性", "效力状态", "时效性", "是否有效"),
    "keywords": ("主题词", "关键词"),
}
# Labels that are not wanted but end the value before them ("发布时间:… 浏览次数:…").
STOP_LABELS: tuple[str, ...] = (
    "浏览次数", "访问次数", "访问量", "点击数", "点击量", "点击率", "阅读次数", "阅读量", "字号", "字体",
    "作者", "责任编辑", "编辑", "公开方式", "公开时限", "公开范围", "公开属性", "有效期", "实施日期",
    "施行日期", "废止日期", "失效日期", "服务对象", "所属分类", "分类", "目录分类", "组配分类", "签发人",
    "打印", "分享到",
)
# Meta names (lower case) for a field, best first.
META_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("articletitle", "title", "og:title"),
    "published_date": ("pubdate", "firstpublishedtime", "publishdate", "pubtime", "releasedate", "maketime"),
    "publisher": ("contentsource", "source"),
    "site_name": ("sitename",),
}

_LABEL_OF: dict[str, str] = {label: key for key, labels in LABELS.items() for label in labels}
_STOP = frozenset(STOP_LABELS)
_ALL_LABELS = sorted([*_LABEL_OF, *STOP_LABELS], key=len, reverse=True)


def _spaced(label: str) -> str:
    """A regex for a label whose characters may be separated by spaces: 索 引 号."""
    return r"\s*".join(re.escape(c) for c in label)


# The whole text of a label element: "索 引 号：", "标　　题:", "发文字号", "[发文机构]".
_WHOLE_LABEL = re.compile(
    rf"^[\[【［]?(?P<label>{'|'.join(_spaced(x) for x in _ALL_LABELS)})[\]】］]?\s*[:：]?$"
)
# A label inside a line of text: at the line start or after a space, a separator or the colon of an
# empty label before it ("发文字号：来源：…"), ended by a colon or a closing bracket
# ("【发布时间】2023-05-06"); stop labels anywhere.
_INLINE_LABEL = re.compile(
    rf"(?:(?:^|(?<=[\s|丨【\[［（(:：]))(?P<label>{'|'.join(_spaced(x) for x in _ALL_LABELS)})"
    rf"|(?P<stop>{'|'.join(_spaced(x) for x in STOP_LABELS)}))(?:\s*[:：]|[\]】］]\s*[:：]?)"
)
_VALUE_TRIM = " \t|丨【】[]()（）:：,，;；"
MAX_LABEL = 12  # characters, without spaces: the longest label element's whole text
MAX_LABEL_ELEMENTS = 8  # elements in a label, itself and its wrappers included


def _key(label: str) -> str | None:
    compact = re.sub(r"\s+", "", label)
    return None if compact in _STOP else _LABEL_OF.get(compact)


def read_meta(root: Element) -> dict[str, str]:
    """<meta name=… content=…> as a dict of lower-cased name → first non-empty content."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = normalise_line(el.get("content") or "")
        if name and content and name not in meta:
            meta[name] = content
    return meta


def meta_value(meta: dict[str, str], field: str) -> str | None:
    return next((meta[name] for name in META_NAMES[field] if meta.get(name)), None)


def _next_element(node: Element) -> Element | None:
    sibling = node.getnext()
    while sibling is not None and not tag_of(sibling):
        sibling = sibling.getnext()
    return sibling


def _value_after(el: Element, label_text: str) -> str | None:
    """The value that follows a label element: its tail text, or the next sibling's text (unless that
    starts with a label of its own); climbing to the parent while the parent holds nothing but the
    label (<td><b>索引号：</b></td><td>…</td>)."""
    node = el
    for _ in range(4):
        tail = normalise_line(node.tail or "").strip(_VALUE_TRIM)
        if tail:
            return tail
        sibling = _next_element(node)
        if sibling is not None:
            # An empty value cell is no value: the next label's cell is not this label's value.
            value = text_of(sibling)
            simplified = to_simplified(value)
            labelled = _WHOLE_LABEL.match(simplified.replace(" ", "")) or _INLINE_LABEL.match(simplified)
            return "" if labelled else value
        parent = node.getparent()
        if parent is None or text_of(parent).replace(" ", "") != label_text:
            return None
        node = parent
    return None


_LABEL_TAGS = frozenset({
    "td", "th", "dt", "dd", "label", "b", "strong", "span", "font", "em", "i", "div", "p", "li", "h4", "h5",
    "h6",
})


def structural_pairs(root: Element, skip: Element | None = None) -> list[tuple[str, str]]:
    """(key, value) for every element whose whole text is a known label, value from what follows it.

    Pairs outside the `skip` subtree (the body) come first, then those inside it.
    """
    inside = set(skip.iter()) if skip is not None else set()
    outer: list[tuple[str, str]] = []
    inner: list[tuple[str, str]] = []
    for el in root.iter():
        if tag_of(el) not in _LABEL_TAGS:
            continue
        pairs = inner if el in inside else outer
        # A label holds its text and a wrapper or two (counted first: text_of a deep nest is quadratic).
        if len(el) > 3 or more_elements_than(el, MAX_LABEL_ELEMENTS) or _longer_than_a_label(el):
            continue
        text = text_of(el).replace(" ", "")
        if not text or len(text) > MAX_LABEL:
            continue
        m = _WHOLE_LABEL.match(to_simplified(text))
        if not m or (key := _key(m["label"])) is None:
            continue
        value = _value_after(el, text)
        if value:
            pairs.append((key, value))
    return outer + inner


def _longer_than_a_label(el: Element) -> bool:
    """True when the element's text, without spaces, is surely longer than any label: a quick test
    in lxml's C code that spares text_of most elements (zero-width characters, which text_of drops,
    leave the question to it)."""
    raw = lxml.etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return len(raw) > MAX_LABEL and len("".join(raw.split())) > MAX_LABEL and not ZERO_WIDTH.search(raw)


def inline_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(key, value) from "标签：值" text, several per line ("发布者:区政府办 发布时间:2018年04月23日")."""
    pairs: list[tuple[str, str]] = []
    for printed in lines:
        # Labels are matched in simplified script (來源 → 来源); values are taken as printed when the
        # conversion kept every character in place.
        simplified = to_simplified(printed)
        line = printed if len(simplified) == len(printed) else simplified
        matches = list(_INLINE_LABEL.finditer(simplified))
        for m, following in zip(matches, [*matches[1:], None], strict=False):
            label = m["label"]
            if not label:
                continue
            end = following.start() if following else len(line)
            value = line[m.end():end].strip(_VALUE_TRIM)
            key = _key(label)
            if key and value:
                pairs.append((key, value))
    return pairs


def is_label_line(line: str) -> bool:
    """A line that starts with a metadata label and a colon (it belongs to the metadata, not the text)."""
    m = _INLINE_LABEL.match(to_simplified(line))
    if m is None:
        return False
    return m["stop"] is not None or _key(m["label"] or "") is not None


def collect(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The first value for each key."""
    found: dict[str, str] = {}
    for key, value in pairs:
        found.setdefault(key, value)
    return found

