"""What the extractor read from each captured page, kept so that the next release reads only new pages.

Most pages of a nightly crawl are unchanged: their ledger rows point to the same WARC records as the
night before. After a crawl is resolved, the records it read for the first time are written with
their readings (the Notice, or why the page was quarantined) to ``<crawl_id>.readings.jsonl`` beside
the crawl's ledger, under the fingerprint of the code that read them. The readings files of a source
folder are kept together: a night writes its new pages only, not the 100,000 it read before. A file
that keeps none of the crawl's records is removed; the records still read from a file of mostly
records no longer read (and, when a folder holds more than MAX_FILES, from all but its largest file)
move into the night's file. Files are written under another name and renamed, never changed: a killed
build leaves nothing half-written (at worst the same reading in two files; the newer file's is read).
A notice's reading includes the policy rules' reading of it (pipelines.policy), as table rows.
The next resolve takes the readings of the same records from those files and reads only the others.
Any change to the code that reads a page or keeps its reading (READING_CODE and every module it
imports: the extractor, the normalisers, the policy rules, the text signatures of dedupe, the Notice
model, this module), to the libraries they import or to the published schema changes the
fingerprint (pipelines.fingerprint), and every page is read again.

Each line but the first (``{"fingerprint": …}``) is ``<WARC record id> TAB N<notice JSON> TAB
<MinHash signature of its text in base64> TAB <policy rows JSON>`` or ``<WARC record id> TAB
Q<reason as JSON>``. The policy rows of 100,000 notices take gigabytes as Python objects: they stay
in the file (PolicyRef) until a release writes them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from gongwen.pipelines.fingerprint import code_fingerprint
from gongwen.pipelines.notice import SCHEMA_VERSION, VALIDATED, Notice
from gongwen.pipelines.policy.rows import PolicyRows
from gongwen.pipelines.schema import schema_path

SUFFIX = ".readings.jsonl"
MAX_FILES = 8  # readings files of a source folder, before the smaller ones move into the night's file


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Where a page's reading lies in a readings file (the bytes after its record id), its policy rows
    ``policy_at`` bytes in, with the CRC-32 of the reading: a build that replaced the file meanwhile is
    an error, not another page's rows."""

    path: Path
    start: int
    size: int
    policy_at: int
    crc: int

    def data(self) -> bytes:
        with self.path.open("rb") as kept:
            kept.seek(self.start)
            data = kept.read(self.size)
        if zlib.crc32(data) != self.crc:
            raise RuntimeError(f"{self.path} changed while this build read it: run the build again")
        return data

    def rows(self) -> PolicyRows:
        rows: PolicyRows = json.loads(self.data()[self.policy_at :])
        return rows


@dataclass(frozen=True, slots=True)
class Read:
    """A page read as a notice, with the policy inside it (read with its source's region): its
    PolicyRows as JSON when just read, else where the readings file keeps them."""

    notice: Notice
    policy: str | PolicyRef
    signature: bytes  # of its text, for dedupe (dedupe.match.page_signatures); b"" for a short text


Reading = Read | str  # a page read: its notice, or why it was quarantined

# The code that reads a page and keeps its reading: these modules and all they import.
READING_CODE = ("gongwen.pipelines.read.batches", "gongwen.pipelines.read.readings")


@cache
def fingerprint() -> str:
    """sha256 of the code that reads a page (pipelines.fingerprint) and of the published schema."""
    digest = hashlib.sha256(code_fingerprint(*READING_CODE).encode())
    digest.update(schema_path(SCHEMA_VERSION).read_bytes())
    return digest.hexdigest()


@dataclass
class Kept:
    """What the readings files of a source folder keep of a crawl's records, from the files the same
    code wrote: the readings by record id, the file each was taken from, and how many readings each of
    those files holds in all."""

    readings: dict[str, Reading] = field(default_factory=dict)
    taken_from: dict[str, Path] = field(default_factory=dict)
    held: dict[Path, int] = field(default_factory=dict)


def earlier_readings(folder: Path, wanted: Collection[str]) -> Kept:
    """The readings that the files of ``folder`` keep of the ``wanted`` records."""
    kept = Kept()
    # Newest first: a record kept in two files (a build killed before it removed the older) is
    # taken from the newer.
    for path in sorted(folder.glob(f"*{SUFFIX}"), reverse=True):
        try:
            with path.open("rb") as lines:
                if json.loads(lines.readline()).get("fingerprint") == fingerprint():
                    kept.held[path] = _take(lines, path, wanted, kept)
        except FileNotFoundError:  # another build removed it meanwhile: its pages are read again
            continue
    return kept


def _take(lines: IO[bytes], path: Path, wanted: Collection[str], kept: Kept) -> int:
    """Take the readings of the wanted records not taken yet from the rest of a file; return how
    many readings it holds."""
    held = 0
    for buffer, begin, end, at in _lines(lines):
        held += 1
        tab = buffer.index(b"\t", begin, end)
        record_id = buffer[begin:tab].decode()
        if record_id in wanted and record_id not in kept.readings:
            kept.readings[record_id] = _decoded(buffer, tab + 1, end, path, at + tab + 1 - begin)
            kept.taken_from[record_id] = path
    return held


