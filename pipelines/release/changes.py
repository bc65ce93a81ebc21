"""What a build changes against the previous version, and the version number that earns it.

- MAJOR: a resource or a column of the previous version is removed, renamed or retyped (the first
  version is MAJOR too: ``<schema major>.0.0``).
- MINOR: notices are added, updated or withdrawn, or resources or columns are added.
- PATCH: only metadata changed: dataset.toml's title, description, licence …, the sources' names,
  the descriptions and constraints of the schemas.
- nothing: no version is published.

``retrieved_at`` alone is not a change: every crawl fetches every page again. Nor are the sources'
crawl times and the quality table: they describe the crawl a version was built from and ride along
with the next version that has a change of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from gongwen.pipelines.notice import SCHEMA_VERSION
from gongwen.pipelines.release.tables import Record, Row

Package = dict[str, Any]
Bump = Literal["MAJOR", "MINOR", "PATCH"]

VOLATILE = frozenset({"retrieved_at"})
_FILE_FACTS = frozenset({"hash", "bytes"})


@dataclass(frozen=True)
class NoticeChanges:
    """Notice ids added, updated (with the names of the fields that changed) and withdrawn."""

    added: list[str]
    updated: dict[str, list[str]]
    withdrawn: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.withdrawn)


def _value(record: Record, name: str) -> object:
    """What a field's change is judged by: body_text by its sha256 (content_sha256), which a previous
    version's records keep instead of their text (history.Previous)."""
    return record["content_sha256"] if name == "body_text" else record.get(name)


def compare_notices(previous: Iterable[Record], current: Sequence[Record]) -> NoticeChanges:
    """The notices added, updated (the fields that changed) and withdrawn; the previous ones are read
    one at a time."""
    after = {r["id"]: r for r in current}
    before: set[str] = set()
    updated: dict[str, list[str]] = {}
    for old in previous:
        nid = old["id"]
        before.add(nid)
        if (new := after.get(nid)) is None:
            continue
        names = dict.fromkeys([*new, *old])
        if changed := [k for k in names if k not in VOLATILE and _value(new, k) != _value(old, k)]:
            updated[nid] = changed
    added, withdrawn = sorted(after.keys() - before), sorted(before - after.keys())
    return NoticeChanges(added, dict(sorted(updated.items())), withdrawn)


def change_rows(changes: NoticeChanges, previous: Sequence[Record], current: Sequence[Record]) -> list[Row]:
    """The rows of changes.csv, by id; a withdrawn notice is described as it last was (``previous``:
    the withdrawn ones' records, at least)."""
    known = {r["id"]: r for r in previous} | {r["id"]: r for r in current}
    kinds = dict.fromkeys(changes.added, "added") | dict.fromkeys(changes.withdrawn, "withdrawn")
    kinds |= dict.fromkeys(changes.updated, "updated")
    return [
        {
            "id": nid,
            "change": kinds[nid],
            "fields": changes.updated.get(nid, []),
            "title": known[nid]["title"],
            "url": known[nid]["url"],
        }
        for nid in sorted(kinds)
    ]


@dataclass(frozen=True)
class Verdict:
    """Which part of the version number a build bumps (None: publish nothing), and why."""

    bump: Bump | None
    reasons: list[str]


def _resources(package: Package) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in package["resources"]}


def _field_types(resource: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["type"] for f in resource.get("schema", {}).get("fields", [])}


def schema_breaks(previous: Package, current: Package) -> list[str]:
    """What a user of the previous version loses: resources and columns removed or retyped."""
    now = _resources(current)
    breaks = []
    for name, resource in _resources(previous).items():
        if name not in now:
            breaks.append(f"resource {name} removed")
            continue
        types = _field_types(now[name])
        for field, kind in _field_types(resource).items():
            if field not in types:
                breaks.append(f"{name}.{field} removed")
            elif types[field] != kind:
                breaks.append(f"{name}.{field} retyped from {kind} to {types[field]}")
    return breaks


def schema_additions(previous: Package, current: Package) -> list[str]:
    before = _resources(previous)
    additions = []
    for name, resource in _resources(current).items():
        if name not in before:
            additions.append(f"resource {name} added")
            continue
        known = _field_types(before[name])
        additions += [f"{name}.{field} added" for field in _field_types(resource) if field not in known]
    return additions


def metadata_changes(previous: Package, current: Package) -> list[str]:
    """The descriptor properties that differ, ignoring version, created and the files' hashes."""
    changed = [
        key
        for key in dict.fromkeys([*previous, *current])
        if key not in {"version", "created", "resources"} and previous.get(key) != current.get(key)
    ]
    before = _resources(previous)
    for name, resource in _resources(current).items():
        old = before.get(name, {})
        changed += [
            f"{name}.{key}"
            for key in dict.fromkeys([*old, *resource])
            if key not in _FILE_FACTS and old and old.get(key) != resource.get(key)
        ]
    return changed


def judge(previous: Package | None, current: Package, notices: NoticeChanges) -> Verdict:
    """The bump a build earns against the previous version's descriptor (None: first version)."""
    if previous is None:
        return Verdict("MAJOR", [])
    breaks = schema_breaks(previous, current)
    if breaks:
        return Verdict("MAJOR", breaks)
    additions = schema_additions(previous, current)
    if notices or additions:
        return Verdict("MINOR", additions)
    metadata = metadata_changes(previous, current)
    return Verdict("PATCH", metadata) if metadata else Verdict(None, [])


def next_version(previous: str | None, bump: Bump) -> str:
    if previous is None:
        return f"{SCHEMA_VERSION.split('.')[0]}.0.0"
    major, minor, patch = (int(p) for p in previous.split("."))
    if bump == "MAJOR":
        return f"{major + 1}.0.0"
    if bump == "MINOR":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
