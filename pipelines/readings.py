"""What the extractor read from each captured page, kept so that the next release reads only new pages.

Most pages of a nightly crawl are unchanged: their ledger rows point to the same WARC records as the
night before. After a crawl is resolved, every record it read is written with its reading (the
Notice, or why the page was quarantined) to ``<crawl_id>.readings.jsonl`` beside the crawl's ledger,
under the fingerprint of the code that read it; the older readings file of the source is removed.
A notice's reading includes the policy rules' reading of it (pipelines.policy), as table rows.
The next resolve takes the readings of the same records from that file and reads only the others.
Any change to the extractor, the normalisers, the Notice model, the published schema or the
libraries they use changes the fingerprint, and every page is read again.

Each line but the first (``{"fingerprint": …}``) is ``<WARC record id> TAB N<notice JSON> TAB
<MinHash signature of its text in base64> TAB <policy rows JSON>`` or ``<WARC record id> TAB
Q<reason as JSON>``. The policy rows of 100,000 notices take gigabytes as Python objects: they stay
in the file (PolicyRef) until a release writes them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, partial
from importlib.metadata import version
from pathlib import Path

from pipelines.captures import CapturedResponse
from pipelines.dedupe.match import page_signatures
from pipelines.notice import SCHEMA_VERSION, Notice
from pipelines.policy import read_policy
from pipelines.policy.rows import PolicyRows, policy_rows
from pipelines.schema import schema_path
from pipelines.validate import Quarantined, build_notice

SUFFIX = ".readings.jsonl"


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Where a page's policy rows lie in a readings file, with their CRC-32: a build that replaced the
    file meanwhile is an error, not another page's rows."""

    path: Path
    start: int
    size: int
    crc: int

    def json(self) -> bytes:
        with self.path.open("rb") as kept:
            kept.seek(self.start)
            data = kept.read(self.size)
        if zlib.crc32(data) != self.crc:
            raise RuntimeError(f"{self.path} changed while this build read it: run the build again")
        return data

    def rows(self) -> PolicyRows:
        rows: PolicyRows = json.loads(self.json())
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
    "validate.py", "schema.py", "captures.py", "readings.py",
)
_LIBRARIES = ("lxml", "opencc", "pydantic", "pydantic-core", "jsonschema", "warcio")


@cache
def fingerprint() -> str:
    """sha256 of the code that reads a page (and the published schema and library versions)."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in _READERS for p in _PIPELINES.glob(pattern)):
        digest.update(path.relative_to(_PIPELINES).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(schema_path(SCHEMA_VERSION).read_bytes())
    digest.update(" ".join(f"{name}={version(name)}" for name in _LIBRARIES).encode())
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
            if isinstance(reading, str):
                out.write(head + b"Q" + json.dumps(reading, ensure_ascii=False).encode() + b"\n")
                kept[record_id] = reading
                continue
            head += b"N" + reading.notice.model_dump_json().encode() + b"\t"
            head += base64.b64encode(reading.signature) + b"\t"
            policy = reading.policy.encode() if isinstance(reading.policy, str) else reading.policy.json()
            ref = PolicyRef(path, out.tell() + len(head), len(policy), zlib.crc32(policy))
            out.write(head + policy + b"\n")
            kept[record_id] = Read(reading.notice, ref, reading.signature)
    partial.replace(path)
    for older in folder.glob(f"*{SUFFIX}"):
        if older != path:
            older.unlink(missing_ok=True)
    return kept


def _decoded(data: bytes, path: Path, start: int) -> Reading:
    """A reading from its line (after the record id), which starts at ``start`` in the file ``path``."""
    if data.startswith(b"Q"):
        reason: str = json.loads(data[1:])
        return reason
    notice, signature, policy = data[1:].split(b"\t", 2)  # JSON escapes every tab inside a string
    ref = PolicyRef(path, start + 1 + len(notice) + 1 + len(signature) + 1, len(policy), zlib.crc32(policy))
    return Read(Notice.model_validate_json(notice), ref, base64.b64decode(signature))


# Pages read together: the MinHash signatures of a batch are made in one go (pipelines.dedupe).
BATCH = 32


def read_pages(
    responses: Iterable[CapturedResponse], source_id: str, region: str | None, workers: int
) -> Iterator[tuple[str, Reading]]:
    """Read the pages: each response's record id and reading, in order, read here or in ``workers``
    processes."""
    read = partial(_read, source_id=source_id, region=region)
    if workers <= 1:
        for batch in _batches(responses):
            yield from read(batch)
        return
    # forkserver, not fork: the caller may have threads (a crawl's reactor) that a fork would copy
    # mid-operation. The server imports the extractor once; each worker is forked from it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with context.Pool(workers) as pool:
        for read_batch in pool.imap(read, _batches(responses)):
            yield from read_batch


def _batches(responses: Iterable[CapturedResponse]) -> Iterator[list[CapturedResponse]]:
    batch: list[CapturedResponse] = []
    for response in responses:
        batch.append(response)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read(batch: list[CapturedResponse], source_id: str, region: str | None) -> list[tuple[str, Reading]]:
    """Each page's notice with the policy inside it and the signature of its text, or why it was
    quarantined."""
    read: list[tuple[str, Notice | str]] = []
    for captured in batch:
        try:
            notice = build_notice(
                captured.body,
                captured.url,
                source_id=source_id,
                retrieved_at=captured.date,
                content_type=captured.content_type,
            )
        except Quarantined as exc:
            read.append((captured.record_id, str(exc)))
            continue
        read.append((captured.record_id, notice))
    notices = [n for _, n in read if isinstance(n, Notice)]
    signed = dict(zip((n.content_sha256 for n in notices), page_signatures(notices), strict=True))
    return [
        (rid, n if isinstance(n, str) else Read(n, _policy_json(n, region), signed[n.content_sha256]))
        for rid, n in read
    ]


def _policy_json(notice: Notice, region: str | None) -> str:
    return json.dumps(policy_rows(read_policy(notice, region)), ensure_ascii=False)
