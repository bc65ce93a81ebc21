"""Publish a dataset version: a Frictionless (v2) data package of the notices, CSV and JSON.

``datasets/<name>/<version>/`` holds ``notices.csv``, ``notices.json`` and ``datapackage.json``
(Table Schema for the CSV, sha256 hash and bytes for every file). ``index.json`` lists the
versions and ``latest`` names the newest. A version is written to a hidden folder and renamed into
place, so a killed build never leaves a half-written version visible. A build whose notices are
the same as the latest version's publishes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frictionless import Package

from pipelines.notice import DOC_TYPES, SCHEMA_VERSION, Notice
from pipelines.schema import schema_id

DATASETS = Path(__file__).resolve().parent.parent / "datasets"

# Table Schema of notices.csv: the CSV columns are part of the contract.
_STRING = {"type": "string"}
CSV_FIELDS: list[dict[str, Any]] = [
    {"name": "id", **_STRING, "constraints": {"required": True, "unique": True, "pattern": "[0-9a-f]{16}"}},
    {"name": "source_id", **_STRING, "constraints": {"required": True}},
    {"name": "url", "type": "string", "format": "uri", "constraints": {"required": True}},
    {"name": "retrieved_at", "type": "datetime", "constraints": {"required": True}},
    {"name": "title", **_STRING, "constraints": {"required": True}},
    {"name": "doc_number", **_STRING},
    {"name": "doc_number_raw", **_STRING},
    {"name": "doc_number_parts", "type": "object"},
    {"name": "index_number", **_STRING},
    {"name": "issuing_agency", **_STRING},
    {"name": "doc_type", **_STRING, "constraints": {"enum": list(DOC_TYPES)}},
    {"name": "genre", **_STRING},
    {"name": "written_date", "type": "date"},
    {"name": "published_date", "type": "date"},
    {"name": "validity", **_STRING, "constraints": {"enum": ["有效", "失效", "废止"]}},
    {"name": "topic", **_STRING},
    {"name": "addressees", "type": "array"},
    {"name": "body_text", **_STRING},
    {"name": "attachments", "type": "array"},
    {"name": "script", **_STRING, "constraints": {"required": True, "enum": ["hans", "hant"]}},
    {"name": "content_sha256", **_STRING, "constraints": {"required": True, "pattern": "[0-9a-f]{64}"}},
    {"name": "quality_flags", "type": "array"},
]
COLUMNS = [f["name"] for f in CSV_FIELDS]


@dataclass(frozen=True)
class Dataset:
    """A dataset's definition (datasets/<folder>/dataset.toml) and where its versions live."""

    folder: Path
    definition: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> Dataset:
        return cls(folder, tomllib.loads((folder / "dataset.toml").read_text(encoding="utf-8")))

    @property
    def index_path(self) -> Path:
        return self.folder / "index.json"

    def versions(self) -> list[dict[str, Any]]:
        if not self.index_path.exists():
            return []
        versions: list[dict[str, Any]] = json.loads(self.index_path.read_text(encoding="utf-8"))["versions"]
        return versions

    def latest(self) -> Path | None:
        pointer = self.folder / "latest"
        if not pointer.exists():
            return None
        return self.folder / pointer.read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Published:
    version: str
    folder: Path
    new: bool


def csv_row(notice: Notice) -> dict[str, str]:
    data = notice.model_dump(mode="json")
    row: dict[str, str] = {}
    for name in COLUMNS:
        value = data[name]
        if value is None:
            row[name] = ""
        elif isinstance(value, list | dict):
            row[name] = json.dumps(value, ensure_ascii=False)
        else:
            row[name] = str(value)
    return row


def notices_csv(notices: list[Notice]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(csv_row(n) for n in notices)
    return out.getvalue().encode("utf-8")


def notices_json(notices: list[Notice]) -> bytes:
    records = [n.model_dump(mode="json") for n in notices]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _file_facts(data: bytes) -> dict[str, Any]:
    return {"hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def descriptor(dataset: Dataset, version: str, created: str, files: dict[str, bytes]) -> dict[str, Any]:
    d = dataset.definition
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": d["name"],
        "title": d["title"],
        "description": d["description"].strip(),
        "homepage": d["homepage"],
        "version": version,
        "created": created,
        "licenses": [d["license"]],
        "contributors": [{"title": d["publisher"], "roles": ["publisher"]}],
        "sources": [{"title": s} for s in d["sources"]],
        "resources": [
            {
                "name": "notices",
                "type": "table",
                "path": "notices.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **_file_facts(files["notices.csv"]),
                "schema": {"fields": CSV_FIELDS, "primaryKey": ["id"]},
            },
            {
                "name": "notices-json",
                "path": "notices.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": f"The same notices as one JSON array; each record follows {schema_id()}",
                **_file_facts(files["notices.json"]),
            },
        ],
    }


def next_version(previous: list[dict[str, Any]]) -> str:
    """MINOR for new or changed notices; the first version is 1.0.0 (schema major 1)."""
    if not previous:
        return f"{SCHEMA_VERSION.split('.')[0]}.0.0"
    major, minor, _ = (int(p) for p in previous[-1]["version"].split("."))
    return f"{major}.{minor + 1}.0"


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def publish(dataset: Dataset, notices: list[Notice]) -> Published:
    """Write a new version when the notices differ from the latest version's; validate it first."""
    notices = sorted(notices, key=lambda n: n.id)
    files = {"notices.csv": notices_csv(notices), "notices.json": notices_json(notices)}
    latest = dataset.latest()
    if latest is not None and (latest / "notices.json").read_bytes() == files["notices.json"]:
        return Published(latest.name, latest, new=False)
    versions = dataset.versions()
    version = next_version(versions)
    created = max(n.retrieved_at for n in notices).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = descriptor(dataset, version, created, files)
    files["datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    staging = dataset.folder / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, data in files.items():
        (staging / name).write_bytes(data)
    report = Package(str(staging / "datapackage.json")).validate()
    if not report.valid:
        errors = "; ".join(str(message) for message, in report.flatten(["message"])[:10])
        shutil.rmtree(staging)
        raise ValueError(f"version {version} fails Frictionless validation: {errors}")
    final = dataset.folder / version
    staging.replace(final)
    entry = {
        "version": version,
        "created": created,
        "notices": len(notices),
        "descriptor_sha256": hashlib.sha256(files["datapackage.json"]).hexdigest(),
    }
    index = {"name": dataset.definition["name"], "versions": [*versions, entry]}
    _write_atomic(dataset.index_path, (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode())
    _write_atomic(dataset.folder / "latest", f"{version}\n".encode())
    return Published(version, final, new=True)
