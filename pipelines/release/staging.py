"""A version's files, written into its hidden staging folder as their rows are produced, then checked.

No file is held whole in memory: rows go to disk as they come, and each file's sha256 and size (the
descriptor's ``hash`` and ``bytes``) are counted on the way. Every table's primary and foreign keys
are checked over all its rows (pipelines.release.keys), and Frictionless validates the package: its
descriptor, and the first rows of every resource against its Table Schema (Staging.check).
Frictionless reading every row of a large release costs more than writing it (80 s at 100,000
notices, ``bench/scale``); the full ``frictionless validate`` runs in the tests, and anyone can run it
on any version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from frictionless import Package

from pipelines.release.keys import Keys
from pipelines.release.tables import Row, cell, columns, defused

FileFacts = dict[str, Any]  # {"hash": "sha256:…", "bytes": n}
CHECKED_ROWS = 1000  # rows of each resource Frictionless reads when a version is published


def file_facts(data: bytes) -> FileFacts:
    return {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


class _Counting(io.RawIOBase):
    """Passes bytes to a file, counting them and their sha256."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        self.size += len(data)
        self._raw.write(data)
        return len(data)


class TableWriter:
    """Writes the rows of one CSV file: the table's columns in order, cells as tables.cell writes them."""

    def __init__(self, out: TextIO, resource: str, table: str, keys: Keys | None, *, excel: bool) -> None:
        self._writer = csv.writer(out)
        self._names = columns(table)
        self._resource, self._keys, self._excel = resource, keys, excel
        self._writer.writerow(self._names)

    def write(self, row: Row) -> None:
        cells = [cell(row.get(name)) for name in self._names]
        if self._keys is not None:
            self._keys.add(self._resource, dict(zip(self._names, cells, strict=True)))
        self._writer.writerow([defused(c) for c in cells] if self._excel else cells)


class Staging:
    """The hidden folder a version is written into; ``facts`` has the hash and bytes of every file."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.facts: dict[str, FileFacts] = {}
        self.keys = Keys()

    @contextmanager
    def text(self, name: str, encoding: str = "utf-8") -> Iterator[TextIO]:
        with (self.folder / name).open("wb") as raw:
            counting = _Counting(raw)
            with io.TextIOWrapper(io.BufferedWriter(counting, 1 << 20), encoding=encoding, newline="") as out:
                yield out
        self.facts[name] = {"hash": "sha256:" + counting.sha256.hexdigest(), "bytes": counting.size}

    def write(self, name: str, data: bytes) -> None:
        with (self.folder / name).open("wb") as out:
            out.write(data)
        self.facts[name] = file_facts(data)

    @contextmanager
    def table(self, name: str, table: str, *, excel: bool = False) -> Iterator[TableWriter]:
        """A CSV file of ``table``'s rows; ``excel``: with a UTF-8 BOM, and text that Excel would run as
        a formula prefixed with an apostrophe (tables.defused). Keys are checked once per table: the
        Excel copy of a table is not checked again."""
        resource = Path(name).stem
        keys = None if excel else self.keys
        with self.text(name, "utf-8-sig" if excel else "utf-8") as out:
            yield TableWriter(out, resource, table, keys, excel=excel)

    def csv(self, name: str, table: str, rows: Iterable[Row], *, excel: bool = False) -> None:
        with self.table(name, table, excel=excel) as writer:
            for row in rows:
                writer.write(row)

    @contextmanager
    def tables(self, *names: tuple[str, str]) -> Iterator[list[TableWriter]]:
        """Several CSV files written side by side: ``(file name, table)`` each."""
        with ExitStack() as stack:
            yield [stack.enter_context(self.table(name, table)) for name, table in names]

    def json_array(self, name: str, records: Iterable[dict[str, Any]]) -> None:
        """The records as one JSON array, the bytes ``json.dumps(records, indent=1)`` would give."""
        with self.text(name) as out:
            out.write("[")
            separator = "\n "
            for record in records:
                out.write(separator + json.dumps(record, ensure_ascii=False, indent=1).replace("\n", "\n "))
                separator = ",\n "
            out.write("\n]\n" if separator != "\n " else "]\n")

    def ndjson(self, name: str, records: Iterable[dict[str, Any]]) -> None:
        with self.text(name) as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)

    def check(self, descriptor: str) -> None:
        """Raise ValueError with what is wrong with the staged package: broken keys, then what
        Frictionless finds in the descriptor ``descriptor`` and the first CHECKED_ROWS rows of each
        resource (foreign keys aside: Keys checked them over every row, where Frictionless would read
        every row of the tables they refer to)."""
        problems = self.keys.problems()
        described = json.loads((self.folder / descriptor).read_bytes())
        for resource in described["resources"]:
            resource.get("schema", {}).pop("foreignKeys", None)
        package = Package.from_descriptor(described, basepath=str(self.folder))
        report = package.validate(limit_rows=CHECKED_ROWS)
        if not report.valid:
            problems += [str(message) for message, in report.flatten(["message"])[:10]]
        if problems:
            raise ValueError(f"{self.folder.name} fails validation: " + "; ".join(problems))
