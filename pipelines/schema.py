"""The published contract: the Notice JSON Schema, generated from the model and kept under schema/.

schema/<version>/notice.schema.json is what developers validate against. It is written by
``gongwen schema`` and checked against the model by the tests, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import CoreSchema

from pipelines.notice import SCHEMA_VERSION, Notice

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
SITE_URL = "https://gongwen.github.io/gongwen/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_id(version: str = SCHEMA_VERSION) -> str:
    return f"{SITE_URL}schema/{version}/notice.schema.json"


def schema_path(version: str = SCHEMA_VERSION) -> Path:
    return SCHEMA_DIR / version / "notice.schema.json"


class _Published(GenerateJsonSchema):
    """pydantic's generator, plus the ``$schema`` dialect and the versioned ``$id``."""

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> dict[str, Any]:
        generated = super().generate(schema, mode=mode)
        return {"$schema": DIALECT, "$id": schema_id(), **generated}


def generate_schema() -> dict[str, Any]:
    return Notice.model_json_schema(schema_generator=_Published, mode="serialization")


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schema() -> Path:
    path = schema_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(generate_schema()), encoding="utf-8")
    return path


@cache
def published_validator(version: str = SCHEMA_VERSION) -> Draft202012Validator:
    """A validator for the schema file as published, not as the model would generate it today."""
    schema = json.loads(schema_path(version).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(record: dict[str, Any], version: str = SCHEMA_VERSION) -> list[str]:
    """Readable reasons a JSON record breaks the published schema: ``field: message``."""
    errors = sorted(published_validator(version).iter_errors(record), key=lambda e: list(e.path))
    return [f"{'.'.join(str(p) for p in e.path) or '(record)'}: {e.message}" for e in errors]
