"""The whole job: crawl → release → site, each step also callable on its own."""

from __future__ import annotations

import os
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
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawlers.capture import Fetch
from crawlers.registry import Source, load_sources
from crawlers.sampleweb.render import PAGES_DIR
from crawlers.sampleweb.server import SampleWebServer
from pipelines.captures import latest_crawl
from pipelines.ledger import Counts, Outcome, resolve, write_ledger
from pipelines.notice import Notice
from pipelines.release import DATASETS, Dataset, Published, publish
from pipelines.schema import ROOT

console = Console(stderr=True)


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
    def crawl_log(self) -> Path:
        return self.root / "crawl.log"


@contextmanager
def sample_web(port: int = 0, pages_dir: Path = PAGES_DIR) -> Iterator[str]:
    """Serve the sample web on 127.0.0.1 for the duration; yields its origin."""
    server = SampleWebServer(port, pages_dir).start()
    try:
        yield server.origin
    finally:
        server.stop()


def crawl(sources: list[Source], workdir: Workdir, replay: str) -> None:
    """Crawl the sources in this process, with one progress bar per source.

    The crawler's settings are read from crawlers.settings, which takes the replay origin, the
    captures folder and the crawl id from the environment, as ``scrapy crawl`` does.
    """
    os.environ["SCRAPY_SETTINGS_MODULE"] = "crawlers.settings"
    os.environ["GONGWEN_REPLAY"] = replay
    os.environ["GONGWEN_CAPTURES"] = str(workdir.captures)
    os.environ["GONGWEN_CRAWL_ID"] = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    settings = get_project_settings()
    workdir.root.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(workdir.crawl_log))
    settings.set("LOG_FILE_APPEND", value=False)
    process = CrawlerProcess(settings)
    handlers: list[object] = []  # Scrapy holds signal handlers weakly: keep them alive here
    columns = (
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
    )
    with Progress(*columns, console=console) as progress:
        for source in sources:
            task = progress.add_task(source.id, total=None, failed=0)
            crawler = process.create_crawler(source.id)

            def on_item(item: object, task: TaskID = task) -> None:
                if isinstance(item, Fetch):
                    failed = int(item.outcome == "failed")
                    done = progress.tasks[task].completed + 1
                    failures = progress.tasks[task].fields["failed"] + failed
                    progress.update(task, completed=done, failed=failures)

            def on_close(task: TaskID = task) -> None:
                progress.update(task, total=progress.tasks[task].completed)

            handlers += [on_item, on_close]
            crawler.signals.connect(on_item, signal=signals.item_scraped)
            crawler.signals.connect(on_close, signal=signals.spider_closed)
            process.crawl(crawler)
        process.start()


def read_captures(sources: list[Source], workdir: Workdir) -> tuple[list[Notice], list[Outcome]]:
    """The latest crawl of every source, read into notices and ledger outcomes."""
    notices: list[Notice] = []
    outcomes: list[Outcome] = []
    for source in sources:
        found = latest_crawl(workdir.captures, source.id)
        if found is None:
            console.print(f"[yellow]no crawl of {source.id} in {workdir.captures}[/]")
            continue
        got, seen = resolve(found)
        notices += got
        outcomes += seen
    return notices, outcomes


def release(sources: list[Source], workdir: Workdir, dataset_folder: Path) -> tuple[Published, Counts]:
    notices, outcomes = read_captures(sources, workdir)
    write_ledger(workdir.ledger, outcomes)
    counts = Counts.of(outcomes)
    if not notices:
        raise SystemExit(f"no notices to release: {counts.summary()}")
    return publish(Dataset.load(dataset_folder), notices), counts


def build_site(workdir: Workdir, dataset_folder: Path) -> Path:
    quiet = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}  # banners about MkDocs 2
    env = {**os.environ, "GONGWEN_DATASET": str(dataset_folder.resolve()), **quiet}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    command += ["-f", str(ROOT / "mkdocs.yml"), "-d", str(workdir.site.resolve())]
    subprocess.run(command, check=True, env=env)  # noqa: S603 (our own command line)
    return workdir.site


def _shown(path: Path) -> Path:
    """A path as a person would type it: relative to the current folder when inside it."""
    resolved = path.resolve()
    return resolved.relative_to(Path.cwd()) if resolved.is_relative_to(Path.cwd()) else resolved


def crawl_sources(
    sources: list[Source], workdir: Workdir, *, live: bool, pages_dir: Path = PAGES_DIR
) -> None:
    """Crawl the real sites when live, else the sample web rendered from ``pages_dir``."""
    if live:
        crawl(sources, workdir, replay="")
    else:
        with sample_web(pages_dir=pages_dir) as origin:
            crawl(sources, workdir, replay=origin)


def run(
    workdir: Workdir,
    *,
    live: bool = False,
    dataset_folder: Path = DATASETS / "notices",
    pages_dir: Path = PAGES_DIR,
) -> Counts:
    """Crawl every source (the sample web unless live), release, build the site; print where."""
    sources = load_sources()
    console.rule("crawl" + (" (live sites)" if live else " (sample web on 127.0.0.1)"))
    crawl_sources(sources, workdir, live=live, pages_dir=pages_dir)
    console.rule("release")
    published, counts = release(sources, workdir, dataset_folder)
    console.rule("site")
    site = build_site(workdir, dataset_folder)
    state = "new version" if published.new else "unchanged, nothing published"
    print(f"release:  {_shown(published.folder)} ({published.version}, {state})")
    print(f"site:     {_shown(site)}/index.html  (serve it: python -m http.server -d {_shown(site)})")
    print(f"ledger:   {_shown(workdir.ledger)}")
    print(f"counts:   {counts.summary()}")
    return counts
