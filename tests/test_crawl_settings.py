"""`gongwen crawl` passes a crawl's settings as arguments (pipelines.run.crawl_settings), never through the
environment, and the crawl gets the settings that `scrapy crawl` gets from the environment variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

# The settings a crawler runs with, once its add-ons (crawlers.settings.Switches) have decided theirs.
EFFECTIVE = """
import json
from scrapy import Spider
from scrapy.crawler import Crawler

def effective(settings):
    crawler = Crawler(Spider, settings)
    crawler.addons.load_settings(crawler.settings)
    return json.dumps(crawler.settings.copy_to_dict(), default=repr, sort_keys=True)
"""

# How `gongwen crawl` made its settings before: the environment written, then the project's settings.
FROM_ENVIRONMENT = EFFECTIVE + """
import sys
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
settings.set("LOG_FILE", sys.argv[1])
settings.set("LOG_FILE_APPEND", value=False)
print(effective(settings))
"""

# pipelines.run.crawl_settings, for each job in turn in one process (as a process that crawls several
# times would), in an environment that names other settings.
AS_ARGUMENTS = EFFECTIVE + """
import sys
from pathlib import Path
from gongwen.pipelines.run import Job, Workdir, crawl_settings

for workdir, replay, crawl_id, redis, previous in json.loads(sys.argv[1]):
    print(effective(crawl_settings(Workdir(Path(workdir)), replay, Job(crawl_id, redis, previous))))
"""

JOBS = [
    ("build", "http://127.0.0.1:8765", "20260105T020000Z", "redis://10.0.0.5:6379/0", "merged/captures"),
    ("build-2", "", "20260106T020000Z", "", ""),
]


def _run(script: str, *args: str, env: dict[str, str], cwd: Path) -> list[dict[str, Any]]:
    command = [sys.executable, "-c", textwrap.dedent(script), *args]
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=cwd, timeout=60)
    settings: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    for found in settings:
        found.pop("SETTINGS_MODULE", None)  # where get_project_settings found them: nothing reads it
    return settings


def _environment(workdir: str, replay: str, crawl_id: str, redis: str, previous: str) -> dict[str, str]:
    """The environment that pipelines.run wrote before it passed settings as arguments."""
    return {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "gongwen.crawlers.settings",
        "GONGWEN_REPLAY": replay,
        "GONGWEN_CAPTURES": str(Path(workdir) / "captures"),
        "GONGWEN_CRAWL_ID": crawl_id,
        "GONGWEN_REDIS_URL": redis,
        "GONGWEN_PREVIOUS_CAPTURES": previous,
    }


def test_crawl_settings_are_what_the_environment_gave_with_nothing_left_for_the_next_crawl(
    tmp_path: Path,
) -> None:
    before = [
        _run(FROM_ENVIRONMENT, str(Path(job[0]) / "crawl.log"), env=_environment(*job), cwd=tmp_path)[0]
        for job in JOBS
    ]
    other = _environment("elsewhere", "http://127.0.0.1:1", "19990101T000000Z", "redis://other:6379/0", "old")
    now = _run(AS_ARGUMENTS, json.dumps(JOBS), env=other, cwd=tmp_path)
    assert now == before
    assert before[0]["SCHEDULER"] == "gongwen.crawlers.distributed.RedisScheduler"
    assert before[0]["AUTOTHROTTLE_ENABLED"] is False
    assert before[1]["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    assert before[1]["AUTOTHROTTLE_ENABLED"] is True

