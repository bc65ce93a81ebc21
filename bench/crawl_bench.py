"""Crawl speed over the sample web: pages per second for one process, and for two sharing Redis.

    .venv/bin/python bench/crawl_bench.py [--copies 25] [--latency-ms 0 50]

The sample web's gov.cn source is enlarged to ``copies`` × its notices (each page file copied
under a new path), served on 127.0.0.1, optionally with a delay per request to stand for a real
server's latency. Each case runs real ``scrapy crawl govcn`` processes: one alone, then two at once
with the same crawl id and a private redis-server (crawlers.distributed). Figures: detail pages,
wall time (process start to last exit, Scrapy's start-up included) and pages/s over that wall time,
and pages/s between the first and the last fetch recorded in the ledgers; medians of ``repeat`` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from gongwen.crawlers.capture import read_ledger
from gongwen.crawlers.distributed import local_redis
from gongwen.crawlers.sampleweb.render import PAGES_DIR, Resource
from gongwen.crawlers.sampleweb.server import SampleWebServer

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = Path(sys.executable).parent / "scrapy"
SOURCE = "govcn"


def enlarged_pages(folder: Path, copies: int) -> Path:
    pages = folder / "pages"
    shutil.copytree(PAGES_DIR, pages)
    for page in sorted((pages / SOURCE).glob("*.toml")):
        text = page.read_text(encoding="utf-8")
        path = next(line for line in text.splitlines() if line.startswith("path = "))
        stem, dot, suffix = path.removeprefix('path = "').removesuffix('"').rpartition(".")
        for n in range(1, copies):
            copy = text.replace(path, f'path = "{stem}-{n}{dot}{suffix}"')
            (page.parent / f"{page.stem}-{n}.toml").write_text(copy, encoding="utf-8")
    return pages


def crawl(origin: str, workers: list[Path], crawl_id: str, redis: str = "") -> tuple[int, float, float]:
    """Run one process per captures folder at once; detail pages, wall seconds, fetching seconds."""
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [SCRAPY, "crawl", SOURCE],
            cwd=ROOT,
            env={
                **os.environ,
                "GONGWEN_REPLAY": origin,
                "GONGWEN_CAPTURES": str(folder),
                "GONGWEN_CRAWL_ID": crawl_id,
                "GONGWEN_REDIS_URL": redis,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for folder in workers
    ]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit(f"scrapy crawl failed ({process.returncode})")
    wall = time.monotonic() - started
    rows = [f for w in workers for f in read_ledger(w / SOURCE / f"{crawl_id}.fetches.jsonl")]
    times = [datetime.fromisoformat(f.fetched_at) for f in rows]
    details = {f.url for f in rows if f.kind == "detail" and f.outcome == "fetched"}
    return len(details), wall, (max(times) - min(times)).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=25)
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[0, 50])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, local_redis() as redis:
        server = SampleWebServer(pages_dir=enlarged_pages(Path(tmp), args.copies)).start()
        lookup = server.web.lookup
        print(f"sample web: {SOURCE} × {args.copies} copies; 2 cores; Scrapy defaults of replay mode")
        print(f"{'latency':>8} {'processes':>10} {'pages':>6} {'wall s':>7} {'pages/s':>8}", end="")
        print(f" {'fetching s':>11} {'pages/s':>8}")
        for latency in args.latency_ms:

            def slow(host: str, path: str, delay: float = latency / 1000) -> Resource | None:
                time.sleep(delay)
                return lookup(host, path)

            server.web.lookup = slow  # type: ignore[method-assign]
            for label, workers, url in (("1", ["alone"], ""), ("2 (Redis)", ["w1", "w2"], redis)):
                runs = []
                for run in range(args.repeat):
                    # fresh captures and crawl ids: an earlier crawl would make this one incremental
                    folders = [Path(tmp) / f"{latency}ms-{run}-{w}" for w in workers]
                    runs.append(crawl(server.origin, folders, f"bench-{latency}ms-{run}", url))
                pages = runs[0][0]
                wall = statistics.median(r[1] for r in runs)
                fetching = statistics.median(r[2] for r in runs)
                print(
                    f"{latency:>6}ms {label:>10} {pages:>6} {wall:>7.2f} {pages / wall:>8.1f}"
                    f" {fetching:>11.2f} {pages / fetching:>8.1f}"
                )
        server.stop()


if __name__ == "__main__":
    main()
