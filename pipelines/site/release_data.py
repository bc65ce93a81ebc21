"""Read what the site is built from: the latest release of a dataset folder and the published schemas.

A fresh clone has no release: ``load_release`` then returns None and the pages say so. Anything
that would become a path in the site (versions, file names, notice ids) is checked first, and every
file to be copied must match the sha256 its ``datapackage.json`` records (``verified``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.schema import ROOT, SCHEMA_DIR

VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NOTICE_ID = re.compile(r"^[0-9a-f]{16}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")

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


@dataclass(frozen=True)
class Release:
    """The latest version's notices and package, with every version of the dataset (oldest first)."""

    version: str
    created: str
    notices: list[Record]
    package: Record
    versions: list[VersionInfo]
    dataset: Path

    @property
    def folder(self) -> Path:
        return self.dataset / self.version


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


def _notices(release_dir: Path, package: Record) -> list[Record]:
    """The release's notices, read line by line from its NDJSON file (the JSON file in releases
    without one); each id is checked, since it becomes a path."""
    paths = {str(r.get("name")): str(r.get("path", "")) for r in package.get("resources", [])}
    ndjson = paths.get("notices-ndjson", "")
    if FILE_NAME.match(ndjson) and (release_dir / ndjson).is_file():
        with (release_dir / ndjson).open(encoding="utf-8") as lines:
            notices: list[Record] = [json.loads(line) for line in lines if line.strip()]
    else:
        notices = json.loads((release_dir / "notices.json").read_text(encoding="utf-8"))
    for record in notices:
        if not NOTICE_ID.match(str(record.get("id", ""))):
            raise ValueError(f"{release_dir}: notice id {record.get('id')!r} is not 16 hex digits")
    return notices


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
    notices = _notices(release_dir, package)
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
        created = str(package.get("created", ""))
        versions.append(VersionInfo(latest, created, len(notices), version_files(release_dir)))
    versions.sort(key=lambda v: version_key(v.version))
    return Release(latest, str(package.get("created", "")), notices, package, versions, folder)


def resource_rows(folder: Path, name: str) -> list[dict[str, Any]] | None:
    """The rows of the resource ``name`` of ``folder/datapackage.json`` (a CSV table or a JSON list).

    None when the version has no such resource: releases older than the quality and changes
    resources lack them, and the pages that use them say "not recorded".
    """
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return None
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    found = [r for r in package.get("resources", []) if r.get("name") == name]
    path = str(found[0].get("path", "")) if found else ""
    if not FILE_NAME.match(path) or not (folder / path).is_file():
        return None
    if path.endswith(".csv"):
        with (folder / path).open(encoding="utf-8-sig", newline="") as lines:
            rows = csv.reader(lines)
            names = next(rows, [])
            return [dict(zip(names, row, strict=False)) for row in rows if row]
    listed = json.loads((folder / path).read_text(encoding="utf-8-sig"))
    return [row for row in listed if isinstance(row, dict)]


def published_schemas(schema_dir: Path = SCHEMA_DIR) -> list[tuple[str, Path]]:
    """``(version, path)`` of every ``schema/<version>/notice.schema.json``, oldest first."""
    found = [
        (path.parent.name, path)
        for path in schema_dir.glob("*/notice.schema.json")
        if VERSION.match(path.parent.name)
    ]
    return sorted(found, key=lambda item: version_key(item[0]))
