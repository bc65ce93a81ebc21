"""mkdocs hook (``hooks`` in mkdocs.yml): after mkdocs wrote its pages, write the pages kept out of it
(a page per notice and per browse value: pipelines/site/shells.py), copy the downloads and index the
notice pages for search. What is kept for the next build lives beside the site folder; the folders of
those pages and of the search index are set aside before mkdocs empties the site, and put back.

Downloads are put here (hard links to the dataset's files, byte for byte), rather than through
mkdocs-gen-files: a version's files include Markdown (``CHANGES.md``) that mkdocs would otherwise
render as a page, with scraped titles. Each file is checked against its hash first, once: a new
version's files are hashed in a thread while mkdocs builds (hashing leaves the interpreter free).

Pagefind's extended build (PyPI ``pagefind[extended]``, the binary ships inside the wheel) segments
Chinese and writes ``pagefind/`` into the site, in shards (pipelines/site/search_index.py): an index
split into chunks, of which the browser loads only those a query needs, so search stays fast however
many notices there are. Only notice pages are read, and in them only the ``data-pagefind-body`` block.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from crawlers.registry import load_sources
from pipelines.site import search_index
from pipelines.site.generate import OUTSIDE_FOLDERS, outside_pages, read_ahead
from pipelines.site.history import arrivals, version_changes
from pipelines.site.page_cache import code_fingerprint, link, put_back, set_aside, write_pages
from pipelines.site.release_data import (
    VERSION,
    Release,
    dataset_folder,
    load_release,
    verified,
    version_files,
)
from pipelines.site.rows import NoticeRows
from pipelines.site.shells import Shell, add_to_sitemap

log = logging.getLogger("mkdocs.hooks.post_build")
KEPT = (*OUTSIDE_FOLDERS, search_index.FOLDER)  # the site's folders kept across builds
_checking: dict[Path, Future[dict[str, list[Any]]]] = {}  # site folder -> downloads being checked
_reading: dict[Path, Future[tuple[Path, dict[str, NoticeRows | None]]]] = {}  # … -> tables being read


def cache_folder(site_dir: Path) -> Path:
    """What builds keep for the next one, beside the site folder (``build/.site-cache`` for
    ``build/site``), since mkdocs empties the site folder on every build."""
    return site_dir.parent / ".site-cache"


def check_downloads(dataset: Path, cache: Path) -> dict[str, list[Any]]:
    """Check every file of every version on disk (those index.json lists, and the latest) against its
    hash, once (``cache/verified.json`` remembers the files checked: release_data.verified); return
    what is known of the files checked."""
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


def copy_downloads(site_dir: Path, release: Release, cache: Path, known: dict[str, list[Any]]) -> int:
    """Hard-link (or copy) every file of every version on disk to ``downloads/<version>/``, each checked
    against its hash first (``known``: check_downloads); return how many."""
    copied = 0
    for info in release.versions:
        for file in info.files:
            verified(file, known)
            link(file.path, site_dir / "downloads" / info.version / file.name)
            copied += 1
    remembered = cache / "verified.json"
    remembered.parent.mkdir(parents=True, exist_ok=True)
    remembered.write_text(json.dumps(known, indent=0), encoding="utf-8")
    return copied


def search_digests(release: Release, fingerprint: bytes, shell: Shell) -> dict[str, str]:
    """What search reads of each notice page: the ``data-pagefind-body`` block but for what it ignores
    (policy, copies, versions, flags: pipelines/site/notice_page.py), made from the notice's record
    alone, with the code, the sources and the shell. So a page changed only in what search ignores
    (a copy found elsewhere, a version's changes) leaves its shard as it is."""
    shared = fingerprint + shell.digest.encode()
    return {notice: hashlib.sha256(shared + digest).hexdigest() for notice, digest in release.digests.items()}


def latest_folder(dataset: Path) -> Path | None:
    """The folder of the latest version, as ``latest`` names it (load_release checks it again)."""
    pointer = dataset / "latest"
    version = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
    return dataset / version if VERSION.match(version) else None


def on_pre_build(config: MkDocsConfig) -> None:
    """Before mkdocs: the kept folders set aside; the large tables of the notice pages read in another
    process, and the downloads checked in a thread, while mkdocs builds the other pages."""
    site_dir = Path(config.site_dir)
    cache = cache_folder(site_dir)
    set_aside(site_dir, KEPT, cache / "aside")
    dataset = dataset_folder(os.environ)
    folder = latest_folder(dataset)
    if folder is not None and folder.is_dir():
        reader = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        _reading[site_dir] = reader.submit(read_ahead, folder)
        reader.shutdown(wait=False)  # the work goes on; on_post_build waits for it
    checker = ThreadPoolExecutor(1)
    _checking[site_dir] = checker.submit(check_downloads, dataset, cache)
    checker.shutdown(wait=False)


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    cache = cache_folder(site_dir)
    checked, reading = _checking.pop(site_dir), _reading.pop(site_dir, None)
    release = load_release(dataset_folder(os.environ))
    pages: Mapping[str, str] = {}
    searched: dict[str, str] = {}
    places: dict[str, int] = {}
    if release:
        sources = load_sources()
        fingerprint = code_fingerprint(repr(sources))
        searched = search_digests(release, fingerprint, Shell.read(site_dir, "notices/"))
        places = arrivals(version_changes(release), searched)
        folder, tables = reading.result() if reading else (None, {})
        ahead = tables if folder == release.folder else None  # else a version published since
        written = outside_pages(release, sources, ahead)
        pages = write_pages(site_dir, written, OUTSIDE_FOLDERS, cache, fingerprint)
        copy_downloads(site_dir, release, cache, checked.result())
    add_to_sitemap(site_dir, config.site_url or "", pages)
    put_back(site_dir, [search_index.FOLDER], cache / "aside")
    search_index.index_notices(site_dir, searched, cache / "search", places)
