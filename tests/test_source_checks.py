"""`gongwen sources check`: the operator's canary, run for real against the sample web (Scrapy over
loopback HTTP), and its verdicts on what a broken source looks like."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from gongwen.crawlers.check import Fetched, SourceCheck
from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import LAYOUTS, PAGES_DIR
from gongwen.pipelines.source_checks import _row
from tests.conftest import BIN, ROOT


def _check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BIN / "gongwen", "sources", "check", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )


def test_every_source_of_the_sample_web_passes_and_its_check_is_kept(tmp_path: Path) -> None:
    done = _check("--json", "--workdir", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads(done.stdout)
    assert {r["source_id"] for r in rows} == set(LAYOUTS)
    for row in rows:
        assert row["verdict"] == "ok", row
        assert row["links"] > 0
        assert {"title", "body_text"} <= set(row["fields"])
    # Sources on the real web only are named, not silently passed over.
    assert "on the real web only" in done.stderr
    kept = json.loads((tmp_path / "checks.json").read_text(encoding="utf-8"))
    assert set(kept) == set(LAYOUTS)
    # A check leaves no crawl behind.
    assert not (tmp_path / "captures").exists()


def test_a_source_whose_list_shows_no_notice_is_a_changed_layout(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    shutil.copytree(PAGES_DIR, pages)
    for page_file in (pages / "sc_meishan").glob("*.toml"):
        page_file.unlink()
    done = _check("sc_meishan", "govcn", "--sample-pages", pages, "--workdir", tmp_path / "build")
    assert done.returncode == 1
    lines = {line.split()[0]: line for line in done.stdout.splitlines()[1:]}
    assert "layout changed (the list page links to no notice)" in lines["sc_meishan"]
    assert lines["govcn"].rstrip().endswith("ok")


def test_verdicts() -> None:
    source = get_source("sc_meishan")
    list_url = source.start_urls[0]
    down = _row(
        SourceCheck(source, list_page=Fetched(list_url, 503, error="HTTP 503")), "2026-12-07T00:00:00Z"
    )
    assert (down.verdict, down.reachable, down.reason) == ("unreachable", False, "list page HTTP 503")
    detail = "https://www.ms.gov.cn/info/1046/80417.htm"
    gone = SourceCheck(
        source,
        Fetched(list_url, 200, b"<html></html>"),
        links=4,
        detail=Fetched(detail, 404, error="HTTP 404"),
    )
    assert _row(gone, "t").verdict == "layout changed"
    menu = b"<html><body><ul><li><a href='/a'>\xe9\xa6\x96\xe9\xa1\xb5</a></li></ul></body></html>"
    not_a_notice = SourceCheck(
        source, Fetched(list_url, 200, b""), links=4, detail=Fetched(detail, 200, menu)
    )
    row = _row(not_a_notice, "t")
    assert row.verdict == "layout changed"
    assert row.reason.startswith(f"notice page {detail}:")
