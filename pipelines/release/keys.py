"""The primary and foreign keys of a version's tables, checked over every row as the rows are written.

The keys are those of the Table Schemas (tables.SCHEMAS): a primary key's values are unique and never
empty; a foreign key's values, where not empty, are values of the primary key it references (every
reference in the schemas is to a resource's primary key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from operator import itemgetter

from gongwen.pipelines.release.tables import SCHEMAS

Key = tuple[str, ...]
AddRow = Callable[[Sequence[str]], None]  # takes a row's cells


class Keys:
    def __init__(self) -> None:
        self._primary: dict[str, set[Key]] = defaultdict(set)
        self._duplicates: dict[str, list[Key]] = defaultdict(list)
        self._references: dict[tuple[str, str, tuple[str, ...]], set[Key]] = defaultdict(set)

    def adder(self, resource: str, names: Sequence[str]) -> AddRow:
        """What takes each row of ``resource`` (a table of SCHEMAS by the same name), as the CSV cells
        of the columns ``names``."""
        schema = SCHEMAS[resource]
        primary = _cells([names.index(name) for name in schema["primaryKey"]])
        seen, duplicates = self._primary[resource], self._duplicates[resource]
        foreign = [
            (self._references[resource, f["reference"]["resource"], tuple(f["fields"])],
             _cells([names.index(name) for name in f["fields"]]))
            for f in schema.get("foreignKeys", [])
        ]

        def add(cells: Sequence[str]) -> None:
            key = primary(cells)
            if key in seen or "" in key:
                duplicates.append(key)
            seen.add(key)
            for references, of in foreign:
                value = of(cells)
                if "" not in value:
                    references.add(value)

        return add

    def problems(self) -> list[str]:
        found = [
            f"{resource}: primary key {SCHEMAS[resource]['primaryKey']} repeated or empty: {keys[:3]}"
            for resource, keys in self._duplicates.items()
            if keys
        ]
        for (resource, target, fields), values in self._references.items():
            if missing := values - self._primary[target]:
                found.append(f"{resource}: {list(fields)} not in {target}: {sorted(missing)[:3]}")
        return found


def _cells(at: Sequence[int]) -> Callable[[Sequence[str]], Key]:
    """What takes the cells at ``at`` of a row, as a key (itemgetter, for millions of rows)."""
    if len(at) == 1:
        one = at[0]
        return lambda cells: (cells[one],)
    return itemgetter(*at)
