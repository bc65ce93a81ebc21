"""The policy inside a notice: its tasks, targets, citations and agencies, read by rules (see read_policy)."""

from gongwen.pipelines.policy.citations import link_citations
from gongwen.pipelines.policy.notice_policy import read_policy
from gongwen.pipelines.policy.records import (
    AgencyMention,
    AgencyName,
    Citation,
    Milestone,
    Policy,
    Target,
    Task,
    TaskAgency,
)

__all__ = [
    "AgencyMention", "AgencyName", "Citation", "Milestone", "Policy", "Target", "Task", "TaskAgency",
    "link_citations", "read_policy",
]
