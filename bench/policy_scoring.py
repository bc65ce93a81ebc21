"""Scoring extracted tasks and targets against hand-written expectations (bench/policy_bench.py and
the tests; the expectation files and their rules are in tests/policy_expectations/).

A task is correct when its heading and its lead agencies are the expected ones. A target is correct
when its year, value, unit and comparator are the expected ones and its indicator names the same
thing (one contains the other, or they share most of their characters).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import PAGES_DIR, detail_url, load_page, render_notice
from gongwen.pipelines.normalise.text import to_simplified
from gongwen.pipelines.policy.notice_policy import read_policy
from gongwen.pipelines.policy.records import Policy, Target, Task
from gongwen.pipelines.read.validate import build_notice

_NOISE = re.compile(r"[\s\W_]+")
INDICATOR_RATIO = 0.6
RETRIEVED = datetime(2026, 1, 1, tzinfo=UTC)


def sample_page_policy(source_id: str, page_name: str) -> Policy:
    """The policy of a sample-web page, read the way the pipeline reads it: the page as its site
    serves it → build_notice (read_page) → read_policy with the source's region."""
    source = get_source(source_id)
    path = PAGES_DIR / source_id / f"{page_name}.toml"
    url = detail_url(source, load_page(source_id, path))
    notice = build_notice(render_notice(source_id, path), url, source_id=source_id, retrieved_at=RETRIEVED)
    return read_policy(notice, source.region)


# Variant characters OpenCC's t2s leaves as they are (the 江西 repost prints 省衞生健康委).
_VARIANTS = str.maketrans({"衞": "卫"})


def fold(text: str) -> str:
    """Text compared without punctuation, spaces, width, script or variant-character differences."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", to_simplified(text)).translate(_VARIANTS))


@dataclass(frozen=True)
class ExpectedTask:
    heading: str
    lead: list[str]
    responsible: list[str]
    cooperating: list[str]
    schedule: list[str]


@dataclass(frozen=True)
class ExpectedTarget:
    year: int | None
    indicator: str
    value: float
    value_max: float | None
    unit: str
    comparator: str


@dataclass(frozen=True)
class Expected:
    tasks: list[ExpectedTask]
    targets: list[ExpectedTarget]
    held_out: bool  # written after the rules: the pages the rules were not tuned on


def load_expected(path: Path) -> Expected:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    tasks = [
        ExpectedTask(
            t["heading"], t.get("lead", []), t.get("responsible", []), t.get("cooperating", []),
            t.get("schedule", []),
        )
        for t in data["tasks"]
    ]
    targets = [
        ExpectedTarget(
            t.get("year"), t["indicator"], float(t["value"]),
            float(t["value_max"]) if "value_max" in t else None, t["unit"], t["comparator"],
        )
        for t in data["targets"]
    ]
    return Expected(tasks, targets, bool(data.get("held_out", False)))


def same_heading(expected: str, found: str) -> bool:
    a, b = fold(expected), fold(found)
    return a == b or (min(len(a), len(b)) >= 6 and (a.startswith(b) or b.startswith(a)))


def _names(names: list[str]) -> list[str]:
    return sorted(fold(n) for n in names)


def _schedule(task: Task) -> list[str]:
    return [f"{m.year}-{m.year_end}" if m.year_end else str(m.year) for m in task.schedule]


@dataclass
class Tally:
    """Counts of one kind of record over pages."""

    expected: int = 0
    found: int = 0
    correct: int = 0
    exact: int = 0  # targets: correct with the indicator exactly as expected (not only alike)
    misses: list[str] = field(default_factory=list)  # expected, not found correctly
    extras: list[str] = field(default_factory=list)  # found, not expected

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    def add(self, other: Tally) -> None:
        self.expected += other.expected
        self.found += other.found
        self.correct += other.correct
        self.exact += other.exact
        self.misses += other.misses
        self.extras += other.extras


@dataclass
class TaskDetails:
    """Among the tasks found with the expected heading: how many have each other field right."""

    matched: int = 0
    responsible: int = 0
    cooperating: int = 0
    schedule: int = 0

    def add(self, other: TaskDetails) -> None:
        self.matched += other.matched
        self.responsible += other.responsible
        self.cooperating += other.cooperating
        self.schedule += other.schedule


def score_tasks(expected: list[ExpectedTask], found: list[Task]) -> tuple[Tally, TaskDetails]:
    tally, details = Tally(len(expected), len(found)), TaskDetails()
    unmatched = list(found)
    for e in expected:
        task = next((t for t in unmatched if same_heading(e.heading, t.heading)), None)
        if task is None:
            tally.misses.append(f"task {e.heading[:30]} (not found)")
            continue
        unmatched.remove(task)
        details.matched += 1
        details.responsible += _names(e.responsible) == _names(task.names("responsible"))
        details.cooperating += _names(e.cooperating) == _names(task.names("cooperating"))
        details.schedule += e.schedule == _schedule(task)
        if _names(e.lead) == _names(task.names("lead")):
            tally.correct += 1
        else:
            tally.misses.append(f"task {e.heading[:30]}: lead {e.lead} ≠ {task.names('lead')}")
    tally.extras += [f"task {t.heading[:30]}" for t in unmatched]
    return tally, details


def _indicator_likeness(expected: str, found: str) -> float:
    a, b = fold(expected), fold(found)
    if a and b and (a in b or b in a):
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _same_values(e: ExpectedTarget, t: Target) -> bool:
    return (
        e.year == t.year and abs(e.value - t.value) < 1e-9 and e.value_max == t.value_max
        and fold(e.unit) == fold(t.unit) and e.comparator == t.comparator
    )


def _describe(year: int | None, indicator: str, value: float, unit: str, comparator: str) -> str:
    return f"target {year} {indicator[:24]} {value:g}{unit} {comparator}"


def score_targets(expected: list[ExpectedTarget], found: list[Target]) -> Tally:
    tally = Tally(len(expected), len(found))
    unmatched = list(found)
    for e in expected:
        candidates = [
            (t, _indicator_likeness(e.indicator, t.indicator)) for t in unmatched if _same_values(e, t)
        ]
        best = max(candidates, key=lambda c: c[1], default=None)
        if best is None or best[1] < INDICATOR_RATIO:
            tally.misses.append(_describe(e.year, e.indicator, e.value, e.unit, e.comparator))
            continue
        unmatched.remove(best[0])
        tally.correct += 1
        tally.exact += fold(e.indicator) == fold(best[0].indicator)
    tally.extras += [_describe(t.year, t.indicator, t.value, t.unit, t.comparator) for t in unmatched]
    return tally
