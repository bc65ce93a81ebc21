"""What gongwen still needs of Scrapy's and scrapy-redis's private attributes, in one place.

Nothing else in crawlers/ or pipelines/ touches a private attribute of either. Each use is a function
named for what it does; tests/test_upstream.py fails, naming the installed version, when an upgrade
renames one of these attributes or changes what it does.

crawlers.capture imports this module, which makes it part of the code whose fingerprint stamps the
pages' readings (pipelines.fingerprint): it does not import scrapy-redis, so that upgrading scrapy-redis
does not make every page be read again.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.core.engine import ExecutionEngine
from scrapy.settings import BaseSettings


def poll_scheduler_every(engine: ExecutionEngine, seconds: float) -> None:
    """Make the engine ask its scheduler for requests every ``seconds`` while it has none (Scrapy's
    default: 5 s). Takes effect when the engine starts, after the scheduler opens."""
    engine._SLOT_HEARTBEAT_INTERVAL = seconds  # noqa: SLF001


def decode_request(queue: Any, data: bytes) -> Request:
    """The request that a scrapy-redis queue (scrapy_redis.queue) stored as ``data``, in its own format."""
    request: Request = queue._decode_request(data)  # noqa: SLF001
    return request


def set_frozen(settings: BaseSettings, name: str, value: object) -> None:
    """Set ``name`` in settings that Scrapy has frozen (a value decided only once the crawl runs)."""
    settings.frozen = False
    try:
        settings.set(name, value)
    finally:
        settings.frozen = True
