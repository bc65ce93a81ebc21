"""The Pagefind search index of the notice pages, in shards that the next build reuses.

One Pagefind run over every page holds them all in memory (about 0.23 MB a page: more than 12 GB
at 100,000) and indexes them all again every night. So the pages are split into shards of at most
``SHARD_SIZE`` pages, each a Pagefind bundle of its own, ``pagefind/<shard>/`` in the site, listed
in ``pagefind/shards.json``; the search page loads the first and merges the others (Pagefind's
multisite ``mergeIndex``), so search and its filters span every shard.

A page keeps the shard it was first indexed in; new pages fill the newest shard, then open a new
one. The cache folder outlives the site folder (which mkdocs empties each build): it holds each
shard's bundle beside the pages, with their digests, it was built from. A shard is indexed again
only when that set changed (a page added, changed or removed), so a night with 100 new notices
indexes one shard again, and the others are hard-linked from the cache into the site.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

SHARD_SIZE = 5_000  # pages per Pagefind run: bounds its memory (about 1.2 GB) and a night's re-indexing
NOTICE_PAGES = "notices/*/index.html"
SHARDS_FILE = "shards.json"  # in the site's pagefind/: the shard folders, the first one loaded first
PAGES_FILE = "pages.json"  # in a cached shard: notice id -> digest of the page it indexed
SAFE_ID = re.compile(r"[0-9A-Za-z_-]+")  # notice ids are hex digests; anything else is not a path

Shards = dict[str, dict[str, str]]  # shard name -> {notice id: page digest}
log = logging.getLogger("mkdocs.hooks.post_build")


def index_notices(
    site_dir: Path, pages: Mapping[str, str], cache: Path, shard_size: int = SHARD_SIZE
) -> None:
    """Index ``site_dir/notices/<id>/index.html`` for each id of ``pages`` (id -> digest of the page)
    into ``site_dir/pagefind/``, indexing again only the shards whose pages changed since the cache."""
    if not pages:
        log.info("No notice pages: no search index (the search page says there is no release)")
        return
    unsafe = [i for i in pages if not SAFE_ID.fullmatch(i)]
    if unsafe:
        raise ValueError(f"not a notice id: {unsafe[0]!r}")
    shards_dir = _shards_dir(cache, shard_size)
    built = _cached(shards_dir)
    wanted = assign(built, pages, shard_size)
    for name in built.keys() - wanted.keys():
        shutil.rmtree(shards_dir / name)
    started = time.perf_counter()
    changed = [name for name, members in wanted.items() if built.get(name) != members]
    for name in changed:
        _build(site_dir, name, wanted[name], shards_dir)
    log.info("Pagefind indexed %d of %d shards (%d notice pages) in %.1f s",
             len(changed), len(wanted), len(pages), time.perf_counter() - started)
    target = site_dir / "pagefind"
    shutil.rmtree(target, ignore_errors=True)
    for name in wanted:
        _link_tree(shards_dir / name / "pagefind", target / name)
    (target / SHARDS_FILE).write_text(json.dumps(sorted(wanted)), encoding="utf-8")


def assign(previous: Shards, pages: Mapping[str, str], shard_size: int) -> Shards:
    """Each page's shard: the one it was in, else the newest shard while it has room, else a new one.

    Pages gone are dropped from their shard (a shard left empty is dropped); a changed digest stays
    in its shard. New pages are placed in the order of ``pages``."""
    shards = {name: {i: pages[i] for i in kept if i in pages} for name, kept in sorted(previous.items())}
    placed = {i for members in shards.values() for i in members}
    names = sorted(shards)
    newest = names[-1] if names else _name(0)
    shards.setdefault(newest, {})
    for page, digest in pages.items():
        if page in placed:
            continue
        if len(shards[newest]) >= shard_size:
            newest = _name(int(newest) + 1)
            shards[newest] = {}
        shards[newest][page] = digest
    return {name: members for name, members in shards.items() if members}


def _name(number: int) -> str:
    return f"{number:04d}"


def _shards_dir(cache: Path, shard_size: int) -> Path:
    """The cached shards, emptied when they were built by another Pagefind or to another shard size."""
    stamp = {"pagefind": version("pagefind"), "shard_size": shard_size}
    stamp_file = cache / "format.json"
    shards_dir = cache / "shards"
    try:
        same = json.loads(stamp_file.read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        same = False
    if not same:
        shutil.rmtree(shards_dir, ignore_errors=True)
        cache.mkdir(parents=True, exist_ok=True)
        stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    shards_dir.mkdir(parents=True, exist_ok=True)
    return shards_dir


def _cached(shards_dir: Path) -> Shards:
    """The pages of each complete shard in the cache (a shard is renamed into place once written)."""
    cached: Shards = {}
    for shard in sorted(shards_dir.iterdir()):
        try:
            cached[shard.name] = json.loads((shard / PAGES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shutil.rmtree(shard, ignore_errors=True)  # an interrupted build, or not ours
    return cached


def _build(site_dir: Path, name: str, members: Mapping[str, str], shards_dir: Path) -> None:
    """Index one shard's pages (hard links of them in a folder of their own) into the cache."""
    work = shards_dir.parent / "building"
    shutil.rmtree(work, ignore_errors=True)
    pages = work / "site"
    for page in members:
        _link(site_dir / "notices" / page / "index.html", pages / "notices" / page / "index.html")
    command = [sys.executable, "-m", "pagefind_bin_extended", "--site", str(pages), "--glob", NOTICE_PAGES,
               "--output-path", str(work / "pagefind"), "--silent"]
    subprocess.run(command, check=True)  # noqa: S603 (our own command line)
    shutil.rmtree(pages)
    (work / PAGES_FILE).write_text(json.dumps(members), encoding="utf-8")
    shutil.rmtree(shards_dir / name, ignore_errors=True)
    work.rename(shards_dir / name)


def _link_tree(source: Path, target: Path) -> None:
    for folder, _, files in os.walk(source):
        for file in files:
            path = Path(folder) / file
            _link(path, target / path.relative_to(source))


def _link(source: Path, target: Path) -> None:
    """A hard link (no copy, no time), or a copy where the two folders are on different disks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
