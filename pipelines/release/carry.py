"""Bytes a version carries from the one before: the rows of the notices that did not change.

A notice's rows in notices.csv, notices-excel.csv, attachments.csv, tasks.csv, targets.csv and
agencies.csv are made from its record alone, with its source's region and whether its policy was read
with its page (release.policy): the same record writes the same bytes. At 100,000 notices, encoding
those rows is most of a release, and a night changes a few hundred notices. So a version leaves, beside
the dataset's versions (``.rows.npz``, not published), where each notice's rows lie in
those files and a digest of what made them; the next version copies the rows of every notice whose
digest is the same instead of encoding them again.

It also leaves where each notice's line lies in notices.json, its rows in copies.csv and versions.csv,
and which reading of which page each of its copies was: a document none of whose pages changed is
carried whole (release.settled).

The digest covers the record's JSON, the region and how the policy was read; the code that writes the
rows is fingerprinted (this package and every module it imports, the policy rules and dedupe among
them: pipelines.fingerprint), and the sources are those the version was made with. The places are
trusted only while the files have the size and modification time they had when their version was
written, and a release first checks those files byte for byte against their descriptor
(verify.check_intact): an edit that kept a file's size and time is refused, not carried. The keys of
carried rows are not checked again: they were checked when their version was published, each is
derived from its own notice's id (so a row of another notice cannot repeat it), and a carried row
refers only to its notice and that notice's tasks, carried with it. Citations are carried as rows
but linked again: what they cite can be any other notice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import BinaryIO, NamedTuple

import numpy as np

from gongwen.crawlers.registry import Source
from gongwen.pipelines.fingerprint import code_fingerprint
from gongwen.pipelines.policy.rows import Row
from gongwen.pipelines.read.readings import fingerprint as readings_fingerprint
from gongwen.pipelines.release.dataset import write_atomic
from gongwen.pipelines.release.staging import Span

# The files a notice's place covers, in order: its rows (notices-excel.csv is the Excel copy of
# notices.csv, written by the same TableWriter), then its line of the JSON array and of JSON lines.
ROWS = ("notices.csv", "notices-excel.csv", "attachments.csv", "tasks.csv", "targets.csv", "agencies.csv")
FILES = (*ROWS, "notices.json", "notices.ndjson")
HISTORY = ("copies.csv", "versions.csv")  # a document's rows, by notice too
KEPT = ".rows.npz"  # in the dataset folder, beside the versions: the places of the latest one
WIDTH = 2 * len(FILES)  # a place: start and end in each of FILES, in that order
HISTORY_WIDTH = 2 * len(HISTORY) + 2  # a notice's HistoryPlace, then the range of its pages
_NO_HISTORY = (0,) * HISTORY_WIDTH  # a notice's until its copies are written
UNREAD = bytes(16)  # the reading of a copy its version did not read (carried): never a page's
RELEASE_CODE = "gongwen.pipelines.release"  # the code that makes a version: this package and all it imports


@cache
def fingerprint() -> str:
    """sha256 of the code that makes a version's rows (this package and all it imports, what reads the
    pages among it: pipelines.fingerprint) and of the schema the pages were read against."""
    made = f"{readings_fingerprint()} {code_fingerprint(RELEASE_CODE)}"
    return hashlib.sha256(made.encode()).hexdigest()


def sources_digest(sources: Sequence[Source]) -> str:
    """What a version's rows take from the registry: every field of its sources."""
    return hashlib.sha256(json.dumps([s.model_dump(mode="json") for s in sources]).encode()).hexdigest()


def digest(line: str, region: str | None, *, from_page: bool) -> bytes:
    """What a notice's carried rows are made from: its record as a JSON line, its source's region and
    whether its policy is its page's reading."""
    made = hashlib.blake2b(line.encode("utf-8"), digest_size=16)
    made.update(f"\0{region or ''}\0{from_page}".encode())
    return made.digest()


class Note(NamedTuple):
    """What a version needs of a notice whose record it does not hold."""

    source_id: str
    doc_number: str | None
    title: str
    attachments: int


class HistoryPlace(NamedTuple):
    """Where a document's rows lie in copies.csv and in versions.csv (HISTORY)."""

    copies_start: int
    copies_end: int
    versions_start: int
    versions_end: int

    def moved(self, copies: int, versions: int) -> HistoryPlace:
        """The same rows, ``copies`` bytes further in copies.csv and ``versions`` in versions.csv."""
        return HistoryPlace(
            self.copies_start + copies, self.copies_end + copies,
            self.versions_start + versions, self.versions_end + versions,
        )


class Page(NamedTuple):
    """One copy of a document: its page, the reading it was made from (UNREAD when carried), and where
    its last_seen lies in the document's rows of copies.csv and of versions.csv (-1 when not read)."""

    page: str
    reading: bytes
    copy_mark: int
    text_mark: int


