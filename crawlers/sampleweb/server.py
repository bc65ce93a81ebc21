"""Serve the sample web over real HTTP on 127.0.0.1.

A replayed request arrives as ``GET /<host><path>?<query>`` (see crawlers.replay); the first path
segment names the real host, so a person can browse the replica too.

Like a well-behaved web server, it sends an ``ETag`` with every page and ``Last-Modified`` with
notice pages (the page file's mtime), and answers a conditional request for an unchanged page with
304 Not Modified (``If-None-Match`` first, else ``If-Modified-Since``), so incremental crawls can be
tested against it.
"""

from __future__ import annotations

import hashlib
import threading
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gongwen.crawlers.sampleweb.render import NOT_FOUND, PAGES_DIR, Resource, SampleWeb


def not_modified(request_headers: Message, etag: str, last_modified: float | None) -> bool:
    """Whether a conditional request's copy is still current (RFC 9110 §13.2.2 order)."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError):
        return False
    return int(last_modified) <= since


class _Handler(BaseHTTPRequestHandler):
    server: SampleWebServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        host, _, rest = self.path.lstrip("/").partition("/")
        resource = self.server.web.lookup(host, "/" + rest) or Resource(NOT_FOUND, status=404)
        validators: dict[str, str] = {}
        if resource.status == 200:
            validators["ETag"] = f'"{hashlib.sha256(resource.body).hexdigest()[:24]}"'
            if resource.last_modified is not None:
                validators["Last-Modified"] = formatdate(resource.last_modified, usegmt=True)
        etag = validators.get("ETag")
        unchanged = etag is not None and not_modified(self.headers, etag, resource.last_modified)
        self.send_response(304 if unchanged else resource.status)
        for name, value in validators.items():
            self.send_header(name, value)
        if not unchanged:
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(len(resource.body)))
        self.end_headers()
        if not unchanged:
            self.wfile.write(resource.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        """Quiet: the crawl's ledger records every fetch."""


class SampleWebServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # default 5: a crawler opens more connections at once than that

    def __init__(self, port: int = 0, pages_dir: Path = PAGES_DIR) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.web = SampleWeb(pages_dir=pages_dir)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a crawler that timed out or was stopped hangs up mid-answer."""

    def start(self) -> SampleWebServer:
        threading.Thread(target=self.serve_forever, name="sample-web", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
