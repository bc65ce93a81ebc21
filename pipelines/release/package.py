"""The Frictionless (v2) descriptor of a version: ``datapackage.json``.

Every file of a version is a resource with its sha256 ``hash`` and ``bytes``; every CSV has a Table
Schema (types, required fields, primary key, foreign keys). The descriptor is built twice: once as
a draft without the files' facts, to judge what changed, then with them (staging.Staging.facts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gongwen.crawlers.registry import Source
from gongwen.pipelines.release.dataset import Dataset
from gongwen.pipelines.release.tables import SCHEMAS
from gongwen.pipelines.schema import schema_id

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
Facts = Mapping[str, Any]  # a file's hash and bytes


@dataclass(frozen=True)
class Resource:
    """One file of a version. ``table`` names its Table Schema in tables.SCHEMAS (CSV files only)."""

    name: str
    path: str
    format: str
    mediatype: str
    type: str
    description: str
    table: str | None = None
    encoding: str = "utf-8"


RESOURCES = (
    Resource("notices", "notices.csv", "csv", "text/csv", "table",
             "One row per notice. Lists and objects (addressees, attachments, quality_flags, "
             "doc_number_parts) are JSON in their cell; an empty cell is null.", "notices"),
    Resource("notices-excel", "notices-excel.csv", "csv", "text/csv", "table",
             "The same rows for Excel: UTF-8 with a byte order mark, so a double-click shows the Chinese "
             "text; a cell Excel would run as a formula (starting with = + - @) starts with an apostrophe.",
             "notices", "utf-8-sig"),
    Resource("notices-json", "notices.json", "json", "application/json", "json",
             f"The same notices as one JSON array; each record follows {schema_id()}"),
    Resource("notices-ndjson", "notices.ndjson", "ndjson", "application/x-ndjson", "json",
             "The same records, one JSON object per line, for streaming."),
    Resource("attachments", "attachments.csv", "csv", "text/csv", "table",
             "One row per file a notice links as an attachment (附件).", "attachments"),
    # The policy inside the notices, read by rules (pipelines/policy) from their body text.
    Resource("tasks", "tasks.csv", "csv", "text/csv", "table",
             "One row per task of a plan: a numbered item that says what to do, with its 牵头 (lead), "
             "责任 (responsible) and 配合 (cooperating) agencies as printed and its 进度安排 (schedule); "
             "lists are JSON in their cell.", "tasks"),
    Resource("targets", "targets.csv", "csv", "text/csv", "table",
             "One row per quantitative target: year, indicator, value, unit and comparator (到2025年 高新技术"
             "企业达到180户以上), with the task that states it.", "targets"),
    Resource("citations", "citations.csv", "csv", "text/csv", "table",
             "One row per document a notice cites by title and/or 文号, with the notice of this version it "
             "is, when there is one.", "citations"),
    Resource("agencies", "agencies.csv", "csv", "text/csv", "table",
             "One row per agency a notice names (addressees, the signing agency, the agencies of each "
             "task): as printed, and the full name when the rules are sure of it (区发改局 → "
             "成都市青白江区发展和改革局).", "agencies"),
    Resource("missing_documents", "missing_documents.csv", "csv", "text/csv", "table",
             "The documents the notices cite that are not in this version, with how many notices cite each.",
             "missing_documents"),
    Resource("sources", "sources.csv", "csv", "text/csv", "table",
             "The sites of this version, each with the last successful crawl its notices were read from.",
             "sources"),
    Resource("quality", "quality.csv", "csv", "text/csv", "table",
             "Every URL of those crawls that gave no notice: pages quarantined (with the reason) and "
             "fetches that failed (with the HTTP or network error).", "quality"),
    Resource("changes", "changes.csv", "csv", "text/csv", "table",
             "Notices added, updated (with the names of the fields that changed) and withdrawn since the "
             "previous version; a new retrieved_at alone is not a change.", "changes"),
    Resource("copies", "copies.csv", "csv", "text/csv", "table",
             "Every page each notice was read from: the same document reposted by several sites is one "
             "notice with several copies, the canonical one first. A page gone from its source stays listed, "
             "with removed_from_source_at.", "copies"),
    Resource("versions", "versions.csv", "csv", "text/csv", "table",
             "Every text each copy has shown, with when crawls first and last found it: a page edited after "
             "publication has a row per text, carried from version to version.", "versions"),
    Resource("changes-md", "CHANGES.md", "md", "text/markdown", "text",
             "What changed since the previous version, for people."),
)


def _resource(resource: Resource, facts: Facts | None) -> dict[str, Any]:
    described: dict[str, Any] = {
        "name": resource.name,
        "type": resource.type,
        "path": resource.path,
        "format": resource.format,
        "mediatype": resource.mediatype,
        "encoding": resource.encoding,
        "description": resource.description,
    }
    if facts is not None:
        described |= facts
    if resource.table:
        described["schema"] = SCHEMAS[resource.table]
    return described


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def descriptor(
    dataset: Dataset, sources: list[Source], version: str, created: str, facts: Mapping[str, Facts]
) -> dict[str, Any]:
    """The descriptor; ``facts``: each file's hash and bytes, by file name (a resource whose file is
    not there has none: a draft)."""
    d = dataset.definition
    return {
        "$schema": PROFILE,
        "name": d["name"],
        "title": d["title"],
        "description": d["description"].strip(),
        "homepage": d["homepage"],
        "version": version,
        "created": created,
        "licenses": [d["license"]],
        "contributors": [{"title": d["publisher"], "roles": ["publisher"]}],
        "sources": [{"title": s.name, "path": _origin(s.start_urls[0])} for s in sources],
        "resources": [_resource(r, facts.get(r.path)) for r in RESOURCES],
    }
