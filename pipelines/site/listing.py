"""A notice as the pages that list notices need it (its listing), read from its line of the release's
NDJSON file, and kept from one build to the next.

The pages that list notices (home, browse, quality, downloads, feed …) use a few of each record's
fields (``LISTED``), and the schema page's examples (reference.example_values) need to know which
fields have a value. Parsing 100,000 lines for that took seconds a build when a night changes a few
hundred of them: so each line's listing is kept in the site's cache (``Listings``) under the sha256
of the line, and only the lines not seen before are parsed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gongwen.pipelines.site.page_cache import read_kept, rendering_fingerprint, write_kept

LISTED = ("id", "source_id", "title", "doc_number", "doc_number_raw", "issuing_agency", "doc_type",
          "genre", "published_date", "written_date", "quality_flags")
NO_VALUE: tuple[object, ...] = (None, "", [], {})
BODY_KEY = b'"body_text": "'  # as the release writes an NDJSON line (json.dumps, ensure_ascii=False)

Listing = tuple[dict[str, Any], tuple[str, ...]]  # the LISTED fields; the names of the fields with a value


def listing(record: dict[str, Any], *, body: bool) -> Listing:
    """The listing of a record given without its body text (``body``: whether it has one)."""
    filled = tuple(name for name, value in record.items() if value not in NO_VALUE)
    return {k: record[k] for k in LISTED if k in record}, filled + (("body_text",) if body else ())


def read_line(line: bytes) -> Listing:
    """The listing of a notice's NDJSON line."""
    record, body = without_body(line)
    return listing(record, body=body)


def without_body(line: bytes) -> tuple[dict[str, Any], bool]:
    """A notice's NDJSON line parsed but for its body_text, which is most of it, and whether the body
    has text. Inside a JSON string every quote is escaped, so ``"body_text": "`` is a key wherever it
    occurs: when it occurs once and the record has that key (a string, by the schema), it is the
    record's own, and the body ends at the first quote after it that no backslash escapes. Any other
    line is parsed whole."""
    start = line.find(BODY_KEY)
    end = _string_end(line, start + len(BODY_KEY)) if start >= 0 and line.count(BODY_KEY) == 1 else -1
    if end >= 0:
        record: dict[str, Any] = json.loads(line[:start] + b'"body_text": null' + line[end + 1:])
        if "body_text" in record:
            del record["body_text"]
            return record, end > start + len(BODY_KEY)
    record = json.loads(line)
    return record, record.pop("body_text", None) not in NO_VALUE


def _string_end(line: bytes, start: int) -> int:
    """Where the JSON string whose text begins at ``start`` ends (its closing quote); -1 if it does not."""
    end = line.find(b'"', start)
    while end >= 0:
        escapes = end - 1
        while line[escapes] == ord("\\"):
            escapes -= 1
        if (end - escapes) % 2 == 1:  # an even number of backslashes before the quote
            return end
        end = line.find(b'"', end + 1)
    return -1


class Listings:
    """The listings kept in ``path`` (none without one), by the sha256 of their line, under the code
    that read them (page_cache.rendering_fingerprint). ``of`` parses a line not kept; ``save`` keeps the
    listings asked for since loading, and only those."""

    def __init__(self, path: Path | None) -> None:
        self.path, self.code = path, rendering_fingerprint()
        self.kept: dict[bytes, Listing] = read_kept(path, self.code)
        self.used: dict[bytes, Listing] = {}
        self.shapes: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple for each set of fields

    def of(self, digest: bytes, line: memoryview) -> Listing:
        found = self.kept.get(digest)
        if found is None:
            fields, filled = read_line(bytes(line))
            found = fields, self.shapes.setdefault(filled, filled)
        self.used[digest] = found
        return found

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.kept.keys():
            return
        write_kept(self.path, self.code, self.used)
