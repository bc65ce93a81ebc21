"""read_policy: one Notice → its Policy (addressees, signature, tasks, targets, citations)."""

from __future__ import annotations

from gongwen.pipelines.extract.letter import signature_of
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.policy.agencies import Jurisdiction, full_names, jurisdiction_of
from gongwen.pipelines.policy.citations import citations_of
from gongwen.pipelines.policy.notes import lead_before_comma
from gongwen.pipelines.policy.outline import body_lines, line_owners, outline_of
from gongwen.pipelines.policy.records import AgencyName, Policy
from gongwen.pipelines.policy.targets import targets_of
from gongwen.pipelines.policy.tasks import tasks_of


def _names(raws: list[str], where: Jurisdiction) -> list[AgencyName]:
    return [AgencyName(raw=raw, name=name) for raw, name in zip(raws, full_names(raws, where), strict=True)]


def read_policy(notice: Notice, region: str | None = None) -> Policy:
    """The policy inside a notice. ``region`` is the place of its source (sources.toml ``region``,
    四川省成都市青白江区): the 区/市/省 of short agency names refer to it and to the issuing agency."""
    where = jurisdiction_of(region, notice.issuing_agency)
    lines = body_lines(notice.body_text)
    items = outline_of(lines)
    tasks = tasks_of(notice.id, items, where, comma_leads=lead_before_comma(notice.body_text))
    owners = line_owners(items, len(lines))
    by_item = {task.line: task.id for task in tasks if task.number is not None}  # by its item's line
    by_line = {task.line: task.id for task in tasks if task.number is None}  # an unnumbered paragraph
    task_of_line = {
        n: task_id
        for n, owner in enumerate(owners)
        if (task_id := by_line.get(n) or (by_item.get(owner.line) if owner else None))
    }
    targets = targets_of(notice, lines, owners, task_of_line)
    signature = signature_of(notice.body_text.split("\n"))
    signed_by = _names([signature.agency], where)[0] if signature.agency else None
    return Policy(
        notice_id=notice.id,
        addressees=_names(list(notice.addressees), where),
        signed_by=signed_by,
        signed_on=signature.signed,
        tasks=tasks,
        targets=targets,
        citations=citations_of(notice, lines),
    )
