"""A site build's own state (pipelines/site/post_build.py: SiteBuild) ends with the build, even a failed
one: the cycle collector set as it was, the helper process gone; a killed build leaves the site served as
it was."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import PluginCollection

from gongwen.pipelines.collector import YOUNG
from gongwen.pipelines.release import publish
from gongwen.pipelines.run import Workdir, build_site
from gongwen.pipelines.site import post_build
from tests.test_site import GOVCN, MEISHAN, SHANDONG, new_dataset


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notices").mkdir()
    monkeypatch.setenv("GONGWEN_DATASET", str(tmp_path / "notices"))
    config = MkDocsConfig()
    config["site_dir"] = str(tmp_path / "site")
    config["plugins"] = PluginCollection()
    thresholds, children = gc.get_threshold(), set(multiprocessing.active_children())

    post_build.on_pre_build(config)
    build = config.plugins[post_build.BUILD]
    assert isinstance(build, post_build.SiteBuild)
    assert gc.get_threshold()[0] == YOUNG
    config.plugins.on_build_error(error=RuntimeError("a page could not be rendered"))

    assert gc.get_threshold() == thresholds
    assert build.checking.done()
    deadline = time.monotonic() + 10
    while set(multiprocessing.active_children()) != children and time.monotonic() < deadline:
        time.sleep(0.01)
    assert set(multiprocessing.active_children()) == children  # the helper process has ended


def test_a_killed_site_build_leaves_the_previous_site_served(tmp_path: Path) -> None:
    dataset = new_dataset(tmp_path / "notices")
    publish(dataset, [MEISHAN, SHANDONG])
    workdir = Workdir(tmp_path / "build")
    build_site(workdir, dataset.folder)
    served = _pages(workdir.site)
    assert {f"notices/{n.id}/index.html" for n in (MEISHAN, SHANDONG)} <= served.keys()

    publish(dataset, [MEISHAN, SHANDONG, GOVCN])
    command = [sys.executable, "-m", "gongwen.pipelines.cli", "site", "--workdir", str(workdir.root),
               "--dataset", str(dataset.folder)]
    before = _written(workdir.root)
    building = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)  # its mkdocs too, killed with it
    seen = []  # what a reader of the site finds while it builds: the whole previous site each time
    while _written(workdir.root) == before and building.poll() is None:
        seen.append(_pages(workdir.site) == served)
    writing = time.monotonic()  # the build writes: let it get well into it, still reading the site
    while time.monotonic() - writing < 0.5 and building.poll() is None:
        seen.append(_pages(workdir.site) == served)
    os.killpg(building.pid, signal.SIGKILL)
    assert building.wait() == -signal.SIGKILL, "the build ended before it was killed: kill it sooner"
    assert seen
    assert all(seen)
    assert _pages(workdir.site) == served

    build_site(workdir, dataset.folder)  # the next build, into the folder the killed one left
    assert f"notices/{GOVCN.id}/index.html" in _pages(workdir.site)


def _pages(site: Path) -> dict[str, bytes]:
    """The site's HTML pages by path; empty when a page went while they were read."""
    try:
        return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*.html")}
    except FileNotFoundError:
        return {}


def _written(root: Path) -> set[tuple[str, int]]:
    """Every file under ``root`` (not following symbolic links) with its modification time."""
    files = set()
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)  # noqa: PTH118 (a walk of many files)
            with contextlib.suppress(FileNotFoundError):
                files.add((path, os.lstat(path).st_mtime_ns))
    return files
