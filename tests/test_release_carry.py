"""A version copies the rows of the notices that did not change from the one before (release.carry):
byte for byte what encoding them again writes, citations linked again to the notices of the version."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.release.carry import KEPT
from gongwen.pipelines.release.dataset import DatasetError
from gongwen.pipelines.release.staging import TableWriter
from tests.conftest import make_notice
from tests.test_release import load, meishan_notices
from tests.test_release_policy import CITED, citing

PLAN = (
    "各县（区）人民政府：\n一、加快推进城市更新。到2025年，全市棚户区改造完成率达到95%以上。"
    "由市住房城乡建设局牵头，市发展改革委、市财政局配合。\n二、强化保障。到2026年，新增保障性住房3000套。"
)


def changed(notice: Notice, **fields: Any) -> Notice:
    kept = notice.model_dump(exclude={"id", "url", "content_sha256"})
    return make_notice(str(notice.url), **(kept | fields))


def nights() -> tuple[list[Notice], list[Notice]]:
    """Two nights: the second adds the document the first night's notices cite, changes a text and a
    title, and no longer reads a notice."""
    first = citing(1, "按《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号）。")
    plan = citing(2, PLAN)
    others = meishan_notices(4)
    changed_text = changed(others[1], body_text=others[1].body_text + "补充。")
    retitled = changed(others[2], title="关于第2件事项的补充通知")
    return [first, plan, *others], [first, plan, others[0], changed_text, retitled, CITED]


def carried(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows TableWriter.carry copies from then on (one count per call)."""
    calls: list[int] = []
    carry = TableWriter.carry

    def counted(self: TableWriter, *data: bytes, rows: Any = ()) -> None:
        calls.append(len(data))
        carry(self, *data, rows=rows)

    monkeypatch.setattr(TableWriter, "carry", counted)
    return calls


def two_versions(folder: Path, *, forget: bool = False) -> Path:
    shutil.copy(Path(__file__).resolve().parents[1] / "datasets" / "notices" / "dataset.toml", folder)
    dataset = Dataset.load(folder)
    first, second = nights()
    publish(dataset, first)
    if forget:
        (folder / KEPT).unlink()
    return publish(dataset, second).folder


def same_files(one: Path, other: Path) -> None:
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in other.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (other / name).read_bytes(), name


def test_rows_carried_from_the_previous_version_are_the_bytes_encoding_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "encoded").mkdir()
    (tmp_path / "carried").mkdir()
    encoded = two_versions(tmp_path / "encoded", forget=True)
    calls = carried(monkeypatch)
    version = two_versions(tmp_path / "carried")
    # the unchanged notices (the citing one, the plan, one of meishan's, and the one no longer read,
    # which stays as it was): CSV + Excel copy, then attachments, tasks, targets and agencies, a call each
    assert calls == [2, 1, 1, 1, 1] * 4
    assert len(load(version, "tasks.csv")) >= 2  # the plan's rows were carried
    same_files(version, encoded)
    links = {c["title"]: c["cited_notice_id"] for c in load(version, "citations.csv")}
    assert links["国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见"] == CITED.id  # linked anew


def test_a_previous_file_changed_since_it_was_written_is_not_carried_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(Path(__file__).resolve().parents[1] / "datasets" / "notices" / "dataset.toml", tmp_path)
    dataset = Dataset.load(tmp_path)
    first, second = nights()
    tasks = publish(dataset, first).folder / "tasks.csv"
    os.utime(tasks, ns=(tasks.stat().st_atime_ns, tasks.stat().st_mtime_ns + 1))
    calls = carried(monkeypatch)
    publish(dataset, second)
    assert calls == []


def test_a_published_file_edited_in_place_is_not_carried_forward(tmp_path: Path) -> None:
    """An edit that keeps the file's size and time: the release refuses, naming the file, and
    publishes nothing."""
    shutil.copy(Path(__file__).resolve().parents[1] / "datasets" / "notices" / "dataset.toml", tmp_path)
    dataset = Dataset.load(tmp_path)
    first, second = nights()
    version = publish(dataset, first).version
    published = tmp_path / version / "notices.csv"
    stat = published.stat()
    data = bytearray(published.read_bytes())
    at = data.index("通知".encode())
    data[at:at + 6] = "通告".encode()
    published.chmod(0o644)  # published read-only: edited by someone who may
    published.write_bytes(bytes(data))
    os.utime(published, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(DatasetError, match=rf"{version}/notices\.csv: sha256 differs"):
        publish(dataset, second)
    assert (tmp_path / "latest").read_text(encoding="utf-8").strip() == version
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [version]
