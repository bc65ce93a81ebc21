"""The policy of a notice as the rows of the release's tables: tasks, targets, citations, agencies.

Rows are plain JSON values, as the CSV files write them, so that the policy read from a page can be
kept with the page's reading (pipelines.read.readings) and published without reading the page again.
"""

from __future__ import annotations

from typing import Any

from gongwen.pipelines.policy.records import Policy, Task

Row = dict[str, Any]
PolicyRows = dict[str, list[Row]]  # table name → rows, in the order of the notice
POLICY_TABLES = ("tasks", "targets", "citations", "agencies")


def task_row(task: Task) -> Row:
    """A task with its agencies as three lists of names as printed, one per role."""
    row = task.model_dump(mode="json", exclude={"agencies"})
    return row | {role: task.names(role) for role in ("lead", "responsible", "cooperating")}


def policy_rows(policy: Policy) -> PolicyRows:
    return {
        "tasks": [task_row(t) for t in policy.tasks],
        "targets": [t.model_dump(mode="json") for t in policy.targets],
        "citations": [c.model_dump(mode="json") for c in policy.citations],
        "agencies": [a.model_dump(mode="json") for a in policy.agency_mentions()],
    }
