"""`gongwen parse`: one saved page to one Notice as JSON, with the pipeline's own extractor."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gongwen.crawlers.sampleweb.render import PAGES_DIR, render_notice
from tests.conftest import BIN, Run


def parse(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN / "gongwen", "parse", *args], capture_output=True, text=True, check=False)


def test_parse_prints_the_notice_as_utf8_json(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(render_notice("sc_meishan", PAGES_DIR / "sc_meishan" / "seed-001.toml"))
    result = parse(page, "--url", "https://www.ms.gov.cn/info/1046/50078.htm")
    assert result.returncode == 0, result.stderr
    assert "眉府办发〔2022〕17号" in result.stdout  # UTF-8 text, not \u escapes
    notice = json.loads(result.stdout)
    assert notice["doc_number"] == "眉府办发〔2022〕17号"
    assert notice["written_date"] == "2022-03-29"
    assert notice["published_date"] == "2022-03-30"
    assert notice["source_id"] == "www.ms.gov.cn"
    assert notice["url"] == "https://www.ms.gov.cn/info/1046/50078.htm"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.html", b""),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"),
        ("data.json", b'{"title": "not a page"}'),
    ],
)
def test_parse_refuses_what_is_not_html_with_status_2_and_one_line(
    tmp_path: Path, name: str, content: bytes
) -> None:
    page = tmp_path / name
    page.write_bytes(content)
    result = parse(page)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(page) in result.stderr


def test_parse_refuses_a_file_larger_than_a_crawl_fetches_with_status_2(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    with page.open("wb") as out:
        out.truncate(17 * 2**20)  # sparse: nothing is written
    result = parse(page)
    assert result.returncode == 2
    said = f"gongwen parse: {page}: 17 MB, more than the 16 MB a crawl fetches"
    assert result.stderr.strip().splitlines() == [said]


def test_parse_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    page = tmp_path / "long.html"
    text = "".join(f"<p>第{n}条 各级人民政府应当加强安全生产工作，落实属地责任。</p>" for n in range(3000))
    title = "某县人民政府关于加强安全生产工作的通知"
    page.write_text(f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
                    f'<div class="content">{text}</div></body></html>', encoding="utf-8")
    command = [BIN / "gongwen", "parse", page]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as reader:
        assert reader.stdout is not None
        assert reader.stderr is not None
        assert reader.stdout.read(1) == b"{"  # `| head`: a few bytes read, then the pipe closed
        reader.stdout.close()
        errors = reader.stderr.read().decode()
        assert reader.wait(timeout=60) == 0
    assert "Traceback" not in errors
    assert "BrokenPipe" not in errors


def test_parse_of_an_unreadable_file_is_status_2(tmp_path: Path) -> None:
    result = parse(tmp_path / "missing.html")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file of a dataset folder but its build log (which records the attempt)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "build.log"}


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("empty index", "index.json is not an index of versions"),
        ("corrupt index", "index.json is not an index of versions"),
        ("latest outside", "not a MAJOR.MINOR.PATCH version"),
        ("lock held", "another build is publishing"),
    ],
)
def test_a_release_on_a_damaged_or_busy_dataset_says_why_in_one_line_and_writes_nothing(
    demo_run: Run, tmp_path: Path, fault: str, said: str
) -> None:
    dataset = tmp_path / "notices"
    shutil.copytree(demo_run.dataset, dataset)
    damage = {"empty index": ("index.json", ""), "corrupt index": ("index.json", '{"versions": 3'),
              "latest outside": ("latest", "../../etc\n")}
    if fault in damage:
        name, text = damage[fault]
        (dataset / name).write_text(text, encoding="utf-8")
    before = _tree(dataset)
    with (dataset / "build.log").open("a") as log:
        if fault == "lock held":
            fcntl.flock(log, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = subprocess.run(
            [BIN / "gongwen", "release", "--workdir", demo_run.workdir, "--dataset", dataset],
            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gongwen release: ")
    assert said in lines[0]
    assert _tree(dataset) == before  # nothing written
    last = (dataset / "build.log").read_text(encoding="utf-8").splitlines()[-1]
    assert "FAILED, no version published" in last


def _verify(dataset: Path, *versions: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BIN / "gongwen", "verify", "--dataset", dataset, *versions],
                          capture_output=True, text=True, check=False, timeout=120)


def test_verify_finds_a_published_file_edited_in_place_keeping_its_size_and_time(
    demo_run: Run, tmp_path: Path
) -> None:
    dataset = tmp_path / "notices"
    shutil.copytree(demo_run.dataset, dataset)
    version = demo_run.release.name
    clean = _verify(dataset)
    assert clean.returncode == 0, clean.stderr
    assert f"{version}/notices.csv: OK" in clean.stdout.splitlines()
    published = dataset / version / "notices.csv"
    stat = published.stat()
    data = bytearray(published.read_bytes())
    at = data.index("通知".encode())
    data[at:at + 6] = "通告".encode()  # the same number of bytes
    published.chmod(0o644)  # published read-only: edited by someone who may
    published.write_bytes(bytes(data))
    os.utime(published, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert published.stat().st_size == stat.st_size
    forged = _verify(dataset)
    assert forged.returncode == 1
    said = "FAILED (sha256 differs from the one the descriptor records)"
    assert f"{version}/notices.csv: {said}" in forged.stdout
    assert forged.stdout.count("FAILED") == 1
    (dataset / version / "extra.csv").write_text("x\n", encoding="utf-8")
    assert f"{version}/extra.csv: FAILED (not listed in the descriptor)" in _verify(dataset, version).stdout
    assert _verify(dataset, "9.9.9").returncode == 2
    index = json.loads((dataset / "index.json").read_text(encoding="utf-8"))
    index["versions"].append({"version": "../../etc"})  # a version name is never a path out of the dataset
    (dataset / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert "../../etc: FAILED (index.json names no MAJOR.MINOR.PATCH version here)" in _verify(dataset).stdout
