"""mkdocs hook (``hooks`` in mkdocs.yml): after the pages are written, copy the downloads and index
the notice pages for search.

Downloads are copied here, byte for byte, rather than through mkdocs-gen-files: a version's files
include Markdown (``CHANGES.md``) that mkdocs would otherwise render as a page, with scraped titles.

Pagefind's extended build (PyPI ``pagefind[extended]``, the binary ships inside the wheel) segments
Chinese and writes ``pagefind/`` into the site: an index split into chunks, of which the browser
loads only those a query needs, so search stays fast however many notices there are. Only notice
pages are read (``--glob``), and in them only the ``data-pagefind-body`` block.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from pipelines.site.release_data import dataset_folder, load_release

NOTICE_PAGES = "notices/*/index.html"
log = logging.getLogger("mkdocs.hooks.post_build")


def copy_downloads(site_dir: Path, dataset: Path) -> int:
    """Copy every file of every version on disk to ``downloads/<version>/``; return how many."""
    release = load_release(dataset)
    copied = 0
    for info in release.versions if release else []:
        for file in info.files:
            target = site_dir / "downloads" / info.version / file.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file.path, target)
            copied += 1
    return copied


def pagefind_command(site_dir: Path) -> list[str]:
    pagefind = [sys.executable, "-m", "pagefind_bin_extended"]
    return [*pagefind, "--site", str(site_dir), "--glob", NOTICE_PAGES, "--silent"]


def index_notices(site_dir: Path) -> None:
    if not any(site_dir.glob(NOTICE_PAGES)):
        log.info("No notice pages: no search index (the search page says there is no release)")
        return
    started = time.perf_counter()
    subprocess.run(pagefind_command(site_dir), check=True)  # noqa: S603 (our own command line)
    log.info("Pagefind indexed the notice pages in %.1f s", time.perf_counter() - started)


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    copy_downloads(site_dir, dataset_folder(os.environ))
    index_notices(site_dir)
