"""mkdocs hook (``hooks`` in mkdocs.yml): after mkdocs wrote its pages, write the pages kept out of it
(a page per notice and per browse value: pipelines/site/shells.py), copy the downloads and index the
release's notices for search. What is kept for the next build lives beside the site folder; the folders of
those pages and of the search index are set aside before mkdocs empties the site, and put back.

Downloads are put here (hard links to the dataset's files, byte for byte), rather than through
mkdocs-gen-files: a version's files include Markdown (``CHANGES.md``) that mkdocs would otherwise
render as a page, with scraped titles. Each file is checked against its hash first, once: a new
version's files are hashed in another process while mkdocs builds.

The search index (``searchindex/``, pipelines/site/search_index.py) is written from the release's
records, in shards of files of which the browser fetches only those a query needs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin

from gongwen.crawlers.registry import NATIONAL, PROVINCES, Source, load_sources
from gongwen.pipelines.collector import rare_collections
from gongwen.pipelines.site import search_index
from gongwen.pipelines.site.browse import KeptRows
from gongwen.pipelines.site.generate import OUTSIDE_FOLDERS, outside_pages, read_ahead
from gongwen.pipelines.site.notice_rows import NoticeRows
from gongwen.pipelines.site.page_cache import (
    cache_folder,
    link,
    put_back,
    rendering_fingerprint,
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
from gongwen.pipelines.site.shells import add_to_sitemap
from gongwen.pipelines.site.version_changes import arrivals, version_changes

log = logging.getLogger("mkdocs.hooks.post_build")
ROWS = "rows.marshal"  # in the cache folder: the rows of the value pages (browse.KeptRows)
KEPT = (*OUTSIDE_FOLDERS, search_index.FOLDER)  # the site's folders kept across builds
BUILD = "gongwen/site-build"  # a build's own state (SiteBuild), among the build's plugins


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


def search_digests(release: Release, fingerprint: bytes) -> dict[str, str]:
    """What search reads of each notice: made from its record alone, with the code and the sources.
    So a notice whose page changed only in what search does not hold (a copy found elsewhere, a
    version's changes) leaves its shard as it is."""
    return {notice: hashlib.sha256(fingerprint + digest).hexdigest()
            for notice, digest in release.digests.items()}


def search_entry(record: Mapping[str, Any], sources: Mapping[str, Source]) -> search_index.Entry:
    """What search holds of a notice: its record's fields, its source's name and province."""
    source = sources.get(record["source_id"])
    region = ""
    if source is not None:
        code = source.province_code
        region = "中央 central" if code == NATIONAL else PROVINCES.get(code, "")

    def text(name: str) -> str:
        return str(record.get(name) or "")

    return search_index.Entry(
        id=record["id"], title=text("title"), doc_number=text("doc_number_raw") or text("doc_number"),
        doc_number_normalised=text("doc_number"), index_number=text("index_number"),
        agency=text("issuing_agency"), doc_type=text("doc_type"), genre=text("genre"),
        date=text("published_date"), region=region, source=source.name if source else record["source_id"],
        body=text("body_text"))


def latest_folder(dataset: Path) -> Path | None:
    """The folder of the latest version, as ``latest`` names it (load_release checks it again)."""
    pointer = dataset / "latest"
    version = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
    return dataset / version if VERSION.match(version) else None


def _entry(release: Release, sources: Mapping[str, Source], notice: str) -> search_index.Entry:
    return search_entry(release.full(notice), sources)


def _no_entry(notice: str) -> search_index.Entry:
    raise KeyError(notice)  # no release: no notice to index


def on_pre_build(config: MkDocsConfig) -> None:
    """Before mkdocs: this build's own state, made and kept among the build's plugins, which mkdocs
    tells when the build ends, whether it succeeds or fails (SiteBuild)."""
    config.plugins[BUILD] = SiteBuild(config)


def _read_aside(
    reading: Future[tuple[Path, dict[str, NoticeRows | None]]] | None, release: Release
) -> dict[str, NoticeRows | None] | None:
    """The tables read in the other process (waited for), unless a version was published since."""
    folder, tables = reading.result() if reading else (None, {})
    return tables if folder == release.folder else None


def _settle(work: list[Future[Any]]) -> None:
    """The other process's work done or cancelled: shut down since on_pre_build, the process then ends."""
    for future in work:
        future.cancel()
    wait(work)


class SiteBuild(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # mkdocs' __init_subclass__
    """One build, from on_pre_build to its end. The kept folders are set aside; the large tables of the
    notice pages are read, then the downloads checked, in another process while mkdocs builds the other
    pages (a thread hashing gigabytes beside the build would slow it: they would take turns with the
    interpreter); the cycle collector runs rarely (pipelines.collector): a build makes millions of small
    objects that live until it ends (a record, digests and rows per notice). The other process's work
    and the collector's setting end with the build, in on_post_build or, when it fails, on_build_error."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.site_dir = Path(config.site_dir)
        self.cache = cache_folder(self.site_dir)
        self.dataset = dataset_folder(os.environ)
        with ExitStack() as stack:
            stack.enter_context(rare_collections())
            set_aside(self.site_dir, KEPT, self.cache / "aside")
            folder = latest_folder(self.dataset)
            self.reading: Future[tuple[Path, dict[str, NoticeRows | None]]] | None = None
            helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            try:
                if folder is not None and folder.is_dir():
                    self.reading = helper.submit(read_ahead, folder)
                self.checking = helper.submit(check_downloads, self.dataset, self.cache)
            finally:
                # Shut down at once: its process ends when its work is done, rather than stay a fork
                # of this one (each page this process then writes would be copied) until the build ends.
                helper.shutdown(wait=False)
            stack.callback(_settle, [self.checking, *([self.reading] if self.reading else [])])
            self.ending = stack.pop_all()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After mkdocs: the pages kept out of it written, the notice pages indexed for search, the
        downloads copied."""
        with self.ending:
            site_dir, cache = self.site_dir, self.cache
            release = load_release(self.dataset, cache)
            pages: Mapping[str, str] = {}
            searched: dict[str, str] = {}
            places: dict[str, int] = {}
            entry = _no_entry
            if release:
                sources = load_sources()
                entry = partial(_entry, release, {source.id: source for source in sources})
                fingerprint = rendering_fingerprint(repr(sources))
                searched = search_digests(release, fingerprint)
                places = arrivals(version_changes(release), searched)
                kept = KeptRows(cache / ROWS, fingerprint, release.digests)
                written = outside_pages(release, sources, partial(_read_aside, self.reading, release), kept)
                pages = write_pages(site_dir, written, OUTSIDE_FOLDERS, cache, fingerprint)
                kept.save()
            put_back(site_dir, [search_index.FOLDER], cache / "aside")
            notices = search_index.Notices(searched, entry)
            search_index.index_notices(site_dir, notices, cache / "search", places)
            add_to_sitemap(site_dir, config.site_url or "", pages)
            if release:  # last: the other process may still be checking the downloads
                copy_downloads(site_dir, release, cache, self.checking.result())

    def on_build_error(self, *, error: Exception) -> None:  # noqa: ARG002 (mkdocs' signature)
        self.ending.close()
