"""``gongwen verify``: the published versions checked as ``sha256sum -c`` checks a list, against what
they record of themselves. A version's descriptor (datapackage.json) must have the sha256 that
index.json records for it, and every file the descriptor lists must have the bytes and sha256 the
descriptor records; a file in the folder that the descriptor does not list is reported too. An edit
that keeps a file's size and time is found: every byte is read."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongwen.pipelines.release.dataset import VERSION_NAME, Dataset, DatasetError

DESCRIPTOR = "datapackage.json"
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # a resource's path: a file of the version's folder


@dataclass(frozen=True)
class Check:
    """One file of a version: ``problem`` is None when it is as recorded."""

    path: str  # <version>/<file>
    problem: str | None = None


def _sha256(path: Path) -> str:
    with path.open("rb") as data:
        return hashlib.file_digest(data, "sha256").hexdigest()


def verify_version(dataset: Dataset, entry: dict[str, Any]) -> list[Check]:
    """The checks of one version of index.json (its entry there)."""
    version = str(entry.get("version"))
    if not VERSION_NAME.match(version):
        return [Check(version, "index.json names no MAJOR.MINOR.PATCH version here")]
    folder = dataset.folder / version
    descriptor = folder / DESCRIPTOR
    if not descriptor.is_file():
        return [Check(f"{version}/{DESCRIPTOR}", "missing")]
    recorded = entry.get("descriptor_sha256")
    same = _sha256(descriptor) == recorded
    said = None if same else "sha256 differs from the one index.json records"
    checks = [Check(f"{version}/{DESCRIPTOR}", said)]
    try:
        resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
    except (ValueError, KeyError, TypeError) as exc:
        return [*checks, Check(f"{version}/{DESCRIPTOR}", f"not a data package descriptor ({exc})")]
    listed = {DESCRIPTOR}
    for resource in resources:
        name = str(resource.get("path", ""))
        listed.add(name)
        checks.append(Check(f"{version}/{name}", _problem(folder, name, resource)))
    extra = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name not in listed)
    return checks + [Check(f"{version}/{name}", "not listed in the descriptor") for name in extra]


def _problem(folder: Path, name: str, resource: dict[str, Any]) -> str | None:
    if not _FILE_NAME.match(name):
        return "its path is not a file of the version's folder"
    path = folder / name
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if size != resource.get("bytes"):
        return f"{size} bytes, the descriptor records {resource.get('bytes')}"
    if f"sha256:{_sha256(path)}" != resource.get("hash"):
        return "sha256 differs from the one the descriptor records"
    return None


def check_intact(folder: Path, names: Iterable[str]) -> None:
    """Raise DatasetError, naming the file, unless each of ``names`` (files of the published version in
    ``folder``) has the bytes and sha256 its descriptor records: a release reads and carries from them."""
    package = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
    resources = {resource.get("path"): resource for resource in package["resources"]}
    for name in (n for n in names if n in resources):  # an older version may not have them all
        problem = _problem(folder, name, resources[name])
        if problem is not None:
            raise DatasetError(f"{folder / name}: {problem}: a published file was changed; restore it "
                               f"(gongwen verify {folder.name}) before the next release")
