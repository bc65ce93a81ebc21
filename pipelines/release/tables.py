"""The tables of a version: their Table Schemas (a published contract) and how rows become CSV.

Every CSV is UTF-8 with a header row and CRLF line ends (RFC 4180); an empty cell is null; a list
or object is one cell of JSON. The notices' columns are the Notice fields in schema order: they
may be added to, never renamed, retyped or removed without a MAJOR version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, get_args, overload

from gongwen.pipelines.notice import DOC_TYPES, Notice
from gongwen.pipelines.policy.records import Comparator, MentionContext

Field = dict[str, Any]
Row = Mapping[str, object]  # a row of a CSV, by column
Record = dict[str, Any]  # a notice as JSON (Notice.model_dump(mode="json"))

ID_DERIVATION = (
    "Stable id of the document: the first 16 hex digits of the sha256 of a page's canonical URL without "
    "its scheme (fragment and tracking parameters dropped, host lower-cased), the page of its canonical "
    "copy when the notice was first published. It stays across crawls, extractor changes and versions; "
    "adding or losing a copy (copies.csv) never changes it; when two notices turn out to be one document, "
    "the older id is kept and the other withdrawn. The 文号 is not used because numbers are reused across "
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
    _described("removed_from_source_at", type="datetime"),
]
COLUMNS = [f["name"] for f in NOTICE_FIELDS]


def _field(name: str, type_: str, description: str, **spec: Any) -> Field:
    return {"name": name, "type": type_, "description": description, **spec}


def _to_sources(*fields: str) -> dict[str, Any]:
    return {"fields": list(fields), "reference": {"resource": "sources", "fields": ["source_id"]}}


def _to(resource: str, field: str) -> dict[str, Any]:
    """A foreign key to the id of a notice or a task (an empty cell refers to none)."""
    return {"fields": [field], "reference": {"resource": resource, "fields": ["id"]}}


# The records of the policy inside the notices (tasks, targets, citations, agencies): pipelines.policy.
_RECORD_ID = _field(
    "id", "string", "stable id: 16 hex digits of the sha256 of the notice id, the kind of record and its "
    "place in the notice's body_text", **_required(unique=True, pattern=_ID_PATTERN),
)
_NOTICE_ID = _field("notice_id", "string", "the notice (notices.id)", **_required(pattern=_ID_PATTERN))
_TASK_ID = _field("task_id", "string", "the task whose text holds it (tasks.id); empty for none",
                  constraints={"pattern": _ID_PATTERN})
_LINE = _field("line", "integer", "index of its (first) line in the notice's body_text, from 0",
               **_required(minimum=0))


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
            _field("division_code", "string", "行政区划代码 (GB/T 2260) of its government (100000: central)",
                   **_required(pattern=r"^\d{6}$")),
            _field("family", "string", "the CMS family its list pages are navigated as", **_required()),
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
            _field("health", "string", "what its last crawl says: ok; broken (no links to notices, or "
                   "most notice pages unreadable); not crawled",
                   **_required(enum=["ok", "broken", "not crawled"])),
            _field("health_reason", "string", "for broken: why, in words a person can read"),
        ],
        "primaryKey": ["source_id"],
    },
    "quality": {
        "fields": [
            _field("source_id", "string", "the source crawled", **_required()),
            _field("url", "string", "the URL asked for", format="uri", **_required()),
            _field("kind", "string", "detail: a notice page; list: a list page; source: the whole source",
                   **_required(enum=["detail", "list", "source"])),
            _field("outcome", "string", "quarantined: fetched but not a valid notice; failed: not fetched; "
                   "broken: a source whose crawl found no notices or could read few (sources.health)",
                   **_required(enum=["quarantined", "failed", "broken"])),
            _field("reason", "string", "why, in words a person can read", **_required()),
            _field("http_status", "integer", "the HTTP status, when there was a response"),
            _field("notice_id", "string", "for a second copy of a page: the notice published from it",
                   constraints={"pattern": _ID_PATTERN}),
            _field("fetched_at", "datetime", "when the URL was asked for (UTC)", **_required()),
        ],
        "primaryKey": ["source_id", "kind", "url"],
        "foreignKeys": [_to_sources("source_id")],
    },
    "changes": {
        "fields": [
            _field("id", "string", "the notice", **_required(unique=True, pattern=_ID_PATTERN)),
            _field("change", "string", "against the previous version",
                   **_required(enum=["added", "updated", "withdrawn"])),
            _field("fields", "array", "for updated: the names of the fields that changed (body_text when its "
                   "text changed; copies when a copy was added, lost, removed from its source or changed)",
                   **_required()),
            _field("title", "string", "the notice's title (the last one, for withdrawn)", **_required()),
            _field("url", "string", "the notice's page", format="uri", **_required()),
        ],
        "primaryKey": ["id"],
    },
    "copies": {
        "fields": [
            _field("notice_id", "string", "the notice (notices.id) whose text the page carries",
                   **_required(pattern=_ID_PATTERN)),
            _field("url", "string", "the page", format="uri", **_required(unique=True)),
            _field("site", "string", "the page's host", **_required()),
            _field("source_id", "string", "the source whose crawl read it", **_required()),
            _field("first_seen", "datetime", "when a crawl first read the page (UTC)", **_required()),
            _field("last_seen", "datetime", "when a crawl last found it (UTC)", **_required()),
            _field("canonical", "boolean", "the copy the notice's record is read from: the issuer's own page "
                   "when it is known, never a content farm over a government site", **_required()),
            _field("similarity", "number", "Jaccard similarity of its text to the canonical copy's, script, "
                   "spacing and punctuation aside (as last compared, for a page removed from its source)",
                   **_required(minimum=0, maximum=1)),
            _field("differs", "boolean", "its text differs materially from the canonical copy's (more than a "
                   "couple of characters): listed and flagged, never merged away", **_required()),
            _field("removed_from_source_at", "datetime", "when a crawl found the page gone from its source "
                   "(HTTP 404/410 or no longer listed); empty while it is there"),
        ],
        "primaryKey": ["url"],
        "foreignKeys": [
            {"fields": ["notice_id"], "reference": {"resource": "notices", "fields": ["id"]}},
            _to_sources("source_id"),
        ],
    },
    "versions": {
        "fields": [
            _field("notice_id", "string", "the notice (notices.id)", **_required(pattern=_ID_PATTERN)),
            _field("url", "string", "the page that showed this text (copies.url)", format="uri",
                   **_required()),
            _field("content_sha256", "string", "sha256 of body_text (UTF-8)",
                   **_required(pattern="[0-9a-f]{64}")),
            _field("first_seen", "datetime", "when a crawl first read this text on the page (UTC)",
                   **_required()),
            _field("last_seen", "datetime", "when a crawl last found the page showing it (UTC)",
                   **_required()),
            _field("body_text", "string", "the text, paragraphs separated by \\n"),
        ],
        "primaryKey": ["url", "first_seen", "content_sha256"],
        "foreignKeys": [
            {"fields": ["notice_id"], "reference": {"resource": "notices", "fields": ["id"]}},
            {"fields": ["url"], "reference": {"resource": "copies", "fields": ["url"]}},
        ],
    },
    "tasks": {
        "fields": [
            _RECORD_ID, _NOTICE_ID,
            _field("number", "string", "as printed (1. （一） 一是); empty for an unnumbered paragraph"),
            _field("outline", "string", "the numbers from the top of the outline, e.g. 二、/（一）/1.",
                   **_required()),
            _LINE,
            _field("heading", "string", "the item's text up to its first 。 or ；", **_required()),
            _field("text", "string", "the item's lines as printed", **_required()),
            _field("lead", "array", "牵头单位, as printed (agencies has their full names)", **_required()),
            _field("responsible", "array", "责任单位 (负责), as printed", **_required()),
            _field("cooperating", "array", "配合单位, as printed", **_required()),
            _field("schedule", "array", "进度安排: {year, year_end, text} for each year or span of years",
                   **_required()),
        ],
        "primaryKey": ["id"],
        "foreignKeys": [_to("notices", "notice_id")],
    },
    "targets": {
        "fields": [
            _RECORD_ID, _NOTICE_ID, _TASK_ID, _LINE,
            _field("year", "integer", "the year it is due; empty when the notice does not say",
                   constraints={"minimum": 1949, "maximum": 2100}),
            _field("year_raw", "string", "the time phrase the year was read from (到2025年, 年内)"),
            _field("indicator", "string", "what is counted, as printed", **_required()),
            _field("value", "number", "the number as printed (2.5 for 2.5万辆); the low end of a range",
                   **_required()),
            _field("value_max", "number", "the high end of a range (3 for 2—3家)"),
            _field("unit", "string", "as printed, with its 万 or 亿: %, 亿元, 个工作日", **_required()),
            _field("comparator", "string", "equal; at_least (以上, 不低于); more_than (超过, 突破); at_most "
                   "(以内, 不超过); less_than (低于); about (左右, 约); between (a range)",
                   **_required(enum=list(get_args(Comparator)))),
            _field("text", "string", "the clause as printed", **_required()),
        ],
        "primaryKey": ["id"],
        "foreignKeys": [_to("notices", "notice_id"), _to("tasks", "task_id")],
    },
    "citations": {
        "fields": [
            _RECORD_ID, _NOTICE_ID, _LINE,
            _field("title", "string", "the title inside 《》"),
            _field("doc_number", "string", "文号, normalised (国办发〔2019〕58号)"),
            _field("doc_number_raw", "string", "文号 as printed"),
            _field("text", "string", "the citation as printed", **_required()),
            _field("cited_notice_id", "string", "the cited document when it is a notice of this version "
                   "(notices.id); empty when it is not (missing_documents)",
                   constraints={"pattern": _ID_PATTERN}),
        ],
        "primaryKey": ["id"],
        "foreignKeys": [_to("notices", "notice_id"), _to("notices", "cited_notice_id")],
    },
    "agencies": {
        "fields": [
            _RECORD_ID, _NOTICE_ID, _TASK_ID,
            _field("context", "string", "where the notice names it: addressee (主送机关), signature, or a "
                   "task's lead (牵头), responsible (责任) or cooperating (配合) agency",
                   **_required(enum=list(get_args(MentionContext)))),
            _field("raw", "string", "as printed, e.g. 区发改局", **_required()),
            _field("name", "string",
                   "full name, e.g. 成都市青白江区发展和改革局; empty when the rules are not sure"),
        ],
        "primaryKey": ["id"],
        "foreignKeys": [_to("notices", "notice_id"), _to("tasks", "task_id")],
    },
    "missing_documents": {
        "fields": [
            _field("document", "string", "its 文号 when a citation gives one, else its title in 《》",
                   **_required(unique=True)),
            _field("doc_number", "string", "文号, normalised"),
            _field("title", "string", "the title inside 《》, as first cited"),
            _field("cited_by", "integer", "notices of this version that cite it", **_required(minimum=1)),
        ],
        "primaryKey": ["document"],
    },
}


def columns(table: str) -> list[str]:
    return [f["name"] for f in SCHEMAS[table]["fields"]]


# json.dumps(value, ensure_ascii=False) without making an encoder at each call (millions of cells)
to_json = json.JSONEncoder(ensure_ascii=False).encode


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):  # a tuple: faster than list | dict, for millions of cells
        return to_json(value) if value else ("[]" if isinstance(value, list) else "{}")
    return str(value)


# A cell starting with one of these is run as a formula when Excel opens a CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    """A cell as the Excel copy writes it: text Excel would run as a formula gets an apostrophe first,
    as OWASP advises."""
    return "'" + text if text.startswith(_FORMULA_START) else text


UTC_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


@overload
def stamp(when: datetime) -> str: ...
@overload
@lru_cache(maxsize=1 << 12)  # a night's crawl gives its time to every page it found
def stamp(when: datetime | None) -> str | None: ...
@lru_cache(maxsize=1 << 12)  # a night's crawl gives its time to every page it found
def stamp(when: datetime | None) -> str | None:
    """A time as the data files write it (as utc_seconds does), straight from the datetime."""
    return when.astimezone(UTC).strftime(UTC_SECONDS) if when else None


def utc_seconds(timestamp: str) -> str:
    """An ISO timestamp from a ledger, as the data files write times: UTC, to the second."""
    return datetime.fromisoformat(timestamp).astimezone(UTC).strftime(UTC_SECONDS)