@dataclass
class Places:
    """Where each notice's rows lie in the FILES and HISTORY of one version, with the digest of what
    made them and its copies' pages (packed: 100,000 notices as Python lists and ints would take a
    hundred megabytes)."""

    ids: list[str] = field(default_factory=list)
    made: bytearray = field(default_factory=bytearray)  # 16 bytes a notice
    at: array[int] = field(default_factory=lambda: array("q"))  # WIDTH a notice
    notes: list[Note] = field(default_factory=list)
    history: array[int] = field(default_factory=lambda: array("q"))  # HISTORY_WIDTH a notice
    pages: list[str] = field(default_factory=list)
    readings: bytearray = field(default_factory=bytearray)  # 16 bytes a page
    owner: array[int] = field(default_factory=lambda: array("q"))  # the index of the page's notice
    marks: array[int] = field(default_factory=lambda: array("q"))  # 2 a page: Page's marks
    _index: dict[str, int] | None = None
    _page_index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, notice_id: str, made_from: bytes, at: Sequence[int], note: Note) -> None:
        self.ids.append(notice_id)
        self.made += made_from
        self.at.extend(at)
        self.notes.append(note)
        self.history.extend(_NO_HISTORY)

    def add_history(self, notice_id: str, at: HistoryPlace, pages: Sequence[Page]) -> None:
        """The notice's rows in HISTORY and its copies' pages."""
        i = self.index(notice_id)
        if i is None:
            raise ValueError(f"copies of {notice_id}, which is not a notice of the version")
        first, start = len(self.pages), HISTORY_WIDTH * i
        self.history[start : start + HISTORY_WIDTH] = array("q", [*at, first, first + len(pages)])
        for p in pages:
            self.pages.append(p.page)
            self.readings += p.reading
            self.owner.append(i)
            self.marks.extend((p.copy_mark, p.text_mark))

    def index(self, notice_id: str) -> int | None:
        if self._index is None:
            self._index = {nid: i for i, nid in enumerate(self.ids)}
        return self._index.get(notice_id)

    def made_by(self, i: int) -> bytes:
        return bytes(self.made[16 * i : 16 * i + 16])

    def at_of(self, i: int) -> Sequence[int]:
        """Where the rows of the notice at index ``i`` are: start and end in each of FILES."""
        return self.at[WIDTH * i : WIDTH * (i + 1)]

    def starts_of(self, i: int) -> Sequence[int]:
        """Where its bytes start in each of FILES."""
        return self.at[WIDTH * i : WIDTH * (i + 1) : 2]

    def ends_of(self, i: int) -> Sequence[int]:
        """Where its bytes end in each of FILES."""
        return self.at[WIDTH * i + 1 : WIDTH * (i + 1) : 2]

    def history_of(self, i: int) -> HistoryPlace:
        """Where its rows are in HISTORY."""
        start = HISTORY_WIDTH * i
        return HistoryPlace._make(self.history[start : start + 2 * len(HISTORY)])

    def document(self, pages: Sequence[tuple[str, bytes]]) -> int | None:
        """The notice whose copies were exactly these (page, reading) pairs, if one was."""
        if self._page_index is None:
            self._page_index = {page: k for k, page in enumerate(self.pages)}
        owners = set()
        for page, reading in pages:
            k = self._page_index.get(page)
            if k is None or self._reading(k) != reading:
                return None
            owners.add(self.owner[k])
        if len(owners) != 1 or len(self._pages_of(i := owners.pop())) != len(pages):
            return None
        return i

    def _reading(self, k: int) -> bytes:
        return bytes(self.readings[16 * k : 16 * k + 16])

    def _pages_of(self, i: int) -> range:
        first = HISTORY_WIDTH * i + 2 * len(HISTORY)  # after its HistoryPlace
        return range(self.history[first], self.history[first + 1])

    def copies_of(self, i: int) -> list[Page]:
        """The pages of the notice at index ``i``, in the order its rows list them."""
        return [
            Page(self.pages[k], self._reading(k), self.marks[2 * k], self.marks[2 * k + 1])
            for k in self._pages_of(i)
        ]

    def save(self, dataset: Path, version: str, folder: Path, sources: Sequence[Source]) -> None:
        """Kept beside the versions for the next one, in place of the previous version's, before
        ``version`` is published from ``folder`` (renaming a file keeps its size and time)."""
        files = {name: _stat(folder / name) for name in (*FILES, *HISTORY)}
        about = {"version": version, "fingerprint": fingerprint(), "sources": sources_digest(sources),
                 "files": files, "notes": self.notes}
        packed = io.BytesIO()
        np.savez(
            packed,
            about=np.array(json.dumps(about, ensure_ascii=False)),
            ids=np.array(self.ids, dtype="S16"),
            made=np.frombuffer(bytes(self.made), dtype=np.uint8),
            at=np.array(self.at, dtype=np.int64),
            history=np.array(self.history, dtype=np.int64),
            pages=np.array(self.pages, dtype="S16"),
            readings=np.frombuffer(bytes(self.readings), dtype=np.uint8),
            owner=np.array(self.owner, dtype=np.int64),
            marks=np.array(self.marks, dtype=np.int64),
        )
        write_atomic(dataset / KEPT, packed.getvalue())

    @classmethod
    def load(cls, dataset: Path, version: Path | None, sources: Sequence[Source]) -> Places:
        """The places ``version`` left, when the same code wrote them from the same sources and its
        files are as they were (else none: every row is encoded again)."""
        if version is None:
            return cls()
        try:
            with np.load(dataset / KEPT, allow_pickle=False) as packed:
                about = json.loads(str(packed["about"]))
                made_by = (about["version"], about["fingerprint"], about["sources"])
                if made_by != (version.name, fingerprint(), sources_digest(sources)) or any(
                    about["files"][name] != _stat(version / name) for name in (*FILES, *HISTORY)
                ):
                    return cls()
                return cls(
                    ids=[i.decode() for i in packed["ids"].tolist()],
                    made=bytearray(packed["made"].tobytes()),
                    at=array("q", packed["at"].tobytes()),
                    notes=[Note(*note) for note in about["notes"]],
                    history=array("q", packed["history"].tobytes()),
                    pages=[p.decode() for p in packed["pages"].tolist()],
                    readings=bytearray(packed["readings"].tobytes()),
                    owner=array("q", packed["owner"].tobytes()),
                    marks=array("q", packed["marks"].tobytes()),
                )
        except (OSError, ValueError, KeyError):
            return cls()


