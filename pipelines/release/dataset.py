"""A dataset: its definition (``datasets/<name>/dataset.toml``) and the versions published beside it.

``index.json`` lists every published version, oldest first; ``latest`` names the newest one (a
plain file, not a symlink, so it survives zip files and Windows). ``build.log`` records every
build's outcome, including the ones the publish gate stopped; it is the one file here with
wall-clock times, and it is not part of any version.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import load_sources

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
VERSION_NAME = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


class DatasetError(RuntimeError):
    """The dataset folder is not as releases leave it, or another build holds it: a release stops
    before writing anything, and says why in one line."""


@dataclass(frozen=True)
class Dataset:
    """A dataset's definition and the folder its versions live in."""

    folder: Path
    definition: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> Dataset:
        return cls(folder, tomllib.loads((folder / "dataset.toml").read_text(encoding="utf-8")))

    @property
    def name(self) -> str:
        name: str = self.definition["name"]
        return name

    @property
    def source_ids(self) -> list[str]:
        """The sources this dataset includes, in the order dataset.toml lists them; ``"registry"``
        includes every source of crawlers/sources.toml, in its order."""
        listed = self.definition["sources"]
        return [s.id for s in load_sources()] if listed == "registry" else list(listed)

    @property
    def max_failed_share(self) -> float:
        """The publish gate's limit on the share of a source's fetches that failed."""
        return float(self.definition["gate"]["max_failed_share"])

    @property
    def max_lost_share(self) -> float:
        """The publish gate's limit on the share of the pages the latest version has from a source
        that its crawl did not ask for (0.1 when dataset.toml does not say)."""
        return float(self.definition["gate"].get("max_lost_share", 0.1))

    @property
    def index_path(self) -> Path:
        return self.folder / "index.json"

    @property
    def latest_path(self) -> Path:
        return self.folder / "latest"

    @property
    def log_path(self) -> Path:
        return self.folder / "build.log"

    def versions(self) -> list[dict[str, Any]]:
        """The entries of index.json, oldest first."""
        if not self.index_path.exists():
            return []
        try:
            versions = json.loads(self.index_path.read_text(encoding="utf-8"))["versions"]
            if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
                raise TypeError("its versions are not a list of entries")  # noqa: TRY301 (said once, below)
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(f"{self.index_path} is not an index of versions ({exc}): restore it") from exc
        return versions

    def latest(self) -> Path | None:
        """The folder ``latest`` names, or None before the first version."""
        if not self.latest_path.exists():
            return None
        version = self.latest_path.read_text(encoding="utf-8").strip()
        if not VERSION_NAME.match(version):
            raise DatasetError(f"{self.latest_path} holds {version!r}, not a MAJOR.MINOR.PATCH version")
        return self.folder / version

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the dataset for one build, so two builds at once cannot interleave their writes.

        The lock is an flock on build.log: the system drops it when the process ends, so a killed
        build never leaves it held.
        """
        with self.log_path.open("a", encoding="utf-8") as held:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise DatasetError(f"another build is publishing into {self.folder}") from exc
            yield

    def log(self, message: str) -> None:
        """Append one line to build.log, with the time it happened."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {self.name}: {message}\n")


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old bytes or the new, never half."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
