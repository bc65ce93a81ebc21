"""Which pages are copies of one document, and which notices forward which.

Two pages are candidates when they carry the same normalised 文号 (its 机关代字, year and serial), or
when LSH over MinHash signatures of their bodies says their texts are near-duplicates. A candidate
pair is the same document when

- the estimated body similarity is at least SAME_BODY, or
- they carry the same 文号 and similar titles (SAME_TITLE) and their pages do not name different
  issuing agencies: 文号 are reused across issuers, and a stub page (body in a PDF) still has a title;

and never when one forwards (转发/批转) and the other does not, when both carry different 文号,
when their titles name different issuers (…关于), or when their titles carry different numbers
(the 2019 and 2020 editions of a yearly notice). Those vetoes hold for whole groups: pages are
joined one pair at a time, most similar first, and a pair whose groups conflict is not joined.

A candidate pair of which one forwards and the other does not is a link, not a copy: the 转发
notice (which often quotes the whole text) forwards the other's document. A 转发 notice is also
linked to the documents it names: by the title in its own title, or by a 文号 it cites.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from gongwen.pipelines.dedupe.comparable import comparable
from gongwen.pipelines.dedupe.minhash import NUM_PERM, candidate_pairs, estimated_similarity, signatures
from gongwen.pipelines.dedupe.titles import TitleFacts, same_issuer, subject, title_facts, title_similarity
from gongwen.pipelines.normalise.docnumber import CLOSE_BRACKETS, OPEN_BRACKETS
from gongwen.pipelines.normalise.text import CJK, to_simplified
from gongwen.pipelines.notice import Notice

SAME_BODY = 0.5  # estimated Jaccard similarity of the bodies' shingles
SIGNED_AT_ONCE = 2000  # pages
SAME_TITLE = 0.8  # title_similarity, for pages with the same 文号
MIN_CHARS = 50  # shorter bodies ("详见附件") say nothing about identity: they match by 文号 only
_CITED = re.compile(
    rf"([{CJK}]{{1,16}})[{re.escape(OPEN_BRACKETS)}](\d{{4}})[{re.escape(CLOSE_BRACKETS)}]第?(\d{{1,6}})号"
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What matching reads from one page (its comparable body text only while signing it: 100,000
    bodies held twice would double the memory a release takes)."""

    doc_number: str | None
    title: TitleFacts


def facts_of(notice: Notice) -> Facts:
    return Facts(
        doc_number=notice.doc_number,  # normalised by the extractor: simplified, 〔〕, ASCII digits
        title=title_facts(notice.title),
    )


@dataclass(slots=True)
class _Group:
    """What a growing group has committed to; another group joins only if it agrees."""

    doc_numbers: set[str] = field(default_factory=set)
    issuers: set[str] = field(default_factory=set)
    numbers: set[frozenset[str]] = field(default_factory=set)
    agencies: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, notice: Notice, facts: Facts) -> _Group:
        t, agency = facts.title, comparable(notice.issuing_agency or "")
        return cls(
            {facts.doc_number} if facts.doc_number else set(),
            {t.issuer} if t.issuer else set(),
            {t.numbers} if t.numbers else set(),
            {agency} if agency else set(),
        )

    def agrees(self, other: _Group, *, by_text: bool) -> bool:
        """Whether the two groups may be one document. Joined by 文号 and title alone (not by text),
        the agencies their pages name must agree too."""
        return (
            len(self.doc_numbers | other.doc_numbers) <= 1
            and all(same_issuer(a, b) for a in self.issuers for b in other.issuers)
            and all(a <= b or b <= a for a in self.numbers for b in other.numbers)
            and (by_text or all(same_issuer(a, b) for a in self.agencies for b in other.agencies))
        )

    def absorb(self, other: _Group) -> None:
        self.doc_numbers |= other.doc_numbers
        self.issuers |= other.issuers
        self.numbers |= other.numbers
        self.agencies |= other.agencies


@dataclass(frozen=True)
class Matching:
    """Pages (by index into the input) grouped into documents, and forward links between pages."""

    facts: list[Facts]
    groups: list[list[int]]
    forwards: set[tuple[int, int]]  # (page that forwards, page of the document it forwards)


def page_signatures(notices: Sequence[Notice]) -> list[bytes]:
    """The MinHash signature of each page's comparable body text (NUM_PERM little-endian uint32), or
    b"" when it is shorter than MIN_CHARS. The extractor makes them (pipelines.read.readings keeps them):
    simplifying and folding 100,000 bodies is a third of grouping them."""
    bodies = [comparable(n.body_text) for n in notices]
    long = [i for i, body in enumerate(bodies) if len(body) >= MIN_CHARS]
    signed = dict(zip(long, signatures([bodies[i] for i in long]).astype("<u4"), strict=True))
    return [signed[i].tobytes() if i in signed else b"" for i in range(len(notices))]


def _signed(
    notices: Sequence[Notice], known: Mapping[str, bytes]
) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
    """The pages whose comparable bodies have MIN_CHARS or more, and their signatures: ``known`` by
    content_sha256, the others made a chunk of pages at a time."""
    missing = [i for i, n in enumerate(notices) if n.content_sha256 not in known]
    made: dict[int, bytes] = {}
    for start in range(0, len(missing), SIGNED_AT_ONCE):
        chunk = missing[start : start + SIGNED_AT_ONCE]
        made.update(zip(chunk, page_signatures([notices[i] for i in chunk]), strict=True))
    rows: list[int] = []
    signed: list[bytes] = []
    for i, notice in enumerate(notices):
        if signature := made[i] if i in made else known[notice.content_sha256]:
            rows.append(i)
            signed.append(signature)
    sigs = np.frombuffer(b"".join(signed), dtype="<u4").astype(np.uint32).reshape(-1, NUM_PERM)
    return np.array(rows, dtype=np.int64), sigs


