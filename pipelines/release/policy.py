"""The policy resources of a version: the tasks, targets, citations and agencies inside its notices.

They are read by pipelines.policy from the notices being published, each with the region of its
source (the 区/市/省 that short agency names refer to). Citations are linked to the notices of the
same version; the documents that stay unlinked make up ``missing_documents``. Rows follow the
order of the records, then their order in the notice, so the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from crawlers.registry import Source
from pipelines.notice import Notice
from pipelines.policy import Citation, Task, link_citations, read_policy
from pipelines.release.tables import Record, Row, csv_bytes


def task_row(task: Task) -> Row:
    """A task with its agencies as three lists of names as printed, one per role."""
    row = task.model_dump(mode="json", exclude={"agencies"})
    return row | {role: task.names(role) for role in ("lead", "responsible", "cooperating")}


def missing_documents(citations: Sequence[Citation]) -> list[Row]:
    """The cited documents that are not notices of the version, most cited first.

    A document is known by its 文号, else by its title in 《》; a citation by title alone counts for
    the 文号 that another citation gives the same title.
    """
    unlinked = [c for c in citations if c.cited_notice_id is None]
    numbers = {c.title: c.doc_number for c in unlinked if c.title and c.doc_number}
    groups: dict[str, list[Citation]] = {}
    for c in unlinked:
        groups.setdefault(c.doc_number or numbers.get(c.title or "") or f"《{c.title}》", []).append(c)
    cited_by = {key: len({c.notice_id for c in cited}) for key, cited in groups.items()}
    return [
        {
            "document": key,
            "doc_number": None if key.startswith("《") else key,
            "title": next((c.title for c in cited if c.title), None),
            "cited_by": cited_by[key],
        }
        for key, cited in sorted(groups.items(), key=lambda group: (-cited_by[group[0]], group[0]))
    ]


def policy_files(records: Sequence[Record], sources: Sequence[Source]) -> dict[str, bytes]:
    """tasks.csv, targets.csv, citations.csv, agencies.csv and missing_documents.csv of the records."""
    regions = {s.id: s.region for s in sources}
    notices = [Notice.model_validate(r) for r in records]
    policies = [read_policy(n, regions.get(n.source_id)) for n in notices]
    citations = link_citations([c for p in policies for c in p.citations], notices)
    return {
        "tasks.csv": csv_bytes("tasks", [task_row(t) for p in policies for t in p.tasks]),
        "targets.csv": csv_bytes("targets", [t.model_dump(mode="json") for p in policies for t in p.targets]),
        "citations.csv": csv_bytes("citations", [c.model_dump(mode="json") for c in citations]),
        "agencies.csv": csv_bytes(
            "agencies", [a.model_dump(mode="json") for p in policies for a in p.agency_mentions()]
        ),
        "missing_documents.csv": csv_bytes("missing_documents", missing_documents(citations)),
    }
