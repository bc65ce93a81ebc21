"""Distributed crawls: several crawler processes, on one or several machines, share one crawl in Redis.

Every process runs the same spiders with the same ``GONGWEN_REDIS_URL`` and ``GONGWEN_CRAWL_ID``.
They share scrapy-redis's request queue and duplicate filter, under keys named after the crawl id
and the spider, so each URL is fetched once by whichever process pops it. A process whose queue is
empty waits while another one still works (its pages may bring new links), and all stop together
when the queue is empty and nobody is working. Each process writes its own captures
(``GONGWEN_CAPTURES``); crawlers.merge joins them before a release.

scrapy-redis 0.9.1 predates Scrapy's async ``start()``; its ``Scheduler`` and ``RFPDupeFilter`` work
with Scrapy 2.19 as they are, while its ``RedisSpider`` (start URLs pushed into Redis, workers that
never stop) does not fit spiders that start from crawlers/sources.toml and a crawl that ends. This
subclass scopes the keys by crawl, keeps them when one process stops (scrapy-redis would flush
them under the others' feet), and decides together when the crawl is over.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from gongwen.crawlers.upstream import decode_request, poll_scheduler_every

# A process that has not popped a request for this long is taken for dead (killed, machine down).
STALE_AFTER = 120.0
# How long the crawl's keys outlive it: enough to resume or inspect it, no more.
KEYS_TTL = 7 * 24 * 3600
# How often a waiting process looks at the queue again (Scrapy's engine polls every 5 s).
POLL_INTERVAL = 0.1


# Take the request with the best priority from scrapy-redis's PriorityQueue (a sorted set) and, in
# the same step, mark this process as working, so that no other process can see an empty queue and
# nobody working while this one holds the last request.
_POP_AND_MARK = """
local found = redis.call('zrange', KEYS[1], 0, 0)
if #found > 0 then
  redis.call('zremrangebyrank', KEYS[1], 0, 0)
  redis.call('zadd', KEYS[2], ARGV[1], ARGV[2])
end
return found
"""


class RedisScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis is untyped
    """scrapy-redis's scheduler, for one crawl shared by several processes until its end."""

    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        crawl = crawler.settings.get("GONGWEN_CRAWL_ID", "")
        if not crawl:
            raise ValueError("a distributed crawl needs GONGWEN_CRAWL_ID, the same in every process")
        scheduler: Self = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.queue_key = f"gongwen:{crawl}:%(spider)s:requests"
        scheduler.dupefilter_key = f"gongwen:{crawl}:%(spider)s:seen"
        return scheduler

    def open(self, spider: Spider) -> None:
        key = self.dupefilter_key % {"spider": spider.name}
        self.df = RFPDupeFilter(self.server, key=key, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        super().open(spider)
        if not isinstance(self.queue, PriorityQueue):
            raise TypeError("RedisScheduler needs scrapy_redis.queue.PriorityQueue (SCHEDULER_QUEUE_CLASS)")
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.busy_key = f"{self.queue.key}:busy"
        self.pop_and_mark = self.server.register_script(_POP_AND_MARK)
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        # Scrapy's engine looks again at a scheduler that had nothing only every 5 s; look more often,
        # so that a waiting process picks up at once the links another one has just found.
        poll_scheduler_every(self.crawler.engine, POLL_INTERVAL)

    def close(self, reason: str) -> None:  # noqa: ARG002 (Scrapy's signature)
        """Keep the queue and the seen requests for the other processes; let Redis drop them later."""
        self.server.zrem(self.busy_key, self.worker)
        for key in (self.queue.key, self.df.key, self.busy_key):
            self.server.expire(key, KEYS_TTL)

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self.crawler.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        found = self.pop_and_mark(keys=[self.queue.key, self.busy_key], args=[time.time(), self.worker])
        if not found:
            return None
        self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return decode_request(self.queue, found[0])

    def spider_idle(self) -> None:
        """This process has nothing left to do: stop, unless another one may still add requests."""
        self.server.zrem(self.busy_key, self.worker)
        if len(self.queue) or self.server.zcount(self.busy_key, time.time() - STALE_AFTER, "+inf"):
            raise DontCloseSpider


@contextmanager
def local_redis() -> Iterator[str]:
    """A private redis-server on a free loopback port, nothing saved to disk; yields its URL.

    For trying a distributed crawl on one machine, for the tests and the benchmark.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed command line)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait()
