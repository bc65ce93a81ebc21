"""Read what the site is built from: the latest release of a dataset folder and the published schemas.

A fresh clone has no release: ``load_release`` then returns None and the pages say so. Anything
that would become a path in the site (versions, file names, notice ids) is checked first, and every
file to be copied must match the sha256 its ``datapackage.json`` records (``verified``).

The release holds its notices without their body text (the pages that list notices do not show it;
at 100,000 notices the texts are most of the 400 MB of records): ``Release.full`` reads a notice's
whole record again, and ``Release.digests`` says, per notice, whether its record changed.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.schema import ROOT, SCHEMA_DIR

VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NOTICE_ID = re.compile(r"^[0-9a-f]{16}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
BODY_KEY = b'"body_text": "'  # as the release writes an NDJSON line (json.dumps, ensure_ascii=False)

Record = Mapping[str, Any]


@dataclass(frozen=True)
class VersionFile:
    """One file of a published version, with the size and sha256 its datapackage.json records."""

    name: str
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True)
class VersionInfo:
    """A version listed in index.json; ``files`` is empty when its folder is not on disk."""

    version: str
    created: str
    notices: int | None
    files: tuple[VersionFile, ...]


@dataclass(frozen=True, eq=False)
class Release:
    """The latest version's notices and package, with every version of the dataset (oldest first).

    ``notices`` are the records without their ``body_text`` (``full`` reads a whole record again);
    ``digests`` is the sha256 of each notice's record as published, by id. A release is loaded once
    a build and compared by identity, so that what is computed from it can be cached by it."""

    version: str
    created: str
    notices: list[Record]
    package: Record
    versions: list[VersionInfo]
    dataset: Path
    digests: dict[str, bytes] = field(default_factory=dict)
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> offset, length in the NDJSON
    kept: dict[str, Record] = field(default_factory=dict)  # whole records, of a release without NDJSON

    @property
    def folder(self) -> Path:
        return self.dataset / self.version

    def full(self, notice: str) -> Record:
        """The whole record of a notice of the release, body_text included."""
        if notice in self.kept:
            return self.kept[notice]
        offset, length = self.lines[notice]
        with (self.folder / "notices.ndjson").open("rb") as data:
            data.seek(offset)
            record: Record = json.loads(data.read(length))
        return record


def dataset_folder(environ: Mapping[str, str], root: Path = ROOT) -> Path:
    """``$GONGWEN_DATASET`` when set, else ``datasets/notices`` of the repository."""
    chosen = environ.get("GONGWEN_DATASET", "").strip()
    return Path(chosen).resolve() if chosen else root / "datasets" / "notices"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _checked_version(value: object, where: Path) -> str:
    version = str(value).strip()
    if not VERSION.match(version):
        raise ValueError(f"{where}: {version!r} is not a MAJOR.MINOR.PATCH version")
    return version


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def version_files(folder: Path) -> tuple[VersionFile, ...]:
    """The resources of ``folder/datapackage.json`` with the size and sha256 it records for each, and
    the descriptor itself; ``verified`` checks a file against them before it is put into the site."""
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return ()
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    files = []
    for resource in package.get("resources", []):
        name = str(resource.get("path", ""))
        if not FILE_NAME.match(name):
            raise ValueError(f"{descriptor}: resource path {name!r} is not a plain file name")
        size, digest = resource.get("bytes"), str(resource.get("hash", "")).removeprefix("sha256:")
        if not isinstance(size, int) or not SHA256.match(digest):
            raise ValueError(f"{descriptor}: resource {name!r} has no bytes and sha256 hash")
        files.append(VersionFile(name, folder / name, size, digest))
    data = descriptor.read_bytes()
    files.append(VersionFile(descriptor.name, descriptor, len(data), _sha256(data)))
    return tuple(files)


def verified(file: VersionFile, known: dict[str, list[Any]]) -> None:
    """Raise unless the file has the size and sha256 its descriptor records. ``known``: path → [size,
    mtime, inode, sha256] of files hashed before (kept between builds), so that a published file,
    which never changes, is read once; a file whose size, mtime or inode changed is hashed again."""
    stat = file.path.stat()
    seen = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    remembered = known.get(str(file.path))
    if remembered is None or remembered[:3] != seen:
        with file.path.open("rb") as data:
            remembered = known[str(file.path)] = [*seen, hashlib.file_digest(data, "sha256").hexdigest()]
    if remembered[0] != file.size or remembered[3] != file.sha256:
        raise ValueError(f"{file.path} does not match the hash and bytes in its datapackage.json")


def resource_path(folder: Path, name: str) -> Path | None:
    """The file of the resource ``name`` of ``folder/datapackage.json``; None when the version has no
    such resource (or no such file)."""
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return None
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    found = [r for r in package.get("resources", []) if r.get("name") == name]
    path = str(found[0].get("path", "")) if found else ""
    return folder / path if FILE_NAME.match(path) and (folder / path).is_file() else None


def _without_body(line: bytes) -> dict[str, Any]:
    """A notice's NDJSON line parsed but for its body_text, which is most of it. Inside a JSON string
    every quote is escaped, so ``"body_text": "`` is a key wherever it occurs: when it occurs once
    and the record has that key (a string, by the schema), it is the record's own, and the body ends
    at the first quote after it that no backslash escapes. Any other line is parsed whole."""
    start = line.find(BODY_KEY)
    end = _string_end(line, start + len(BODY_KEY)) if start >= 0 and line.count(BODY_KEY) == 1 else -1
    if end >= 0:
        record: dict[str, Any] = json.loads(line[:start] + b'"body_text": null' + line[end + 1:])
        if "body_text" in record:
            del record["body_text"]
            return record
    record = json.loads(line)
    record.pop("body_text", None)
    return record


def _string_end(line: bytes, start: int) -> int:
    """Where the JSON string whose text begins at ``start`` ends (its closing quote); -1 if it does not."""
    end = line.find(b'"', start)
    while end >= 0:
        escapes = end - 1
        while line[escapes] == ord("\\"):
            escapes -= 1
        if (end - escapes) % 2 == 1:  # an even number of backslashes before the quote
            return end
        end = line.find(b'"', end + 1)
    return -1


def _ndjson(path: Path) -> Iterator[tuple[dict[str, Any], bytes, int, int]]:
    """Each notice of an NDJSON file without its body, with its line, offset and length."""
    offset = 0
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield _without_body(line), line, offset, len(line)
            offset += len(line)


def _checked(release_dir: Path, notice: Record) -> str:
    """A notice's id, which becomes a path: checked."""
    if not NOTICE_ID.match(str(notice.get("id", ""))):
        raise ValueError(f"{release_dir}: notice id {notice.get('id')!r} is not 16 hex digits")
    return str(notice["id"])


