"""Publish releases of 2,000 and 10,000 synthetic notices: seconds for a first version and for the next.

    .venv/bin/python -m bench.release_bench [COUNT ...]        (default: 2000 10000)

For each count: a first version of COUNT generated notices (bench/site_bench.py's generator:
realistic lengths, six sources), then a second build with 1% of them changed, 1% withdrawn and 1%
added (a MINOR version), then a third build with nothing changed (no version). Each line gives the
seconds of the whole ``publish`` (serialisation, change detection, Frictionless validation and the
atomic move) and the size of the version folder.
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.site_bench import synthetic_notice
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import Dataset, publish

ROOT = Path(__file__).resolve().parent.parent


def timed(dataset: Dataset, notices: list[Notice]) -> tuple[float, str, Path]:
    start = time.perf_counter()
    published = publish(dataset, notices)
    state = f"{published.version} ({published.bump})" if published.new else "nothing published"
    return time.perf_counter() - start, state, published.folder


def megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.iterdir()) / 1e6


def bench(count: int, tmp: Path) -> None:
    folder = tmp / str(count)
    folder.mkdir()
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", folder)
    dataset = Dataset.load(folder)
    rng = random.Random(count)
    notices = [synthetic_notice(rng, n) for n in range(count)]
    step = 100
    changed = [
        Notice.model_validate({**n.model_dump(), "title": n.title + "（修订）"}) if i % step == 0 else n
        for i, n in enumerate(notices)
        if i % step != 1
    ]
    changed += [synthetic_notice(rng, count + n) for n in range(count // step)]
    for label, batch in (("first", notices), ("1% changed", changed), ("again", changed)):
        seconds, state, version = timed(dataset, batch)
        print(f"{count:>6} notices  {label:<11} {seconds:6.1f} s  {state:<18} {megabytes(version):6.1f} MB")


def main(argv: list[str]) -> None:
    counts = [int(a) for a in argv] or [2000, 10000]
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            bench(count, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
