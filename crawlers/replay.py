"""The offline switch: replay every real host from the sample web on loopback.

With ``GONGWEN_REPLAY=http://127.0.0.1:PORT`` in the environment, a request for
``https://www.gov.cn/zhengce/…`` is fetched over HTTP from ``http://127.0.0.1:PORT/www.gov.cn/zhengce/…``
and the response keeps the real URL. Spiders, middlewares, captures and the ledger see only real
URLs, so exactly the same code runs against the real sites and the sample web.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response


def replay_url(origin: str, url: str) -> str:
    """Where the sample web at ``origin`` serves ``url``."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{origin.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class ReplayDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, pointed at the sample web when the replay origin is set."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.origin: str = crawler.settings.get("GONGWEN_REPLAY", "")

    async def download_request(self, request: Request) -> Response:
        if not self.origin:
            return await super().download_request(request)
        local = request.replace(url=replay_url(self.origin, request.url))
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
