"""The Pagefind search index of the notice pages, in shards that the next build reuses.

One Pagefind run over every page holds them all in memory (about 0.23 MB a page: more than 12 GB
at 100,000) and indexes them all again every night. So the pages are split into shards, each a
Pagefind bundle of its own, ``pagefind/<shard>/`` in the site, listed in ``pagefind/shards.json``;
the search page loads the first and merges the others (Pagefind's multisite ``mergeIndex``), so
search and its filters span every shard.

A page's shard follows from its place in the order the notices arrived (history.arrivals), which
a new version only extends: the places are cut into shards of ``SHARD_SIZES[0]`` pages while a whole
one fits, the rest into shards of the next size, and so on; the last size also makes the last,
unfilled shard. So a night's new notices go to a small last shard, which is all that is indexed
again (a few hundred pages, about a second), and the small shards become one large shard once
they fill it. The layout is a function of the dataset alone: a build from an empty cache makes the
same shards.

The cache folder outlives the site folder (which mkdocs empties each build): it holds each shard's
bundle beside the pages, with their digests, it was built from. A shard is indexed again only when
that set changed (a page added, removed, or changed in what search reads), and linked into the
site's ``pagefind/`` (kept across builds like the notice pages) only when its bundle is new.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from importlib.metadata import version
from pathlib import Path

SHARD_SIZES = (5_000, 500)  # pages per Pagefind run: bounds its memory (1.2 GB) and a night's re-indexing
FOLDER = "pagefind/"  # in the site
NOTICE_PAGES = "notices/*/index.html"
SHARDS_FILE = "shards.json"  # in the site's pagefind/: the shard folders, the first one loaded first
PAGES_FILE = "pages.json"  # in a cached shard: notice id -> digest of what search read of its page
ENTRY = "pagefind-entry.json"  # a bundle's entry point: linked last, so a bundle with it is complete
SAFE_ID = re.compile(r"[0-9A-Za-z_-]+")  # notice ids are hex digests; anything else is not a path

Shards = dict[str, dict[str, str]]  # shard name -> {notice id: digest of what search reads}
log = logging.getLogger("mkdocs.hooks.post_build")


def index_notices(
    site_dir: Path,
    pages: Mapping[str, str],
    cache: Path,
    places: Mapping[str, int] | None = None,
    sizes: Sequence[int] = SHARD_SIZES,
) -> None:
    """Index ``site_dir/notices/<id>/index.html`` for each id of ``pages`` (id -> digest of what search
    reads of the page) into ``site_dir/pagefind/``, by their ``places`` (history.arrivals; by default
    their order), indexing again only the shards whose pages changed since the cache."""
    target = site_dir / FOLDER
    if not pages:
        shutil.rmtree(target, ignore_errors=True)
        log.info("No notice pages: no search index (the search page says there is no release)")
        return
    unsafe = [i for i in pages if not SAFE_ID.fullmatch(i)]
    if unsafe:
        raise ValueError(f"not a notice id: {unsafe[0]!r}")
    shards_dir = _shards_dir(cache, sizes)
    built = _cached(shards_dir)
    wanted = layout(pages, places or {page: place for place, page in enumerate(pages)}, sizes)
    for name in built.keys() - wanted.keys():
        shutil.rmtree(shards_dir / name)
    started = time.perf_counter()
    changed = [name for name, members in wanted.items() if built.get(name) != members]
    for name in changed:
        _build(site_dir, name, wanted[name], shards_dir)
    log.info("Pagefind indexed %d of %d shards (%d notice pages) in %.1f s",
             len(changed), len(wanted), len(pages), time.perf_counter() - started)
    _link_shards(shards_dir, target, sorted(wanted, key=int))


def layout(pages: Mapping[str, str], places: Mapping[str, int], sizes: Sequence[int]) -> Shards:
    """Each page's shard, by its place: the places (up to the last one given) are cut into shards of
    ``sizes[0]`` while a whole one fits, the rest into shards of ``sizes[1]`` …; a shard is named by
    its first place. A place without a page (a notice withdrawn) leaves its shard one page short."""
    end = max(places.values(), default=-1) + 1
    starts: list[int] = []
    base = 0
    for size in sizes[:-1]:
        whole = (end - base) // size * size
        starts += range(base, base + whole, size)
        base += whole
    starts += range(base, end, sizes[-1])
    shards: Shards = {}
    for page, digest in pages.items():
        start = starts[bisect.bisect_right(starts, places[page]) - 1]
        shards.setdefault(f"{start:06d}", {})[page] = digest
    return shards


def _shards_dir(cache: Path, sizes: Sequence[int]) -> Path:
    """The cached shards, emptied when they were built by another Pagefind or to other shard sizes."""
    stamp = {"pagefind": version("pagefind"), "shard_sizes": list(sizes)}
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


def _link_shards(shards_dir: Path, target: Path, names: Sequence[str]) -> None:
    """The site's ``pagefind/``: the shards ``names`` (linked from the cache, unless the bundle linked
    is the cached one already) and ``shards.json``; nothing else."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.is_dir() and entry.name not in names:
            shutil.rmtree(entry)
    for name in names:
        bundle, linked = shards_dir / name / "pagefind", target / name
        if not _same_file(bundle / ENTRY, linked / ENTRY):
            shutil.rmtree(linked, ignore_errors=True)
            _link_tree(bundle, linked)
    (target / SHARDS_FILE).write_text(json.dumps(list(names)), encoding="utf-8")


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except FileNotFoundError:
        return False


def _link_tree(source: Path, target: Path) -> None:
    """Every file of a bundle, its entry point last (a bundle whose entry is linked is complete)."""
    for folder, _, files in os.walk(source):
        for file in files:
            path = Path(folder) / file
            if path != source / ENTRY:
                _link(path, target / path.relative_to(source))
    _link(source / ENTRY, target / ENTRY)


def _link(source: Path, target: Path) -> None:
    """A hard link (no copy, no time), or a copy where the two folders are on different disks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