def _stat(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


class Spans(NamedTuple):
    """A run of notices' bytes in the previous version: their rows in each of ROWS, and their lines
    in notices.json (with the separators between them) and in notices.ndjson."""

    rows: list[Span]
    array: Span
    lines: Span


@dataclass
class PreviousRows:
    """The previous version's files, open, to copy the rows of its unchanged notices from."""

    places: Places
    files: Mapping[str, BinaryIO]
    folder: Path | None
    _citations: dict[str, list[Row]] | None = None

    def _read(self, name: str, start: int, end: int) -> bytes:
        return os.pread(self.files[name].fileno(), end - start, start)

    def rows(self, notice_id: str, made_from: bytes) -> list[bytes] | None:
        """The notice's bytes in each of ROWS, when the previous version made them from the same."""
        i = self.places.index(notice_id)
        if i is None or self.places.made_by(i) != made_from:
            return None
        # ROWS are the first of FILES
        at = zip(ROWS, self.places.starts_of(i), self.places.ends_of(i), strict=False)
        return [self._read(name, start, end) for name, start, end in at]

    def span(self, first: int, last: int) -> Spans:
        """Where the notices at indices ``first`` to ``last`` are in each of FILES."""
        at = zip(FILES, self.places.starts_of(first), self.places.ends_of(last), strict=True)
        *rows, array, lines = (Span(self.files[name], start, end) for name, start, end in at)
        return Spans(rows, array, lines)

    def history(self, first: int, last: int) -> tuple[bytes, bytes]:
        """The rows of the notices at indices ``first`` to ``last`` in copies.csv and versions.csv."""
        start, end = self.places.history_of(first), self.places.history_of(last)
        copies, versions = HISTORY
        return (self._read(copies, start.copies_start, end.copies_end),
                self._read(versions, start.versions_start, end.versions_end))

    def citations(self, notice_id: str) -> list[Row]:
        """The notice's citation rows in the previous version (cells as text; links to be made again),
        read from its citations.csv when first asked."""
        if self._citations is None:
            self._citations = defaultdict(list)
            if self.folder is not None:
                with (self.folder / "citations.csv").open(encoding="utf-8", newline="") as rows:
                    for row in csv.DictReader(rows):
                        self._citations[row["notice_id"]].append(row)
        return self._citations.get(notice_id, [])


@contextmanager
def previous_rows(dataset: Path, version: Path | None, sources: Sequence[Source]) -> Iterator[PreviousRows]:
    """The previous version ``version`` of ``dataset``, its files open while the release writes."""
    places = Places.load(dataset, version, sources)
    if version is None or not places:
        yield PreviousRows(Places(), {}, None)
        return
    with ExitStack() as stack:
        files = {name: stack.enter_context((version / name).open("rb")) for name in (*FILES, *HISTORY)}
        yield PreviousRows(places, files, version)
