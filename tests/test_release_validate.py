"""`gongwen validate FILE`: a user's own JSON, NDJSON or CSV checked against the published schema."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gongwen.pipelines.cli import main
from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.schema import schema_id
from tests.conftest import BIN, ROOT
from tests.test_release import meishan_notices


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notices")
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", folder)
    return publish(Dataset.load(folder), meishan_notices(3)).folder


def records(release: Path) -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads((release / "notices.json").read_bytes())
    return loaded


@pytest.mark.parametrize("name", ["notices.json", "notices.ndjson", "notices.csv", "notices-excel.csv"])
def test_the_released_files_are_valid(release: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(release / name)]) == 0
    assert "3 records valid against https://" in capsys.readouterr().out


def test_a_wrong_date_is_rejected_naming_the_record_and_the_field(release: Path, tmp_path: Path) -> None:
    broken = records(release)
    broken[1]["written_date"] = "2022-02-30"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([BIN / "gongwen", "validate", path], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stdout == ""  # problems are errors: on stderr, with the verdict
    assert f"{path}: record 2: written_date: '2022-02-30' is not a 'date'" in result.stderr.splitlines()
    assert "1 problem in 3 records" in result.stderr


def test_ndjson_problems_give_the_line(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second, third = records(release)
    third["published_date"] = "2022/3/30"
    lines = [json.dumps(first), "", "{not json", json.dumps(second), json.dumps(third)]
    path = tmp_path / "mine.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().err.splitlines()
    assert out[0].startswith(f"{path}: record 2 (line 3): (record): not JSON")
    assert out[1] == f"{path}: record 4 (line 5): published_date: '2022/3/30' is not a 'date'"


def test_csv_cells_are_read_as_the_release_writes_them(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (release / "notices.csv").read_text(encoding="utf-8")
    path = tmp_path / "mine.csv"
    path.write_text(text.replace("2026-01-02T03:04:05Z", "yesterday", 1).replace('[""各县', "[各县", 1),
                    encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().err
    assert "record 1 (line 2): addressees: not JSON in its cell" in out
    assert "record 1 (line 2): retrieved_at: 'yesterday' is not a 'date-time'" in out


def test_a_file_that_cannot_be_read_is_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "notes.txt").write_text("{}", encoding="utf-8")
    assert main(["validate", str(tmp_path / "notes.txt")]) == 2
    assert main(["validate", "--format", "json", str(tmp_path / "notes.txt")]) == 1  # {} lacks every field
    assert "--format" in capsys.readouterr().err


def test_an_empty_file_or_no_records_is_not_valid(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = (release / "notices.csv").read_text(encoding="utf-8").splitlines(keepends=True)[0]
    for name, text in [("empty.ndjson", ""), ("empty.json", "[]"), ("blank.ndjson", "\n\n"),
                       ("header.csv", header)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert main(["validate", str(tmp_path / name)]) == 1, name
        assert f"{name}: no records against" in capsys.readouterr().err, name


def test_a_column_the_header_lacks_is_said_once(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (release / "notices.csv").open(encoding="utf-8", newline="") as stream:
        rows = [{k: v for k, v in row.items() if k != "title"} for row in csv.DictReader(stream)]
    path = tmp_path / "mine.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}: line 1: title: no such column in the header",
                   f"{path}: 1 problem in 3 records against {schema_id()}"]


def test_one_problem_in_one_record_is_said_in_the_singular(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (first,) = records(release)[:1]
    first["published_date"] = "soon"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert f"{path}: 1 problem in 1 record against" in capsys.readouterr().err


def test_a_json_array_broken_midway_is_checked_up_to_the_break(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = records(release)[:2]
    text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in kept) + ',\n{"id": \n'
    path = tmp_path / "cut.json"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path}: line 4: (file): not JSON: Expecting value",
                   f"{path}: 1 problem in 2 records against {schema_id()}"]
