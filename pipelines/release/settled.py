"""Documents none of whose pages changed since the previous version: carried whole, as bytes.

Every night reads every page again, and at 100,000 notices grouping them, comparing them with the
previous version and writing them out again is most of a release, though a night changes a few
hundred. A document is settled when the pages read now are exactly the copies the previous version
listed for it, each from the same reading (url, retrieved_at, content_sha256), each found by the
night's crawl, and the release code and the sources are those of the previous version
(release.carry). Then dedupe would group its pages the same, rank the same canonical copy and keep
its id (dedupe.identity), and the release would write the same record, copies and texts: only the
pages' last_seen moves, to when the night's crawl found them. So its line, its rows and its copies
and versions rows are copied from the previous version with last_seen set, and it is neither added,
updated nor withdrawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gongwen.pipelines.notice import Notice, notice_id
from gongwen.pipelines.release.carry import HistoryPlace, Note, Page, PreviousRows
from gongwen.pipelines.release.tables import stamp

STAMP = len("2026-01-01T00:00:00Z")


def reading(page: Notice) -> bytes:
    """What tells one reading of a page from another: a page fetched again is read again."""
    made = f"{page.url}\0{page.retrieved_at.isoformat()}\0{page.content_sha256}"
    return hashlib.blake2b(made.encode("utf-8"), digest_size=16).digest()


@dataclass
class Settled:
    """The settled documents of a version, found among the groups dedupe makes (``document``), and
    their bytes with last_seen set (``history``)."""

    before: PreviousRows
    seen: Mapping[str, datetime]  # page id → when the night's crawl found it
    found: dict[str, tuple[int, dict[str, str]]] = field(default_factory=dict)  # id → index, page → last_seen

    def document(self, pages: Sequence[Notice]) -> str | None:
        """The id of the previous version's document that these pages (a group) are, when it is
        settled; None when the group must be made."""
        if not self.before.places:
            return None
        keys, last_seen = [], {}
        for page in pages:
            page_id = notice_id(str(page.url))
            if (when := self.seen.get(page_id)) is None:
                return None
            keys.append((page_id, reading(page)))
            last_seen[page_id] = stamp(max(page.retrieved_at, when))
        i = self.before.places.document(keys)
        if i is None:
            return None
        nid = self.before.places.ids[i]
        self.found[nid] = (i, last_seen)
        return nid

    def __contains__(self, notice_id: object) -> bool:
        return notice_id in self.found

    def ids(self) -> list[str]:
        return sorted(self.found)

    def index(self, notice_id: str) -> int:
        """Where the document was in the previous version's places."""
        return self.found[notice_id][0]

    def made(self, notice_id: str) -> bytes:
        """What made the document's rows (release.carry.digest)."""
        return self.before.places.made_by(self.index(notice_id))

    def note(self, notice_id: str) -> Note:
        return self.before.places.notes[self.index(notice_id)]

    def runs(self, notice_ids: Iterable[str]) -> Iterator[list[str]]:
        """The ids, in order and in runs: settled documents that followed one another in the previous
        version too (their bytes lie together there, to be copied at once), and any other id alone."""
        run: list[str] = []
        for nid in notice_ids:
            if run and (nid not in self.found or self.index(nid) != self.index(run[-1]) + 1):
                yield run
                run = []
            if nid in self.found:
                run.append(nid)
            else:
                yield [nid]
        if run:
            yield run

    def history(self, run: Sequence[str]) -> tuple[bytes, bytes, list[tuple[str, HistoryPlace, list[Page]]]]:
        """The rows of a run of documents in copies.csv and versions.csv, last_seen set to the night's;
        and for each, where its rows are in those bytes and its pages (whose marks stay where they
        were: a time is as long as the one it replaces)."""
        places = self.before.places
        copies, versions = map(bytearray, self.before.history(self.index(run[0]), self.index(run[-1])))
        origin = places.history_of(self.index(run[0]))
        documents = []
        for nid in run:
            i, last_seen = self.found[nid]
            at = places.history_of(i).moved(-origin.copies_start, -origin.versions_start)
            pages = places.copies_of(i)
            for page in pages:
                now = last_seen[page.page].encode()
                copy_at, text_at = at.copies_start + page.copy_mark, at.versions_start + page.text_mark
                copies[copy_at : copy_at + STAMP] = now
                text = slice(text_at, text_at + STAMP)
                versions[text] = max(bytes(versions[text]), now)
            documents.append((nid, at, pages))
        return bytes(copies), bytes(versions), documents
