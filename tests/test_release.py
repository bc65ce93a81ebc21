"""Releases: Frictionless v2 data packages, versioned by what changed, hashed, readable as they are."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import lxml.html
import markdown
import pandas as pd
import pytest

from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import COLUMNS, Dataset, publish
from gongwen.pipelines.release.changes import NoticeChanges, judge, next_version
from tests.conftest import BIN, ROOT, make_notice


def meishan_notices(count: int, **fields: Any) -> list[Notice]:
    """``count`` valid notices of sc_meishan whose text holds what CSV readers trip over."""
    return [
        make_notice(
            f"https://www.ms.gov.cn/info/1046/{10000 + n}.htm",
            title=f"关于第{n}件事项的通知",
            body_text=f'各县（区）人民政府：\n第{n}件通知的正文，含“引号”、"quotes"、逗号,和换行。\r\n完',
            addressees=["各县（区）人民政府"],
            attachments=[{"title": f"附件{n}", "url": f"https://www.ms.gov.cn/files/{n}.pdf"}],
            **fields,
        )
        for n in range(count)
    ]


def load(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def package(folder: Path) -> dict[str, Any]:
    descriptor: dict[str, Any] = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    return Dataset.load(tmp_path)


def test_a_release_is_a_valid_frictionless_package(dataset: Dataset) -> None:
    hostile = make_notice("https://www.ms.gov.cn/info/1046/9.htm", title='=HYPERLINK("http://x")')
    published = publish(dataset, [*meishan_notices(3), hostile])
    assert (published.new, published.version, published.bump) == (True, "1.0.0", "MAJOR")
    result = subprocess.run(
        [BIN / "frictionless", "validate", published.folder / "datapackage.json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout


def test_every_file_is_a_resource_with_its_sha256_and_bytes(dataset: Dataset) -> None:
    folder = publish(dataset, meishan_notices(2)).folder
    descriptor = package(folder)
    assert descriptor["$schema"].endswith("/2.0/datapackage.json")
    assert descriptor["version"] == "1.0.0"
    assert descriptor["created"] == "2026-01-02T03:04:05Z"  # from the notices, not the clock
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert {s["title"] for s in descriptor["sources"]} >= {"眉山市人民政府 政府信息公开"}
    paths = {r["path"] for r in descriptor["resources"]}
    assert paths == {p.name for p in folder.iterdir()} - {"datapackage.json"}
    assert {"notices.csv", "notices-excel.csv", "notices.json", "notices.ndjson", "attachments.csv",
            "sources.csv", "quality.csv", "changes.csv", "CHANGES.md"} <= paths
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert {oct(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {oct(0o444)}  # published: read-only


def test_every_csv_has_a_table_schema_with_keys_between_resources(dataset: Dataset) -> None:
    resources = {r["name"]: r for r in package(publish(dataset, meishan_notices(2)).folder)["resources"]}
    for resource in resources.values():
        if resource["format"] == "csv":
            schema = resource["schema"]
            assert schema["primaryKey"]
            assert all(f["type"] and f["description"] for f in schema["fields"])
    notices = resources["notices"]["schema"]
    types = {f["name"]: f["type"] for f in notices["fields"]}
    assert [types[f] for f in ("retrieved_at", "written_date", "addressees")] == ["datetime", "date", "array"]
    assert notices["primaryKey"] == ["id"]
    to_sources = {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}
    assert to_sources in notices["foreignKeys"]
    attachments = resources["attachments"]["schema"]
    assert attachments["foreignKeys"][0]["reference"] == {"resource": "notices", "fields": ["id"]}
    required = {f["name"] for f in notices["fields"] if f.get("constraints", {}).get("required")}
    assert {"id", "url", "title", "retrieved_at"} <= required
    assert "doc_number" not in required
    assert "canonical URL" in next(f["description"] for f in notices["fields"] if f["name"] == "id")


def test_the_csv_columns_are_the_notice_fields_in_schema_order(dataset: Dataset) -> None:
    assert list(Notice.model_fields) == COLUMNS
    rows = load(publish(dataset, meishan_notices(4)).folder, "notices.csv")
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 4
    assert "\n" in rows[0]["body_text"]
    assert json.loads(rows[0]["addressees"]) == ["各县（区）人民政府"]
    assert rows[0]["doc_number"] == ""  # null


def test_json_ndjson_csv_and_excel_csv_hold_the_same_notices(dataset: Dataset) -> None:
    hostile = make_notice("https://www.ms.gov.cn/info/1046/9.htm", title="=cmd|' /C calc'!A0")
    folder = publish(dataset, [*meishan_notices(3), hostile]).folder
    records = json.loads((folder / "notices.json").read_text(encoding="utf-8"))
    lines = (folder / "notices.ndjson").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    plain = (folder / "notices.csv").read_bytes()
    excel = (folder / "notices-excel.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf")
    assert not plain.startswith(b"\xef\xbb\xbf")
    by_id = {r["id"]: r for r in load(folder, "notices.csv")}
    for row in load(folder, "notices-excel.csv"):
        if row["id"] == hostile.id:
            assert row["title"] == "'" + hostile.title  # Excel shows it as text, does not run it
            assert by_id[row["id"]]["title"] == hostile.title  # the plain CSV keeps the data as it is
        else:
            assert row == by_id[row["id"]]


def test_attachments_have_a_table_of_their_own(dataset: Dataset) -> None:
    folder = publish(dataset, meishan_notices(3)).folder
    rows = load(folder, "attachments.csv")
    assert len(rows) == 3
    first = meishan_notices(1)[0]
    assert rows[[r["notice_id"] for r in rows].index(first.id)] == {
        "notice_id": first.id, "position": "1", "title": "附件0", "url": "https://www.ms.gov.cn/files/0.pdf"}


def test_pandas_and_duckdb_read_the_csv_as_it_is(dataset: Dataset) -> None:
    notices = meishan_notices(5)
    csv_path = publish(dataset, notices).folder / "notices.csv"
    frame = pd.read_csv(csv_path)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == 5
    assert sorted(frame["body_text"]) == sorted(n.body_text for n in notices)
    assert duckdb.sql(f"select count(*) from read_csv_auto('{csv_path}')").fetchall() == [(5,)]


# --- versions -------------------------------------------------------------------------------------------


def changes(folder: Path) -> list[dict[str, str]]:
    return load(folder, "changes.csv")


def test_a_build_that_changes_nothing_publishes_nothing(dataset: Dataset) -> None:
    first = publish(dataset, meishan_notices(2))
    refetched = meishan_notices(2, retrieved_at=datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC))
    again = publish(dataset, refetched)  # a new crawl: only retrieved_at differs
    assert (again.version, again.new) == ("1.0.0", False)
    assert [v["version"] for v in dataset.versions()] == ["1.0.0"]
    assert sorted(p.name for p in dataset.folder.iterdir() if p.is_dir()) == ["1.0.0"]
    assert first.folder == again.folder


def test_added_and_updated_notices_make_a_minor_version_and_missing_ones_stay(dataset: Dataset) -> None:
    kept, changed, missing = meishan_notices(3)
    publish(dataset, [kept, changed, missing])
    retitled = Notice.model_validate({**changed.model_dump(), "title": "新的标题"})
    added = make_notice("https://www.ms.gov.cn/info/1046/77.htm")
    published = publish(dataset, [kept, retitled, added])  # no crawl says where `missing` went
    assert (published.version, published.bump) == ("1.1.0", "MINOR")
    rows = {r["id"]: r for r in changes(published.folder)}
    assert {nid: r["change"] for nid, r in rows.items()} == {added.id: "added", changed.id: "updated"}
    assert json.loads(rows[changed.id]["fields"]) == ["title"]
    assert missing.id in {r["id"] for r in json.loads((published.folder / "notices.json").read_bytes())}
    entry = dataset.versions()[-1]
    assert (entry["added"], entry["updated"], entry["withdrawn"], entry["notices"]) == (1, 1, 0, 4)
    assert entry["descriptor_sha256"] == hashlib.sha256(
        (published.folder / "datapackage.json").read_bytes()).hexdigest()
    text = (published.folder / "CHANGES.md").read_text(encoding="utf-8")
    assert "Previous version: 1.0.0." in text
    assert f"`{added.id}`" in text
    assert "(`title`)" in text
    assert (dataset.folder / "latest").read_text(encoding="utf-8").strip() == "1.1.0"
    assert json.loads((dataset.folder / "1.0.0" / "notices.json").read_bytes())[0]["title"] != "新的标题"


def test_a_metadata_correction_makes_a_patch_version(dataset: Dataset) -> None:
    publish(dataset, meishan_notices(2))
    toml = dataset.folder / "dataset.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("crawled,", "collected,", 1), encoding="utf-8")
    published = publish(Dataset.load(dataset.folder), meishan_notices(2))
    assert (published.version, published.bump) == ("1.0.1", "PATCH")
    assert changes(published.folder) == []
    assert "collected," in package(published.folder)["description"]
    assert "- description" in (published.folder / "CHANGES.md").read_text(encoding="utf-8")


def test_a_removed_or_retyped_column_is_a_major_change() -> None:
    def descriptor(**types: str) -> dict[str, Any]:
        fields = [{"name": name, "type": kind} for name, kind in types.items()]
        return {"name": "d", "resources": [{"name": "notices", "schema": {"fields": fields}}]}

    no_change = NoticeChanges([], {}, [])
    before = descriptor(id="string", written_date="date")
    assert judge(before, descriptor(id="string"), no_change).bump == "MAJOR"
    retyped = judge(before, descriptor(id="string", written_date="string"), no_change)
    assert retyped.bump == "MAJOR"
    assert retyped.reasons == ["notices.written_date retyped from date to string"]
    added = descriptor(id="string", written_date="date", topic="string")
    assert judge(before, added, no_change).bump == "MINOR"
    assert judge(before, before, no_change).bump is None
    assert [next_version("1.4.2", b) for b in ("MAJOR", "MINOR", "PATCH")] == ["2.0.0", "1.5.0", "1.4.3"]


def test_scraped_titles_are_inert_text_in_changes_md(dataset: Dataset) -> None:
    hostile = make_notice("https://www.ms.gov.cn/info/1046/9.htm",
                          title="<script>alert(1)</script>[x](javascript:alert(1)) {{ config }}")
    text = (publish(dataset, [hostile]).folder / "CHANGES.md").read_text(encoding="utf-8")
    assert r"&lt;script&gt;alert(1)&lt;/script&gt;\[x\](javascript:alert(1)) \{\{ config \}\}" in text
    assert "<script>" not in text
    assert "{{" not in text
    rendered = lxml.html.fromstring(markdown.markdown(text, extensions=["tables"]))
    assert not rendered.cssselect("script, a")
    assert hostile.title in " ".join(rendered.text_content().split())


def test_reading_the_csv_back_gives_the_json_records(dataset: Dataset) -> None:
    """The CSV convention (empty cell null, JSON in list cells) loses nothing the JSON holds."""
    folder = publish(dataset, meishan_notices(3)).folder
    records = json.loads((folder / "notices.json").read_text(encoding="utf-8"))
    types = {f["name"]: f["type"] for f in package(folder)["resources"][0]["schema"]["fields"]}
    for record, row in zip(records, load(folder, "notices.csv"), strict=True):
        json_cells = {k for k, kind in types.items() if kind in ("array", "object")}
        back = {k: json.loads(v) if v and k in json_cells else v or None for k, v in row.items()}
        assert back == record
