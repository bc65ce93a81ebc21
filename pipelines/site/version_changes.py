"""What changed in each version: the notices added, updated (with the fields) and withdrawn.

Read from each version's ``changes`` resource (``changes.csv``: ``id``, ``change`` — added, updated
or withdrawn — and ``fields``, a JSON list). A version without one (a release older than that
resource) has changes that are not known (``None``), and the pages say so.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gongwen.pipelines.site.release_data import NOTICE_ID, Release, resource_rows

ADDED, UPDATED, WITHDRAWN = "added", "updated", "withdrawn"


@dataclass(frozen=True)
class Change:
    """One notice in one version: added, updated (with the names of the fields) or withdrawn."""

    version: str
    kind: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionChanges:
    version: str
    created: str
    changes: dict[str, Change] | None  # by notice id; None when this version's changes are not known

    def ids(self, kind: str) -> list[str]:
        return [i for i, c in (self.changes or {}).items() if c.kind == kind]


def _fields(value: object) -> tuple[str, ...]:
    """A JSON list (CSV cell) or a list (JSON) of field names."""
    if value == "[]":  # most rows: a notice added or withdrawn
        return ()
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def parse_changes(rows: Iterable[Mapping[str, Any]], version: str) -> dict[str, Change]:
    """The changes of one version, by notice id, from the rows of its changes resource."""
    return {
        str(row["id"]): Change(version, str(row.get("change")), _fields(row.get("fields")))
        for row in rows
        if NOTICE_ID.match(str(row.get("id", "")))
    }


@functools.lru_cache(maxsize=1)
def version_changes(release: Release) -> list[VersionChanges]:
    """The changes of every version of the release's dataset, oldest first (read once a build)."""
    result = []
    for info in release.versions:
        rows = resource_rows(release.dataset / info.version, "changes")
        changes = parse_changes(rows, info.version) if rows is not None else None
        result.append(VersionChanges(info.version, info.created, changes))
    return result


def arrivals(versions: Sequence[VersionChanges], notices: Iterable[str]) -> dict[str, int]:
    """Each notice's place in the order the dataset's notices arrived: first the notices that no
    known changes say were added (their versions' changes are not recorded), by id; then the notices
    added by each version, by id, version after version. A notice added again takes its later place.

    Only a new version appends to the order, and a place once taken is not given to another notice:
    a notice withdrawn leaves a gap, so the places of the others do not move (the search index is
    cut into shards by place: pipelines/site/search_index.py). Ids the changes name are included."""
    added = [sorted(v.ids(ADDED)) for v in versions if v.changes is not None]
    recorded = {notice for ids in added for notice in ids}
    named = {notice for v in versions for notice in (v.changes or {})}
    order = [*sorted((named | set(notices)) - recorded), *(notice for ids in added for notice in ids)]
    return {notice: place for place, notice in enumerate(order)}


def notice_history(versions: Iterable[VersionChanges]) -> dict[str, list[Change]]:
    """Each notice's changes, oldest first."""
    history: dict[str, list[Change]] = {}
    for entry in versions:
        for notice, change in (entry.changes or {}).items():
            history.setdefault(notice, []).append(change)
    return history
