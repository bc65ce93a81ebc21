"""The whole job: crawl → release → site, each step also callable on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from gongwen.crawlers.capture import Fetch
from gongwen.crawlers.registry import Source, load_sources
from gongwen.pipelines.collector import rare_collections
from gongwen.pipelines.ledger import Counts, write_ledger
from gongwen.pipelines.read.resolve import SourceCrawl, read_source
from gongwen.pipelines.read.warc import latest_crawl
from gongwen.pipelines.release import DATASETS, Dataset, GateClosed, Published, release_crawls
from gongwen.pipelines.schema import ROOT

console = Console(stderr=True)
SETTINGS_MODULE = "gongwen.crawlers.settings"  # the Scrapy project's settings, as scrapy.cfg names them


@dataclass(frozen=True)
class Workdir:
    """Where a run writes what is not a release: captures, the ledger, logs, the built site."""

    root: Path

    @property
    def captures(self) -> Path:
        return self.root / "captures"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger.csv"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def checks(self) -> Path:
        """Each source's last check (gongwen sources check)."""
        return self.root / "checks.json"

    @property
    def crawl_log(self) -> Path:
        return self.root / "crawl.log"


@contextmanager
def sample_web(port: int = 0, pages_dir: Path | None = None) -> Iterator[str]:
    """Serve the sample web (from ``pages_dir``, default its own pages) on 127.0.0.1 for the duration;
    yields its origin. Imported here: only the commands that crawl it load it."""
    from gongwen.crawlers.sampleweb.render import PAGES_DIR  # noqa: PLC0415
    from gongwen.crawlers.sampleweb.server import SampleWebServer  # noqa: PLC0415

    server = SampleWebServer(port, pages_dir or PAGES_DIR).start()
    try:
        yield server.origin
    finally:
        server.stop()


@dataclass(frozen=True)
class Job:
    """Which crawl this process takes part in.

    ``crawl_id`` defaults to the start time; an id already in the captures resumes that crawl. With
    ``redis``, every process given the same crawl id shares it (crawlers.distributed), and reads the
    earlier crawls it compares with from ``previous`` (the merged captures), not its own captures.
    """

    crawl_id: str = ""
    redis: str = ""
    previous: str = ""


def crawl_settings(workdir: Workdir, replay: str, job: Job) -> Settings:
    """The crawl's Scrapy settings: the project's (crawlers.settings), with the replay origin, the
    captures folder, the crawl id, the Redis URL and the earlier captures given as settings, where
    ``scrapy crawl`` takes them from the environment. What they switch on is decided from them when
    the crawl starts (crawlers.settings.Switches), as it is for ``scrapy crawl``."""
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    given = {
        "GONGWEN_REPLAY": replay,
        "GONGWEN_CAPTURES": str(workdir.captures),
        "GONGWEN_CRAWL_ID": job.crawl_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "GONGWEN_REDIS_URL": job.redis,
        "GONGWEN_PREVIOUS_CAPTURES": job.previous,
        "LOG_FILE": str(workdir.crawl_log),
        "LOG_FILE_APPEND": False,
    }
    settings.setdict(given, priority="project")
    return settings


def crawl(sources: list[Source], workdir: Workdir, replay: str, job: Job = Job()) -> None:
    """Crawl the sources in this process, with one progress bar per source."""
    settings = crawl_settings(workdir, replay, job)
    workdir.root.mkdir(parents=True, exist_ok=True)
    process = CrawlerProcess(settings)
    handlers: list[object] = []  # Scrapy holds signal handlers weakly: keep them alive here
    columns = (
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TextColumn("{task.fields[changes]}"),
    )
    with Progress(*columns, console=console) as progress:
        for source in sources:
            task = progress.add_task(source.id, total=None, failed=0, changes="")
            crawler = process.create_crawler(source.id)

            def on_item(item: object, task: TaskID = task, crawler: Crawler = crawler) -> None:
                if isinstance(item, Fetch):
                    failed = int(item.outcome == "failed")
                    done = progress.tasks[task].completed + 1
                    failures = progress.tasks[task].fields["failed"] + failed
                    progress.update(task, completed=done, failed=failures, changes=_changes(crawler))

            def on_close(task: TaskID = task) -> None:
                progress.update(task, total=progress.tasks[task].completed)

            handlers += [on_item, on_close]
            crawler.signals.connect(on_item, signal=signals.item_scraped)
            crawler.signals.connect(on_close, signal=signals.spider_closed)
            process.crawl(crawler)
        process.start()


def _changes(crawler: Crawler) -> str:
    """How many detail pages were new, changed and unchanged since the earlier crawls."""
    counts = {c: crawler.stats.get_value(f"gongwen/detail/{c}", 0) for c in ("new", "changed", "unchanged")}
    return " · ".join(f"{n} {change}" for change, n in counts.items())


def latest_crawl_id(sources: list[Source], workdir: Workdir) -> str:
    """The id of the newest crawl of any of the sources (to resume it), or "" when there is none."""
    found = [c.crawl_id for s in sources if (c := latest_crawl(workdir.captures, s.id)) is not None]
    return max(found, default="")


def read_captures(sources: list[Source], workdir: Workdir) -> list[SourceCrawl]:
    """The latest crawl of every source, read into notices and ledger outcomes."""
    crawls = [read_source(workdir.captures, source) for source in sources]
    for missing in (c for c in crawls if c.crawl_id is None):
        console.print(f"[yellow]no crawl of {missing.source.id} in {workdir.captures}[/]")
    return crawls


