"""The source registry and its spiders: every source declared has a spider that starts at its real URLs."""

from __future__ import annotations

import asyncio
import subprocess

import pytest
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings

from gongwen.crawlers.registry import load_sources
from gongwen.crawlers.spiders.base import NoticeSpider
from tests.conftest import BIN, ROOT

SOURCE_IDS = [s.id for s in load_sources()]


def test_scrapy_list_names_every_source() -> None:
    listed = subprocess.run([BIN / "scrapy", "list"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert listed.stdout.split() == sorted(SOURCE_IDS)


def test_registry_declares_what_operators_need() -> None:
    sources = load_sources()
    assert len(sources) >= 6
    for source in sources:
        assert source.name
        assert source.region
        assert source.terms
        assert source.expected_min > 0
        assert all(u.startswith(("http://", "https://")) for u in source.start_urls)


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_spider_starts_at_the_real_start_urls(source_id: str) -> None:
    settings = get_project_settings()
    spider_cls = get_spider_loader(settings).load(source_id)
    assert issubclass(spider_cls, NoticeSpider)
    spider = spider_cls()

    async def first_requests() -> list[str]:
        return [r.url async for r in spider.start()]

    source = next(s for s in load_sources() if s.id == source_id)
    assert asyncio.run(first_requests()) == source.start_urls
