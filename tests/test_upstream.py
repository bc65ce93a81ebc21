"""crawlers/upstream.py's private attributes of Scrapy and scrapy-redis: still there, still doing what
gongwen relies on. A failure names the installed version: crawlers/upstream.py needs updating for it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
import redis
import scrapy
import scrapy_redis
from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.settings import Settings
from scrapy_redis.queue import PriorityQueue

from gongwen.crawlers.distributed import POLL_INTERVAL, local_redis
from gongwen.crawlers.upstream import decode_request, set_frozen
from tests.conftest import ROOT

SCRAPY = f"Scrapy {scrapy.__version__}"
SCRAPY_REDIS = f"scrapy-redis {scrapy_redis.__version__}"

# A crawl with nothing to fetch, kept open until the spider has been idle four times, on a scheduler
# that sets the engine's polling interval as crawlers.distributed's does: prints the longest wait
# between two of the engine's looks at its scheduler.
IDLE_CRAWL = textwrap.dedent(f"""
    import time
    from scrapy import Spider, signals
    from scrapy.core.scheduler import Scheduler
    from scrapy.crawler import CrawlerProcess
    from scrapy.exceptions import DontCloseSpider
    from gongwen.crawlers.upstream import poll_scheduler_every

    class PollingScheduler(Scheduler):
        def open(self, spider):
            poll_scheduler_every(self.crawler.engine, {POLL_INTERVAL})
            return super().open(spider)

    class Idle(Spider):
        name = "idle"
        looks = []

        @classmethod
        def from_crawler(cls, crawler):
            spider = super().from_crawler(crawler)
            crawler.signals.connect(spider.idle, signal=signals.spider_idle)
            return spider

        async def start(self):
            for _ in ():
                yield

        def idle(self):
            self.looks.append(time.monotonic())
            if len(self.looks) < 4:
                raise DontCloseSpider

    process = CrawlerProcess({{"SCHEDULER": "__main__.PollingScheduler", "LOG_LEVEL": "ERROR"}})
    process.crawl(Idle)
    process.start()
    print(max(b - a for a, b in zip(Idle.looks, Idle.looks[1:])))
""")


def test_the_engine_polls_its_scheduler_as_often_as_asked() -> None:
    default = getattr(ExecutionEngine, "_SLOT_HEARTBEAT_INTERVAL", None)
    assert isinstance(default, float), f"{SCRAPY}: ExecutionEngine._SLOT_HEARTBEAT_INTERVAL is gone"
    result = subprocess.run(
        [sys.executable, "-c", IDLE_CRAWL], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    longest = float(result.stdout.split()[-1])
    assert longest < 1.0, (
        f"{SCRAPY}: the engine waits {longest:.1f} s between looks at its scheduler, not the "
        f"{POLL_INTERVAL} s that poll_scheduler_every sets (its default: {default} s)"
    )


class Lister(Spider):
    name = "lister"

    def parse_list(self, response: object) -> None:
        """A callback, for the queue to store by name."""


def test_decoding_what_a_redis_queue_stored_gives_the_request_back() -> None:
    assert hasattr(PriorityQueue, "_decode_request"), f"{SCRAPY_REDIS}: PriorityQueue._decode_request is gone"
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    spider = Lister()
    request = Request(
        "https://www.gov.cn/zhengce/list?p=2",
        callback=spider.parse_list,
        priority=3,
        meta={"kind": "list"},
        headers={"If-None-Match": '"abc"'},
        dont_filter=True,
    )
    with local_redis() as url:
        server = redis.Redis.from_url(url)
        queue = PriorityQueue(server, spider, "test:%(spider)s:requests")
        queue.push(request)
        [stored] = server.zrange(queue.key, 0, 0)
        back = decode_request(queue, stored)
    seen = (back.url, back.callback, back.priority, back.meta, back.dont_filter)
    wanted = (request.url, spider.parse_list, 3, {"kind": "list"}, True)
    assert seen == wanted, f"{SCRAPY_REDIS}: decode_request no longer gives back what the queue stored"
    assert back.headers.get("If-None-Match") == b'"abc"', f"{SCRAPY_REDIS}: the request's headers are lost"


def test_a_setting_decided_once_the_settings_are_frozen() -> None:
    settings = Settings({"GONGWEN_CRAWL_ID": ""})
    settings.freeze()
    set_frozen(settings, "GONGWEN_CRAWL_ID", "20260101T000000Z")
    assert settings["GONGWEN_CRAWL_ID"] == "20260101T000000Z", f"{SCRAPY}: set_frozen no longer sets"
    assert settings.frozen, f"{SCRAPY}: set_frozen leaves the settings unfrozen"
    with pytest.raises(TypeError):
        settings.set("GONGWEN_CRAWL_ID", "")
