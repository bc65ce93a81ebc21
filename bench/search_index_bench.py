"""The search index at scale: seconds and peak memory of indexing a built site's notice pages in
shards (pipelines/site/search_index.py), first with an empty cache, then the next night with new pages.

    .venv/bin/python -m bench.search_index_bench SITE_DIR [--new 100] [--shard-size 5000] [--scratch DIR]

SITE_DIR is a built site (``gongwen site``, or bench.scale's ``<work>/<count>/site``). Its notice
pages are hard-linked into a scratch site folder, and each night runs in a process of its own,
measured as bench.scale measures a stage (peak memory per program: pagefind_extended is one run of
Pagefind, so its peak is one shard's):

  full   every page, empty cache: every shard indexed
  next   the same pages plus --new copies of pages under new ids: the open shard indexed again,
         the others linked from the cache

Each page's digest is the sha256 of its file (``hash_s``: the site build has them from writing the
pages); ``index_s`` is the rest (Pagefind runs, links into the site).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.scale.measure import measured
from gongwen.pipelines.site.search_index import NOTICE_PAGES, SHARD_SIZE, index_notices


def night(scratch: str, site: str, shard_size: str) -> dict[str, object]:
    """Index the scratch site ``site`` with the scratch cache; what a measured process runs."""
    site_dir = Path(scratch) / site
    started = time.perf_counter()
    files = sorted(site_dir.glob(NOTICE_PAGES))
    pages = {p.parent.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    hashed = time.perf_counter()
    index_notices(site_dir, pages, Path(scratch) / "cache", int(shard_size))
    done = time.perf_counter()
    shards = json.loads((site_dir / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    return {"pages": len(pages), "shards": len(shards), "hash_s": round(hashed - started, 1),
            "index_s": round(done - hashed, 1)}


def scratch_site(source: Path, target: Path, new: int) -> None:
    """Hard links of the notice pages of ``source``, plus ``new`` copies of the first ones under new ids."""
    pages = sorted(source.glob(NOTICE_PAGES))
    for page in pages:
        (target / "notices" / page.parent.name).mkdir(parents=True)
        os.link(page, target / "notices" / page.parent.name / "index.html")
    for n, page in enumerate(pages[:new]):
        folder = target / "notices" / f"ffff{n:012x}"
        folder.mkdir(parents=True)
        html = page.read_text(encoding="utf-8").replace("<h1", f"<h1 data-copy='{n}'", 1)
        (folder / "index.html").write_text(html, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--shard-size", type=int, default=SHARD_SIZE)
    parser.add_argument("--scratch", type=Path, help="scratch folder (default: a temporary one, removed)")
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="gongwen-search-"))
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        scratch_site(args.site, scratch / "full", 0)
        scratch_site(args.site, scratch / "next", args.new)
        count = len(list(args.site.glob(NOTICE_PAGES)))
        for site in ("full", "next"):
            command = [sys.executable, "-m", "bench.search_index_bench", "--night", str(scratch), site,
                       str(args.shard_size)]
            figure = measured(count, site, command)
            print(f"{count:>7} {site:<5} shard size {args.shard_size}: {figure.wall_s:>7.1f} s "
                  f"{figure.cpu_s:>7.1f} CPU s  peak {figure.peak_mb:>6.0f} MB  load {figure.load[0]:.1f}"
                  f"→{figure.load[1]:.1f}  {figure.result}  {figure.programs}", flush=True)
    finally:
        if args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--night"]:
        print(json.dumps(night(*sys.argv[2:])))
    else:
        main()
