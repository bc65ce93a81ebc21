"""``gongwen validate``: check your own notices (JSON, NDJSON or CSV) against the published schema.

A JSON file holds an array of records (or one record); NDJSON one record per line; a CSV has the
columns of the released notices.csv and is read the way the release writes it: an empty cell is
null, a list or an object is JSON in its cell (a UTF-8 byte order mark is allowed); a column the
header lacks is said once. Every problem names the record (counted from 1, with its line), the field
and why. A file is read as it is checked (a JSON array one record at a time), so a file of any size
is checked in little memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from gongwen.pipelines.notice import SCHEMA_VERSION
from gongwen.pipelines.release.tables import NOTICE_FIELDS
from gongwen.pipelines.schema import required_fields, schema_path, schema_problems

FORMATS = {".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv"}
_JSON_CELLS = {f["name"] for f in NOTICE_FIELDS if f["type"] in ("array", "object")}


class UnreadableFile(Exception):  # noqa: N818 (the file, not the program, is at fault)
    """The file cannot be read as records at all; the message says why."""


@dataclass(frozen=True)
class Problem:
    where: str  # "record 3 (line 5)"
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.why}"


# A record as read: where it is, and the record (None when it could not be parsed; then the problems).
Read = tuple[str, object, list[Problem]]
CHUNK = 1 << 20  # characters read at a time: a file is read as it is checked, never whole


def _json_records(stream: TextIO) -> Iterator[Read]:
    """The records of a JSON array, one at a time (or the one record the file holds)."""
    window = _Window(stream)
    if window.next_char() != "[":
        text = window.rest()
        try:
            yield "record 1", json.loads(text), []
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}"
            yield where, None, [Problem(where, "(file)", f"not JSON: {exc.msg}")]
        return
    window.pos += 1
    n = 0
    while (char := window.next_char()) != "]":
        n += 1
        if n > 1:
            if char != ",":
                yield window.error(f"expected ',' or ']' after record {n - 1}")
                return
            window.pos += 1
            window.next_char()
        try:
            yield f"record {n}", window.decode(), []
        except json.JSONDecodeError as exc:
            yield window.error(exc.msg)
            return


class _Window:
    """Where a JSON reader is in a stream: the text read and not yet decoded, with the line it starts on."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.text, self.pos, self.line = stream, "", 0, 1

    def _more(self) -> bool:
        chunk = self.stream.read(CHUNK)
        if chunk:
            self.line += self.text.count("\n", 0, self.pos)
            self.text, self.pos = self.text[self.pos :] + chunk, 0
        return bool(chunk)

    def next_char(self) -> str:
        """The next character that is not white space ("" at the end), not consumed."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text) or not self._more():
                return self.text[self.pos : self.pos + 1]

    def decode(self) -> object:
        """The next JSON value, reading on while the text so far ends inside it."""
        while True:
            try:
                value, self.pos = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self._more():
                    continue
                raise
            return value

    def rest(self) -> str:
        while self._more():
            pass
        return self.text[self.pos :]

    def error(self, why: str) -> Read:
        where = f"line {self.line + self.text.count(chr(10), 0, self.pos)}"
        return where, None, [Problem(where, "(file)", f"not JSON: {why}")]


_DECODER = json.JSONDecoder()


def _ndjson_records(stream: TextIO) -> Iterator[Read]:
    n = 0
    for line_number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        n += 1
        where = f"record {n} (line {line_number})"
        try:
            yield where, json.loads(line), []
        except json.JSONDecodeError as exc:
            yield where, None, [Problem(where, "(record)", f"not JSON: {exc.msg}")]


def _csv_records(stream: TextIO, version: str, said: set[str]) -> Iterator[Read]:
    """The rows as records; a required column the header lacks is said once, for the file, and its
    message added to ``said`` (not said again for each record)."""
    reader = csv.DictReader(stream)
    missing = [name for name in required_fields(version) if name not in (reader.fieldnames or [])]
    if reader.fieldnames and missing:
        said.update(f"{name!r} is a required property" for name in missing)
        yield "line 1", None, [Problem("line 1", name, "no such column in the header") for name in missing]
    first_line = 2
    for n, row in enumerate(reader, start=1):
        where = f"record {n} (line {first_line})"
        first_line = reader.line_num + 1
        record: dict[str, object] = {}
        problems = []
        for name, cell in row.items():
            if name is None:
                problems.append(Problem(where, "(record)", "more cells than the header has columns"))
            elif not cell:
                record[name] = None
            elif name in _JSON_CELLS:
                try:
                    record[name] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    problems.append(Problem(where, name, f"not JSON in its cell: {exc.msg}"))
            else:
                record[name] = cell
        yield where, record, problems


def check_file(path: Path, file_format: str | None = None, version: str = SCHEMA_VERSION) -> Checked:
    """The file's records, checked one at a time as they are read: iterate over the result for every
    problem, then read its ``count`` of records.

    Raises UnreadableFile when the file is missing, of an unknown format, or the schema version is not
    published; the problems say when it is not UTF-8 (where the first bad byte is).
    """
    chosen = file_format or FORMATS.get(path.suffix.lower())
    if chosen is None or chosen not in FORMATS.values():
        raise UnreadableFile(f"{path}: say --format json, ndjson or csv (the name ends in {path.suffix!r})")
    if not schema_path(version).is_file():
        raise UnreadableFile(f"no published schema {version} (schema/<version>/notice.schema.json)")
    try:
        stream = path.open(encoding="utf-8-sig", newline="" if chosen == "csv" else None)
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    return Checked(stream, chosen, version)


class Checked:
    """The problems of a file's records, found as they are read (see check_file)."""

    def __init__(self, stream: TextIO, file_format: str, version: str) -> None:
        self.stream, self.format, self.version, self.count = stream, file_format, version, 0

    def __iter__(self) -> Iterator[Problem]:
        said: set[str] = set()  # what was said for the whole file
        if self.format == "csv":
            reads = _csv_records(self.stream, self.version, said)
        else:
            reads = _json_records(self.stream) if self.format == "json" else _ndjson_records(self.stream)
        with self.stream:
            try:
                for where, record, found in reads:
                    yield from found
                    if record is None:
                        continue
                    self.count += 1
                    for field, why in schema_problems(record, self.version):
                        if not (field == "(record)" and why in said):
                            yield Problem(where, field, why)
            except UnicodeDecodeError as exc:
                yield Problem(f"record {self.count + 1}", "(file)", f"not UTF-8 text: {exc.reason}")
