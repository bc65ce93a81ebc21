"""Fault tolerance: retries spaced out as servers ask, redirect loops that end, a reason for every failure.

Government sites answer 429 and 5xx, time out and drop connections. A retry waits: the server's
``Retry-After`` when it sends one, else an exponential backoff (``GONGWEN_RETRY_BACKOFF`` × 2ⁿ); a
server that asks for more than ``GONGWEN_RETRY_MAX_DELAY`` seconds is not retried. Whatever fails in
the end becomes one failed ledger row with a short reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import sleep
from scrapy.utils.url import url_is_from_any_domain
from twisted.python.failure import Failure


def asked_url(request: Request | None, url: str) -> str:
    """The URL the spider asked for, before any redirect (``url`` without a request): the ledger's key."""
    redirects: list[str] = request.meta.get("redirect_urls", []) if request is not None else []
    return redirects[0] if redirects else url


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds (it is a number of seconds or an HTTP date), or None."""
    text = (value or b"").decode("latin-1").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), each after a wait."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.backoff = crawler.settings.getfloat("GONGWEN_RETRY_BACKOFF", 2.0)
        self.max_delay = crawler.settings.getfloat("GONGWEN_RETRY_MAX_DELAY", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        delay: float = request.meta.pop("retry_delay", 0.0)
        if delay > 0:
            await sleep(delay)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None  # noqa: ARG002 (the supertype's signature)
    ) -> Request | Response:
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None and asked > self.max_delay and response.status in self.retry_http_codes:
            request.meta["retry_note"] = f"Retry-After {asked:.0f} s, more than we wait"
            return response
        result = super().process_response(request=request, response=response)
        if isinstance(result, Request):
            self._space(result, asked)
        return result

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None  # noqa: ARG002 (the supertype's signature)
    ) -> Request | Response | None:
        result = super().process_exception(request=request, exception=exception)
        if isinstance(result, Request):
            self._space(result, None)
        return result

    def _space(self, retry: Request, asked: float | None) -> None:
        backoff = self.backoff * 2 ** (retry.meta.get("retry_times", 1) - 1)
        retry.meta["retry_delay"] = min(self.max_delay, asked if asked is not None else backoff)


class LoopSafeRedirectMiddleware(RedirectMiddleware):
    """Redirects bypass the duplicate filter, so that a redirect loop ends in the ledger as "max
    redirections reached" (REDIRECT_MAX_TIMES) instead of vanishing as a duplicate request. That
    also bypasses the off-site check: so every hop is checked here against the spider's allowed
    hosts, and a hop elsewhere ends the request as failed, with where it led."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None  # noqa: ARG002 (the supertype's signature)
    ) -> Request | Response:
        result = super().process_response(request=request, response=response)
        if isinstance(result, Request):
            allowed = getattr(self.crawler.spider, "allowed_domains", None)
            if allowed and not url_is_from_any_domain(result.url, allowed):
                host = urlsplit(result.url).hostname or result.url
                raise IgnoreRequest(f"redirected off-site to {host}")
            result = result.replace(dont_filter=True)
        return result


def failure_reason(failure: Failure) -> tuple[int | None, str]:
    """The HTTP status, if any, and a short reason for a request that failed for good."""
    error = failure.value
    request: Request = failure.request  # type: ignore[attr-defined]
    status: int | None = None
    if isinstance(error, HttpError):
        status = error.response.status
        reason = f"HTTP {status}"
    elif isinstance(error, IgnoreRequest):
        reason = str(error) or "request ignored"
    else:
        message = failure.getErrorMessage().strip()
        reason = f"{type(error).__name__}: {message}" if message else type(error).__name__
    notes = [request.meta["retry_note"]] if "retry_note" in request.meta else []
    if request.meta.get("retry_times"):
        notes.append(f"gave up after {request.meta['retry_times']} retries")
    return status, f"{reason} ({'; '.join(notes)})" if notes else reason