def release(
    sources: list[Source], workdir: Workdir, dataset_folder: Path, *, force: bool = False
) -> tuple[Published, Counts]:
    """Publish the latest crawls of the dataset's sources, unless the publish gate closes (exit 1).

    The pages read live until the release ends: the cycle collector runs rarely meanwhile, and once
    they are read it no longer walks them (100,000 notices) each time the release makes more objects."""
    dataset = Dataset.load(dataset_folder)
    with rare_collections() as settle:
        crawls = read_captures([s for s in sources if s.id in dataset.source_ids], workdir)
        settle()
        outcomes = [o for c in crawls for o in c.outcomes]
        write_ledger(workdir.ledger, outcomes)
        counts = Counts.of(outcomes)
        try:
            published = release_crawls(dataset, crawls, force=force)
        except GateClosed as closed:
            for problem in closed.problems:
                console.print(f"[bold red]publish gate:[/] {problem}", soft_wrap=True)
            log = _shown(dataset.log_path)
            message = f"no version published, latest unchanged (logged in {log}; --force publishes anyway)"
            raise SystemExit(message) from closed
    for problem in published.forced:
        console.print(f"[bold red]FORCED past the publish gate:[/] {problem}", soft_wrap=True)
    return published, counts


def build_site(workdir: Workdir, dataset_folder: Path) -> Path:
    """Build the site into the folder beside ``workdir.site`` that it does not point to, then point it
    there: a build that fails or is killed leaves the site served as it was."""
    quiet = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}  # banners about MkDocs 2
    # The release to show, and each source's last check (gongwen sources check) for the sources page.
    given = {
        "GONGWEN_DATASET": str(dataset_folder.resolve()),
        "GONGWEN_CHECKS": str(workdir.checks.resolve()),
    }
    env = {**os.environ, **given, **quiet}
    built = unserved_folder(workdir.site)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    command += ["-f", str(ROOT / "mkdocs.yml"), "-d", str(built.resolve())]
    subprocess.run(command, check=True, env=env)  # noqa: S603 (our own command line)
    serve(workdir.site, built)
    return workdir.site


def unserved_folder(site: Path) -> Path:
    """Of the two folders a site is built in (``.site-a``, ``.site-b`` beside it), the one ``site``
    does not point to. It holds the site of the build before last, which the next build changes only
    where it differs (pipelines/site/page_cache.py)."""
    first, second = _site_folders(site)
    served = site.readlink().name if site.is_symlink() else ""
    return second if served == first.name else first


def serve(site: Path, built: Path) -> None:
    """``site`` becomes a symbolic link to ``built`` (one of its two folders) in one rename: whoever
    reads the site sees the last complete build, never a half one. A site folder from before builds
    were swapped becomes the other folder."""
    if site.is_dir() and not site.is_symlink():
        first, second = _site_folders(site)
        other = second if built == first else first
        shutil.rmtree(other, ignore_errors=True)
        site.rename(other)
    pointer = site.with_name(f".{site.name}.pointer")
    pointer.unlink(missing_ok=True)
    pointer.symlink_to(built.name, target_is_directory=True)
    pointer.replace(site)


def _site_folders(site: Path) -> tuple[Path, Path]:
    first, second = (site.with_name(f".{site.name}-{letter}") for letter in "ab")
    return first, second


def _shown(path: Path) -> Path:
    """A path as a person would type it: relative to the current folder when inside it, its symbolic
    links kept (build/site, not the folder it points to now)."""
    absolute = Path(os.path.abspath(path))  # noqa: PTH100 (Path.absolute keeps "..")
    return absolute.relative_to(Path.cwd()) if absolute.is_relative_to(Path.cwd()) else absolute


def replicated(sources: list[Source], doing: str = "crawl") -> list[Source]:
    """The sources the sample web replays; how many are on the real web only is said, not passed over."""
    from gongwen.crawlers.sampleweb import render  # noqa: PLC0415 (only offline commands load it)

    offline = render.replicated(sources)
    if left := len(sources) - len(offline):
        console.print(f"{left} of {len(sources)} sources are on the real web only ({doing} them with --live)")
    return offline


def crawl_sources(
    sources: list[Source],
    workdir: Workdir,
    *,
    live: bool,
    pages_dir: Path | None = None,
    job: Job = Job(),
) -> list[Source]:
    """Crawl the real sites when live, else those of the sources the sample web replays, rendered from
    ``pages_dir`` (default: its own pages); returns the sources crawled."""
    if live:
        crawl(sources, workdir, replay="", job=job)
        return sources
    offline = replicated(sources)
    with sample_web(pages_dir=pages_dir) as origin:
        crawl(offline, workdir, replay=origin, job=job)
    return offline


def crawled_sources(workdir: Workdir) -> list[Source]:
    """The sources of the registry that have a crawl in the workdir's captures."""
    return [s for s in load_sources() if latest_crawl(workdir.captures, s.id) is not None]


def run(
    workdir: Workdir,
    *,
    live: bool = False,
    dataset_folder: Path = DATASETS / "notices",
    pages_dir: Path | None = None,
    force: bool = False,
) -> Counts:
    """Crawl every source (those the sample web replays, unless live), release, build the site; print
    where."""
    console.rule("crawl" + (" (live sites)" if live else " (sample web on 127.0.0.1)"))
    sources = crawl_sources(load_sources(), workdir, live=live, pages_dir=pages_dir)
    console.rule("release")
    published, counts = release(sources, workdir, dataset_folder, force=force)
    console.rule("site")
    site = build_site(workdir, dataset_folder)
    state = "new version" if published.new else "unchanged, nothing published"
    print(f"release:  {_shown(published.folder)} ({published.version}, {state})")
    print(f"site:     {_shown(site)}/index.html  (serve it: python -m http.server -d {_shown(site)})")
    print(f"ledger:   {_shown(workdir.ledger)}")
    print(f"counts:   {counts.summary()}")
    return counts
