"""Pages written outside mkdocs, into a shell page that mkdocs built.

A notice page, or the list of one agency's notices, is a title and one block of HTML; putting 100,000
of them through mkdocs (Python-Markdown over the HTML, then the theme's templates) was most of a
build. So mkdocs builds one *shell* page in each folder that holds such pages
(``<folder>/gw-shell/``, at the same depth as its siblings, so the theme's relative links work for
them), whose title and content are markers; after the build, each page is the shell's HTML with the
page's title, its own address (the canonical link) and its HTML put in place of the markers.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gongwen.pipelines.site.markup import HtmlPage, esc, front_matter, page_title

SHELL = "gw-shell"  # neither a notice id (16 hex digits) nor a browse slug (no hyphen): no page's name
TITLE_MARK = "gw-shell-title"
CONTENT_MARK = "<h1>gw-shell-content</h1>"  # an <h1>, so that the theme does not add a heading of its own


def folder_of(path: str) -> str:
    """``notices/<id>/`` → ``notices/``: the folder whose shell a page is written into."""
    return path.rstrip("/").rsplit("/", 1)[0] + "/"


def shell_markdown() -> str:
    """The shell's page: a raw HTML block, which Python-Markdown passes through as it is."""
    return front_matter(TITLE_MARK) + CONTENT_MARK + "\n"


@dataclass(frozen=True)
class OutsidePage:
    """A page to write at ``path`` (``notices/<id>/``): ``inputs`` is everything it is made from (its
    digest decides whether the page kept from the last build is still right), ``render`` makes it."""

    path: str
    inputs: bytes
    render: Callable[[], HtmlPage]

    @classmethod
    def of(cls, path: str, page: HtmlPage) -> OutsidePage:
        """A page already rendered (cheap to make, e.g. a browse list): its HTML is its inputs."""
        return cls(path, f"{page.title}\0{page.html}".encode(), lambda: page)


class Shell:
    """The HTML of the shell mkdocs built in a folder, cut at its markers."""

    def __init__(self, html: str, path: str) -> None:
        if html.count(CONTENT_MARK) != 1 or TITLE_MARK not in html:
            raise ValueError(f"{path}: the shell page lost its markers (did the theme change?)")
        marks = "|".join(re.escape(m) for m in (TITLE_MARK, CONTENT_MARK, path))
        self.pieces = re.split(f"({marks})", html)  # text, marker, text, marker … text
        self.path = path
        self.digest = hashlib.sha256(html.encode("utf-8")).hexdigest()

    @classmethod
    def read(cls, site_dir: Path, folder: str) -> Shell:
        path = f"{folder}{SHELL}/"
        return cls((site_dir / path / "index.html").read_text(encoding="utf-8"), path)

    def fill(self, path: str, page: HtmlPage) -> str:
        """The page at ``path``: the shell with the page's title, address and HTML. Markers are replaced
        in one pass over the shell's own pieces, so a marker inside scraped text is left as it is."""
        values = {TITLE_MARK: esc(page_title(page.title)), CONTENT_MARK: page.html.strip(), self.path: path}
        return "".join(values[p] if i % 2 else p for i, p in enumerate(self.pieces))


_SHELL_ENTRY = re.compile(rf"\s*<url>\s*<loc>[^<]*/{SHELL}/</loc>.*?</url>", re.DOTALL)
_LASTMOD = re.compile(r"<lastmod>[^<]*</lastmod>")


def add_to_sitemap(site_dir: Path, site_url: str, paths: Iterable[str]) -> None:
    """List the pages written outside mkdocs, instead of the shells, in the ``sitemap.xml`` (and
    ``.gz``) that mkdocs wrote, with the date mkdocs gave its pages."""
    sitemap = site_dir / "sitemap.xml"
    if not site_url or not sitemap.is_file():
        return
    text = _SHELL_ENTRY.sub("", sitemap.read_text(encoding="utf-8"))
    found = _LASTMOD.search(text)
    lastmod = f"\n         {found.group(0)}" if found else ""
    entry = "    <url>\n         <loc>{}</loc>" + lastmod + "\n    </url>\n"
    added = "".join(entry.format(esc(site_url + path)) for path in paths)
    end = text.rindex("</urlset>")
    data = (text[:end].rstrip() + "\n" + added + text[end:]).encode("utf-8")
    sitemap.write_bytes(data)
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(data, mtime=0))
