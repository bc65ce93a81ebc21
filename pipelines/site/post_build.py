"""mkdocs hook (``hooks`` in mkdocs.yml): after mkdocs wrote its pages, write the pages kept out of it
(a page per notice and per browse value: pipelines/site/shells.py), copy the downloads and index the
notice pages for search. What is kept for the next build lives beside the site folder; the folders of
those pages and of the search index are set aside before mkdocs empties the site, and put back.

Downloads are put here (hard links to the dataset's files, byte for byte), rather than through
mkdocs-gen-files: a version's files include Markdown (``CHANGES.md``) that mkdocs would otherwise
render as a page, with scraped titles. Each file is checked against its hash first, once: a new
version's files are hashed in another process while mkdocs builds.

Pagefind's extended build (PyPI ``pagefind[extended]``, the binary ships inside the wheel) segments
Chinese and writes ``pagefind/`` into the site, in shards (pipelines/site/search_index.py): an index
split into chunks, of which the browser loads only those a query needs, so search stays fast however
many notices there are. Only notice pages are read, and in them only the ``data-pagefind-body`` block.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from gongwen.crawlers.registry import load_sources
from gongwen.pipelines.site import search_index
from gongwen.pipelines.site.browse import KeptRows
from gongwen.pipelines.site.generate import OUTSIDE_FOLDERS, outside_pages, read_ahead
from gongwen.pipelines.site.history import arrivals, version_changes
from gongwen.pipelines.site.page_cache import (
    cache_folder,
    code_fingerprint,
    link,
    put_back,
    set_aside,
    write_pages,
)
from gongwen.pipelines.site.release_data import (
    VERSION,
    Release,
    check_downloads,
    dataset_folder,
    load_release,
    verified,
)
from gongwen.pipelines.site.rows import NoticeRows
from gongwen.pipelines.site.shells import Shell, add_to_sitemap

log = logging.getLogger("mkdocs.hooks.post_build")
GC_YOUNG = 100_000  # new objects between two collections of the youngest generation (Python's default: 700)
ROWS = "rows.marshal"  # in the cache folder: the rows of the value pages (browse.KeptRows)
KEPT = (*OUTSIDE_FOLDERS, search_index.FOLDER)  # the site's folders kept across builds
_checking: dict[Path, Future[dict[str, list[Any]]]] = {}  # site folder -> downloads being checked
_reading: dict[Path, Future[tuple[Path, dict[str, NoticeRows | None]]]] = {}  # … -> tables being read


def copy_downloads(site_dir: Path, release: Release, cache: Path, known: dict[str, list[Any]]) -> int:
    """Hard-link (or copy) every file of every version on disk to ``downloads/<version>/``, each checked
    against its hash first (``known``: release_data.check_downloads); return how many."""
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
    """Before mkdocs: the kept folders set aside; the large tables of the notice pages read, then the
    downloads checked, in another process while mkdocs builds the other pages (a thread hashing
    gigabytes beside the build would slow it: they would take turns with the interpreter).

    A build makes millions of small objects that live until it ends (a record, digests and rows per
    notice), and Python's cycle collector would go through them all again and again (a third of a
    night's build at 100,000 notices): it runs rarely in this process."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    site_dir = Path(config.site_dir)
    cache = cache_folder(site_dir)
    set_aside(site_dir, KEPT, cache / "aside")
    dataset = dataset_folder(os.environ)
    folder = latest_folder(dataset)
    helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    if folder is not None and folder.is_dir():
        _reading[site_dir] = helper.submit(read_ahead, folder)
    _checking[site_dir] = helper.submit(check_downloads, dataset, cache)
    helper.shutdown(wait=False)  # the work goes on; on_post_build waits for it


def _read_aside(
    reading: Future[tuple[Path, dict[str, NoticeRows | None]]] | None, release: Release
) -> dict[str, NoticeRows | None] | None:
    """The tables read in the other process (waited for), unless a version was published since."""
    folder, tables = reading.result() if reading else (None, {})
    return tables if folder == release.folder else None


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    cache = cache_folder(site_dir)
    checked, reading = _checking.pop(site_dir), _reading.pop(site_dir, None)
    release = load_release(dataset_folder(os.environ), cache)
    pages: Mapping[str, str] = {}
    searched: dict[str, str] = {}
    places: dict[str, int] = {}
    if release:
        sources = load_sources()
        fingerprint = code_fingerprint(repr(sources))
        searched = search_digests(release, fingerprint, Shell.read(site_dir, "notices/"))
        places = arrivals(version_changes(release), searched)
        kept = KeptRows(cache / ROWS, fingerprint, release.digests)
        written = outside_pages(release, sources, partial(_read_aside, reading, release), kept)
        pages = write_pages(site_dir, written, OUTSIDE_FOLDERS, cache, fingerprint)
        kept.save()
    put_back(site_dir, [search_index.FOLDER], cache / "aside")
    search_index.index_notices(site_dir, searched, cache / "search", places)
    add_to_sitemap(site_dir, config.site_url or "", pages)
    if release:  # last: the other process may still be checking the downloads
        copy_downloads(site_dir, release, cache, checked.result())
