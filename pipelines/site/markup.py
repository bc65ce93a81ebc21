"""Safe page text: escaped HTML for scraped strings, front matter, tables and relative links.

Scraped text (titles, bodies, agencies, 文号, URLs …) is hostile. It goes only into raw HTML blocks
(which Python-Markdown passes through untouched) after ``html.escape``; URLs become links only when
they are http or https. Page titles go into YAML front matter, which mkdocs-material's templates
print without escaping, so the characters that matter in HTML are swapped for full-width ones there.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Control characters, lone surrogates and non-characters: never meaningful in a notice, and some
# break YAML or Python-Markdown's placeholders (STX/ETX).
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_WEB_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)
_READABLE_SLUG = re.compile(r"[a-z0-9][a-z0-9_]{0,63}\Z")
_TITLE_SWAP = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "`": "｀"})

EMPTY = "—"


def clean(value: object) -> str:
    """The text without control characters (newlines and tabs are kept)."""
    return _UNSAFE_CHARS.sub("", str(value))


def esc(value: object) -> str:
    """Escaped for HTML text or a quoted attribute, whitespace (newlines too) collapsed to spaces."""
    return html.escape(" ".join(clean(value).split()), quote=True)


def esc_or_empty(value: object) -> str:
    """``esc(value)``, or a dash when the value is missing or blank."""
    text = esc(value) if value is not None else ""
    return text or EMPTY


def web_url(value: object) -> str | None:
    """The URL when it is an http or https URL without spaces; None for anything else."""
    if value is None:
        return None
    url = clean(value)
    return url if _WEB_URL.match(url) else None


def external_link(url: object, text: object | None = None) -> str:
    """An ``<a>`` to a scraped URL, or the URL as plain text when its scheme is not http(s)."""
    label = esc(url if text is None else text) or esc(url)
    href = web_url(url)
    if href is None:
        return label if text is None else f'{label} <span class="gw-url">{esc(url)}</span>'
    return f'<a href="{esc(href)}" rel="nofollow noopener noreferrer">{label}</a>'


def internal_link(href: str, text: object) -> str:
    """An ``<a>`` to a page of this site (``href`` is built by this package, never scraped)."""
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def relative(page_dir: str, target: str) -> str:
    """``target`` (a site path like ``notices/abc/``) as seen from the page served at ``page_dir``.

    Pages are served as directories (``use_directory_urls``): ``notices/index.md`` at ``notices/``,
    ``notices/<id>.md`` at ``notices/<id>/``, ``index.md`` at the root (``""``).
    """
    return "../" * page_dir.count("/") + target


def slug(value: str) -> str:
    """A path segment for a value: the value itself when it is plain lowercase ASCII (a source id, a
    year), else ``h-`` and a hash of it (agencies, 文种). Stable across builds; scraped text never
    becomes a path, and the two forms cannot collide."""
    if _READABLE_SLUG.match(value):
        return value
    return "h-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


def page_title(title: object) -> str:
    """The title for front matter and ``<title>``: one line, with < > & " ' ` made full-width."""
    return " ".join(clean(title).translate(_TITLE_SWAP).split()) or "(untitled)"


def front_matter(title: object, **extra: object) -> str:
    """YAML front matter; every value is a JSON string or list (JSON is YAML)."""
    lines = [f"title: {json.dumps(page_title(title), ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


@dataclass(frozen=True)
class HtmlPage:
    """A page written outside mkdocs (pipelines/site/shells.py): its title and its article's HTML."""

    title: str
    html: str


def block(lines: Iterable[str], css_class: str, attributes: str = "") -> str:
    """A raw HTML block: ``<div>`` lines ``</div>`` with no blank line, so Markdown leaves it alone.

    ``attributes`` (written by this package, never scraped) are added to the ``<div>`` as they are.
    """
    body = "\n".join(line for line in lines if line.strip())
    if "\n\n" in body or "\n \n" in body:
        raise ValueError("a raw HTML block must not contain blank lines")
    return f'<div class="{esc(css_class)}"{attributes}>\n{body}\n</div>\n\n'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """HTML table lines. Headers are escaped here; cells must already be HTML (escaped by the caller).

    The table has no class attribute: mkdocs-material styles ``table:not([class])``.
    """
    return [*table_head(headers), *(table_row(row) for row in rows), TABLE_END]


def table_head(headers: Sequence[str]) -> list[str]:
    """The lines of a table (``table``) before its rows."""
    return ["<table>", "<thead><tr>", *(f"<th>{esc(h)}</th>" for h in headers), "</tr></thead>", "<tbody>"]


def table_row(cells: Sequence[str]) -> str:
    """A row's line (cells already HTML)."""
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


TABLE_END = "</tbody></table>"


def human_size(size: int) -> str:
    """Bytes in B, KB, MB or GB (1024-based), as a reader wants to see it."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
