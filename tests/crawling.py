"""Running real crawls from tests: ``scrapy crawl`` (or ``runspider``) in a subprocess, over loopback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gongwen.crawlers.capture import Fetch, read_ledger
from tests.conftest import BIN, ROOT

FAULT_SPIDER = ROOT / "tests" / "faultweb.py"


def crawl_env(origin: str, captures: Path, crawl_id: str = "", **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "GONGWEN_REPLAY": origin,
        "GONGWEN_CAPTURES": str(captures),
        "GONGWEN_CRAWL_ID": crawl_id,
        **extra,
    }


def scrapy_command(spider: str, *settings: str) -> list[str]:
    """``scrapy crawl <source>``, or ``scrapy runspider`` for the fault site's spider."""
    command = ["runspider", str(FAULT_SPIDER)] if spider == "faults" else ["crawl", spider]
    options = [arg for setting in settings for arg in ("-s", setting)]
    return [str(BIN / "scrapy"), *command, *options]


def run_crawl(
    spider: str, origin: str, captures: Path, crawl_id: str = "", *settings: str, **env: str
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        scrapy_command(spider, *settings),
        cwd=ROOT,
        env=crawl_env(origin, captures, crawl_id, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def ledger(captures: Path, spider: str, crawl_id: str) -> list[Fetch]:
    return read_ledger(captures / spider / f"{crawl_id}.fetches.jsonl")
