"""The policy resources of a version: the tasks, targets, citations and agencies inside its notices.

A notice's policy is read by pipelines.policy with the region of its source (the 区/市/省 that short
agency names refer to). Reading is costly (about 2 ms a notice), so a page's policy is read with the
page (pipelines.readings keeps it) and a record takes it when it is that page under the page's own id;
only the other records (a document kept under the id of another of its pages, or carried from the
previous version) are read here. Citations are linked to the notices of the same version; the
documents that stay unlinked make up ``missing_documents``. Rows follow the order of the records, then
their order in the notice, so the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crawlers.registry import Source
from pipelines.notice import Notice, notice_id
from pipelines.policy import read_policy
from pipelines.policy.citations import CitedDocuments
from pipelines.policy.rows import POLICY_TABLES, PolicyRows, Row, policy_rows
from pipelines.readings import PolicyRef
from pipelines.release.staging import Staging
from pipelines.release.tables import Record


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


def _policy(record: Record, known: KnownPolicies, regions: Mapping[str, str | None]) -> PolicyRows:
    """The record's policy: its page's, when the record is its canonical page under the page's id,
    with the text the page was read with."""
    sha, ref = known.get(record["id"], ("", None))
    if ref is not None and sha == record["content_sha256"] and record["id"] == notice_id(record["url"]):
        return ref.rows()
    return policy_rows(read_policy(Notice.model_validate(record), regions.get(record["source_id"])))


def write_policy(
    staging: Staging, records: Sequence[Record], sources: Sequence[Source], known: KnownPolicies
) -> None:
    """tasks.csv, targets.csv, citations.csv, agencies.csv and missing_documents.csv of the records;
    ``known``: the policies read with the pages."""
    regions = {s.id: s.region for s in sources}
    documents = CitedDocuments()
    for record in records:
        documents.add(record["id"], record["doc_number"], record["title"])
    unlinked: list[Row] = []
    with staging.tables(*POLICY_TABLES) as writers:
        for record in records:
            policy = _policy(record, known, regions)
            for table, writer in zip(POLICY_TABLES, writers, strict=True):
                for row in policy[table]:
                    if table == "citations":
                        cited = documents.find(row["doc_number"], row["title"])
                        row["cited_notice_id"] = cited  # the rows are this release's to fill in
                        if cited is None:
                            unlinked.append(row)
                    writer.write(row)
    staging.csv("missing_documents", missing_documents(unlinked))
