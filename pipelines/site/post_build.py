"""mkdocs hook (``hooks`` in mkdocs.yml): after mkdocs wrote its pages, write the pages kept out of it
(a page per notice and per browse value: pipelines/site/shells.py), copy the downloads and index the
notice pages for search. What is kept for the next build lives beside the site folder.

Downloads are put here (hard links to the dataset's files, byte for byte), rather than through
mkdocs-gen-files: a version's files include Markdown (``CHANGES.md``) that mkdocs would otherwise
render as a page, with scraped titles.

Pagefind's extended build (PyPI ``pagefind[extended]``, the binary ships inside the wheel) segments
Chinese and writes ``pagefind/`` into the site, in shards (pipelines/site/search_index.py): an index
split into chunks, of which the browser loads only those a query needs, so search stays fast however
many notices there are. Only notice pages are read, and in them only the ``data-pagefind-body`` block.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from crawlers.registry import load_sources
from pipelines.site import search_index
from pipelines.site.generate import OUTSIDE_FOLDERS, outside_pages
from pipelines.site.page_cache import code_fingerprint, link, set_aside, write_pages
from pipelines.site.release_data import Release, dataset_folder, load_release, verified
from pipelines.site.shells import add_to_sitemap

log = logging.getLogger("mkdocs.hooks.post_build")


def cache_folder(site_dir: Path) -> Path:
    """What builds keep for the next one, beside the site folder (``build/.site-cache`` for
    ``build/site``), since mkdocs empties the site folder on every build."""
    return site_dir.parent / ".site-cache"


def copy_downloads(site_dir: Path, release: Release, cache: Path) -> int:
    """Hard-link (or copy) every file of every version on disk to ``downloads/<version>/``, each checked
    against its hash first (once: ``cache/verified.json`` remembers the files checked); return how many."""
    remembered = cache / "verified.json"
    known: dict[str, list[Any]] = {}
    if remembered.is_file():
        known = json.loads(remembered.read_text(encoding="utf-8"))
    copied = 0
    for info in release.versions:
        for file in info.files:
            verified(file, known)
            link(file.path, site_dir / "downloads" / info.version / file.name)
            copied += 1
    remembered.parent.mkdir(parents=True, exist_ok=True)
    remembered.write_text(json.dumps(known, indent=0), encoding="utf-8")
    return copied


def write_outside(site_dir: Path, release: Release, cache: Path) -> dict[str, str]:
    """The pages written outside mkdocs (a page per notice and per browse value); path → digest."""
    sources = load_sources()
    fingerprint = code_fingerprint(repr(sources))
    return write_pages(site_dir, outside_pages(release, sources), OUTSIDE_FOLDERS, cache, fingerprint)


def index_notices(site_dir: Path, pages: Mapping[str, str], cache: Path) -> None:
    """Index the notice pages (of ``pages``: path → digest) for search."""
    notices = {path.split("/")[1]: digest for path, digest in pages.items() if path.startswith("notices/")}
    search_index.index_notices(site_dir, notices, cache / "search")


def on_pre_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    set_aside(site_dir, OUTSIDE_FOLDERS, cache_folder(site_dir) / "aside")


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    cache = cache_folder(site_dir)
    release = load_release(dataset_folder(os.environ))
    pages = write_outside(site_dir, release, cache) if release else {}
    add_to_sitemap(site_dir, config.site_url or "", pages)
    if release:
        copy_downloads(site_dir, release, cache)
    index_notices(site_dir, pages, cache)
