"""Stable notice ids: adding or losing a copy never changes the id of the notice it belongs to.

A page's own id is ``notice_id(url)``. A group of copies takes

- the id its pages had in the previous release's copies table, when they had one: a copy added or
  lost leaves the pages that stay, and so the id;
- when its pages had several ids (notices that were separate are now known to be one): the oldest
  one, whose copies were first seen earliest (then the smallest id); the others are withdrawn and
  recorded as aliases of it;
- when several groups claim one previous id (a notice split, say after a copy's 文号 was read
  differently): the group with most of that id's pages keeps it, then the group holding the page the
  id was derived from, then the group whose canonical page id sorts first;
- otherwise the id of its canonical page, or of the next of its pages whose id is not taken by
  another notice, previous or present. A page split off after a merge so gets its own id back.

Ids of previous notices that no page carries any more are not reused for another document here;
keeping such notices published (removed from the source) is the release's business.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from gongwen.pipelines.dedupe.model import KnownCopy


def assign_ids(
    groups: Sequence[Sequence[str]], known: Mapping[str, KnownCopy]
) -> tuple[list[str], dict[str, str]]:
    """The id of each group (given as page ids, canonical first), and withdrawn id → kept id.

    ``known`` maps a page id to its row in the previous copies table.
    """
    earliest: dict[str, datetime] = {}
    for row in known.values():
        if row.notice_id not in earliest or row.first_seen < earliest[row.notice_id]:
            earliest[row.notice_id] = row.first_seen
    held: dict[str, Counter[int]] = defaultdict(Counter)  # previous id → group → its pages there
    for k, pages in enumerate(groups):
        for p in pages:
            if p in known:
                held[known[p].notice_id][k] += 1
    won: dict[int, list[str]] = defaultdict(list)
    for old, counts in held.items():
        winner = min(counts, key=lambda k: (-counts[k], old not in groups[k], groups[k][0]))
        won[winner].append(old)

    ids: dict[int, str] = {}
    aliases: dict[str, str] = {}
    for k, olds in won.items():
        kept = min(olds, key=lambda old: (earliest[old], old))
        ids[k] = kept
        aliases.update({old: kept for old in olds if old != kept})
    taken = set(earliest) | set(ids.values())
    for k in sorted(range(len(groups)), key=lambda k: groups[k][0]):
        if k not in ids:
            ids[k] = next((p for p in groups[k] if p not in taken), None) or _fresh(groups[k], taken)
            taken.add(ids[k])
    return [ids[k] for k in range(len(groups))], aliases


def _fresh(pages: Sequence[str], taken: set[str]) -> str:
    """An id derived from all the group's pages, when each page's own id is taken."""
    salt = 0
    while True:
        candidate = hashlib.sha256(f"{salt}:{','.join(sorted(pages))}".encode()).hexdigest()[:16]
        if candidate not in taken:
            return candidate
        salt += 1
