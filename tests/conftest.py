"""Shared fixtures: the sample web on loopback, and one real `gongwen run` for the end-to-end tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gongwen.crawlers.sampleweb.server import SampleWebServer
from gongwen.pipelines.notice import Notice, notice_id, sha256_text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def real_page() -> Callable[[str], Path]:
    """A real captured page by its file name in ../shared/real-pages (its MANIFEST.md says where each
    comes from); the test is skipped when ../shared or the page is absent. The one way tests reach
    ../shared: its files are read where they are, never copied into the repository."""
    folder = ROOT.parent / "shared" / "real-pages"

    def page(name: str) -> Path:
        path = folder / name
        if not path.is_file():
            pytest.skip(f"real page {path} not available")
        return path

    return page


@pytest.fixture(scope="session")
def sample_web() -> Iterator[str]:
    server = SampleWebServer().start()
    yield server.origin
    server.stop()


@dataclass(frozen=True)
class Run:
    """What one `gongwen run` left behind."""

    workdir: Path
    dataset: Path
    stdout: str

    @property
    def release(self) -> Path:
        return self.dataset / (self.dataset / "latest").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """`gongwen run` as `make demo` runs it, into a temporary workdir and dataset folder."""
    tmp = tmp_path_factory.mktemp("run")
    dataset = tmp / "notices"
    dataset.mkdir()
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", dataset)
    result = subprocess.run(
        [BIN / "gongwen", "run", "--workdir", tmp / "build", "--dataset", dataset],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return Run(tmp / "build", dataset, result.stdout)


def make_notice(url: str, **fields: Any) -> Notice:
    """A valid Notice read from ``url``; ``fields`` override the defaults (id and hash follow)."""
    body = fields.pop("body_text", "各有关单位：\n现将有关事项通知如下。")
    values: dict[str, Any] = {
        "id": notice_id(url),
        "source_id": "sc_meishan",
        "url": url,
        "retrieved_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "title": "眉山市人民政府办公室关于做好防汛工作的通知",
        "doc_number": None,
        "doc_number_raw": None,
        "doc_number_parts": None,
        "index_number": None,
        "issuing_agency": None,
        "doc_type": "通知",
        "genre": None,
        "written_date": None,
        "published_date": None,
        "validity": None,
        "topic": None,
        "addressees": [],
        "body_text": body,
        "attachments": [],
        "script": "hans",
        "content_sha256": sha256_text(body),
        "quality_flags": [],
    }
    return Notice.model_validate({**values, **fields})


@pytest.fixture
def valid_record() -> dict[str, object]:
    """A Notice as JSON, valid against the model and the published schema."""
    return make_notice(
        "https://www.ms.gov.cn/info/1046/10001.htm",
        body_text="各县（区）人民政府：\n现将有关事项通知如下。",
        doc_number="眉府办发〔2022〕17号",
        doc_number_raw="眉府办发[2022]17号",
        doc_number_parts={"issuer_code": "眉府办发", "year": 2022, "serial": 17},
        index_number="971045726/szfb/2022-00078",
        issuing_agency="眉山市人民政府办公室",
        written_date="2022-03-29",
        published_date="2022-03-30",
        validity="有效",
        addressees=["各县（区）人民政府"],
        quality_flags=[{"code": "doc_number_nonstandard", "message": "printed with [] brackets"}],
    ).model_dump(mode="json")
