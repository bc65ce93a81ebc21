"""The sample web is the demo's: only the commands that serve it import it (pipelines.run, pipelines.cli)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import ROOT

# `gongwen validate`, `gongwen parse` and `gongwen release` in one process: the modules of the sample
# web loaded then, and each command's exit status.
COMMANDS = textwrap.dedent("""
    import sys
    from gongwen.pipelines.cli import main

    tmp = sys.argv[1]
    statuses = []
    for argv in (
        ["validate", f"{tmp}/notices.json"],
        ["parse", f"{tmp}/page.html"],
        ["release", "--workdir", f"{tmp}/build", "--dataset", f"{tmp}/notices"],
    ):
        try:
            statuses.append(main(argv))
        except SystemExit as exit:
            statuses.append(str(exit.code))
    print(statuses)
    print(sorted(name for name in sys.modules if ".sampleweb" in name))
""")


def test_release_parse_and_validate_never_import_the_sample_web(tmp_path: Path) -> None:
    (tmp_path / "notices.json").write_text("[]", encoding="utf-8")
    (tmp_path / "page.html").write_text("<html><body><p>一页</p></body></html>", encoding="utf-8")
    (tmp_path / "notices").mkdir()
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path / "notices")
    command = [sys.executable, "-c", COMMANDS, str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)
    statuses, imported = result.stdout.splitlines()[-2:]
    assert statuses.startswith("[1, "), result.stderr[-3000:]  # validate ran (no records); parse, release too
    assert "notices.json: no records" in result.stderr
    assert statuses.endswith(", 1]"), statuses  # nothing crawled: nothing released
    assert "no version published" in result.stderr
    assert imported == "[]"
