"""Publishing a version: judge what changed, write it aside, validate it, then make it visible.

A version is written to a hidden ``.<version>.partial`` folder, checked (staging.Staging.problems)
and renamed into place; then index.json lists it and ``latest`` names it, each replaced in one step. A build
killed at any point leaves every visible version complete and ``latest`` on the previous one; the
next build removes what the killed one left (its hidden folder, or its version folder when index.json
never listed it) and points ``latest`` at the newest listed version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongwen.crawlers.registry import Source, get_source
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release.carry import FILES, HISTORY, Places, previous_rows
from gongwen.pipelines.release.changelog import Summary, changes_md
from gongwen.pipelines.release.changes import Bump, NoticeChanges, change_rows, judge, next_version
from gongwen.pipelines.release.contents import quality_rows, source_rows, write_notices
from gongwen.pipelines.release.dataset import VERSION_NAME, Dataset, DatasetError, write_atomic
from gongwen.pipelines.release.history import Previous, assemble, compare
from gongwen.pipelines.release.package import descriptor
from gongwen.pipelines.release.policy import KnownPolicies
from gongwen.pipelines.release.staging import Staging
from gongwen.pipelines.release.tables import Row, utc_seconds
from gongwen.pipelines.release.verify import check_intact

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from gongwen.pipelines.read.resolve import SourceCrawl


@dataclass(frozen=True)
class Published:
    """The version a build left as latest; ``new`` when the build published it."""

    version: str
    folder: Path
    new: bool
    bump: Bump | None = None
    forced: tuple[str, ...] = ()  # the publish-gate problems --force overrode


def _json(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _sources(dataset: Dataset, crawls: Sequence[SourceCrawl]) -> list[Source]:
    crawled = {c.source.id: c.source for c in crawls}
    return [crawled.get(sid) or get_source(sid) for sid in dataset.source_ids]


def _created(records: Sequence[dict[str, Any]], crawls: Sequence[SourceCrawl]) -> str:
    """The last fetch of the crawls read (of the notices, when no crawl is known): never the clock."""
    times = [c.crawled_at for c in crawls if c.crawled_at] or [r["retrieved_at"] for r in records]
    if not times:
        raise ValueError("nothing to publish: no notices and no crawls")
    return max(utc_seconds(t) for t in times)


def publish(
    dataset: Dataset,
    notices: Sequence[Notice],
    *,
    crawls: Sequence[SourceCrawl] = (),
    forced: Sequence[str] = (),
) -> Published:
    """Publish the notices as a new version when they, the schema or the metadata changed.

    ``notices`` are the pages read, one Notice each: copies of one document become one record
    (release.history). ``crawls`` are the crawls they were read from (they give the sources and
    quality tables, and say which pages are gone from their sources);
    ``forced`` the publish-gate problems a ``--force`` overrode.
    """
    with dataset.exclusive():
        return _publish(dataset, notices, crawls, forced)


def _publish(
    dataset: Dataset, notices: Sequence[Notice], crawls: Sequence[SourceCrawl], forced: Sequence[str]
) -> Published:
    recover(dataset)
    sources = _sources(dataset, crawls)
    strangers = sorted({n.source_id for n in notices} - {s.id for s in sources})
    if strangers:
        raise ValueError(f"notices from sources {strangers} that {dataset.folder}/dataset.toml does not list")
    latest = dataset.latest()
    if latest is not None:  # what is carried and compared from must be what was published
        check_intact(latest, (*FILES, *HISTORY))
    with previous_rows(dataset.folder, latest, sources) as before:
        earlier = Previous.load(latest, {n.content_sha256: n.body_text for n in notices}, before)
        documents = assemble(notices, sources, crawls, earlier, before)
        records = [n.model_dump(mode="json") for n in documents.notices]
        documents.notices.clear()  # read from here on as records: 100,000 notices held twice are 200 MB
        previous_package = json.loads((latest / "datapackage.json").read_bytes()) if latest else None
        changes = compare(earlier, documents, records)
        created = _created(records, crawls)
        verdict = judge(previous_package, descriptor(dataset, sources, "", created, {}), changes)
        if verdict.bump is None:
            assert latest is not None  # the first build always publishes
            return Published(latest.name, latest, new=False, forced=tuple(forced))
        version = next_version(latest.name if latest else None, verdict.bump)
        staging = Staging(dataset.folder / f".{version}.partial")
        try:
            places = write_notices(staging, records, documents.settled, sources, _known_policies(crawls))
            documents.write(staging, places)
            rows = change_rows(changes, earlier.full(set(changes.withdrawn)), records)
            quality = quality_rows(crawls)
            counts = _counts(places, changes, quality)
            previous = latest.name if latest else None
            summary = Summary(dataset.name, version, previous, created, verdict, counts, forced)
            by_source = Counter(note.source_id for note in places.notes)
            staging.csv("sources", source_rows(sources, crawls, by_source))
            staging.csv("quality", quality)
            staging.csv("changes", rows)
            staging.write("CHANGES.md", changes_md(summary, rows))
            descriptor_bytes = _json(descriptor(dataset, sources, version, created, staging.facts))
            staging.write("datapackage.json", descriptor_bytes)
            staging.check("datapackage.json")
        except BaseException:
            shutil.rmtree(staging.folder)
            raise
    entry: dict[str, Any] = {
        "version": version,
        "created": created,
        "change": verdict.bump,
        **counts,
        "descriptor_sha256": hashlib.sha256(descriptor_bytes).hexdigest(),
    }
    if forced:
        entry["forced"] = list(forced)
    places.save(dataset.folder, version, staging.folder, sources)
    _commit(dataset, version, staging, entry)
    return Published(version, dataset.folder / version, new=True, bump=verdict.bump, forced=tuple(forced))


def _counts(places: Places, changes: NoticeChanges, quality: Sequence[Row]) -> dict[str, int]:
    """What a version holds and what changed, as index.json and CHANGES.md count them."""
    return {
        "notices": len(places),
        "attachments": sum(note.attachments for note in places.notes),
        "added": len(changes.added),
        "updated": len(changes.updated),
        "withdrawn": len(changes.withdrawn),
        "quarantined": sum(q["outcome"] == "quarantined" for q in quality),
        "failed": sum(q["outcome"] == "failed" for q in quality),
    }


def _known_policies(crawls: Sequence[SourceCrawl]) -> KnownPolicies:
    """The policy read with each page of the crawls, with the text it was read from."""
    return {
        n.id: (n.content_sha256, c.policies[n.id]) for c in crawls for n in c.notices if n.id in c.policies
    }


def _commit(dataset: Dataset, version: str, staging: Staging, entry: dict[str, Any]) -> None:
    """Make the staged version visible: seal it, rename it into place, list it, point latest at it."""
    _seal(staging.folder)
    staging.folder.replace(dataset.folder / version)
    _sync(dataset.folder)
    index = {"name": dataset.name, "versions": [*dataset.versions(), entry]}
    write_atomic(dataset.index_path, _json(index))
    write_atomic(dataset.latest_path, f"{version}\n".encode())


def _seal(folder: Path) -> None:
    """The staged version's files made read-only and on disk (fsync), and the folder listing them,
    before the rename that publishes them: a published version does not change, and a crash just
    after the rename cannot leave part of it in the page cache only."""
    for path in folder.iterdir():
        if path.is_file():
            path.chmod(0o444)
            with path.open("rb") as data:
                os.fsync(data.fileno())
    _sync(folder)


def _sync(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def recover(dataset: Dataset) -> None:
    """Undo what a killed build left: its hidden folder, an unlisted newest version, a stale latest."""
    for partial in dataset.folder.glob(".*.partial"):
        shutil.rmtree(partial)
        dataset.log(f"removed {partial.name}: the staging folder of a build that stopped")
    listed = [v["version"] for v in dataset.versions()]
    latest = dataset.latest()
    folders = [p for p in dataset.folder.iterdir() if p.is_dir() and VERSION_NAME.match(p.name)]
    unlisted = [p for p in folders if p.name not in listed]
    # A killed build leaves at most one, newer than every listed version, and latest never named it.
    newest = _key(listed[-1]) if listed else ()
    if len(unlisted) > 1 or any(_key(p.name) <= newest or p == latest for p in unlisted):
        names = sorted(p.name for p in unlisted)
        raise DatasetError(f"version folders {names} are not in {dataset.index_path}: restore index.json")
    for orphan in unlisted:
        shutil.rmtree(orphan)
        dataset.log(f"removed {orphan.name}: a build stopped before index.json listed it")
    if listed and (latest is None or latest.name != listed[-1]):
        write_atomic(dataset.latest_path, f"{listed[-1]}\n".encode())
        dataset.log(f"latest set to {listed[-1]}: a build stopped before pointing latest at it")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
