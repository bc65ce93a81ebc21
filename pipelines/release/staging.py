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
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from frictionless import Package

from pipelines.release.keys import AddRow, Keys
from pipelines.release.tables import Row, cell, columns, defused, to_json

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
    """Writes the rows of one table to its CSV file, and to the Excel copy when there is one: the
    table's columns in order, cells as tables.cell writes them; the keys checked on the way."""

    def __init__(self, table: str, out: TextIO, excel: TextIO | None, keys: AddRow) -> None:
        self._names = columns(table)
        self._values = itemgetter(*self._names)  # every row has every column (a value or None)
        self._keys = keys
        self._csv = csv.writer(out)
        self._excel = csv.writer(excel) if excel else None
        for writer in filter(None, (self._csv, self._excel)):
            writer.writerow(self._names)

    def write(self, row: Row) -> None:
        cells = [v if type(v) is str else cell(v) for v in self._values(row)]
        self._keys(cells)
        self._csv.writerow(cells)
        if self._excel:
            self._excel.writerow([defused(c) for c in cells])


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
    def table(self, table: str, *, excel: str | None = None) -> Iterator[TableWriter]:
        """``<table>.csv``, and its copy for Excel when ``excel`` names one: UTF-8 with a BOM, and text
        that Excel would run as a formula prefixed with an apostrophe (tables.defused)."""
        with ExitStack() as files:
            out = files.enter_context(self.text(f"{table}.csv"))
            copy = files.enter_context(self.text(excel, "utf-8-sig")) if excel else None
            yield TableWriter(table, out, copy, self.keys.adder(table, columns(table)))

    def csv(self, table: str, rows: Iterable[Row], *, excel: str | None = None) -> None:
        with self.table(table, excel=excel) as writer:
            for row in rows:
                writer.write(row)

    @contextmanager
    def tables(self, *tables: str) -> Iterator[list[TableWriter]]:
        """Several tables written side by side."""
        with ExitStack() as stack:
            yield [stack.enter_context(self.table(table)) for table in tables]

    def json(self, array: str, lines: str, records: Iterable[dict[str, Any]]) -> None:
        """The records as one JSON array (file ``array``, a record a line) and as JSON lines."""
        with self.text(array) as out, self.text(lines) as each:
            out.write("[")
            separator = "\n"
            for record in records:
                line = to_json(record)
                out.write(separator + line)
                each.write(line + "\n")
                separator = ",\n"
            out.write("\n]\n" if separator != "\n" else "]\n")

    def check(self, descriptor: str) -> None:
        """Raise ValueError with what is wrong with the staged package: broken keys, then what
        Frictionless finds in the descriptor ``descriptor`` and the first CHECKED_ROWS rows of each
        table (foreign keys aside: Keys checked them over every row, where Frictionless would read
        every row of the tables they refer to; the JSON files are json.dumps's own output)."""
        problems = self.keys.problems()
        described = json.loads((self.folder / descriptor).read_bytes())
        described["resources"] = [r for r in described["resources"] if r["type"] == "table"]
        for resource in described["resources"]:
            resource["schema"].pop("foreignKeys", None)
        package = Package.from_descriptor(described, basepath=str(self.folder))
        report = package.validate(limit_rows=CHECKED_ROWS)
        if not report.valid:
            problems += [str(message) for message, in report.flatten(["message"])[:10]]
        if problems:
            raise ValueError(f"{self.folder.name} fails validation: " + "; ".join(problems))
