"""Scrapy settings for gongwen's crawlers. Overrides say Scrapy's default and the project template's."""

from __future__ import annotations

import os

from scrapy.settings import BaseSettings

BOT_NAME = "gongwen"
SPIDER_MODULES = ["gongwen.crawlers.spiders"]
NEWSPIDER_MODULE = "gongwen.crawlers.spiders"
# Sources without a spider module of their own get one made from crawlers/sources.toml.
SPIDER_LOADER_CLASS = "gongwen.crawlers.spiders.loader.RegistrySpiderLoader"

# Identify ourselves, with a page that says who we are and how to reach us.
GONGWEN_CONTACT_URL = os.environ.get("GONGWEN_CONTACT_URL", "https://gongwen.github.io/gongwen/about/")
USER_AGENT = f"gongwen/0.1 (open-data crawler of government notices; +{GONGWEN_CONTACT_URL})"

ROBOTSTXT_OBEY = True  # default False, template True
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # default 8, template 1: county sites are small servers
DOWNLOAD_DELAY = 1  # default 0, template 1
AUTOTHROTTLE_ENABLED = True  # default False
AUTOTHROTTLE_START_DELAY = 2.0  # default 5.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # default 1.0
DOWNLOAD_TIMEOUT = 60  # default 180: a government page that takes longer is down
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # default 1 GiB: no notice page is that large
RETRY_TIMES = 2  # default 2
# Retries wait (crawlers.resilience): Retry-After when the server sends it, else 2 s, 4 s, …;
# a server asking for more than GONGWEN_RETRY_MAX_DELAY seconds is not retried.
GONGWEN_RETRY_BACKOFF = 2.0
GONGWEN_RETRY_MAX_DELAY = 120.0
REDIRECT_MAX_TIMES = 5  # default 20: a loop ends sooner
FEED_EXPORT_ENCODING = "utf-8"  # default None (\u escapes in JSON), template "utf-8"
TELNETCONSOLE_ENABLED = False  # default True
LOG_LEVEL = os.environ.get("GONGWEN_LOG_LEVEL", "INFO")

DOWNLOAD_HANDLERS = {
    "http": "gongwen.crawlers.replay.ReplayDownloadHandler",
    "https": "gongwen.crawlers.replay.ReplayDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # After decompression (590) and before retries (550) see the response: every response
    # that reaches the spider, retried or not, is kept in the WARC file.
    "gongwen.crawlers.capture.WarcCaptureMiddleware": 580,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "gongwen.crawlers.resilience.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "gongwen.crawlers.resilience.LoopSafeRedirectMiddleware": 600,
}
ITEM_PIPELINES = {"gongwen.crawlers.capture.LedgerPipeline": 100}

# Where captures go: <GONGWEN_CAPTURES>/<source_id>/<crawl_id>.warc.gz and .fetches.jsonl
GONGWEN_CAPTURES = os.environ.get("GONGWEN_CAPTURES", "build/captures")
GONGWEN_CRAWL_ID = os.environ.get("GONGWEN_CRAWL_ID", "")  # default: the crawl's start time, UTC
# Where the earlier crawls that make a crawl incremental are read (default: GONGWEN_CAPTURES); a
# distributed crawl's processes point it at the merged captures (only the ledgers are read).
GONGWEN_PREVIOUS_CAPTURES = os.environ.get("GONGWEN_PREVIOUS_CAPTURES", "")

# The offline switch (crawlers.replay): the origin of the sample web, or empty for the real sites.
GONGWEN_REPLAY = os.environ.get("GONGWEN_REPLAY", "")

# Distributed crawls (crawlers.distributed): processes on one or several machines given the same
# GONGWEN_REDIS_URL and GONGWEN_CRAWL_ID share one request queue and one duplicate filter in Redis.
GONGWEN_REDIS_URL = os.environ.get("GONGWEN_REDIS_URL", "")

# What those two switch on (Switches, below) is decided when a crawl starts, from its own settings.
ADDONS = {"gongwen.crawlers.settings.Switches": 0}


class Switches:
    """Scrapy add-on: the settings that GONGWEN_REPLAY and GONGWEN_REDIS_URL switch on, in one place.

    Decided from the crawl's own settings however they were given: read from the environment by this
    module (``scrapy crawl``) or passed by ``gongwen crawl`` (pipelines.run), which never writes them
    into the environment, so that nothing is left over for the process's next crawl.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("GONGWEN_REPLAY"):
            # The sample web is on loopback: no need to be gentle with it.
            settings.setdict(
                {
                    "AUTOTHROTTLE_ENABLED": False,
                    "DOWNLOAD_DELAY": 0,
                    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                    "GONGWEN_RETRY_BACKOFF": 0.05,
                },
                priority="project",
            )
        if redis_url := settings.get("GONGWEN_REDIS_URL"):
            settings.setdict(
                {
                    "SCHEDULER": "gongwen.crawlers.distributed.RedisScheduler",
                    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                    "REDIS_URL": redis_url,
                },
                priority="project",
            )
