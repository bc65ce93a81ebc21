"""What the extractor read from each captured page, kept so that the next release reads only new pages.

Most pages of a nightly crawl are unchanged: their ledger rows point to the same WARC records as the
night before. After a crawl is resolved, every record it read is written with its reading (the
Notice, or why the page was quarantined) to ``<crawl_id>.readings.jsonl`` beside the crawl's ledger,
under the fingerprint of the code that read it; the older readings file of the source is removed.
A notice's reading includes the policy rules' reading of it (pipelines.policy), as table rows.
The next resolve takes the readings of the same records from that file and reads only the others.
Any change to the code that reads a page (pipelines/read.py and what it calls: the extractor, the
normalisers, the policy rules, the text signatures of dedupe, the Notice model), the published
schema, the libraries they use or the file's FORMAT changes the fingerprint, and every page is read
again.

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
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

from pipelines.notice import SCHEMA_VERSION, Notice
from pipelines.policy.rows import PolicyRows
from pipelines.schema import schema_path

SUFFIX = ".readings.jsonl"


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

_PIPELINES = Path(__file__).resolve().parent
_READERS = (
    "extract/*.py", "normalise/*.py", "policy/*.py", "dedupe/text.py", "dedupe/minhash.py", "notice.py",
    "validate.py", "schema.py", "captures.py", "read.py",
)
FORMAT = 3  # of the readings file: any change to how this module writes a line changes it
_LIBRARIES = ("lxml", "opencc", "pydantic", "pydantic-core", "jsonschema", "warcio")


@cache
def fingerprint() -> str:
    """sha256 of the code that reads a page, the published schema, the library versions and FORMAT."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in _READERS for p in _PIPELINES.glob(pattern)):
        digest.update(path.relative_to(_PIPELINES).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(schema_path(SCHEMA_VERSION).read_bytes())
    digest.update(" ".join(f"{name}={version(name)}" for name in _LIBRARIES).encode())
    digest.update(f"format {FORMAT}".encode())
    return digest.hexdigest()


def earlier_readings(folder: Path, wanted: Collection[str]) -> dict[str, Reading]:
    """The readings of the ``wanted`` records that the newest readings file of ``folder`` holds, when
    the same code wrote it (else none)."""
    newest = sorted(folder.glob(f"*{SUFFIX}"))[-1:]
    found: dict[str, Reading] = {}
    try:
        with newest[0].open("rb") as kept:
            if json.loads(kept.readline()).get("fingerprint") != fingerprint():
                return {}
            offset = kept.tell()
            for line in kept:
                record_id, _, data = line.rstrip(b"\n").partition(b"\t")
                if (rid := record_id.decode()) in wanted and data:
                    found[rid] = _decoded(data, newest[0], offset + len(record_id) + 1)
                offset += len(line)
    except (IndexError, FileNotFoundError):  # no file, or another build replaced it meanwhile
        return {}
    return found


def readings_file(folder: Path, crawl_id: str) -> Path:
    return folder / f"{crawl_id}{SUFFIX}"


def keep_readings(folder: Path, crawl_id: str, readings: Mapping[str, Reading]) -> dict[str, Reading]:
    """Write the crawl's readings file in one step and remove the source's older ones; return the
    readings, their policies where the new file keeps them."""
    path = readings_file(folder, crawl_id)
    partial = folder / f".{path.name}.partial"
    kept: dict[str, Reading] = {}
    with partial.open("wb") as out:
        out.write(json.dumps({"fingerprint": fingerprint()}).encode() + b"\n")
        for record_id, reading in readings.items():
            head = f"{record_id}\t".encode()
            data = _encoded(reading)
            kept[record_id] = _kept(reading, data, path, out.tell() + len(head))
            out.write(head + data + b"\n")
    partial.replace(path)
    for older in folder.glob(f"*{SUFFIX}"):
        if older != path:
            older.unlink(missing_ok=True)
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
    policy_at = data.index(b"\t", data.index(b"\t") + 1) + 1  # JSON escapes every tab in a string
    ref = PolicyRef(path, start, len(data), policy_at, zlib.crc32(data))
    return Read(reading.notice, ref, reading.signature)


def _decoded(data: bytes, path: Path, start: int) -> Reading:
    """A reading from its line (after the record id), which starts at ``start`` in the file ``path``."""
    if data.startswith(b"Q"):
        reason: str = json.loads(data[1:])
        return reason
    notice, signature, _ = data[1:].split(b"\t", 2)
    read = Read(Notice.model_validate_json(notice), "", base64.b64decode(signature))
    return _kept(read, data, path, start)
