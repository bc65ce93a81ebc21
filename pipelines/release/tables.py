"""The tables of a version: their Table Schemas (a published contract) and how rows become CSV.

Every CSV is UTF-8 with a header row and CRLF line ends (RFC 4180); an empty cell is null; a list
or object is one cell of JSON. The notices' columns are the Notice fields in schema order: they
may be added to, never renamed, retyped or removed without a MAJOR version.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pipelines.notice import DOC_TYPES, Notice

Field = dict[str, Any]
Row = Mapping[str, object]  # a row of a CSV, by column
Record = dict[str, Any]  # a notice as JSON (Notice.model_dump(mode="json"))

ID_DERIVATION = (
    "Stable id: the first 16 hex digits of the sha256 of the page's canonical URL without its scheme "
    "(fragment and tracking parameters dropped, host lower-cased). The same page keeps its id across "
    "crawls, extractor changes and versions; the 文号 is not used because numbers are reused across "
    "issuers and many pages print none."
)
_ID_PATTERN = "[0-9a-f]{16}"


def _described(name: str, **spec: Any) -> Field:
    """A notices field, described by the Notice model's own field description."""
    return {"name": name, "description": Notice.model_fields[name].description or "", **spec}


def _required(**constraints: Any) -> dict[str, Any]:
    return {"constraints": {"required": True, **constraints}}


NOTICE_FIELDS: list[Field] = [
    {**_described("id", type="string", **_required(unique=True, pattern=_ID_PATTERN)),
     "description": ID_DERIVATION},
    _described("source_id", type="string", **_required()),
    _described("url", type="string", format="uri", **_required()),
    _described("retrieved_at", type="datetime", **_required()),
    _described("title", type="string", **_required()),
    _described("doc_number", type="string"),
    _described("doc_number_raw", type="string"),
    _described("doc_number_parts", type="object"),
    _described("index_number", type="string"),
    _described("issuing_agency", type="string"),
    _described("doc_type", type="string", constraints={"enum": list(DOC_TYPES)}),
    _described("genre", type="string"),
    _described("written_date", type="date"),
    _described("published_date", type="date"),
    _described("validity", type="string", constraints={"enum": ["有效", "失效", "废止"]}),
    _described("topic", type="string"),
    _described("addressees", type="array", **_required()),
    _described("body_text", type="string"),  # empty when the page has none (flag empty_body)
    _described("attachments", type="array", **_required()),
    _described("script", type="string", **_required(enum=["hans", "hant"])),
    _described("content_sha256", type="string", **_required(pattern="[0-9a-f]{64}")),
    _described("quality_flags", type="array", **_required()),
]
COLUMNS = [f["name"] for f in NOTICE_FIELDS]


def _field(name: str, type_: str, description: str, **spec: Any) -> Field:
    return {"name": name, "type": type_, "description": description, **spec}


def _to_sources(*fields: str) -> dict[str, Any]:
    return {"fields": list(fields), "reference": {"resource": "sources", "fields": ["source_id"]}}


SCHEMAS: dict[str, dict[str, Any]] = {
    "notices": {
        "fields": NOTICE_FIELDS,
        "primaryKey": ["id"],
        "foreignKeys": [_to_sources("source_id")],
    },
    "attachments": {
        "fields": [
            _field("notice_id", "string", "the notice (notices.id)", **_required(pattern=_ID_PATTERN)),
            _field("position", "integer", "place in the notice's list of attachments, from 1",
                   **_required(minimum=1)),
            _field("title", "string", "the attachment's title as the page links it", **_required()),
            _field("url", "string", "where the page links the file", format="uri", **_required()),
        ],
        "primaryKey": ["notice_id", "position"],
        "foreignKeys": [{"fields": ["notice_id"], "reference": {"resource": "notices", "fields": ["id"]}}],
    },
    "sources": {
        "fields": [
            _field("source_id", "string", "its id in crawlers/sources.toml", **_required(unique=True)),
            _field("name", "string", "the site", **_required()),
            _field("publisher", "string", "who publishes the site", **_required()),
            _field("region", "string", "the region the publisher governs", **_required()),
            _field("level", "string", "administrative level (none: not a government site)",
                   **_required(enum=["national", "provincial", "prefectural", "county", "zone", "none"])),
            _field("start_url", "string", "where its crawl starts", format="uri", **_required()),
            _field("terms", "string", "the terms of reuse, as far as they are known", **_required()),
            _field("expected_min", "integer", "fewest notices a healthy crawl brings (the publish gate)",
                   **_required(minimum=0)),
            _field("crawl_id", "string", "the last successful crawl, whose pages this version read"),
            _field("crawled_at", "datetime", "when that crawl fetched its last URL (UTC)"),
            _field("fetches", "integer", "URLs that crawl asked for", **_required(minimum=0)),
            _field("failed", "integer", "of those, how many failed (HTTP or network error)",
                   **_required(minimum=0)),
            _field("notices", "integer", "notices of this source in this version", **_required(minimum=0)),
            _field("quarantined", "integer", "its pages that could not become a valid notice (quality)",
                   **_required(minimum=0)),
        ],
        "primaryKey": ["source_id"],
    },
    "quality": {
        "fields": [
            _field("source_id", "string", "the source crawled", **_required()),
            _field("url", "string", "the URL asked for", format="uri", **_required()),
            _field("kind", "string", "detail: a notice page; list: a list page",
                   **_required(enum=["detail", "list"])),
            _field("outcome", "string", "quarantined: fetched but not a valid notice; failed: not fetched",
                   **_required(enum=["quarantined", "failed"])),
            _field("reason", "string", "why, in words a person can read", **_required()),
            _field("http_status", "integer", "the HTTP status, when there was a response"),
            _field("notice_id", "string", "for a second copy of a page: the notice published from it",
                   constraints={"pattern": _ID_PATTERN}),
            _field("fetched_at", "datetime", "when the URL was asked for (UTC)", **_required()),
        ],
        "primaryKey": ["source_id", "url"],
        "foreignKeys": [_to_sources("source_id")],
    },
    "changes": {
        "fields": [
            _field("id", "string", "the notice", **_required(unique=True, pattern=_ID_PATTERN)),
            _field("change", "string", "against the previous version",
                   **_required(enum=["added", "updated", "withdrawn"])),
            _field("fields", "array", "for updated: the names of the fields that changed", **_required()),
            _field("title", "string", "the notice's title (the last one, for withdrawn)", **_required()),
            _field("url", "string", "the notice's page", format="uri", **_required()),
        ],
        "primaryKey": ["id"],
    },
}


def columns(table: str) -> list[str]:
    return [f["name"] for f in SCHEMAS[table]["fields"]]


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# A cell starting with one of these is run as a formula when Excel opens a CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defused(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(table: str, rows: Iterable[Row], *, excel: bool = False) -> bytes:
    """The rows as CSV; ``excel``: with a UTF-8 BOM, and text that Excel would run as a formula
    (a cell starting with = + - @) prefixed with an apostrophe, as OWASP advises."""
    names = columns(table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        cells = [cell(row.get(name)) for name in names]
        writer.writerow([_defused(c) for c in cells] if excel else cells)
    data = out.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


def json_bytes(records: list[dict[str, Any]]) -> bytes:
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def ndjson_bytes(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def utc_seconds(timestamp: str) -> str:
    """An ISO timestamp from a ledger, as the data files write times: UTC, to the second."""
    return datetime.fromisoformat(timestamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
