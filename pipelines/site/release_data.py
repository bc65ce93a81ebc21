"""Read what the site is built from: the latest release of a dataset folder and the published schemas.

A fresh clone has no release: ``load_release`` then returns None and the pages say so. Anything
that would become a path in the site (versions, file names, notice ids) is checked first, and every
file to be copied must match the sha256 its ``datapackage.json`` records (``verified``).

The release holds its notices as the pages that list them need them (pipelines/site/listing.py: a few
fields, kept from one build to the next): ``Release.full`` reads a notice's whole record again, and
``Release.digests`` says, per notice, whether its record changed.
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

from gongwen.pipelines.schema import ROOT, SCHEMA_DIR
from gongwen.pipelines.site.listing import NO_VALUE, Listing, Listings, listing

VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NOTICE_ID = re.compile(r"^[0-9a-f]{16}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LISTINGS = "listings.marshal"  # in the cache folder of a build (listing.Listings)
WHITESPACE = b" \t\r\n"

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

    ``notices`` are the records with only the fields the pages that list notices use (listing.LISTED;
    ``full`` reads a whole record); ``digests`` is the sha256 of each notice's record as published,
    and ``filled`` the names of its fields that have a value, by id. A release is loaded once a build
    and compared by identity, so that what is computed from it can be cached by it."""

    version: str
    created: str
    notices: list[Record]
    package: Record
    versions: list[VersionInfo]
    dataset: Path
    digests: dict[str, bytes] = field(default_factory=dict)
    filled: dict[str, tuple[str, ...]] = field(default_factory=dict)
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


def source_checks(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Each source's last check (``gongwen sources check``), from the file ``$GONGWEN_CHECKS`` names;
    empty when it names none or the file is not there (no check has run)."""
    chosen = environ.get("GONGWEN_CHECKS", "").strip()
    path = Path(chosen) if chosen else None
    if path is None or not path.is_file():
        return {}
    checks: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return checks


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


def check_downloads(dataset: Path, cache: Path) -> dict[str, list[Any]]:
    """Check every file of every version on disk (those index.json lists, and the latest) against its
    hash, once (``cache/verified.json`` remembers the files checked: ``verified``); return what is
    known of the files checked."""
    remembered = cache / "verified.json"
    known: dict[str, list[Any]] = {}
    if remembered.is_file():
        known = json.loads(remembered.read_text(encoding="utf-8"))
    index, latest = dataset / "index.json", dataset / "latest"
    listed = json.loads(index.read_text(encoding="utf-8")).get("versions", []) if index.is_file() else []
    newest = latest.read_text(encoding="utf-8").strip() if latest.is_file() else ""
    for version in dict.fromkeys([*(str(v.get("version")) for v in listed), newest]):
        for file in version_files(dataset / version) if VERSION.match(version) else ():
            verified(file, known)
    return known


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


def _ndjson(path: Path, listings: Listings) -> Iterator[tuple[Listing, bytes, int, int]]:
    """Each notice of an NDJSON file: its listing, the sha256 of its line, and the line's offset and
    length. A line is hashed, and parsed only when ``listings`` does not have it."""
    data = path.read_bytes()
    view, start = memoryview(data), 0
    while start < len(data):
        end = data.find(b"\n", start) + 1 or len(data)
        if data[start] not in WHITESPACE or data[start:end].strip():
            digest = hashlib.sha256(view[start:end]).digest()
            yield listings.of(digest, view[start:end]), digest, start, end - start
        start = end


def _checked(release_dir: Path, notice: Record) -> str:
    """A notice's id, which becomes a path: checked."""
    if not NOTICE_ID.match(str(notice.get("id", ""))):
        raise ValueError(f"{release_dir}: notice id {notice.get('id')!r} is not 16 hex digits")
    return str(notice["id"])


@dataclass(frozen=True)
class Notices:
    """A release's notices as read: their listings, the digest and fields with a value of each, and
    where to read one whole: its line of the NDJSON file, or (in releases without one) its record."""

    listed: list[Record] = field(default_factory=list)
    digests: dict[str, bytes] = field(default_factory=dict)
    filled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    kept: dict[str, Record] = field(default_factory=dict)

    def add(self, notice: str, found: Listing, digest: bytes) -> None:
        self.listed.append(found[0])
        self.filled[notice], self.digests[notice] = found[1], digest


def _notices(release_dir: Path, cache: Path | None) -> Notices:
    """The release's notices: from its NDJSON file, each line parsed only when ``cache`` has not kept
    its listing (listing.Listings), else from its JSON file."""
    notices = Notices()
    path = resource_path(release_dir, "notices-ndjson")
    if path is not None and path.name == "notices.ndjson":
        listings = Listings(cache / LISTINGS if cache else None)
        for found, digest, offset, length in _ndjson(path, listings):
            notice = _checked(release_dir, found[0])
            notices.add(notice, found, digest)
            notices.lines[notice] = (offset, length)
        listings.save()
        return notices
    for record in json.loads((release_dir / "notices.json").read_text(encoding="utf-8")):
        notice = _checked(release_dir, record)
        notices.kept[notice] = record
        digest = hashlib.sha256(json.dumps(record, ensure_ascii=False).encode("utf-8")).digest()
        without = {k: v for k, v in record.items() if k != "body_text"}
        notices.add(notice, listing(without, body=record.get("body_text") not in NO_VALUE), digest)
    return notices


def load_release(folder: Path, cache: Path | None = None) -> Release | None:
    """The latest release in a dataset folder, or None when nothing has been published there yet.

    A published version never changes, so one process (a build: its pages, then its post_build hook)
    reads it once, until the latest version or the list of versions changes. ``cache``: the folder
    where a build keeps the notices' listings for the next (listing.Listings).
    """
    pointer = folder / "latest"
    if not pointer.is_file():
        return None
    latest = _checked_version(pointer.read_text(encoding="utf-8"), pointer)
    index_path = folder / "index.json"
    index = index_path.stat() if index_path.is_file() else None
    return _load_release(folder, latest, (index.st_size, index.st_mtime_ns) if index else None, cache)


@functools.lru_cache(maxsize=1)
def _load_release(folder: Path, latest: str, _index: tuple[int, int] | None, cache: Path | None) -> Release:
    release_dir = folder / latest
    package: Record = json.loads((release_dir / "datapackage.json").read_text(encoding="utf-8"))
    notices = _notices(release_dir, cache)
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
        versions.append(VersionInfo(latest, created, len(notices.listed), version_files(release_dir)))
    versions.sort(key=lambda v: version_key(v.version))
    return Release(latest, created, notices.listed, package, versions, folder,
                   notices.digests, notices.filled, notices.lines, notices.kept)


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
