"""A version's documents: its notices, their copies and the texts of their pages, as release.history
makes them, and how they are written to copies.csv and versions.csv."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from gongwen.pipelines.dedupe import CopyRecord
from gongwen.pipelines.notice import Notice, notice_id
from gongwen.pipelines.release.carry import UNREAD, HistoryPlace, Page, Places
from gongwen.pipelines.release.settled import Settled
from gongwen.pipelines.release.staging import Staging, TableWriter
from gongwen.pipelines.release.tables import stamp


@dataclass(frozen=True, slots=True)
class TextVersion:
    """A text one page showed: from the crawl that first read it to the last one that found it."""

    notice_id: str
    url: str
    content_sha256: str
    first_seen: datetime
    last_seen: datetime
    body_text: str


@dataclass(frozen=True)
class Documents:
    """A version's notices (one per document, by id), their copies and the texts of their pages; and
    the documents settled since the previous version, carried as they were (release.settled)."""

    notices: list[Notice]
    copies: list[CopyRecord]  # by notice id, the live copies canonical first, then those carried
    versions: list[TextVersion]  # by notice id, url and first seen
    readings: dict[str, bytes]  # the live copies' pages: the reading of each (settled.reading)
    settled: Settled

    def write(self, staging: Staging, places: Places) -> None:
        """copies.csv and versions.csv, and where each notice's rows are (``places``)."""
        copies_of: dict[str, list[CopyRecord]] = defaultdict(list)
        for c in self.copies:
            copies_of[c.notice_id].append(c)
        texts_of: dict[str, list[TextVersion]] = defaultdict(list)
        for v in self.versions:
            texts_of[v.notice_id].append(v)
        with staging.table("copies") as copies, staging.table("versions") as versions:
            for run in self.settled.runs(sorted({*copies_of, *self.settled.ids()})):
                if run[0] not in self.settled:  # a document made now, alone in its run
                    (nid,) = run
                    places.add_history(nid, *self._write(copies_of[nid], texts_of[nid], copies, versions))
                    continue
                copies_at, versions_at = copies.position()[0], versions.position()[0]
                copy_rows, text_rows, documents = self.settled.history(run)
                copies.carry(copy_rows)
                versions.carry(text_rows)
                for nid, at, pages in documents:
                    places.add_history(nid, at.moved(copies_at, versions_at), pages)

    def _write(
        self, document: list[CopyRecord], texts: list[TextVersion], copies: TableWriter, versions: TableWriter
    ) -> tuple[HistoryPlace, list[Page]]:
        """A document's rows: where they are, and its pages, with where last_seen lies in the rows of
        those read."""
        copies_at, versions_at = copies.position()[0], versions.position()[0]
        copy_marks: dict[str, int] = {}
        for c in document:
            row = {
                "notice_id": c.notice_id, "url": c.url, "site": c.site, "source_id": c.source_id,
                "first_seen": stamp(c.first_seen), "last_seen": stamp(c.last_seen),
                "canonical": str(c.canonical).lower(), "similarity": round(c.similarity, 4),
                "differs": str(c.differs).lower(), "removed_from_source_at": stamp(c.removed_from_source_at),
            }
            if (page := notice_id(c.url)) in self.readings:
                copy_marks[page] = copies.write_marked(row, "last_seen") - copies_at
            else:
                copies.write(row)
        text_marks: dict[str, int] = {}
        for k, v in enumerate(texts):
            row = {
                "notice_id": v.notice_id, "url": v.url, "content_sha256": v.content_sha256,
                "first_seen": stamp(v.first_seen), "last_seen": stamp(v.last_seen), "body_text": v.body_text,
            }
            newest = k + 1 == len(texts) or texts[k + 1].url != v.url
            if newest and (page := notice_id(v.url)) in copy_marks:
                text_marks[page] = versions.write_marked(row, "last_seen") - versions_at
            else:
                versions.write(row)
        place = HistoryPlace(copies_at, copies.position()[0], versions_at, versions.position()[0])
        return place, [
            Page(page, self.readings[page], copy_marks[page], text_marks[page])
            if (page := notice_id(c.url)) in copy_marks else Page(page, UNREAD, -1, -1)
            for c in document
        ]
