"""The stages the scale benchmark measures, one per process: ``python -m bench.scale.stages STAGE ARGS``.

Each stage prints one JSON object on its last line of output: what it did and, where a stage first
loads its input, the seconds of the measured part (``seconds``) beside the loading (``setup``). The
caller measures the whole process: wall and CPU seconds and peak memory (bench/scale/measure.py).
The stages call what ``gongwen`` calls (pipelines.run), on a work folder of the bench's own:
``<work>/captures`` (the crawl), ``<work>/dataset`` (releases), ``<work>/site``.
"""

# Each stage imports only what it runs, so that its peak memory is its own:
# ruff: noqa: PLC0415

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import Source
from gongwen.pipelines.schema import ROOT

DATASET_TOML = ROOT / "datasets" / "notices" / "dataset.toml"
FIRST_NIGHT = date(2026, 3, 1)
FIRST_CRAWL = f"{FIRST_NIGHT:%Y%m%d}T020000Z"  # the crawl ids of a night's crawl: 2 a.m. UTC
Result = dict[str, Any]


def generate(work: str, notices: str, seed: str) -> Result:
    """The first crawl: ``notices`` detail pages from the seed, written as captures."""
    from bench.scale.captures import Crawl
    from bench.scale.corpus import Corpus

    with Crawl(Path(work) / "captures", FIRST_CRAWL) as crawl:
        written = crawl.write(Corpus(int(seed)).pages(int(notices)))
    return {"pages": written, "bytes": _size(Path(work) / "captures")}


def _crawled(work: str) -> list[Source]:
    """The sources the corpus wrote captures for (those of the sample web), as ``gongwen release`` finds
    them in a workdir."""
    from gongwen.pipelines.run import Workdir, crawled_sources

    return crawled_sources(Workdir(Path(work)))


def generate_next(work: str, new: str, seed: str) -> Result:
    """The next night's crawl: ``new`` new pages, and every page of the earlier crawls again (304)."""
    from bench.scale.captures import Crawl
    from bench.scale.corpus import Corpus

    captures = Path(work) / "captures"
    nights = len({p.name.split(".")[0] for p in captures.glob("*/*.fetches.jsonl")})
    crawl_id = f"{FIRST_NIGHT + timedelta(days=nights):%Y%m%d}T020000Z"
    with Crawl(captures, crawl_id) as crawl:
        written = crawl.write(Corpus(int(seed) + nights, first=10_000_000 * nights).pages(int(new)))
        again = crawl.revisit(s.id for s in _crawled(work))
    return {"crawl": crawl_id, "pages": written, "unchanged": again}


def extract(work: str) -> Result:
    """Extract and validate: every source's latest crawl read into notices and ledger outcomes, every
    page read (no readings kept from an earlier run)."""
    from gongwen.pipelines.collector import rare_collections
    from gongwen.pipelines.ledger import Counts
    from gongwen.pipelines.read.resolve import read_source

    _forget_readings(work)
    with rare_collections():  # as ``gongwen release`` reads them (pipelines.run.release)
        crawls = [read_source(Path(work) / "captures", source) for source in _crawled(work)]
    counts = Counts.of([o for c in crawls for o in c.outcomes])
    return {"notices": sum(len(c.notices) for c in crawls), "summary": counts.summary()}


def release(work: str, readings: str) -> Result:
    """``gongwen release``: read the latest crawls and publish a version. With ``readings`` "keep", the
    pages the extract stage (or the previous release) read are not read again (pipelines.read.readings):
    the release proper; with "forget", every page is read again first."""
    from gongwen.pipelines.run import Workdir
    from gongwen.pipelines.run import release as publish

    if readings == "forget":
        _forget_readings(work)
    dataset = _dataset(work)
    published, counts = publish(_crawled(work), Workdir(Path(work)), dataset)
    return {"version": published.version, "new": published.new, "summary": counts.summary(),
            "bytes": _size(published.folder)}


def dedupe(work: str) -> Result:
    """Group the pages read into documents (pipelines.dedupe), as the release does: the pages come from
    the latest crawls, with the signatures of their texts (their readings, kept by the extract stage,
    so they are not read again)."""
    from gongwen.pipelines.dedupe import dedupe as group
    from gongwen.pipelines.read.resolve import read_source

    started = time.perf_counter()
    sources = _crawled(work)
    crawls = [read_source(Path(work) / "captures", source) for source in sources]
    notices = [n for crawl in crawls for n in crawl.notices]
    signatures = {sha: s for crawl in crawls for sha, s in crawl.signatures.items()}
    setup = time.perf_counter() - started
    started = time.perf_counter()
    result = group(notices, sources, (), signatures)
    seconds = time.perf_counter() - started
    return {"setup": setup, "seconds": seconds, "groups": len(result.groups), "notices": len(notices)}


def site(work: str) -> Result:
    """``gongwen site``: mkdocs build --strict with the generated pages and the search index. The
    build's seconds are ``seconds``; the site's files are counted after it (``count``: seconds)."""
    from gongwen.pipelines.run import Workdir, build_site

    started = time.perf_counter()
    built = build_site(Workdir(Path(work)), _dataset(work))
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    files, size = _files(built)
    return {"seconds": seconds, "files": files, "bytes": size, "count": time.perf_counter() - started}


