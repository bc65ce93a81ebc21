"""What a title tells dedupe: who issued the notice, its numbers, and whether it forwards another."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.pipelines.dedupe.comparable import comparable

_ABOUT = "关于"
_FORWARD = re.compile(r"转发|批转")
_FORWARD_END = re.compile(r"的(?:通知|通告|函)$")
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class TitleFacts:
    """A title in comparable form (comparable.comparable) and what it names."""

    text: str
    issuer: str | None  # the agency before 关于: 眉山市人民政府办公室关于… → 眉山市人民政府办公室
    numbers: frozenset[str]  # years and other numbers: two yearly notices differ here
    forwarded: str | None  # for a 转发/批转 notice, the title of the notice it forwards

    @property
    def forwards(self) -> bool:
        return self.forwarded is not None


def title_facts(title: str) -> TitleFacts:
    text = comparable(title)
    head = text.split(_ABOUT, 1)[0] if _ABOUT in text else ""
    forward = _FORWARD.search(text)
    forwarded = _FORWARD_END.sub("", text[forward.end() :]) if forward else None
    return TitleFacts(
        text=text,
        issuer=head if 2 <= len(head) <= 30 else None,
        numbers=frozenset(_NUMBERS.findall(text)),
        forwarded=forwarded,
    )


def subject(title: str) -> str:
    """A comparable title without the issuer before 关于: the part reposts keep."""
    return title.split(_ABOUT, 1)[1] if _ABOUT in title else title


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def title_similarity(a: str, b: str) -> float:
    """Bigram containment of two comparable titles: a title with the issuer left off still scores 1."""
    ba, bb = _bigrams(a), _bigrams(b)
    return len(ba & bb) / min(len(ba), len(bb))


def same_issuer(a: str | None, b: str | None) -> bool:
    """Unknown matches anything; 国务院 matches 国务院办公厅 (one begins the other)."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)
