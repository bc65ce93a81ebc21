"""The published JSON Schema: generated from the model, versioned, and used to gate releases."""

from __future__ import annotations

import json

from gongwen.pipelines.notice import SCHEMA_VERSION, Notice
from gongwen.pipelines.schema import DIALECT, generate_schema, schema_errors, schema_path, schema_text


def test_committed_schema_matches_the_model() -> None:
    committed = schema_path().read_text(encoding="utf-8")
    drift = "schema drifted from the model: run `gongwen schema` and add a changelog entry"
    assert committed == schema_text(generate_schema()), drift


def test_schema_has_a_versioned_id_and_a_dialect() -> None:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    assert schema["$schema"] == DIALECT
    assert schema["$id"].endswith(f"/schema/{SCHEMA_VERSION}/notice.schema.json")
    assert list(schema["properties"]) == list(Notice.model_fields)
    assert set(schema["required"]) == set(Notice.model_fields)


def test_schema_errors_name_the_field_and_the_reason(valid_record: dict[str, object]) -> None:
    assert schema_errors(valid_record) == []
    broken = {**valid_record, "doc_type": "公函", "published_date": "2020-13-45"}
    problems = schema_errors(broken)
    assert any(p.startswith("doc_type:") for p in problems)
    assert any(p.startswith("published_date:") for p in problems)
