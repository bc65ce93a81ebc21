"""Parsing with lxml and turning elements into lines of text."""

from __future__ import annotations

import itertools
import re
from typing import Any

import lxml.etree
import lxml.html

from gongwen.pipelines.extract.decode import NotAPage
from gongwen.pipelines.normalise.text import CJK, normalise_line

# lxml ships no type information; elements are typed as Any here.
Element = Any

# Elements whose content is never page text.
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
             "select", "textarea", "button", "input", "map", "audio", "video")
# Elements that start and end a line of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul", "caption", "body", "html",
    "ucapcontent",
})
CELL_TAGS = frozenset({"td", "th"})
# Set on the root by parse_html when the page nests deeper than even a deep-tree parse allows.
TRUNCATED = "data-gongwen-truncated"
# Stands in the page's lines where the skipped body was.
BODY_MARK = "\x00body\x00"
# Declarations that keep an element from being seen: not displayed, invisible, pushed off screen
# (the ways hijackers hide blocks of links), or a box of no size that clips its content.
_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|"
    r"(?:left|top|right|text-indent)\s*:\s*-\d{3,}|margin-(?:left|top)\s*:\s*-\d{4,}",
    re.IGNORECASE,
)
_ZERO_BOX = re.compile(r"(?:^|[;\s])(?:height|width|max-height)\s*:\s*0(?:px)?\s*(?:;|!|$)", re.IGNORECASE)
_CLIPPED = re.compile(r"overflow\s*:\s*hidden", re.IGNORECASE)
# Stylesheet rules: any rule, and a rule on plain class or id selectors only (".a, #b {…}").
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_MEDIA = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", re.IGNORECASE)
_CSS_ANY_RULE = re.compile(r"(?P<selectors>[^{}]+)\{(?P<body>[^{}]*)\}")
_CSS_PLAIN_RULE = re.compile(
    r"(?:^|(?<=\}))\s*(?P<selectors>[.#][\w-]+(?:\s*,\s*[.#][\w-]+)*)\s*\{(?P<body>[^{}]*)\}"
)
_CSS_NAME = re.compile(r"[.#][\w-]+")
_SHOWING = re.compile(r"display\s*:\s*(?!none)[a-z]|visibility\s*:\s*visible", re.IGNORECASE)
_BREAK = "\x01"
_SOURCE_BREAK = re.compile(r"[ \t]*[\r\n][\s]*")
_WIDE = f"{CJK}\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d"  # CJK, its punctuation, full-width forms
_BREAK_BETWEEN_CJK = re.compile(f"(?<=[{_WIDE}]){_BREAK}+(?=[{_WIDE}])")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Characters XML cannot hold (lxml refuses them in text): C0 controls but tab and line breaks, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_html(text: str) -> Element:
    """The document tree; comments, processing instructions and script-like elements removed.

    Old CMS pages nest hundreds of unclosed <font> or <p> tags: the parser allows deep trees (libxml2
    stops at a depth of 256 otherwise and drops the rest of the page without a word), and
    ``TRUNCATED`` is set on the root when even that was not deep enough. An early </html> (a header
    include that closes the document before the article) makes libxml2 start a second top-level
    tree: its content is moved back into the first, so that nothing after it is lost."""
    text = _NOT_XML.sub("", _XML_DECLARATION.sub("", text))
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise NotAPage(f"not HTML: lxml cannot parse it ({exc})") from exc
    if any("depth" in error.message.lower() for error in parser.error_log):
        root.set(TRUNCATED, "1")
    _one_tree(root)
    for node in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        remove_keep_tail(node)
    _inline_hiding_rules(root)
    for node in list(root.iter(*DROP_TAGS)):
        remove_keep_tail(node)
    return root


def _one_tree(root: Element) -> None:
    """Move the content of the top-level trees after the first (an early </html>) into the first:
    their head's elements to its head, everything else to the end of its body."""
    extras = [el for el in root.itersiblings() if tag_of(el) == "html"]
    if not extras:
        return
    head, body = root.find("head"), root.find("body")
    if body is None:
        body = lxml.etree.SubElement(root, "body")
    for extra in extras:
        for part in list(extra):
            if tag_of(part) == "head" and head is not None:
                head.extend(list(part))
            elif tag_of(part) == "body":
                _move_text(part, body)
                body.extend(list(part))
            else:
                body.append(part)


def _move_text(source: Element, body: Element) -> None:
    """The text at the start of ``source``, put at the end of ``body``."""
    if not source.text:
        return
    last = body[-1] if len(body) else None
    if last is None:
        body.text = (body.text or "") + source.text
    else:
        last.tail = (last.tail or "") + source.text