Notices = tuple[list[Record], dict[str, bytes], dict[str, tuple[int, int]], dict[str, Record]]


def _notices(release_dir: Path) -> Notices:
    """The release's notices without their body, the digest of each, and where to read it whole:
    its line of the NDJSON file, or (in releases without one) the record read from the JSON file."""
    notices: list[Record] = []
    digests: dict[str, bytes] = {}
    path = resource_path(release_dir, "notices-ndjson")
    if path is not None and path.name == "notices.ndjson":
        lines: dict[str, tuple[int, int]] = {}
        for record, line, offset, length in _ndjson(path):
            notice = _checked(release_dir, record)
            notices.append(record)
            digests[notice] = hashlib.sha256(line).digest()
            lines[notice] = (offset, length)
        return notices, digests, lines, {}
    kept: dict[str, Record] = {}
    for record in json.loads((release_dir / "notices.json").read_text(encoding="utf-8")):
        notice = _checked(release_dir, record)
        kept[notice] = record
        notices.append({k: v for k, v in record.items() if k != "body_text"})
        digests[notice] = hashlib.sha256(json.dumps(record, ensure_ascii=False).encode("utf-8")).digest()
    return notices, digests, {}, kept


def load_release(folder: Path) -> Release | None:
    """The latest release in a dataset folder, or None when nothing has been published there yet.

    A published version never changes, so one process (a build: its pages, then its post_build hook)
    reads it once, until the latest version or the list of versions changes.
    """
    pointer = folder / "latest"
    if not pointer.is_file():
        return None
    latest = _checked_version(pointer.read_text(encoding="utf-8"), pointer)
    index_path = folder / "index.json"
    index = index_path.stat() if index_path.is_file() else None
    return _load_release(folder, latest, (index.st_size, index.st_mtime_ns) if index else None)


@functools.lru_cache(maxsize=1)
def _load_release(folder: Path, latest: str, _index: tuple[int, int] | None) -> Release:
    release_dir = folder / latest
    package: Record = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    notices, digests, lines, kept = _notices(release_dir)
    created = str(package.get("created", ""))
    index_path = folder / "index.json"
    entries: list[Record] = []
    if index_path.is_file():
        entries = json.loads(index_path.read_text(encoding="utf-8")).get("versions", [])
    versions = [
        VersionInfo(
            version=(v := _checked_version(entry.get("version"), index_path)),
            created=str(entry.get("created", "")),
            notices=entry.get("notices") if isinstance(entry.get("notices"), int) else None,
            files=version_files(folder / v),
        )
        for entry in entries
    ]
    if latest not in {v.version for v in versions}:
        versions.append(VersionInfo(latest, created, len(notices), version_files(release_dir)))
    versions.sort(key=lambda v: version_key(v.version))
    return Release(latest, created, notices, package, versions, folder, digests, lines, kept)


def resource_rows(folder: Path, name: str) -> list[dict[str, Any]] | None:
    """The rows of the resource ``name`` of ``folder/datapackage.json`` (a CSV table or a JSON list).

    None when the version has no such resource: releases older than the quality and changes
    resources lack them, and the pages that use them say "not recorded".
    """
    path = resource_path(folder, name)
    if path is None:
        return None
    if path.name.endswith(".csv"):
        with path.open(encoding="utf-8-sig", newline="") as lines:
            rows = csv.reader(lines)
            names = next(rows, [])
            return [dict(zip(names, row, strict=False)) for row in rows if row]
    listed = json.loads(path.read_text(encoding="utf-8-sig"))
    return [row for row in listed if isinstance(row, dict)]


def published_schemas(schema_dir: Path = SCHEMA_DIR) -> list[tuple[str, Path]]:
    """``(version, path)`` of every ``schema/<version>/notice.schema.json``, oldest first."""
    found = [
        (path.parent.name, path)
        for path in schema_dir.glob("*/notice.schema.json")
        if VERSION.match(path.parent.name)
    ]
    return sorted(found, key=lambda item: version_key(item[0]))
