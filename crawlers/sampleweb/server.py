"""Serve the sample web over real HTTP on 127.0.0.1.

A replayed request arrives as ``GET /<host><path>?<query>`` (see crawlers.replay); the first path
segment names the real host, so a person can browse the replica too.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from crawlers.sampleweb.render import NOT_FOUND, PAGES_DIR, Resource, SampleWeb


class _Handler(BaseHTTPRequestHandler):
    server: SampleWebServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        host, _, rest = self.path.lstrip("/").partition("/")
        resource = self.server.web.lookup(host, "/" + rest) or Resource(NOT_FOUND, status=404)
        self.send_response(resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self.end_headers()
        self.wfile.write(resource.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        """Quiet: the crawl's ledger records every fetch."""


class SampleWebServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, pages_dir: Path = PAGES_DIR) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.web = SampleWeb(pages_dir=pages_dir)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> SampleWebServer:
        threading.Thread(target=self.serve_forever, name="sample-web", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
