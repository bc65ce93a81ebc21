"""The rows of a version's table that name each notice, with a digest of them per notice.

A notice page shows the rows of the policy and provenance tables that name it. A build must know, for
each of 100,000 notices, whether those rows changed since the page was rendered, and needs the rows
themselves only for the pages it renders; parsing whole tables (tasks.csv and versions.csv are 400 MB
each at that size) was much of a build. So a large table is read as bytes and cut into records by a
regular expression of the CSV the release writes (Python's csv module: a field quoted only when it
holds a comma, a quote or a line break; records ended by CRLF): a notice's records are hashed as
bytes, and parsed only for its page. A table the expression does not cut from end to end (another
writer, an id column that is not plain) is parsed whole with the csv module: the same rows, slower.

The digest of a notice's rows leaves out ``ignored`` (the ``last_seen`` that every crawl moves and no
page shows), so that it changes exactly when the rows the page shows change.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gongwen.pipelines.site.release_data import resource_path

Row = dict[str, str]
SPAN = "Q"  # array type of the numbers in NoticeRows.spans
NO_ROWS = bytes(32)  # the digest of a notice without rows: as long as the others
_FIELD = rb'(?:(?:"[^"]*+")++|[^",\r\n]*+)'  # quoted ("" inside for a quote), or plain
_REST = rb"(?:," + _FIELD + rb")*+\r\n"  # the fields after one, to the end of the record
_HEADER = re.compile(_FIELD + _REST)


@dataclass(frozen=True)
class NoticeRows:
    """One table's rows by notice id: as byte ranges of its file (``spans``: the start and end of each
    run of its records, packed as ``SPAN`` numbers, which another process hands over quickly), or
    parsed (``parsed``)."""

    path: Path
    header: bytes
    digests: dict[str, bytes]
    spans: dict[str, bytes] = field(default_factory=dict)
    parsed: dict[str, list[Row]] | None = None

    def digest(self, notice: str) -> bytes:
        """What the notice's rows are (32 bytes; ``NO_ROWS`` when it has none)."""
        return self.digests.get(notice, NO_ROWS)

    def rows(self, notice: str) -> list[Row]:
        """The notice's rows, in the order of the file."""
        if self.parsed is not None:
            return self.parsed.get(notice, [])
        spans = array(SPAN, self.spans.get(notice, b""))
        if not spans:
            return []
        chunks = [self.header]
        with self.path.open("rb") as data:
            for start, end in zip(spans[::2], spans[1::2], strict=True):
                data.seek(start)
                chunks.append(data.read(end - start))
        return _parse(b"".join(chunks))


def _parse(data: bytes) -> list[Row]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    names = next(rows, [])
    return [dict(zip(names, row, strict=False)) for row in rows if row]


def notice_rows(
    folder: Path, name: str, ignored: str | None = None, *, scan: bool = True
) -> NoticeRows | None:
    """The rows of the resource ``name`` of ``folder`` by their ``notice_id``; None when the version
    has no such resource. ``scan``: cut the file by the expression (else parse it, for small tables)."""
    path = resource_path(folder, name)
    if path is None or not path.name.endswith(".csv"):
        return None
    data = path.read_bytes()
    header = _HEADER.match(data)
    if scan and header is not None:
        found = _scan(path, data, header.end(), ignored)
        if found is not None:
            return found
    return _parsed(path, data, ignored)


def _pattern(names: list[str], ignored: str | None) -> re.Pattern[bytes]:
    """A notice's records where the file names it in the ``notice_id`` column: a run of them (a group
    ``id``), or one record at a time with ``ignored`` cut out (a group ``ignored``)."""
    column = names.index("notice_id")
    if ignored is None:
        first = rb"(?:" + _FIELD + rb",)" * column + rb"(?P<id>[0-9a-f]{16})" + _REST
        more = rb"(?:" + _FIELD + rb",)" * column + rb"(?P=id)" + _REST
        return re.compile(first + rb"(?:" + more + rb")*+")
    skip = names.index(ignored)
    fields = [rb"(?P<id>[0-9a-f]{16})" if i == column else _FIELD for i in range(max(column, skip) + 1)]
    fields[skip] = rb"(?P<ignored>" + fields[skip] + rb")"
    return re.compile(b",".join(fields) + _REST)


def _scan(path: Path, data: bytes, start: int, ignored: str | None) -> NoticeRows | None:
    """Cut the records after the header; None unless every byte is in a record the pattern matched."""
    header = data[:start]
    names = next(csv.reader(io.StringIO(header.decode("utf-8-sig"), newline="")), [])
    if "notice_id" not in names or (ignored is not None and ignored not in names):
        return None
    spans: dict[str, array[int]] = {}
    hashes: dict[str, hashlib._Hash] = {}
    view, end = memoryview(data), start
    for match in _pattern(names, ignored).finditer(data, start):
        if match.start() != end:
            return None
        notice, end = sys.intern(match["id"].decode()), match.end()  # one string for every table
        digest = hashes.get(notice) or hashes.setdefault(notice, hashlib.sha256(b"csv\0" + header))
        if ignored is None:
            digest.update(view[match.start():end])
        else:
            cut, rest = match.span("ignored")
            digest.update(view[match.start():cut])
            digest.update(view[rest:end])
        (spans.get(notice) or spans.setdefault(notice, array(SPAN))).extend((match.start(), end))
    if end != len(data):
        return None
    digests = {n: h.digest() for n, h in hashes.items()}
    return NoticeRows(path, header, digests, {n: s.tobytes() for n, s in spans.items()})


def _parsed(path: Path, data: bytes, ignored: str | None) -> NoticeRows:
    """The table parsed whole; a notice's digest is of its rows, but for ``ignored``, as JSON."""
    by_notice: dict[str, list[Row]] = {}
    for row in _parse(data):
        by_notice.setdefault(row.get("notice_id", ""), []).append(row)
    header = data[: data.find(b"\n") + 1]
    digests = {n: _digest(rows, ignored) for n, rows in by_notice.items()}
    return NoticeRows(path, header, digests, parsed=by_notice)


def _digest(rows: Iterable[Row], ignored: str | None) -> bytes:
    shown = [{k: v for k, v in row.items() if k != ignored} for row in rows]
    return hashlib.sha256(b"json\0" + json.dumps(shown, ensure_ascii=False).encode("utf-8")).digest()
