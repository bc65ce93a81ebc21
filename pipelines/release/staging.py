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

import codecs
import csv
import hashlib
import io
import json
import mmap
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from frictionless import Package

from gongwen.pipelines.release.keys import AddRow, Keys
from gongwen.pipelines.release.tables import SCHEMAS, Row, cell, columns, defused, to_json

FileFacts = dict[str, Any]  # {"hash": "sha256:…", "bytes": n}
CHECKED_ROWS = 1000  # rows of each resource Frictionless reads when a version is published
BUFFERED = 1 << 16  # bytes of rows written at a time


def file_facts(data: bytes) -> FileFacts:
    return {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes of a file written before (an earlier version's), to copy without reading them into
    Python: at 100,000 notices a version carries gigabytes of them."""

    file: BinaryIO
    start: int
    end: int


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

    def put(self, data: bytes | Span) -> None:
        """Bytes, or a span of another file: hashed from a map of that file and copied by the kernel."""
        if isinstance(data, bytes):
            self.write(data)
            return
        source, at, left = data.file.fileno(), data.start, data.end - data.start
        if not left:
            return
        self._raw.flush()
        skip = at % mmap.ALLOCATIONGRANULARITY
        with mmap.mmap(source, left + skip, prot=mmap.PROT_READ, offset=at - skip) as mapped:
            with memoryview(mapped) as whole, whole[skip:] as span:
                self.sha256.update(span)
            self.size += left
            while left:
                copied = os.copy_file_range(source, self._raw.fileno(), left, at)
                if not copied:
                    raise OSError(f"{data.file.name} ends before byte {data.end}")
                at, left = at + copied, left - copied


class _Encoded:
    """What a csv.writer writes rows into: each row encoded as it comes, held until flushed."""

    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, text: str) -> None:
        self.data += text.encode("utf-8")

    def take(self) -> bytes:
        data, self.data = bytes(self.data), bytearray()
        return data


class TableWriter:
    """Writes the rows of one table to its CSV file, and to the Excel copy when there is one: the
    table's columns in order, cells as tables.cell writes them; the keys checked on the way.

    Rows are encoded as they come and written a buffer at a time; ``position`` says where the next row
    starts in each file, and ``carry`` puts bytes already encoded (rows of an earlier version:
    pipelines.release.carry)."""

    def __init__(self, table: str, out: _Counting, excel: _Counting | None, keys: AddRow) -> None:
        self._names = columns(table)
        self._values = itemgetter(*self._names)  # every row has every column (a value or None)
        self._keys = keys
        schema = SCHEMAS[table]
        foreign = (name for key in schema.get("foreignKeys", []) for name in key["fields"])
        self._keyed = {*schema["primaryKey"], *foreign}
        self._files = [(out, _Encoded())] + ([(excel, _Encoded())] if excel else [])
        self._csv = csv.writer(self._files[0][1])
        self._excel = csv.writer(self._files[1][1]) if excel else None
        self._before = _Encoded()  # the cells before a marked one (write_marked)
        self._cells_before = csv.writer(self._before)
        if excel:
            excel.write(codecs.BOM_UTF8)
        for writer in filter(None, (self._csv, self._excel)):
            writer.writerow(self._names)

    def write(self, row: Row) -> None:
        self._write([v if type(v) is str else "" if v is None else cell(v) for v in self._values(row)])

    def _write(self, cells: list[str]) -> None:
        self._keys(cells)
        self._csv.writerow(cells)
        if self._excel:
            self._excel.writerow([defused(c) for c in cells])
        if len(self._files[0][1].data) > BUFFERED:
            self._flush()

    def _flush(self) -> None:
        for out, encoded in self._files:
            if encoded.data:
                out.write(encoded.take())

    def write_marked(self, row: Row, name: str) -> int:
        """Write the row; returns where its cell ``name`` starts in the CSV file, in bytes."""
        cells = [v if type(v) is str else cell(v) for v in self._values(row)]
        self._cells_before.writerow([*cells[: self._names.index(name)], ""])
        at = self.position()[0] + len(self._before.take()) - len("\r\n")
        self._write(cells)
        return at

    def position(self) -> list[int]:
        """Where the next row starts, in bytes: in the CSV file, and in the Excel copy when there is one."""
        return [out.size + len(encoded.data) for out, encoded in self._files]

    def carry(self, *data: bytes | Span, rows: Iterable[Row] = ()) -> None:
        """Rows encoded before, as bytes of the CSV file and of the Excel copy (when there is one). The
        keys of ``rows``, those they hold, are checked; others not again (release.carry says why)."""
        for row in rows:
            self._keys([cell(row[name]) if name in self._keyed else "" for name in self._names])
        self._flush()
        for (out, _), chunk in zip(self._files, data, strict=True):
            out.put(chunk)

    def close(self) -> None:
        self._flush()


class JsonWriter:
    """Writes records to a JSON array, a record a line, and to JSON lines: ``write`` a record,
    ``carry`` a line encoded before (pipelines.release.carry)."""

    def __init__(self, array: _Counting, lines: _Counting) -> None:
        self._array, self._lines = array, lines
        self.written = 0

    def write(self, record: dict[str, Any]) -> tuple[str, list[int]]:
        """The record's line, and where it is (start and end) in the array and in the lines."""
        line = to_json(record)
        data = line.encode("utf-8")
        array, lines = self.carry(data, data + b"\n", 1)
        return line, [array, self._array.size, lines, self._lines.size]

    def carry(self, array: bytes | Span, lines: bytes | Span, count: int) -> list[int]:
        """``count`` records encoded before: their lines in the array (with the separators between
        them) and as lines; returns where they start in each."""
        self._array.write(b",\n" if self.written else b"[\n")
        starts = [self._array.size, self._lines.size]
        self._array.put(array)
        self._lines.put(lines)
        self.written += count
        return starts


class Staging:
    """The hidden folder a version is written into; ``facts`` has the hash and bytes of every file."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.facts: dict[str, FileFacts] = {}
        self.keys = Keys()

    @contextmanager
    def binary(self, name: str) -> Iterator[_Counting]:
        with (self.folder / name).open("wb", buffering=1 << 20) as raw:
            counting = _Counting(raw)
            yield counting
        self.facts[name] = {"hash": "sha256:" + counting.sha256.hexdigest(), "bytes": counting.size}

    @contextmanager
    def text(self, name: str) -> Iterator[TextIO]:
        with self.binary(name) as counting, io.TextIOWrapper(
            io.BufferedWriter(counting, 1 << 20), encoding="utf-8", newline=""
        ) as out:
            yield out

    def write(self, name: str, data: bytes) -> None:
        with (self.folder / name).open("wb") as out:
            out.write(data)
        self.facts[name] = file_facts(data)

    @contextmanager
    def table(self, table: str, *, excel: str | None = None) -> Iterator[TableWriter]:
        """``<table>.csv``, and its copy for Excel when ``excel`` names one: UTF-8 with a BOM, and text
        that Excel would run as a formula prefixed with an apostrophe (tables.defused)."""
        with ExitStack() as files:
            out = files.enter_context(self.binary(f"{table}.csv"))
            copy = files.enter_context(self.binary(excel)) if excel else None
            writer = TableWriter(table, out, copy, self.keys.adder(table, columns(table)))
            yield writer
            writer.close()

    def csv(self, table: str, rows: Iterable[Row], *, excel: str | None = None) -> None:
        with self.table(table, excel=excel) as writer:
            for row in rows:
                writer.write(row)

    @contextmanager
    def tables(self, *tables: str) -> Iterator[list[TableWriter]]:
        """Several tables written side by side."""
        with ExitStack() as stack:
            yield [stack.enter_context(self.table(table)) for table in tables]

    @contextmanager
    def json(self, array: str, lines: str) -> Iterator[JsonWriter]:
        """Records written as one JSON array (file ``array``, a record a line) and as JSON lines."""
        with self.binary(array) as out, self.binary(lines) as each:
            writer = JsonWriter(out, each)
            yield writer
            out.write(b"\n]\n" if writer.written else b"[]\n")

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
