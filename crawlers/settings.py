"""Scrapy settings for gongwen's crawlers. Overrides say Scrapy's default and the project template's."""

from __future__ import annotations

import os

BOT_NAME = "gongwen"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

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
FEED_EXPORT_ENCODING = "utf-8"  # default None (\u escapes in JSON), template "utf-8"
TELNETCONSOLE_ENABLED = False  # default True
LOG_LEVEL = os.environ.get("GONGWEN_LOG_LEVEL", "INFO")

DOWNLOAD_HANDLERS = {
    "http": "crawlers.replay.ReplayDownloadHandler",
    "https": "crawlers.replay.ReplayDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    # After decompression (590) and before retries (550) see the response: every response
    # that reaches the spider, retried or not, is kept in the WARC file.
    "crawlers.capture.WarcCaptureMiddleware": 580,
}
ITEM_PIPELINES = {"crawlers.capture.LedgerPipeline": 100}

# Where captures go: <GONGWEN_CAPTURES>/<source_id>/<crawl_id>.warc.gz and .fetches.jsonl
GONGWEN_CAPTURES = os.environ.get("GONGWEN_CAPTURES", "build/captures")
GONGWEN_CRAWL_ID = os.environ.get("GONGWEN_CRAWL_ID", "")  # default: the crawl's start time, UTC

# The offline switch (crawlers.replay): the origin of the sample web, or empty for the real sites.
GONGWEN_REPLAY = os.environ.get("GONGWEN_REPLAY", "")
if GONGWEN_REPLAY:
    # The sample web is on loopback: no need to be gentle with it.
    AUTOTHROTTLE_ENABLED = False
    DOWNLOAD_DELAY = 0
    CONCURRENT_REQUESTS_PER_DOMAIN = 8
