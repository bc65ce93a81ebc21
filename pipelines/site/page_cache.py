"""The pages written outside mkdocs (pipelines/site/shells.py), kept from one build to the next.

mkdocs empties the site folder on every build, so rendered pages are kept in a cache folder beside
it, each under the digest of everything it is made from: this package's code, the shell, the page's
address and its inputs. A build renders only the pages whose digest is not in the cache and
hard-links every page from the cache into the site; cached pages that no page of the build uses
(a withdrawn notice, an older rendering) are deleted at the end. The same folder keeps what else a
build saves the next from making again (``read_kept``, ``write_kept``: the notices' listings, the
value pages' rows).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongwen.pipelines.fingerprint import code_fingerprint
from gongwen.pipelines.site.shells import SHELL, OutsidePage, Shell, folder_of

# The code that renders pages and the listings they are made from: these modules and all they import.
RENDERING_CODE = ("gongwen.pipelines.site.generate", "gongwen.pipelines.site.listing")
log = logging.getLogger("mkdocs.hooks.post_build")


def cache_folder(site_dir: Path) -> Path:
    """What builds keep for the next one, beside the site folder (``build/.site-cache`` for
    ``build/site``), since mkdocs empties the site folder on every build."""
    return site_dir.parent / ".site-cache"


def rendering_fingerprint(*extra: str) -> bytes:
    """A digest of the code that renders pages (RENDERING_CODE: pipelines.fingerprint) and of ``extra``
    (e.g. the source registry as shown)."""
    digest = hashlib.sha256(code_fingerprint(*RENDERING_CODE).encode() + b"\0")
    for text in extra:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.digest()


def read_kept(path: Path | None, stamp: object) -> dict[Any, Any]:
    """What ``write_kept`` kept in ``path`` under ``stamp`` (what it depends on: its format, the code);
    empty when there is no such file, or it was kept under another stamp."""
    try:
        kept_stamp, kept = marshal.loads(path.read_bytes() if path else b"")  # noqa: S302 (see write_kept)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return kept if kept_stamp == stamp and isinstance(kept, dict) else {}


def write_kept(path: Path, stamp: object, kept: dict[Any, Any]) -> None:
    """Keep plain data (strings, bytes, numbers, lists, dicts) for the next build: as ``marshal``
    writes it, which is the quickest to read again (the file is the build's own)."""
    write_new(path, marshal.dumps([stamp, kept]))


def link(source: Path, target: Path) -> None:
    """``target`` becomes a hard link to ``source`` (a copy when they are on different file systems)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_new(path: Path, data: bytes) -> None:
    """Written under another name, then renamed: a build stopped half-way leaves no half page behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def set_aside(site_dir: Path, folders: Iterable[str], aside: Path) -> None:
    """Before mkdocs empties the site folder: move the folders of the pages written outside mkdocs
    (``notices/`` …) out of its way, so that the next build changes only the pages that changed. A
    folder still aside (a build stopped before putting it back) stays there: it has the pages, and
    the site's folder only what mkdocs wrote."""
    for folder in folders:
        built, kept = site_dir / folder, aside / folder
        if kept.exists():
            shutil.rmtree(built, ignore_errors=True)
            continue
        if not built.is_dir():
            continue
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            built.rename(kept)
        except OSError:  # another file system: mkdocs will empty the folder, the pages are linked again
            log.info("Could not keep %s across the build", built)


def put_back(site_dir: Path, folders: Iterable[str], aside: Path) -> set[Path]:
    """After mkdocs: the folders set aside, back in the site, with what mkdocs wrote in them (an index
    page, the shell), if anything. Returns what mkdocs wrote there."""
    made: set[Path] = set()
    for folder in folders:
        built, kept = site_dir / folder, aside / folder
        entries = list(built.iterdir()) if built.is_dir() else []
        made.update(entries)
        if not kept.is_dir():
            continue
        for entry in entries:
            replaced = kept / entry.name
            if replaced.is_dir():
                shutil.rmtree(replaced)
            replaced.unlink(missing_ok=True)
            entry.rename(replaced)
        if built.is_dir():
            built.rmdir()
        built.parent.mkdir(parents=True, exist_ok=True)
        kept.rename(built)
    return made


def write_pages(
    site_dir: Path, pages: Iterable[OutsidePage], folders: Iterable[str], cache: Path, fingerprint: bytes
) -> dict[str, str]:
    """Write every page into the shell of its folder, rendering only those not in ``cache``, and remove
    the other pages of those folders (and the shells). Returns each page's path → digest."""
    started = time.perf_counter()
    folders = tuple(folders)
    made = put_back(site_dir, folders, cache / "aside")
    shells: dict[str, Shell] = {}
    written: dict[str, str] = {}
    rendered = linked = 0
    for page in pages:  # paths as strings: 100,000 pages make pathlib's overhead count
        folder = folder_of(page.path)
        shell = shells.get(folder) or shells.setdefault(folder, Shell.read(site_dir, folder))
        key = b"\0".join([fingerprint, shell.digest.encode(), page.path.encode(), page.inputs])
        digest = hashlib.sha256(key).hexdigest()
        kept = f"{cache}/pages/{digest[:2]}/{digest}.html"
        source = _stat(kept)
        if source is None:
            write_new(Path(kept), shell.fill(page.path, page.render()).encode("utf-8"))
            rendered += 1
        target = f"{site_dir}/{page.path}index.html"
        if source is None or not _same_file(_stat(target), source):
            link(Path(kept), Path(target))
            linked += 1
        written[page.path] = digest
    removed = _remove_others(site_dir, folders, set(written), made)
    _forget(cache / "pages", set(written.values()))
    log.info("Wrote %d pages outside mkdocs: %d rendered, %d linked, %d removed, in %.1f s",
             len(written), rendered, linked, removed, time.perf_counter() - started)
    return written


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)  # noqa: PTH116 (strings: see write_pages)
    except FileNotFoundError:
        return None


def _same_file(one: os.stat_result | None, other: os.stat_result) -> bool:
    return one is not None and (one.st_ino, one.st_dev) == (other.st_ino, other.st_dev)


def _remove_others(site_dir: Path, folders: Iterable[str], written: set[str], made: set[Path]) -> int:
    """Remove the shells, and the pages of earlier builds that this one did not write; return how many."""
    removed = 0
    ours = {str(path) for path in made}
    for folder in folders:
        if not (site_dir / folder).is_dir():
            continue
        with os.scandir(site_dir / folder) as entries:
            for entry in entries:
                if entry.name == SHELL:
                    shutil.rmtree(entry.path)
                elif entry.is_dir() and entry.path not in ours and f"{folder}{entry.name}/" not in written:
                    shutil.rmtree(entry.path)
                    removed += 1
    return removed


def _forget(cache: Path, kept: set[str]) -> None:
    """Delete the cached pages whose digest is not in ``kept``."""
    for folder in os.scandir(cache) if cache.is_dir() else ():
        if not folder.is_dir():
            continue
        with os.scandir(folder.path) as entries:
            for entry in entries:
                if entry.name.removesuffix(".html") not in kept:
                    os.unlink(entry.path)  # noqa: PTH108 (strings: see write_pages)
