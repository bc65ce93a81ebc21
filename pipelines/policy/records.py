"""The records of the policy inside a notice: tasks, targets, citations and agency mentions.

Every record carries the id of its notice (`notice_id`, a foreign key to the notices resource) and a
stable id of its own (see record_id), and keeps the text as printed beside every normalised value.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from gongwen.pipelines.notice import NonBlank

RecordId = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]

Role = Literal["lead", "responsible", "cooperating"]
Comparator = Literal["equal", "at_least", "more_than", "at_most", "less_than", "about", "between"]
MentionContext = Literal["addressee", "signature", "lead", "responsible", "cooperating"]


def record_id(notice_id: str, kind: str, key: str) -> str:
    """16 hex digits of sha256 over the notice id, the kind of record and its place in the notice.

    The place (an outline path, a line and character offset) depends only on the body text, so the
    same body gives the same ids in every run.
    """
    return hashlib.sha256(f"{notice_id}/{kind}/{key}".encode()).hexdigest()[:16]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgencyName(_Record):
    """An agency as printed, and its full name when the rules are sure of it."""

    raw: NonBlank = Field(description="as printed, e.g. 区发改局")
    name: str | None = Field(description="full name, e.g. 成都市青白江区发展和改革局; null when unsure")


class TaskAgency(AgencyName):
    role: Role = Field(description="lead (牵头), responsible (责任/负责) or cooperating (配合)")


class Milestone(_Record):
    """One entry of a task's 进度安排: what is due in a year or a span of years."""

    year: int = Field(ge=1949, le=2100)
    year_end: int | None = Field(ge=1949, le=2100, description="last year of a span (2018年至2020年)")
    text: NonBlank = Field(description="the entry as printed")


class Task(_Record):
    """A numbered item of a plan that says what to do, with the agencies named for it."""

    id: RecordId
    notice_id: RecordId
    number: str | None = Field(description="as printed (1. （一） 一是); null for an unnumbered paragraph")
    outline: NonBlank = Field(description="numbers from the top of the outline, e.g. 二/（一）/1.")
    line: int = Field(ge=0, description="index of the task's first line in body_text")
    heading: NonBlank = Field(description="the item's text up to its first 。 or ；")
    text: NonBlank = Field(description="the item's lines as printed, notes included")
    agencies: list[TaskAgency] = Field(description="牵头/责任/配合 agencies in the order printed")
    schedule: list[Milestone] = Field(description="进度安排 by year")

    def names(self, role: Role) -> list[str]:
        """The agencies of one role, as printed."""
        return [a.raw for a in self.agencies if a.role == role]


class Target(_Record):
    """A quantitative goal: an indicator, a value with its unit and comparator, and the year."""

    id: RecordId
    notice_id: RecordId
    task_id: RecordId | None = Field(description="the task whose text states it")
    line: int = Field(ge=0, description="index of the line in body_text")
    year: int | None = Field(ge=1949, le=2100, description="the year it is due; null when not stated")
    year_raw: str | None = Field(description="the time phrase the year was read from (到2025年, 年内)")
    indicator: NonBlank = Field(description="what is counted, as printed")
    value: float
    value_max: float | None = Field(description="upper end of a range (2—3家)")
    unit: NonBlank = Field(description="as printed with its 万/亿: %, 亿元, 个工作日")
    comparator: Comparator
    text: NonBlank = Field(description="the clause as printed")


class Citation(_Record):
    """A document the notice cites, by title and/or 文号."""

    id: RecordId
    notice_id: RecordId
    line: int = Field(ge=0)
    title: str | None = Field(description="the title inside 《》")
    doc_number: str | None = Field(description="文号, normalised (国办发〔2019〕58号)")
    doc_number_raw: str | None = Field(description="文号 as printed")
    text: NonBlank = Field(description="the citation as printed")
    cited_notice_id: RecordId | None = Field(
        default=None, description="the cited notice when it is in the dataset (see link_citations)"
    )


class AgencyMention(_Record):
    """An agency named by a notice: an addressee, the signing agency or an agency of a task."""

    id: RecordId
    notice_id: RecordId
    task_id: RecordId | None
    context: MentionContext
    raw: NonBlank
    name: str | None


class Policy(_Record):
    """What a notice asks: who it is addressed to, who signed it, its tasks, targets and citations."""

    notice_id: RecordId
    addressees: list[AgencyName]
    signed_by: AgencyName | None
    signed_on: date | None
    tasks: list[Task]
    targets: list[Target]
    citations: list[Citation]

    def agency_mentions(self) -> list[AgencyMention]:
        """Every agency the notice names, one row each (for an agencies resource); a name printed
        twice in the same place (区交通局、区交通局) is one mention."""
        named: list[tuple[MentionContext, str | None, AgencyName]] = [
            ("addressee", None, a) for a in self.addressees
        ]
        if self.signed_by is not None:
            named.append(("signature", None, self.signed_by))
        named += [(a.role, t.id, a) for t in self.tasks for a in t.agencies]
        mentions: dict[str, AgencyMention] = {}
        for context, task_id, agency in named:
            key = record_id(self.notice_id, "agency", f"{context}/{task_id or '-'}/{agency.raw}")
            mentions.setdefault(key, AgencyMention(
                id=key, notice_id=self.notice_id, task_id=task_id, context=context, raw=agency.raw,
                name=agency.name,
            ))
        return list(mentions.values())
