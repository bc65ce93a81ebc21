"""Rows a version carries from the one before, byte for byte: those of the notices that did not change.

A notice's rows in notices.csv, notices-excel.csv, attachments.csv, tasks.csv, targets.csv and
agencies.csv are made from its record alone, with its source's region and whether its policy was read
with its page (release.policy): the same record writes the same bytes. At 100,000 notices, encoding
those rows is most of a release, and a night changes a few hundred notices. So a version leaves, beside
the dataset's versions (``.rows.npz``, not published), where each notice's rows lie in
those files and a digest of what made them; the next version copies the rows of every notice whose
digest is the same instead of encoding them again.

The digest covers the record's JSON, the region and how the policy was read; the code that writes the
rows is FINGERPRINT (this package and what pipelines.readings fingerprints, the policy rules among
it). The places are trusted only while the files have the size and modification time they had when
their version was written. The keys of carried rows are not checked again: they were checked when
their version was published, each is derived from its own notice's id (so a row of another notice
cannot repeat it), and a carried row refers only to its notice and that notice's tasks, carried with
it. Citations are carried as rows but linked again: what they cite can be any other notice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import numpy as np

from pipelines.policy.rows import Row
from pipelines.readings import fingerprint as readings_fingerprint
from pipelines.release.dataset import write_atomic

# The files whose rows are carried, in the order a place lists them (notices-excel.csv is the Excel
# copy of notices.csv, written by the same TableWriter).
FILES = ("notices.csv", "notices-excel.csv", "attachments.csv", "tasks.csv", "targets.csv", "agencies.csv")
KEPT = ".rows.npz"  # in the dataset folder, beside the versions: the places of the latest one
WIDTH = 2 * len(FILES)  # a place: start and end in each of FILES, in that order


@cache
def fingerprint() -> str:
    """sha256 of the code that writes a version's rows: this package and what reads the pages."""
    digest = hashlib.sha256(readings_fingerprint().encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def digest(line: str, region: str | None, *, from_page: bool) -> bytes:
    """What a notice's carried rows are made from: its record as a JSON line, its source's region and
    whether its policy is its page's reading."""
    made = hashlib.blake2b(line.encode("utf-8"), digest_size=16)
    made.update(f"\0{region or ''}\0{from_page}".encode())
    return made.digest()


class Places:
    """Where each notice's rows lie in the FILES of one version, with the digest of what made them
    (packed: 100,000 notices as Python lists and ints would take a hundred megabytes)."""

    def __init__(self, ids: list[str] | None = None, made: bytes = b"", at: bytes = b"") -> None:
        self._ids = ids or []
        self._made = bytearray(made)  # 16 bytes a notice
        self._at = array("q", at)  # WIDTH a notice
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, notice_id: str, made_from: bytes, start: Sequence[int], end: Sequence[int]) -> None:
        self._ids.append(notice_id)
        self._made += made_from
        self._at.extend(at for pair in zip(start, end, strict=True) for at in pair)

    def find(self, notice_id: str) -> tuple[bytes, Sequence[int]] | None:
        """What made the notice's rows, and where they are."""
        if self._index is None:
            self._index = {nid: i for i, nid in enumerate(self._ids)}
        i = self._index.get(notice_id)
        if i is None:
            return None
        return bytes(self._made[16 * i : 16 * i + 16]), self._at[WIDTH * i : WIDTH * i + WIDTH]

    def save(self, dataset: Path, version: str, folder: Path) -> None:
        """Kept beside the versions for the next one, in place of the previous version's, before
        ``version`` is published from ``folder`` (renaming a file keeps its size and time)."""
        files = {name: _stat(folder / name) for name in FILES}
        about = {"version": version, "fingerprint": fingerprint(), "files": files}
        packed = io.BytesIO()
        np.savez(packed, about=np.array(json.dumps(about)), ids=np.array(self._ids, dtype="S16"),
                 made=np.frombuffer(bytes(self._made), dtype=np.uint8), at=np.array(self._at, dtype=np.int64))
        write_atomic(dataset / KEPT, packed.getvalue())

    @classmethod
    def load(cls, dataset: Path, version: Path | None) -> Places:
        """The places ``version`` left, when the same code wrote them and its files are as they were
        (else none: every row is encoded again)."""
        if version is None:
            return cls()
        try:
            with np.load(dataset / KEPT, allow_pickle=False) as packed:
                about = json.loads(str(packed["about"]))
                if (about["version"], about["fingerprint"]) != (version.name, fingerprint()) or any(
                    about["files"][name] != _stat(version / name) for name in FILES
                ):
                    return cls()
                ids = [i.decode() for i in packed["ids"].tolist()]
                return cls(ids, packed["made"].tobytes(), packed["at"].tobytes())
        except (OSError, ValueError, KeyError):
            return cls()


def _stat(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


@dataclass
class PreviousRows:
    """The previous version's files, open, to copy the rows of its unchanged notices from."""

    places: Places
    files: Sequence[BinaryIO]
    folder: Path | None
    _citations: dict[str, list[Row]] | None = None

    def rows(self, notice_id: str, made_from: bytes) -> list[bytes] | None:
        """The notice's bytes in each of FILES, when the previous version made them from the same."""
        found = self.places.find(notice_id)
        if found is None or found[0] != made_from:
            return None
        at = found[1]
        return [os.pread(f.fileno(), at[2 * i + 1] - at[2 * i], at[2 * i]) for i, f in enumerate(self.files)]

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
def previous_rows(dataset: Path, version: Path | None) -> Iterator[PreviousRows]:
    """The previous version ``version`` of ``dataset``, its files open while the release writes."""
    places = Places.load(dataset, version)
    if version is None or not places:
        yield PreviousRows(Places(), [], None)
        return
    with ExitStack() as stack:
        files = [stack.enter_context((version / name).open("rb")) for name in FILES]
        yield PreviousRows(places, files, version)