def floor_write(work: str) -> Result:
    """The I/O floor of a release: the same files written again, from rows already in memory, with
    plain csv and json only: every CSV of the released version (read first, not timed) and the
    notices as JSON and NDJSON."""
    started = time.perf_counter()
    latest = _latest(work)
    records = [json.loads(line) for line in _lines(latest / "notices.ndjson")]
    tables = {}
    for path in sorted(latest.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            tables[path.name] = list(csv.reader(stream))
    setup = time.perf_counter() - started
    out = Path(work) / "floor"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    started = time.perf_counter()
    for name, rows in tables.items():
        encoding = "utf-8-sig" if name.endswith("-excel.csv") else "utf-8"
        with (out / name).open("w", encoding=encoding, newline="") as stream:
            csv.writer(stream).writerows(rows)
    with (out / "notices.json").open("w", encoding="utf-8") as stream:
        json.dump(records, stream, ensure_ascii=False, indent=1)
    with (out / "notices.ndjson").open("w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return {"setup": setup, "seconds": time.perf_counter() - started, "bytes": _size(out)}


def mkdocs_pages(work: str) -> Result:
    """The site's pages as Markdown for a plain mkdocs build (``mkdocs build -f``): hand-written
    (site/), generated (pipelines.site.generate), and the pages ``gongwen site`` writes outside mkdocs
    (a page per notice and per browse value) as Markdown pages of their HTML, into ``<work>/plain/docs``
    with a ``mkdocs.yml``."""
    from gongwen.crawlers.registry import load_sources as sources
    from gongwen.pipelines.site.generate import generate as write_pages
    from gongwen.pipelines.site.generate import outside_pages
    from gongwen.pipelines.site.markup import front_matter
    from gongwen.pipelines.site.release_data import load_release
    from gongwen.pipelines.site.shells import SHELL

    plain = Path(work) / "plain"
    shutil.rmtree(plain, ignore_errors=True)
    docs = plain / "docs"
    shutil.copytree(ROOT / "site", docs)

    def put(path: str, data: bytes) -> None:
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    started = time.perf_counter()
    written = [p for p in write_pages(put, _dataset(work)) if SHELL not in p]
    for shell in docs.rglob(f"{SHELL}.md"):
        shell.unlink()
    release = load_release(_dataset(work))
    for page in outside_pages(release, sources()) if release else ():
        rendered = page.render()
        put(page.path.rstrip("/") + ".md", (front_matter(rendered.title) + rendered.html).encode())
        written.append(page.path)
    seconds = time.perf_counter() - started
    (plain / "mkdocs.yml").write_text(plain_mkdocs(), encoding="utf-8")
    return {"seconds": seconds, "pages": len(written)}


def plain_mkdocs() -> str:
    """The site's mkdocs.yml without its plugins (mkdocs-gen-files), hooks (downloads, search index) and
    theme overrides: the same pages, navigation, theme and Markdown, for what mkdocs itself costs."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Reads any ``!!python/...`` tag as null: only plain settings are kept."""

    Loader.add_multi_constructor("", lambda _loader, _suffix, _node: None)
    site = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    theme = {k: v for k, v in site.get("theme", {}).items() if k != "custom_dir"}
    kept = ("site_name", "use_directory_urls", "extra_css", "nav", "not_in_nav", "markdown_extensions")
    plain = {k: site[k] for k in kept if k in site}
    return yaml.safe_dump({**plain, "docs_dir": "docs", "site_dir": "site", "theme": theme, "plugins": []},
                          allow_unicode=True, sort_keys=False)


def _dataset(work: str) -> Path:
    folder = Path(work) / "dataset"
    if not folder.exists():
        folder.mkdir(parents=True)
        shutil.copy(DATASET_TOML, folder)
    return folder


def _latest(work: str) -> Path:
    folder = _dataset(work)
    return folder / (folder / "latest").read_text(encoding="utf-8").strip()


def _forget_readings(work: str) -> None:
    for kept in (Path(work) / "captures").glob("*/*.readings.jsonl"):
        kept.unlink()


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        yield from lines


def _size(folder: Path) -> int:
    return _files(folder)[1]


def _files(folder: Path) -> tuple[int, int]:
    """How many files a folder holds, and their bytes (a hard-linked file counts each time it is
    linked). os.scandir: a site's 180,000 files take seconds through pathlib."""
    files = size = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found = _files(Path(entry.path))
                files, size = files + found[0], size + found[1]
            elif entry.is_file():
                files, size = files + 1, size + entry.stat().st_size
    return files, size


STAGES: dict[str, Callable[..., Result]] = {
    f.__name__: f
    for f in (generate, generate_next, extract, release, dedupe, site, floor_write, mkdocs_pages)
}


def main(argv: list[str]) -> None:
    stage, *args = argv
    result = STAGES[stage](*args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
