"""``gongwen validate``: check your own notices (JSON, NDJSON or CSV) against the published schema.

A JSON file holds an array of records (or one record); NDJSON one record per line; a CSV has the
columns of the released notices.csv and is read the way the release writes it: an empty cell is
null, a list or an object is JSON in its cell (a UTF-8 byte order mark is allowed). Every problem
names the record (counted from 1, with its line), the field and why.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongwen.pipelines.notice import SCHEMA_VERSION
from gongwen.pipelines.release.tables import NOTICE_FIELDS
from gongwen.pipelines.schema import schema_path, schema_problems

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


def _json_records(text: str) -> Iterator[Read]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield f"line {exc.lineno}", None, [Problem(f"line {exc.lineno}", "(file)", f"not JSON: {exc.msg}")]
        return
    for n, record in enumerate(data if isinstance(data, list) else [data], start=1):
        yield f"record {n}", record, []


def _ndjson_records(text: str) -> Iterator[Read]:
    n = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        n += 1
        where = f"record {n} (line {line_number})"
        try:
            yield where, json.loads(line), []
        except json.JSONDecodeError as exc:
            yield where, None, [Problem(where, "(record)", f"not JSON: {exc.msg}")]


def _csv_records(text: str) -> Iterator[Read]:
    reader = csv.DictReader(text.splitlines(keepends=True))
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


_READERS = {"json": _json_records, "ndjson": _ndjson_records, "csv": _csv_records}


def check_file(
    path: Path, file_format: str | None = None, version: str = SCHEMA_VERSION
) -> tuple[int, list[Problem]]:
    """The number of records in the file and every problem found in them.

    Raises UnreadableFile when the file is missing, not UTF-8, of an unknown format, or the schema
    version is not published.
    """
    chosen = file_format or FORMATS.get(path.suffix.lower())
    if chosen not in _READERS:
        raise UnreadableFile(f"{path}: say --format json, ndjson or csv (the name ends in {path.suffix!r})")
    if not schema_path(version).is_file():
        raise UnreadableFile(f"no published schema {version} (schema/<version>/notice.schema.json)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"{path}: cannot read it as UTF-8 text: {exc}") from exc
    count = 0
    problems: list[Problem] = []
    for where, record, found in _READERS[chosen](text):
        count += record is not None
        problems += found
        if record is not None:
            problems += [Problem(where, field, why) for field, why in schema_problems(record, version)]
    return count, problems
