"""The search index at scale: seconds, peak memory and size of indexing a release's notices in shards
(pipelines/site/search_index.py), first with an empty cache, then the next night with new notices.

    .venv/bin/python -m bench.search_index_bench NOTICES [--new 100] [--scratch DIR]

NOTICES is a release's notices.ndjson (bench.scale's ``<work>/<count>/dataset/<version>/``). Each
night runs in a process of its own, measured as bench.scale measures a stage:

  full   every notice, empty cache: every shard indexed
  next   the same notices plus --new copies of the first ones under new ids, with the cache: the
         last shard indexed again, the others linked from the cache
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.scale.measure import measured
from gongwen.crawlers.registry import load_sources
from gongwen.pipelines.site.post_build import search_entry
from gongwen.pipelines.site.search_index import Notices, index_notices


def night(scratch: str, notices_file: str, new: str) -> dict[str, object]:
    """Index the notices (and ``new`` copies) into the scratch site with the scratch cache."""
    started = time.perf_counter()
    records = {}
    with Path(notices_file).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            records[record["id"]] = record
    for n, record in enumerate(list(records.values())[: int(new)]):
        copy = f"ffff{n:012x}"
        records[copy] = {**record, "id": copy, "title": f"{record['title']}（{n}）"}
    sources = {source.id: source for source in load_sources()}
    read = time.perf_counter()
    site = Path(scratch) / "site"
    notices = Notices(dict.fromkeys(records, "-"), lambda notice: search_entry(records[notice], sources))
    index_notices(site, notices, Path(scratch) / "cache")
    done = time.perf_counter()
    files = [p for p in (site / "searchindex").rglob("*") if p.is_file()]
    return {"notices": len(records), "read_s": round(read - started, 1), "index_s": round(done - read, 1),
            "files": len(files), "mb": round(sum(p.stat().st_size for p in files) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("notices", type=Path)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--scratch", type=Path, help="scratch folder (default: a temporary one, removed)")
    args = parser.parse_args()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="gongwen-search-"))
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        for name, new in (("full", 0), ("next", args.new)):
            command = [sys.executable, "-m", "bench.search_index_bench", "--night", str(scratch),
                       str(args.notices), str(new)]
            figure = measured(0, name, command)
            print(f"{name:<5} {figure.wall_s:>7.1f} s {figure.cpu_s:>7.1f} CPU s"
                  f"  peak {figure.peak_mb:>6.0f} MB"
                  f"  load {figure.load[0]:.1f}→{figure.load[1]:.1f}  {figure.result}", flush=True)
    finally:
        if args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--night"]:
        print(json.dumps(night(*sys.argv[2:])))
    else:
        main()
