"""The whole build at scale, stage by stage, against its floors: ``python -m bench.scale``.

    .venv/bin/python -m bench.scale [--notices 10000 100000] [--json F] [--markdown F] [--work DIR]

For each count, a synthetic corpus (bench/scale/corpus.py) is written as one night's captures, then
each stage runs in its own process, measured for wall and CPU seconds and peak memory:

  generate      the corpus, written by the crawl's own capture code (no crawl, no server)
  extract       extract + validate: every page of every source's latest crawl read, with the policy
                inside it (pipelines.read.resolve), and the readings kept (pipelines.read.readings)
  release       ``gongwen release`` after the extract stage: the readings loaded, the pages grouped
                into documents (dedupe), the version written and checked (pipelines.run.release)
  dedupe        pipelines.dedupe.dedupe alone over the pages read (their loading not timed)
  site          ``gongwen site``: mkdocs build --strict, generated pages, downloads, search index
and the floors and alternatives:
  floor-write   the released files written again with plain csv and json from rows in memory (the
                release's I/O floor)
  frictionless  ``frictionless validate`` on the released datapackage.json
  mkdocs-plain  mkdocs build of the same generated pages, material theme, no plugin, no hook
then the next night: 100 new notices, every other page unchanged (a 304 each):
  next-release  ``gongwen release`` on that crawl (reads the new pages only: pipelines.read.readings)
  next-site     ``gongwen site`` again

Wall seconds depend on what else runs on the machine: the 1-minute load average before and after
each stage is printed beside it (the stage itself adds up to 1, or 2 when it uses both cores). A
stage that fails (or needs more than --memory-gb in one process) is reported as failed, and the
run goes on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

from bench.scale.measure import Figure, measured, stage_command, tool
from bench.scale.report import command_line, markdown, print_table, write_json

STAGES = ("generate", "extract", "release", "dedupe", "floor-write", "frictionless", "site", "mkdocs-pages",
          "mkdocs-plain", "generate-next", "next-release", "next-site")


@dataclass(frozen=True)
class Run:
    seed: int
    new: int  # new notices in the next night's crawl
    memory_gb: float
    stages: Collection[str]


def run_count(notices: int, work: Path, run: Run) -> list[Figure]:
    """The stages at one count, in a fresh work folder (or, without generate, in the one that is there);
    prints each figure as it comes."""
    seed, new = run.seed, run.new
    if "generate" in run.stages:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    quiet = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    plain = work / "plain"

    def latest_package() -> str:
        version = (work / "dataset" / "latest").read_text(encoding="utf-8").strip()
        return str(work / "dataset" / version / "datapackage.json")

    steps: list[tuple[str, Callable[[], list[str]]]] = [
        ("generate", lambda: stage_command("generate", work, notices, seed)),
        ("extract", lambda: stage_command("extract", work)),
        ("release", lambda: stage_command("release", work, "keep")),
        ("dedupe", lambda: stage_command("dedupe", work)),
        ("floor-write", lambda: stage_command("floor_write", work)),
        ("frictionless", lambda: [tool("frictionless"), "validate", "--json", latest_package()]),
        ("site", lambda: stage_command("site", work)),
        ("mkdocs-pages", lambda: stage_command("mkdocs_pages", work)),
        ("mkdocs-plain", lambda: [sys.executable, "-m", "mkdocs", "build", "--quiet",
                                  "-f", str(plain / "mkdocs.yml")]),
        ("generate-next", lambda: stage_command("generate_next", work, new, seed)),
        ("next-release", lambda: stage_command("release", work, "keep")),
        ("next-site", lambda: stage_command("site", work)),
    ]
    figures = []
    for stage, command in (step for step in steps if step[0] in run.stages):
        figure = measured(notices, stage, command(), env=quiet, memory_gb=run.memory_gb)
        if stage == "frictionless" and not figure.failed:  # its report is long: keep the verdict
            figure = replace(figure, result={"valid": figure.result.get("valid")})
        print(f"{notices:>7} {stage:<14} {figure.wall_s:>8.1f} s {figure.cpu_s:>8.1f} CPU s "
              f"{figure.peak_mb:>8.0f} MB  load {figure.load[0]:.1f}→{figure.load[1]:.1f}  {figure.result}"
              f"  {figure.programs}", flush=True)
        figures.append(figure)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notices", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--new", type=int, default=100, help="new notices in the next night's crawl")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed)")
    parser.add_argument("--stages", type=lambda s: s.split(","), default=STAGES,
                        help="the stages to run, comma-separated (default: all; without generate, the "
                             "work folder of an earlier run is used)")
    parser.add_argument("--memory-gb", type=float, default=12,
                        help="most memory one process may map (RLIMIT_AS); a stage that needs more fails")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--markdown", type=Path, help="write the table and the targets as Markdown here")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="gongwen-scale-"))
    run = Run(args.seed, args.new, args.memory_gb, args.stages)
    figures: list[Figure] = []
    try:
        for count in args.notices:
            figures += run_count(count, root / str(count), run)
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    print_table(figures)
    if args.json:
        write_json(args.json, figures, command_line())
    if args.markdown:
        args.markdown.write_text(markdown(figures, [command_line()]), encoding="utf-8")


if __name__ == "__main__":
    main()
