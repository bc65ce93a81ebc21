"""A version is checked before it is published: every row's keys, and Frictionless on its Table Schemas."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gongwen.pipelines.release import Dataset, contents, publish
from gongwen.pipelines.release.keys import Keys
from gongwen.pipelines.release.staging import Staging
from gongwen.pipelines.release.tables import SCHEMAS
from tests.test_release import dataset, meishan_notices

__all__ = ["dataset"]  # the fixture, shared with test_release

NOTICE = "0123456789abcdef"


def target(**cells: str) -> dict[str, str]:
    row = dict.fromkeys((f["name"] for f in SCHEMAS["targets"]["fields"]), "")
    return row | {"id": "aaaaaaaaaaaaaaaa", "notice_id": NOTICE, **cells}


def test_a_repeated_primary_key_and_a_dangling_reference_are_problems() -> None:
    keys = Keys()
    keys.adder("tasks", ["id", "notice_id"])(["1111111111111111", NOTICE])
    add_target = keys.adder("targets", list(target()))
    add_target(list(target(task_id="2222222222222222").values()))
    add_target(list(target().values()))
    problems = keys.problems()
    assert any("targets: primary key ['id'] repeated" in p for p in problems)
    assert any("targets: ['notice_id'] not in notices" in p for p in problems)
    assert any("targets: ['task_id'] not in tasks" in p and "2222222222222222" in p for p in problems)
    assert not any(p.startswith("tasks: primary key") for p in problems)


def test_every_reference_of_the_schemas_is_to_a_primary_key() -> None:
    for schema in SCHEMAS.values():
        for foreign in schema.get("foreignKeys", []):
            assert foreign["reference"]["fields"] == SCHEMAS[foreign["reference"]["resource"]]["primaryKey"]


def test_files_are_hashed_as_they_are_written_and_json_reads_back(tmp_path: Path) -> None:
    staging = Staging(tmp_path / ".1.0.0.partial")
    records: list[dict[str, Any]] = [{"id": "a", "t": '引号"\n'}, {"id": "b", "list": [1, {"x": None}]}]
    records.append({"id": "c"})
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    with staging.json("r.json", "r.ndjson") as writer:
        line, (start, end, *_) = writer.write(records[0])
        # the next two as lines encoded before: between them in the array, their separator
        run = writer.carry(",\n".join(lines[1:]).encode(), "".join(f"{x}\n" for x in lines[1:]).encode(), 2)
    assert line == lines[0]
    array = (staging.folder / "r.json").read_bytes()
    assert array[start:end].decode() == lines[0]
    assert array[run[0] :].decode().startswith(lines[1] + ",\n" + lines[2])
    for name in ("r.json", "r.ndjson"):
        data = (staging.folder / name).read_bytes()
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        assert staging.facts[name] == {"hash": digest, "bytes": len(data)}
    array = (staging.folder / "r.json").read_text(encoding="utf-8")
    assert json.loads(array) == records
    assert array.splitlines()[1:-1] == [json.dumps(r, ensure_ascii=False) + "," for r in records[:-1]] + [
        json.dumps(records[-1], ensure_ascii=False)
    ]  # a record a line
    lines = (staging.folder / "r.ndjson").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    with staging.json("empty.json", "empty.ndjson"):
        pass
    assert json.loads((staging.folder / "empty.json").read_text(encoding="utf-8")) == []


def test_a_version_whose_rows_break_their_table_schema_is_not_published(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(dataset, meishan_notices(2))
    attachments = contents.attachment_rows

    def wrong_position(records: Any) -> Any:
        return [{**row, "position": "first"} for row in attachments(records)]  # an integer column

    monkeypatch.setattr(contents, "attachment_rows", wrong_position)
    with pytest.raises(ValueError, match=r"fails validation: .*position"):
        publish(dataset, meishan_notices(3))
    assert (dataset.folder / "latest").read_text(encoding="utf-8").strip() == "1.0.0"
    assert not list(dataset.folder.glob(".*.partial"))
