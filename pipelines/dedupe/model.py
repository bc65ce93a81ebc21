"""What dedupe returns: one group per document with all its copies, and the rows of a copies table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from gongwen.pipelines.notice import Notice


class KnownCopy(Protocol):
    """A row of the previous release's copies table, as far as dedupe reads it (CopyRecord is one)."""

    @property
    def url(self) -> str: ...

    @property
    def notice_id(self) -> str: ...

    @property
    def first_seen(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Copy:
    """One page carrying the document, as read this time."""

    notice: Notice
    first_seen: datetime  # first retrieved_at of this page in any release (earliest known)
    last_seen: datetime  # retrieved_at this time
    similarity: float  # Jaccard similarity of its text to the canonical copy's (1.0 for that copy)
    differs: bool  # its text differs materially from the canonical copy's

    @property
    def url(self) -> str:
        return str(self.notice.url)

    @property
    def site(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def source_id(self) -> str:
        return self.notice.source_id


@dataclass(frozen=True, slots=True)
class NoticeGroup:
    """One document: its stable id and every copy, the canonical copy first."""

    id: str
    copies: tuple[Copy, ...]
    forwards: tuple[str, ...]  # ids of the notices this one forwards (转发/批转)
    aliases: tuple[str, ...]  # ids of notices merged into this one in this run, now withdrawn

    @property
    def canonical(self) -> Copy:
        return self.copies[0]


@dataclass(frozen=True, slots=True)
class CopyRecord:
    """A row of the copies table: a page, the notice it is a copy of, and how it compares."""

    notice_id: str
    url: str
    site: str
    source_id: str
    first_seen: datetime
    last_seen: datetime
    canonical: bool
    similarity: float
    differs: bool
    removed_from_source_at: datetime | None = None  # set by the release for a page gone from its source


@dataclass(frozen=True)
class DedupeResult:
    groups: tuple[NoticeGroup, ...]  # ordered by id
    aliases: Mapping[str, str]  # withdrawn id → the id of the notice it was merged into

    def copy_table(self) -> list[CopyRecord]:
        """Every copy of every group; the next run takes these rows as its `previous`."""
        return [
            CopyRecord(
                notice_id=group.id,
                url=copy.url,
                site=copy.site,
                source_id=copy.source_id,
                first_seen=copy.first_seen,
                last_seen=copy.last_seen,
                canonical=copy is group.canonical,
                similarity=copy.similarity,
                differs=copy.differs,
            )
            for group in self.groups
            for copy in group.copies
        ]
