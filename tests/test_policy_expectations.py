"""The policy of the sample-web notices against the hand-written expectations of
tests/policy_expectations/ (the rules they follow are in its README)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bench.policy_scoring import (
    Tally,
    fold,
    load_expected,
    sample_page_policy,
    score_targets,
    score_tasks,
)
from gongwen.crawlers.sampleweb.render import PAGES_DIR

EXPECTATIONS = Path(__file__).resolve().parent / "policy_expectations"
FILES = sorted(EXPECTATIONS.glob("*/*.toml"))
COMPARATORS = {"equal", "at_least", "more_than", "at_most", "less_than", "about", "between"}


def _page_body(path: Path) -> str:
    """The page's body as printed, without the content farm's pinyin glosses (督(du)查)."""
    page = tomllib.loads((PAGES_DIR / path.parent.name / path.name).read_text(encoding="utf-8"))
    return re.sub(r"\([a-z]{1,6}\)", "", page["body"])


def test_there_are_expectations_for_the_seeds_full_of_tasks_and_for_many_other_pages() -> None:
    names = {f"{f.parent.name}/{f.stem}" for f in FILES}
    assert {"sc_qingbaijiang/seed-000", "ha_xinxiang_gxq/seed-002"} <= names
    assert len(names) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_expectations_quote_their_page(path: Path) -> None:
    """Every expected heading and agency is printed on the page, and every target's value too: a typo
    in the hand-written files would otherwise count against the rules."""
    expected = load_expected(path)
    printed = _page_body(path)
    body = fold(printed)
    for task in expected.tasks:
        assert fold(task.heading) in body, task.heading
        for name in task.lead + task.responsible + task.cooperating:
            assert fold(name) in body, name
    for target in expected.targets:
        assert target.comparator in COMPARATORS
        assert (target.value_max is not None) == (target.comparator == "between")
        assert f"{target.value:g}" in printed, target


def test_tasks_and_targets_of_the_sample_web_meet_the_issue_thresholds() -> None:
    tasks, targets = Tally(), Tally()
    for path in FILES:
        expected = load_expected(path)
        policy = sample_page_policy(path.parent.name, path.stem)
        tasks.add(score_tasks(expected.tasks, policy.tasks)[0])
        targets.add(score_targets(expected.targets, policy.targets))
    assert tasks.precision >= 0.9, tasks.extras
    assert tasks.recall >= 0.8, tasks.misses
    assert targets.precision >= 0.9, targets.extras
    assert targets.recall >= 0.8, targets.misses


def test_seed_000_tasks_read_from_its_page() -> None:
    policy = sample_page_policy("sc_qingbaijiang", "seed-000")
    first = policy.tasks[0]
    assert first.heading == "编制青白江区新经济发展规划"
    assert first.names("lead") == ["区新经济局"]
    assert first.agencies[1].raw == "区发改局"
    assert first.agencies[1].name == "成都市青白江区发展和改革局"
    assert [m.year for m in first.schedule] == [2018, 2019, 2020]
    goal = policy.targets[0]
    assert (goal.year, goal.indicator, goal.value, goal.unit, goal.comparator) == (
        2020, "全区新经济产值占比", 30, "%", "equal",
    )
    assert goal.task_id is None  # 一、总体目标 is not a task


def test_seed_004_notes_broken_over_paragraphs_are_read_whole() -> None:
    tasks = sample_page_policy("repost_qqjl", "seed-004").tasks
    first = tasks[0]
    assert first.names("lead") == ["省商务厅"]
    assert first.names("responsible") == ["各市、县(区)政府", "赣江新区管委会", "各开发区"]
