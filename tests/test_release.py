"""Releases: Frictionless v2 data packages, versioned, hashed, and valid by `frictionless validate`."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines.notice import Notice, notice_id, sha256_text
from pipelines.release import COLUMNS, Dataset, publish
from tests.conftest import BIN, ROOT


def notices(valid_record: dict[str, object], count: int) -> list[Notice]:
    made = []
    for n in range(count):
        url = f"https://www.ms.gov.cn/info/1046/{10000 + n}.htm"
        body = f"各县（区）人民政府：\n第{n}件通知的正文，含“引号”、逗号,和换行。"
        record = {**valid_record, "id": notice_id(url), "url": url}
        made.append(Notice.model_validate({**record, "body_text": body, "content_sha256": sha256_text(body)}))
    return made


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    return Dataset.load(tmp_path)


def test_a_release_is_a_valid_frictionless_package(dataset: Dataset, valid_record: dict[str, object]) -> None:
    published = publish(dataset, notices(valid_record, 3))
    assert published.new
    assert published.version == "1.0.0"
    result = subprocess.run(
        [BIN / "frictionless", "validate", published.folder / "datapackage.json"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout


def test_every_file_has_its_sha256_and_bytes(dataset: Dataset, valid_record: dict[str, object]) -> None:
    folder = publish(dataset, notices(valid_record, 2)).folder
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["$schema"].endswith("/2.0/datapackage.json")
    assert package["version"] == "1.0.0"
    assert package["licenses"]
    for resource in package["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


def test_csv_opens_as_one_row_per_notice_with_the_contract_columns(
    dataset: Dataset, valid_record: dict[str, object]
) -> None:
    folder = publish(dataset, notices(valid_record, 4)).folder
    with (folder / "notices.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 4
    assert "\n" in rows[0]["body_text"]
    assert json.loads(rows[0]["addressees"]) == ["各县（区）人民政府"]


def test_versions_change_only_when_notices_do(dataset: Dataset, valid_record: dict[str, object]) -> None:
    first = publish(dataset, notices(valid_record, 2))
    again = publish(dataset, notices(valid_record, 2))
    assert (again.version, again.new) == ("1.0.0", False)
    more = publish(dataset, notices(valid_record, 3))
    assert (more.version, more.new) == ("1.1.0", True)
    index = json.loads(dataset.index_path.read_text(encoding="utf-8"))
    assert [v["version"] for v in index["versions"]] == ["1.0.0", "1.1.0"]
    assert (dataset.folder / "latest").read_text(encoding="utf-8").strip() == "1.1.0"
    assert (first.folder / "notices.json").exists()
    assert not list(dataset.folder.glob(".*partial"))