def _inline_hiding_rules(root: Element) -> None:
    """Copy the stylesheet rules that hide elements into those elements' style attributes, so that
    is_hidden sees `<style>.x{display:none}</style><div class="x">` as it sees an inline style.

    Only plain `.x`/`#x` rules outside @media count, and not for a name that another rule shows again
    (`.pane.active{display:block}`, `.menu:hover .sub{display:block}`): tabs and menus stay visible.
    """
    sheets = " ".join(el.text or "" for el in root.iter("style"))
    if "{" not in sheets:
        return
    sheets = _CSS_MEDIA.sub("", _CSS_COMMENT.sub("", sheets))
    shown = {
        name
        for rule in _CSS_ANY_RULE.finditer(sheets)
        if _SHOWING.search(rule["body"])
        for name in _CSS_NAME.findall(rule["selectors"])
    }
    for rule in _CSS_PLAIN_RULE.finditer(sheets):
        if not hides(rule["body"]):
            continue
        for selector in (s.strip() for s in rule["selectors"].split(",")):
            if selector in shown:
                continue
            kind, name = selector[0], selector[1:]
            found = (
                root.xpath("//*[@id=$name]", name=name) if kind == "#"
                else root.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), $name)]",
                                name=f" {name} ")
            )
            for el in found:
                el.set("style", f"{el.get('style') or ''};{rule['body']}")


def remove_keep_tail(node: Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def tag_of(el: Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def attr_words(el: Element) -> str:
    """class and id of an element, as one string."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def hides(style: str) -> bool:
    """True for CSS declarations that keep an element from being seen."""
    return bool(_HIDING.search(style)) or bool(_ZERO_BOX.search(style) and _CLIPPED.search(style))


def is_hidden(el: Element) -> bool:
    """Not shown by a browser: the hidden attribute, or a hiding style (inline or from a stylesheet)."""
    return el.get("hidden") is not None or hides(el.get("style") or "")


def more_elements_than(el: Element, count: int) -> bool:
    """Whether the element and its descendants are more than ``count`` elements, counted only that far:
    what holds a label or a title is small, and reading the text of each of a deep nest of elements
    would take quadratic time."""
    return next(itertools.islice(el.iter(), count, None), None) is not None


def text_of(el: Element) -> str:
    """All text of an element on one line, as a browser shows it: inline markup adds no space
    (<span>关于</span><span>印发</span> → 关于印发), a line break between two CJK characters disappears, and
    whitespace is normalised (letter-spacing closed up)."""
    return _join_source_breaks(_BREAK.join(lines_of(el)))


def _source_breaks(text: str) -> str:
    """Line breaks of the HTML source are not lines of text: mark them for _join_source_breaks."""
    return _SOURCE_BREAK.sub(_BREAK, text)


def _join_source_breaks(text: str) -> str:
    """A source line break between two CJK characters disappears (CSS segment-break rule); elsewhere it
    is a space."""
    return _BREAK_BETWEEN_CJK.sub("", text).replace(_BREAK, " ")


_BREAKS_AFTER = BLOCK_TAGS | {"br"}


def _walk(top: Element, out: list[str], skip: Element | None) -> None:
    """The text of ``top`` with line marks, in document order. lxml walks the tree (no recursion:
    old CMS pages nest deeper than Python's recursion allows)."""
    walker = lxml.etree.iterwalk(top, events=("start", "end"))
    closing: list[bool] = []  # for each open element: whether a line ends after it
    for event, el in walker:
        if event == "end":
            if closing.pop():
                out.append("\n")
            if el.tail and el is not top:
                out.append(_source_breaks(el.tail))
            continue
        if el is skip:  # left out, a mark in its place
            out.append(f"\n{BODY_MARK}\n")
            walker.skip_subtree()
            closing.append(False)
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in BLOCK_TAGS:
            out.append("\n")
        elif tag in CELL_TAGS:
            out.append(" \t ")
        if el.text and tag:
            out.append(_source_breaks(el.text))
        closing.append(tag in _BREAKS_AFTER)


def lines_of(el: Element, skip: Element | None = None) -> list[str]:
    """The element's text, one line per block (p, div, br, tr, li …), each line whitespace normalised,
    empty lines dropped. A `skip` subtree is left out; a BODY_MARK line stands where it was."""
    out: list[str] = []
    _walk(el, out, skip)
    lines = (normalise_line(line) for line in _join_source_breaks("".join(out)).split("\n"))
    return [line for line in lines if line]
