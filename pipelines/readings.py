"""What the extractor read from each captured page, kept so that the next release reads only new pages.

Most pages of a nightly crawl are unchanged: their ledger rows point to the same WARC records as the
night before. After a crawl is resolved, every record it read is written with its reading (the
Notice, or why the page was quarantined) to ``<crawl_id>.readings.jsonl`` beside the crawl's ledger,
under the fingerprint of the code that read it; the older readings file of the source is removed.
The next resolve takes the readings of the same records from that file and reads only the others.
Any change to the extractor, the normalisers, the Notice model, the published schema or the
libraries they use changes the fingerprint, and every page is read again.

Each line but the first (``{"fingerprint": …}``) is ``<WARC record id> TAB N<notice JSON>`` or
``<WARC record id> TAB Q<reason as JSON>``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from functools import cache
from importlib.metadata import version
from pathlib import Path

from pipelines.notice import SCHEMA_VERSION, Notice
from pipelines.schema import schema_path

SUFFIX = ".readings.jsonl"
Reading = Notice | str  # a page read: its notice, or why it was quarantined

_PIPELINES = Path(__file__).resolve().parent
_READERS = (
    "extract/*.py", "normalise/*.py", "notice.py", "validate.py", "schema.py", "captures.py", "ledger.py",
    "readings.py",
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
        with newest[0].open(encoding="utf-8") as lines:
            if json.loads(next(lines, "{}")).get("fingerprint") != fingerprint():
                return {}
            for line in lines:
                record_id, _, data = line.rstrip("\n").partition("\t")
                if record_id in wanted and data:
                    found[record_id] = _decoded(data)
    except (IndexError, FileNotFoundError):  # no file, or another build replaced it meanwhile
        return {}
    return found


def readings_file(folder: Path, crawl_id: str) -> Path:
    return folder / f"{crawl_id}{SUFFIX}"


def keep_readings(folder: Path, crawl_id: str, readings: Mapping[str, Reading]) -> Path:
    """Write the crawl's readings file in one step and remove the source's older ones."""
    path = readings_file(folder, crawl_id)
    partial = folder / f".{path.name}.partial"
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"fingerprint": fingerprint()}) + "\n")
        out.writelines(f"{record_id}\t{_encoded(reading)}\n" for record_id, reading in readings.items())
    partial.replace(path)
    for older in folder.glob(f"*{SUFFIX}"):
        if older != path:
            older.unlink(missing_ok=True)
    return path


def _encoded(reading: Reading) -> str:
    if isinstance(reading, str):
        return "Q" + json.dumps(reading, ensure_ascii=False)
    return "N" + reading.model_dump_json()


def _decoded(data: str) -> Reading:
    if data.startswith("Q"):
        reason: str = json.loads(data[1:])
        return reason
    return Notice.model_validate_json(data[1:])
