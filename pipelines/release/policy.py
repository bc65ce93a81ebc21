"""The policy resources of a version: the tasks, targets, citations and agencies inside its notices.

A notice's policy is read by pipelines.policy with the region of its source (the 区/市/省 that short
agency names refer to). Reading is costly (about 2 ms a notice), so a page's policy is read with the
page (pipelines.read.readings keeps it) and a record takes it when it is that page under the page's own id;
only the other records (a document kept under the id of another of its pages, or carried from the
previous version) are read here. Citations are linked to the notices of the same version; the
documents that stay unlinked make up ``missing_documents``. Rows follow the order of the records, then
their order in the notice, so the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gongwen.pipelines.notice import Notice, notice_id
from gongwen.pipelines.policy import read_policy
from gongwen.pipelines.policy.citations import CitedDocuments
from gongwen.pipelines.policy.rows import PolicyRows, Row, policy_rows
from gongwen.pipelines.read.readings import PolicyRef
from gongwen.pipelines.release.tables import Record


def missing_documents(citations: Sequence[Row]) -> list[Row]:
    """The cited documents that are not notices of the version (citation rows with no
    ``cited_notice_id``), most cited first.

    A document is known by its 文号, else by its title in 《》; a citation by title alone counts for
    the 文号 that another citation gives the same title.
    """
    numbers = {c["title"]: c["doc_number"] for c in citations if c["title"] and c["doc_number"]}
    groups: dict[str, list[Row]] = {}
    for c in citations:
        groups.setdefault(c["doc_number"] or numbers.get(c["title"]) or f"《{c['title']}》", []).append(c)
    cited_by = {key: len({c["notice_id"] for c in cited}) for key, cited in groups.items()}
    return [
        {
            "document": key,
            "doc_number": None if key.startswith("《") else key,
            "title": next((c["title"] for c in cited if c["title"]), None),
            "cited_by": cited_by[key],
        }
        for key, cited in sorted(groups.items(), key=lambda group: (-cited_by[group[0]], group[0]))
    ]


KnownPolicies = Mapping[str, tuple[str, PolicyRef]]  # page id → (content_sha256, its policy)


def from_page(record: Record, known: KnownPolicies) -> PolicyRef | None:
    """The policy read with the record's page, when the record is that page under the page's own id,
    with the text the page was read with."""
    sha, ref = known.get(record["id"], ("", None))
    if ref is not None and sha == record["content_sha256"] and record["id"] == notice_id(record["url"]):
        return ref
    return None


def record_policy(record: Record, page: PolicyRef | None, region: str | None) -> PolicyRows:
    """The record's policy: its page's (``from_page``), else read here with its source's region."""
    if page is not None:
        return page.rows()
    return policy_rows(read_policy(Notice.model_validate(record), region))


def cited(documents: CitedDocuments, citation: Row) -> str | None:
    """The notice of the version a citation row points to (set in the row), if any."""
    found = documents.find(citation["doc_number"], citation["title"])
    citation["cited_notice_id"] = found  # the rows are this release's to fill in
    return found