def _candidates(
    notices: Sequence[Notice], facts: Sequence[Facts], known: Mapping[str, bytes]
) -> list[tuple[float, int, int]]:
    """(estimated body similarity, i, j) for pairs with one 文号, or with near-duplicate bodies."""
    rows, sigs = _signed(notices, known)
    row_of = np.full(len(facts), -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    body = candidate_pairs(sigs)
    sims = estimated_similarity(sigs, body)
    near = sims >= SAME_BODY
    found = {(int(i), int(j)): float(s) for (i, j), s in zip(rows[body[near]], sims[near], strict=True)}
    by_number: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if f.doc_number:
            by_number[f.doc_number].append(i)
    numbered = [pair for block in by_number.values() for pair in combinations(block, 2) if pair not in found]
    if numbered:
        pairs = np.array(numbered, dtype=np.int64)
        both = (row_of[pairs[:, 0]] >= 0) & (row_of[pairs[:, 1]] >= 0)
        sims = np.zeros(len(pairs))
        sims[both] = estimated_similarity(sigs, row_of[pairs[both]])
        found.update({(int(i), int(j)): float(s) for (i, j), s in zip(pairs, sims, strict=True)})
    return sorted(((s, i, j) for (i, j), s in found.items()), key=lambda c: (-c[0], c[1], c[2]))


def _same_number_and_title(a: Facts, b: Facts) -> bool:
    return (
        a.doc_number is not None
        and a.doc_number == b.doc_number
        and title_similarity(a.title.text, b.title.text) >= SAME_TITLE
    )


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def match(notices: Sequence[Notice], known: Mapping[str, bytes] | None = None) -> Matching:
    """Group pages into documents; see the module docstring for the rules. ``known``: signatures of
    the pages' texts made earlier (page_signatures), by content_sha256."""
    facts = [facts_of(n) for n in notices]
    parent = list(range(len(facts)))
    groups: dict[int, _Group] = {}  # by root, made when a page is first joined
    forwards: set[tuple[int, int]] = set()
    for similarity, i, j in _candidates(notices, facts, known or {}):
        a, b = facts[i], facts[j]
        if a.title.forwards != b.title.forwards:
            forwards.add((i, j) if a.title.forwards else (j, i))
            continue
        by_text = similarity >= SAME_BODY
        if not (by_text or _same_number_and_title(a, b)):
            continue
        ri, rj = _find(parent, i), _find(parent, j)
        if ri == rj:
            continue
        gi = groups.get(ri) or _Group.of(notices[ri], facts[ri])
        gj = groups.pop(rj, None) or _Group.of(notices[rj], facts[rj])
        if gi.agrees(gj, by_text=by_text):
            parent[rj] = ri
            gi.absorb(gj)
        else:
            groups[rj] = gj
        groups[ri] = gi
    group_of = [_find(parent, i) for i in range(len(facts))]
    members: dict[int, list[int]] = defaultdict(list)
    for i, root in enumerate(group_of):
        members[root].append(i)
    forwards |= set(_named_forwards(notices, facts, group_of))
    return Matching(facts, list(members.values()), forwards)


def _named_forwards(
    notices: Sequence[Notice], facts: Sequence[Facts], group_of: Sequence[int]
) -> Iterable[tuple[int, int]]:
    """Forward links a 转发 notice states itself: the forwarded title in its own title (exactly, or
    else by subject, when only one document has it), or a 文号 cited in its title or opening lines
    (现将《…》（眉府办发〔2022〕17号）转发给你们)."""
    by_title: dict[str, list[int]] = defaultdict(list)
    by_subject: dict[str, list[int]] = defaultdict(list)
    by_number: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(facts):
        if not f.title.forwards:
            by_title[f.title.text].append(i)
            by_subject[subject(f.title.text)].append(i)
            if f.doc_number:
                by_number[f.doc_number].append(i)
    for i, f in enumerate(facts):
        if f.title.forwarded is None:
            continue
        for named in (by_title.get(f.title.forwarded, []), by_subject.get(subject(f.title.forwarded), [])):
            if len({group_of[j] for j in named}) == 1:  # one document has that title or subject
                yield from ((i, j) for j in named)
                break
        for number in _cited_numbers(notices[i]):
            yield from ((i, j) for j in by_number.get(number, []))


def _cited_numbers(notice: Notice) -> Iterable[str]:
    """Every reading of the 文号 cited in the title and the first three lines of the body: the
    机关代字 before the bracket may start anywhere in the run of characters before it."""
    head = "\n".join([notice.title, *notice.body_text.splitlines()[:3]])
    text = unicodedata.normalize("NFKC", to_simplified(head)).replace(" ", "")
    for m in _CITED.finditer(text):
        run, year, serial = m.group(1), m.group(2), int(m.group(3))
        for start in range(len(run)):
            yield f"{run[start:]}〔{year}〕{serial}号"