READ = 1 << 20  # bytes of a readings file read at a time


def _lines(stream: IO[bytes]) -> Iterator[tuple[bytes, int, int, int]]:
    """The lines of a stream from where it is, not copied one by one (a readings file is a gigabyte,
    of which a night needs half): each one's buffer, where it begins and ends (at its newline) in it,
    and where it begins in the stream. A last line without its newline is left out."""
    at, size = stream.tell(), READ
    while buffer := stream.read(size):
        begin = 0
        while (end := buffer.find(b"\n", begin)) >= 0:
            yield buffer, begin, end, at + begin
            begin = end + 1
        if not begin and len(buffer) < size:
            return
        size = size if begin else 2 * size  # a line longer than a read: read more
        at += begin
        stream.seek(at)


def readings_file(folder: Path, crawl_id: str) -> Path:
    return folder / f"{crawl_id}{SUFFIX}"


def keep_readings(folder: Path, crawl_id: str, kept: Kept, new: Mapping[str, Reading]) -> dict[str, Reading]:
    """Write the crawl's ``new`` readings to its readings file in one step, with the readings it moves
    from older files, and remove the files that keep none of the crawl's records or were moved;
    return every reading of the crawl (``kept`` and ``new``), their policies where a file keeps them."""
    path = readings_file(folder, crawl_id)
    live = Counter(kept.taken_from.values())
    moving = _moving(kept.held, live)
    if (new or moving) and path in kept.held:
        moving.add(path)  # the crawl read again: the file is replaced
    readings = kept.readings
    if new or moving:
        moved = {rid: reading for rid, reading in readings.items() if kept.taken_from[rid] in moving}
        readings = {**readings, **_write(path, {**moved, **new})}
    for older in folder.glob(f"*{SUFFIX}"):
        if older != path and (older in moving or not live[older]):
            older.unlink(missing_ok=True)
    return readings


def _moving(held: Mapping[Path, int], live: Mapping[Path, int]) -> set[Path]:
    """The files whose readings of the crawl's records move into its file: those where most readings
    are of records no longer read and, past MAX_FILES, all but the largest."""
    moving = {path for path, count in held.items() if 0 < live[path] < count / 2}
    staying = sorted((p for p in held if live[p] and p not in moving), key=lambda p: live[p])
    if len(staying) >= MAX_FILES:
        moving.update(staying[:-1])
    return moving


def _write(path: Path, readings: Mapping[str, Reading]) -> dict[str, Reading]:
    """Write a readings file in one step; return the readings, their policies where it keeps them."""
    partial = path.parent / f".{path.name}.partial"
    kept: dict[str, Reading] = {}
    with partial.open("wb") as out:
        out.write(json.dumps({"fingerprint": fingerprint()}).encode() + b"\n")
        for record_id, reading in readings.items():
            head = f"{record_id}\t".encode()
            data = _encoded(reading)
            kept[record_id] = _kept(reading, data, path, out.tell() + len(head))
            out.write(head + data + b"\n")
    partial.replace(path)
    return kept


def _encoded(reading: Reading) -> bytes:
    """A reading as its line has it after the record id (copied as it is when a file keeps it)."""
    if isinstance(reading, str):
        return b"Q" + json.dumps(reading, ensure_ascii=False).encode()
    if isinstance(reading.policy, PolicyRef):
        return reading.policy.data()
    notice = reading.notice.model_dump_json().encode()
    return b"\t".join([b"N" + notice, base64.b64encode(reading.signature), reading.policy.encode()])


def _kept(reading: Reading, data: bytes, path: Path, start: int) -> Reading:
    """The reading, its policy where ``path`` keeps ``data`` from ``start`` on."""
    if isinstance(reading, str):
        return reading
    return Read(reading.notice, _policy_ref(data, 0, len(data), path, start), reading.signature)


def _policy_ref(line: bytes, begin: int, end: int, path: Path, start: int) -> PolicyRef:
    """Where ``path`` keeps the reading ``line[begin:end]`` of a notice, from ``start`` on."""
    policy_at = line.index(b"\t", line.index(b"\t", begin, end) + 1, end) + 1  # JSON escapes every tab
    return PolicyRef(path, start, end - begin, policy_at - begin, zlib.crc32(memoryview(line)[begin:end]))


def _decoded(line: bytes, begin: int, end: int, path: Path, start: int) -> Reading:
    """The reading ``line[begin:end]`` (a line after its record id), which starts at ``start`` in the
    file ``path``. The notice was validated before it was written, by the same code: the hash of its
    text is not computed again (notice.VALIDATED)."""
    if line.startswith(b"Q", begin):
        reason: str = json.loads(line[begin + 1 : end])
        return reason
    ref = _policy_ref(line, begin, end, path, start)
    notice_end = line.index(b"\t", begin, end)
    notice = Notice.model_validate_json(line[begin + 1 : notice_end], context=VALIDATED)
    return Read(notice, ref, base64.b64decode(memoryview(line)[notice_end + 1 : begin + ref.policy_at - 1]))
