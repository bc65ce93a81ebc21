"""Every source of crawlers/sources.toml has a spider: its own module's, where a site needs one, else
one made from the registry entry (the family's navigation does the rest)."""

from __future__ import annotations

from functools import cache

from scrapy import Spider
from scrapy.spiderloader import SpiderLoader

from gongwen.crawlers.registry import get_source, load_sources
from gongwen.crawlers.spiders.base import NoticeSpider


@cache
def configured_spider(source_id: str) -> type[NoticeSpider]:
    """The spider of a source that has no module of its own (KeyError for an unknown source)."""
    source = get_source(source_id)
    doc = f"{source.name}: navigated as the {source.family} family says (crawlers/sources.toml)."
    return type(
        f"Configured_{source_id}",
        (NoticeSpider,),
        {"name": source_id, "__doc__": doc, "__module__": __name__},
    )


class RegistrySpiderLoader(SpiderLoader):
    """Scrapy's loader (spiders in SPIDER_MODULES), with a configured spider for every other source."""

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return super().load(spider_name)
        except KeyError:
            return configured_spider(spider_name)

    def list(self) -> list[str]:
        return sorted({*super().list(), *(s.id for s in load_sources())})
