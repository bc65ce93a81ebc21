"""A site build's own state (pipelines/site/post_build.py: SiteBuild) ends with the build, even a failed
one: the cycle collector set as it was, the helper process gone."""

from __future__ import annotations

import gc
import multiprocessing
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import PluginCollection

from gongwen.pipelines.collector import YOUNG
from gongwen.pipelines.site import post_build


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
