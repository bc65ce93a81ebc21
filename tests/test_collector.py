"""The collector's tuning (pipelines/collector.py) lasts as long as the command's block, not longer."""

from __future__ import annotations

import gc

import pytest

from gongwen.pipelines.collector import YOUNG, rare_collections


def _release_that_fails(pages: int) -> None:
    """A command that reads pages, settles them, then fails (a closed gate)."""
    with rare_collections() as settle:
        assert gc.get_threshold()[0] == YOUNG
        held = [[page] for page in range(pages)]  # lists: objects the collector tracks
        settle()
        assert gc.get_freeze_count() >= len(held)
        raise RuntimeError("the gate closed")


def test_what_a_command_settles_is_let_go_with_its_thresholds_when_it_ends() -> None:
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError, match="the gate closed"):
        _release_that_fails(10_000)
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0
