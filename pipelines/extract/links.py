"""Attachments: links to documents (pdf, doc, wps, ofd …) and CMS download handlers."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from gongwen.pipelines.extract.dom import Element, text_of

ATTACHMENT_EXTENSIONS = frozenset({
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".zip", ".rar", ".7z", ".ppt", ".pptx",
    ".txt", ".csv",
})
# Download handlers whose URL does not end in the file's extension.
DOWNLOAD_HANDLERS = re.compile(
    r"downfile\.jsp|download\.jsp|/download(?:file)?\?|filedownload", re.IGNORECASE
)
_BARE_PREFIX = re.compile(r"^附件\s*[:：]\s*")


def absolute_url(base: str, href: str) -> str | None:
    """A link made absolute against the page; None unless it is an http(s) URL with a valid host and
    port (javascript:, mailto:, "http://[broken", ":99999" …)."""
    try:
        url = urljoin(base, href.strip())
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:
        return None
    return url if valid else None


def _base_url(root: Element, page_url: str) -> str:
    bases = root.xpath("//base[@href]/@href")
    return (absolute_url(page_url, str(bases[0])) if bases else None) or page_url


def _is_attachment(url: str) -> bool:
    parts = urlsplit(url)
    suffix = PurePosixPath(unquote(parts.path)).suffix.lower()
    if suffix in ATTACHMENT_EXTENSIONS:
        return True
    query_name = re.search(r"(?:filename|file|name)=([^&]+)", parts.query, re.IGNORECASE)
    if query_name and PurePosixPath(unquote(query_name.group(1))).suffix.lower() in ATTACHMENT_EXTENSIONS:
        return True
    return bool(DOWNLOAD_HANDLERS.search(url))


def attachments_of(root: Element, page_url: str) -> list[dict[str, str]]:
    """{title, url} for every link to a document, URLs absolute against the page (or its <base>)."""
    base = _base_url(root, page_url)
    found: dict[str, dict[str, str]] = {}
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        url = absolute_url(base, href) if href and not href.startswith("#") else None
        if url is None or not _is_attachment(url) or url in found:
            continue
        title = text_of(link) or (link.get("title") or "").strip()
        if not title:
            title = PurePosixPath(unquote(urlsplit(url).path)).name or url
        found[url] = {"title": _BARE_PREFIX.sub("", title) or title, "url": url}
    return list(found.values())
