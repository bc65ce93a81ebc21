"""The outline of a notice's body: its numbered items (一、 （一） 1. （1） ① 一是, 第N章 第N条) as a tree.

Numbering styles have a conventional rank (一、 above （一） above 1. …); an item is the child of the
nearest item before it of a higher rank, so a plan that skips a level (一、 then 1.) still nests.
Unnumbered lines belong to the item above them, up to a line that closes the text (a signature, a
date, 此件公开发布, an attachment list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongwen.pipelines.extract.letter import is_agency_line
from gongwen.pipelines.normalise.dates import parse_date

_CN = "一二三四五六七八九十百零〇"
# (style, pattern of the number at the start of a line), highest rank first.
STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第[{_CN}]+章")),
    ("article", re.compile(rf"^第[{_CN}]+条")),
    ("cn", re.compile(rf"^[{_CN}]+[、.．](?![{_CN}]、)")),
    ("cn_paren", re.compile(rf"^[（(][{_CN}]+[）)]")),
    ("num", re.compile(r"^\d{1,2}(?:[、.．](?!\d)|\s)")),
    ("num_paren", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①-⑳]")),
    ("shi", re.compile(rf"^[{_CN}]+是(?=[^\s，,。])")),
)
RANK = {style: rank for rank, (style, _) in enumerate(STYLES)}
RULE_STYLES = frozenset({"chapter", "article"})  # the articles of 办法/条例: rules, not plans

_OPEN, _CLOSE = "（(〔[【", "）)〕]】"
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_NOTE_START = re.compile(r"[（(〔](?:牵头|责任|配合)")
_PUBLISHED = re.compile(r"^[（(]此件.{0,8}[）)]$")
_ATTACHMENT_ENTRY = re.compile(r"^\d{1,2}[、.．]\S")


def _depth(text: str, depth: int = 0) -> int:
    """The bracket depth after a text, from a starting depth."""
    for c in text:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
    return depth


def _closes(depth: int, text: str) -> bool:
    """True when the text closes a bracket left open before it."""
    for c in text:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth -= 1
            if depth == 0:
                return True
    return False


def body_lines(body_text: str) -> list[str]:
    """The body's lines, with a line broken inside brackets joined to the line that closes them
    (content farms break "(牵头单位:省商务厅;" / "责任单位:各开发区)" over two paragraphs). A joined
    line leaves an empty line behind, so line numbers stay those of body_text."""
    lines: list[str] = []
    open_at: int | None = None  # the line whose brackets are still open
    for line in (line.strip() for line in body_text.split("\n")):
        if open_at is not None and _closes(_depth(lines[open_at]), line):
            lines[open_at] += line
            lines.append("")
            if _depth(lines[open_at]) == 0:
                open_at = None
            continue
        lines.append(line)
        open_at = len(lines) - 1 if _depth(line) > 0 else None
    return lines


@dataclass(eq=False)
class Item:
    """A numbered item: its number as printed, its own line and the unnumbered lines under it."""

    style: str
    number: str
    line: int
    lines: list[str]
    line_numbers: list[int]  # the body line of each of `lines`
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)

    @property
    def rank(self) -> int:
        return RANK[self.style]

    @property
    def text(self) -> str:
        """The item's own line without its number."""
        return without_number(self.lines[0], self.number)

    @property
    def heading(self) -> str:
        return heading_of(self.text)

    @property
    def heading_only(self) -> bool:
        """The line is a heading alone (一、总体目标; （一）突出四大创新引领，提升新技术。)."""
        rest = self.text[len(self.heading):].lstrip("。；;！？!? ")
        return not rest

    @property
    def outline(self) -> str:
        return "/".join(item.number for item in self.ancestry())

    def ancestry(self) -> list[Item]:
        """The item and the items above it, from the top."""
        chain: list[Item] = []
        item: Item | None = self
        while item is not None:
            chain.append(item)
            item = item.parent
        return chain[::-1]

    def under_rules(self) -> bool:
        return any(item.style in RULE_STYLES for item in self.ancestry())


def without_number(line: str, number: str | None) -> str:
    return line[len(number or ""):].strip(" \u3000:：、.．")


def heading_of(text: str) -> str:
    """A text's first sentence (up to 。 or ；) without a trailing agency note."""
    end = _SENTENCE_END.search(text)
    head = text[: end.start()] if end else text
    note = _NOTE_START.search(head)
    if note and note.start() > 0:
        head = head[: note.start()]
    return head.strip(" \u3000，,")


def numbering(line: str) -> tuple[str, str] | None:
    """The (style, number as printed) a line starts with, or None."""
    for style, pattern in STYLES:
        m = pattern.match(line)
        if m:
            return style, m.group(0).strip()
    return None


def closes_text(line: str) -> bool:
    """A line that ends the item above it: a signature, a date, 此件公开发布, an attachment line."""
    return (
        parse_date(line) is not None
        or is_agency_line(line)
        or bool(_PUBLISHED.match(line))
        or line.startswith("附件")
    )


def outline_of(lines: list[str]) -> list[Item]:
    """The numbered items of the body lines, in order, linked into a tree."""
    items: list[Item] = []
    stack: list[Item] = []
    current: Item | None = None
    in_attachments = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if in_attachments and _ATTACHMENT_ENTRY.match(line) and not re.search("[。，,；;]", line):
            continue
        in_attachments = line.startswith("附件")
        found = numbering(line)
        if found is None:
            if closes_text(line):
                current = None
            elif current is not None:
                current.lines.append(line)
                current.line_numbers.append(i)
            continue
        style, number = found
        item = Item(style, number, i, [line], [i])
        while stack and stack[-1].rank >= item.rank:
            stack.pop()
        if stack:
            item.parent = stack[-1]
            stack[-1].children.append(item)
        stack.append(item)
        items.append(item)
        current = item
    return items


def line_owners(items: list[Item], count: int) -> list[Item | None]:
    """For each body line, the item it belongs to (None above the first item and after a closing)."""
    owners: list[Item | None] = [None] * count
    for item in items:
        for n in item.line_numbers:
            owners[n] = item
    return owners
