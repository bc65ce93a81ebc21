"""A hostile little site on loopback, and a spider for it: every way a government site fails.

The site is ``http://faults.gongwen.test`` (``.test`` never resolves); crawls reach it through the
replay switch (``GONGWEN_REPLAY``), like the sample web. ``scrapy runspider tests/faultweb.py`` runs
``FaultSpider`` with the project's settings. The server logs every request it answers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gongwen.crawlers.registry import Source
from gongwen.crawlers.spiders.base import NoticeSpider

HOST = "faults.gongwen.test"
SITE = f"http://{HOST}"
HUGE = 20 * 1024 * 1024
MODIFIED = 1_700_000_000.0  # Last-Modified of /d/lastmod.html


def _page(title: str, body: str = "", links: list[str] | None = None, next_url: str | None = None) -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links or [])
    more = f'<a class="next" href="{next_url}">下一页</a>' if next_url else ""
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p>"
    return (html + f'<ul class="list">{items}</ul>{more}</body></html>').encode()


NOTICE = "关于做好安全生产工作的通知"
DETAILS = {
    "/d/ok.html": "an ordinary page",
    "/d/500.html": "always 500",
    "/d/429.html": "429 with Retry-After: 1, then the page",
    "/d/503-once.html": "503 without Retry-After, then the page",
    "/d/slow.html": "never answers within the download timeout",
    "/d/cut.html": "closes the connection mid-body",
    "/d/loop.html": "redirects to /d/loop-2.html, which redirects back",
    "/d/offsite.html": "redirects to a page of another host",
    "/d/charset.html": "declares utf-8, sends GBK bytes",
    "/d/junk.html": "binary junk served as text/html",
    "/d/huge.html": "20 MB, above DOWNLOAD_MAXSIZE",
    "/private/secret.html": "disallowed by robots.txt",
    "/d/lastmod.html": "a Last-Modified validator, no ETag",
    "/d/plain.html": "no validators at all",
}
LISTS = ["/list/1.html", "/list/2.html", "/list/3.html"]


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # default 5: a crawler opens more connections at once than that

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: the crawler cuts connections on purpose (timeouts, the size cap)."""


@dataclass
class FaultServer:
    """The hostile site, served on 127.0.0.1 with a log of every request."""

    hits: list[Hit] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    def start(self) -> FaultServer:
        fault_server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = "/" + self.path.lstrip("/").partition("/")[2]  # /<host>/<path>, as replayed
                fault_server.hits.append(Hit(path, time.monotonic(), dict(self.headers.items())))
                ROUTES.get(path, _not_found)(self, fault_server)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def count(self, path: str) -> int:
        return sum(hit.path == path for hit in self.hits)

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


Handler = Callable[[BaseHTTPRequestHandler, FaultServer], None]


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _not_found(handler: BaseHTTPRequestHandler, _: FaultServer) -> None:
    _send(handler, 404, b"not found")


def _static(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Handler:
    return lambda handler, _: _send(handler, 200, body, content_type, headers)


def _fail_first(status: int, headers: dict[str, str], path: str) -> Handler:
    def route(handler: BaseHTTPRequestHandler, server: FaultServer) -> None:
        if server.count(path) == 1:
            _send(handler, status, b"busy", headers=headers)
        else:
            _send(handler, 200, _page(NOTICE, path))

    return route


def _slow(handler: BaseHTTPRequestHandler, server: FaultServer) -> None:
    server.release.wait(10)  # longer than the crawl's DOWNLOAD_TIMEOUT; released when the server stops


def _cut(handler: BaseHTTPRequestHandler, _: FaultServer) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", "5000")
    handler.end_headers()
    handler.wfile.write(_page(NOTICE)[:100])
    handler.wfile.flush()
    handler.close_connection = True


def _redirect(to: str) -> Handler:
    return lambda handler, _: _send(handler, 302, b"", headers={"Location": to})


def _huge(handler: BaseHTTPRequestHandler, _: FaultServer) -> None:
    _send(handler, 200, b"<html><body>" + b"x" * HUGE + b"</body></html>")


def _if_modified_since(body: bytes, **headers: str) -> Handler:
    """A page with a Last-Modified date that answers If-Modified-Since (and knows no ETag)."""

    def route(handler: BaseHTTPRequestHandler, _: FaultServer) -> None:
        since = handler.headers.get("If-Modified-Since")
        if since and parsedate_to_datetime(since).timestamp() >= MODIFIED:
            handler.send_response(304)
            handler.end_headers()
        else:
            _send(handler, 200, body, headers=headers)

    return route


ROUTES: dict[str, Handler] = {
    "/robots.txt": _static(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
    "/list/1.html": _static(_page("通知公告", links=list(DETAILS), next_url="/list/2.html")),
    "/list/2.html": _static(_page("通知公告", next_url="/list/3.html")),  # 200 and no links
    "/list/3.html": _static(bytes(range(256)) * 64),  # binary junk as text/html
    "/d/ok.html": _static(_page(NOTICE, "一、加强领导。")),
    "/d/500.html": lambda handler, _: _send(handler, 500, b"internal error"),
    "/d/429.html": _fail_first(429, {"Retry-After": "1"}, "/d/429.html"),
    "/d/503-once.html": _fail_first(503, {}, "/d/503-once.html"),
    "/d/slow.html": _slow,
    "/d/cut.html": _cut,
    "/d/loop.html": _redirect("/d/loop-2.html"),
    "/d/loop-2.html": _redirect("/d/loop.html"),
    "/d/offsite.html": _redirect("http://elsewhere.gongwen.test/d/ok.html"),
    "/d/charset.html": _static(_page(NOTICE).replace(NOTICE.encode(), NOTICE.encode("gbk"))),
    "/d/junk.html": _static(bytes(reversed(range(256))) * 32),
    "/d/huge.html": _huge,
    "/private/secret.html": _static(_page(NOTICE)),
    "/d/lastmod.html": _if_modified_since(
        _page(NOTICE, "lastmod"), **{"Last-Modified": formatdate(MODIFIED, usegmt=True)}
    ),
    "/d/plain.html": _static(_page(NOTICE, "plain")),
}


class FaultSpider(NoticeSpider):
    """The fault site's spider: list pages with ``ul.list`` links and a ``a.next`` link (its own
    selectors: the links' text is no title, so no family would take them for notices)."""

    name = "faults"
    source = Source(
        id="faults",
        name="故障站点",
        publisher="gongwen tests",
        region="loopback",
        level="none",
        division_code="000000",
        family="generic",
        start_urls=[SITE + LISTS[0]],
        allowed_hosts=[HOST],
        expected_min=1,
        terms="test fixture",
        evidence="written by this project for its fault tests",
        links_css="ul.list a::attr(href)",
        next_css="a.next::attr(href)",
    )
