"""dedupe(): pages in, one group per document out, with canonical copy, flags, stable ids and links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from gongwen.crawlers.registry import Source
from gongwen.pipelines.dedupe.canonical import Rank, issuers, rank
from gongwen.pipelines.dedupe.comparable import SHINGLE, Overlap, comparable, overlap
from gongwen.pipelines.dedupe.identity import assign_ids
from gongwen.pipelines.dedupe.match import Matching, match
from gongwen.pipelines.dedupe.model import Copy, DedupeResult, KnownCopy, NoticeGroup
from gongwen.pipelines.notice import Notice, notice_id

# A copy differs materially from the canonical text when more shingles differ than two isolated
# changed characters account for (each changes up to 2 × SHINGLE): a changed sentence always does.
MAX_CHANGED = 4 * SHINGLE


def _one_per_page(notices: Iterable[Notice]) -> dict[str, Notice]:
    """The latest reading of each page, by page id (http and https are one page)."""
    latest: dict[str, Notice] = {}
    for n in notices:
        page = notice_id(str(n.url))
        if page not in latest or n.retrieved_at > latest[page].retrieved_at:
            latest[page] = n
    return latest


def _canonical_first(
    members: list[int],
    pages: Sequence[Notice],
    matching: Matching,
    source_of: Mapping[str, Source],
    first_seen: Sequence[datetime],
) -> list[int]:
    if len(members) == 1:
        return members
    names = issuers([pages[i] for i in members], [matching.facts[i] for i in members], source_of)

    def key(i: int) -> Rank:
        return rank(pages[i], source_of.get(pages[i].source_id), names, first_seen[i])

    return sorted(members, key=key)


def _overlap(canonical: Notice, page: Notice) -> Overlap:
    """How the page's text differs from the canonical copy's; a copy of the same text (the canonical
    one itself, most copies) is not compared, and no text is held longer than it is compared."""
    if page.content_sha256 == canonical.content_sha256:
        return Overlap(1.0, 0)
    return overlap(comparable(canonical.body_text), comparable(page.body_text))


def dedupe(
    notices: Iterable[Notice],
    sources: Iterable[Source],
    previous: Iterable[KnownCopy] = (),
    signatures: Mapping[str, bytes] | None = None,
    settled: Callable[[Sequence[Notice]], str | None] | None = None,
) -> DedupeResult:
    """Group the pages read into documents.

    ``sources`` are the registry's (crawlers.registry.load_sources()); a page whose source_id is not
    among them counts as a site of unknown kind. ``previous`` is the previous release's copies table
    (DedupeResult.copy_table() of the previous run), which keeps ids and first-seen dates stable.
    ``signatures``: of the pages' texts, as the extractor made them (match.page_signatures).
    ``settled`` names the previous document a group of pages is when the caller carries it as it was
    (pipelines.release.settled): such a group is left out of the result.
    """
    latest = _one_per_page(notices)
    pages, page_ids = list(latest.values()), list(latest)
    known = {notice_id(row.url): row for row in previous}
    source_of = {s.id: s for s in sources}
    first_seen = [
        min(n.retrieved_at, known[p].first_seen) if p in known else n.retrieved_at
        for n, p in zip(pages, page_ids, strict=True)
    ]
    matching = match(pages, signatures)

    ordered: list[list[int]] = []
    id_of: dict[int, str] = {}
    for group in matching.groups:
        if settled and (carried := settled([pages[i] for i in group])) is not None:
            id_of |= dict.fromkeys(group, carried)
        else:
            ordered.append(_canonical_first(group, pages, matching, source_of, first_seen))
    ids, aliases = assign_ids([[page_ids[i] for i in members] for members in ordered], known)

    id_of |= {i: ids[k] for k, members in enumerate(ordered) for i in members}
    forwarded: dict[str, set[str]] = defaultdict(set)
    for i, j in matching.forwards:
        if id_of[i] != id_of[j]:
            forwarded[id_of[i]].add(id_of[j])
    merged: dict[str, list[str]] = defaultdict(list)
    for old, kept in aliases.items():
        merged[kept].append(old)

    groups = []
    for group_id, members in zip(ids, ordered, strict=True):
        copies = []
        for i in members:
            similarity, changed = _overlap(pages[members[0]], pages[i])
            differs = changed > MAX_CHANGED
            copies.append(Copy(pages[i], first_seen[i], pages[i].retrieved_at, similarity, differs))
        links, withdrawn = tuple(sorted(forwarded[group_id])), tuple(sorted(merged[group_id]))
        groups.append(NoticeGroup(group_id, tuple(copies), links, withdrawn))
    return DedupeResult(tuple(sorted(groups, key=lambda g: g.id)), aliases)
