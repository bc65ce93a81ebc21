"""Hostile pages: gambling/porn words injected into a hijacked page, hidden blocks of off-site links, and
a <title>, meta title and heading that tell different stories (domain notes §6.1)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from gongwen.pipelines.extract.agency import title_agency
from gongwen.pipelines.extract.dom import Element, is_hidden, text_of
from gongwen.pipelines.extract.letter import is_agency_line
from gongwen.pipelines.extract.links import absolute_url
from gongwen.pipelines.extract.spam import SPAM_GENERIC, spam_words, strip_words
from gongwen.pipelines.normalise.text import CJK, normalise_line, to_simplified


def hijacked_names(title: str | None, lines: Iterable[str]) -> list[str]:
    """Agency names that carry spam words: the title's 发文机关 and signature lines
    ("77365体育在线办公室"). The whole name is false, not only its spam words."""
    names = [title_agency(title)] + [line for line in lines if len(line) <= 40 and is_agency_line(line)]
    return list(dict.fromkeys(n for n in names if n and spam_words(n)))


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A title and body freed of injected words; the words found (by where), and what was done."""

    title: str | None
    lines: list[str]
    found: dict[str, list[str]]
    notes: list[str]


def remove_spam(title: str | None, lines: list[str], agency: str | None) -> Cleaned:
    """Replace hijacked agency names by the issuing agency read from the page (or remove them when the
    page does not give it), then remove the remaining spam words; lines left empty are dropped."""
    names = hijacked_names(title, lines)

    def cleaned(text: str, *, short: bool) -> tuple[str, list[str]]:
        words = spam_words(text, short=short)
        for name in names:
            text = text.replace(name, agency or "")
        return strip_words(normalise_line(text), spam_words(text, short=short)), words

    new_title, title_words = cleaned(title, short=True) if title else (title, [])
    new_lines, body_words = lines, []
    if names or spam_words("\n".join(lines), short=False):  # most bodies are clean and kept as they are
        pairs = [cleaned(line, short=False) for line in lines]
        new_lines = [line for line, _ in pairs if line]
        body_words = list(dict.fromkeys(w for _, words in pairs for w in words))
    replaced = f"replaced by {agency!r}, read from the page" if agency else "removed: the page names no other"
    notes = [f"the hijacked agency name {name!r} is {replaced}" for name in names]
    if title_words or body_words:
        notes.append("the words are removed from the title and body")
    return Cleaned(new_title or None, new_lines, {"the title": title_words, "the body": body_words}, notes)


def vocabulary(texts: dict[str, str | None]) -> dict[str, list[str]]:
    """The spam words in each text (long texts: promotional words only)."""
    return {where: spam_words(to_simplified(text), short=len(text) <= 100)
            for where, text in texts.items() if text}


def _site_of(host: str) -> str:
    """The registrable part of a host: www.qbj.gov.cn → qbj.gov.cn, a.b.example.com → example.com."""
    labels = host.split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in ("gov", "com", "net", "org", "edu", "ac") else 2
    return ".".join(labels[-keep:])


def _off_site(page_url: str, href: str) -> str | None:
    """The host of a link that leaves both the page's site and government domains; None otherwise."""
    url = absolute_url(page_url, href)
    host = (urlsplit(url).hostname or "").lower() if url else ""
    page_host = (urlsplit(page_url).hostname or "").lower()
    if not host or host.endswith((".gov.cn", ".gov")) or _site_of(host) == _site_of(page_host):
        return None
    return host


_NOT_DISPLAYED = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_NO_FONT = re.compile(r"font-size\s*:\s*0(?![.\d])", re.IGNORECASE)
MIN_HIDDEN_LINKS = 5  # off-site links in blocks pushed off screen or shrunk that make a link farm


def _concealment(block: Element) -> str | None:
    """How a block is kept from view: "not displayed" (also the way of drop-down menus), "concealed"
    (off screen, shrunk to nothing, font-size 0: the ways of link farms), or None when visible."""
    style = block.get("style") or ""
    if _NO_FONT.search(style):  # unless its children set their own size (a trick against inline gaps)
        resized = any("font-size" in (d.get("style") or "") for d in block.iterdescendants())
        return None if resized else "concealed"
    if not is_hidden(block):
        return None
    return "not displayed" if block.get("hidden") is not None or _NOT_DISPLAYED.search(style) else "concealed"


def hidden_link_finding(root: Element, page_url: str) -> str | None:
    """What hidden blocks carry when they hide links off the site: links whose text is spam, or a farm
    of links in blocks pushed off screen or shrunk to nothing. Drop-down menus (display:none) of
    ordinary links are not a finding."""
    spam: list[str] = []
    farm: dict[str, int] = {}
    seen: set[str] = set()
    # Not "//body//*": libxml2 merges that node-set in quadratic time (13 s on a 16 MB page).
    for block in root.xpath("//body/descendant::*[@style or @hidden]"):
        how = _concealment(block)
        if how is None:
            continue
        for link in block.iter("a"):
            href = (link.get("href") or "").strip()
            host = _off_site(page_url, href) if href else None
            if host is None or href in seen:
                continue
            seen.add(href)
            label = to_simplified(f"{text_of(link)} {link.get('title') or ''}")
            words = spam_words(label)
            if how == "concealed":  # off screen, any word of the trade gives it away
                words = words or [w for w in SPAM_GENERIC if w in label]
            if words:
                spam.append(f"{host} ({', '.join(words)})")
            elif how == "concealed":
                farm[host] = farm.get(host, 0) + 1
    if spam:
        return f"hidden links with spam words to {'; '.join(spam[:5])}"
    if sum(farm.values()) >= MIN_HIDDEN_LINKS:
        return f"{sum(farm.values())} off-site links hidden off screen, to {', '.join(sorted(farm)[:5])}"
    return None


_NOT_TEXT = re.compile(rf"[^{CJK}0-9A-Za-z]")
# What a site or column name ends with: such a <title> or heading is no notice's title.
_SITE_NAME = re.compile(r"(?:政府网|人民政府|门户网站|网站|政府门户|信息公开|公开目录|首页|网)$")
MIN_TITLE_CHARS = 8


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _agree(a: str, b: str) -> bool:
    """One contains the other, or they share at least half their character pairs."""
    if a in b or b in a:
        return True
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) >= 0.5 * (len(x) + len(y))


def title_mismatch(titles: dict[str, str | None], site_names: Iterable[str]) -> str | None:
    """Which of <title>, the meta title and the heading disagree (beyond site suffixes and truncation);
    None when they agree or fewer than two look like a notice's title."""
    names = {_NOT_TEXT.sub("", to_simplified(n)) for n in site_names if n}
    compact = {
        where: _NOT_TEXT.sub("", to_simplified(t.removesuffix("...").removesuffix("…")))
        for where, t in titles.items()
        if t
    }
    usable = {
        where: t for where, t in compact.items()
        if len(t) >= MIN_TITLE_CHARS and t not in names and not _SITE_NAME.search(t)
    }
    wheres = list(usable)
    for i, first in enumerate(wheres):
        for second in wheres[i + 1:]:
            if not _agree(usable[first], usable[second]):
                return f"{first} {titles[first]!r} and {second} {titles[second]!r} name different documents"
    return None
