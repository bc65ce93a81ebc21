"""The published contract: the Notice JSON Schema, generated from the model and kept under schema/.

schema/<version>/notice.schema.json is what developers validate against. It is written by
``gongwen schema`` and checked against the model by the tests, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import CoreSchema

from gongwen.pipelines.notice import SCHEMA_VERSION, Notice

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


def required_fields(version: str = SCHEMA_VERSION) -> list[str]:
    """The fields every record must have, as the published schema says."""
    schema = published_validator(version).schema
    return list(schema.get("required", [])) if isinstance(schema, dict) else []


def _causes(error: ValidationError) -> list[ValidationError]:
    """An ``anyOf`` error as its alternatives' own errors, without "is not of type 'null'": for a
    nullable date, "'2020/01/02' is not a 'date'", not "is not valid under any of the given schemas"."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    real = [c for c in error.context if not (c.validator == "type" and c.validator_value == "null")]
    return [cause for c in real for cause in _causes(c)] or [error]


def schema_problems(record: object, version: str = SCHEMA_VERSION) -> list[tuple[str, str]]:
    """``(field, why)`` for every way a JSON record breaks the published schema; the field is dotted
    (``addressees.0``), or ``(record)`` for the record as a whole."""
    errors = sorted(published_validator(version).iter_errors(record), key=lambda e: [str(p) for p in e.path])
    causes = [cause for error in errors for cause in _causes(error)]
    return [(".".join(str(p) for p in c.absolute_path) or "(record)", c.message) for c in causes]


def schema_errors(record: dict[str, Any], version: str = SCHEMA_VERSION) -> list[str]:
    """Readable reasons a JSON record breaks the published schema: ``field: message``."""
    return [f"{field}: {why}" for field, why in schema_problems(record, version)]
