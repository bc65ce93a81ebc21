"""The primary and foreign keys of a version's tables, checked over every row as the rows are written.

The keys are those of the Table Schemas (tables.SCHEMAS): a primary key's values are unique and never
empty; a foreign key's values, where not empty, are values of the primary key it references (every
reference in the schemas is to a resource's primary key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from pipelines.release.tables import SCHEMAS

Key = tuple[str, ...]


class Keys:
    def __init__(self) -> None:
        self._primary: dict[str, set[Key]] = defaultdict(set)
        self._duplicates: dict[str, list[Key]] = defaultdict(list)
        self._references: dict[tuple[str, str, tuple[str, ...]], set[Key]] = defaultdict(set)

    def add(self, resource: str, row: Mapping[str, str]) -> None:
        """One row of ``resource`` (a table of SCHEMAS by the same name), as its CSV cells."""
        schema = SCHEMAS[resource]
        key = tuple(row[name] for name in schema["primaryKey"])
        seen = self._primary[resource]
        if key in seen or "" in key:
            self._duplicates[resource].append(key)
        seen.add(key)
        for foreign in schema.get("foreignKeys", []):
            fields = tuple(foreign["fields"])
            value = tuple(row[name] for name in fields)
            if "" not in value:
                self._references[resource, foreign["reference"]["resource"], fields].add(value)

    def problems(self) -> list[str]:
        found = [
            f"{resource}: primary key {SCHEMAS[resource]['primaryKey']} repeated or empty: {keys[:3]}"
            for resource, keys in self._duplicates.items()
        ]
        for (resource, target, fields), values in self._references.items():
            if missing := values - self._primary[target]:
                found.append(f"{resource}: {list(fields)} not in {target}: {sorted(missing)[:3]}")
        return found
