"""One record per document, and what a version carries from the previous one: copies, texts, removals.

The pages the crawls read are grouped into documents by pipelines.dedupe, which keeps each
document's id through the previous version's copies table. A notice's record is its canonical
copy's, under the document's id. A copy on a site that is not a government publisher (a content farm)
is canonical only when no government site has the document; its record then carries the quality flag
``repost``. (A government's repost of a higher level's document is not flagged: dedupe's issuer
matching ranks copies, but a short name such as 新乡高新区管委会 is too often not matched to be a flag.)

What no crawl reads again is carried from the previous version:

- A page of a crawled source that the crawl found gone is removed from its source: it answered 404/410,
  or the list page that linked it before was read and no longer does (while every list page the crawl
  asked for was read). Its copy stays listed with ``removed_from_source_at``. A page the crawl did not
  reach (a list page failed, or its list page was not asked for) is carried as it was.
  A notice none of whose pages was read stays published as it last was, with its canonical page's
  ``removed_from_source_at``. A removal never touches ``validity``.
- A page whose fetch failed otherwise, that could not be read as a notice this time, or whose source
  was not crawled, is carried as it was: the crawl says nothing about it.
- Every text a page has shown is a row of ``versions``, with when a crawl first read it and when one
  last found it; a page whose body changed gains a row.

A notice leaves the dataset (withdrawn) only when it is merged into another one (dedupe's aliases)
or when its source leaves the dataset.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from gongwen.crawlers.registry import Source
from gongwen.pipelines.dedupe import CopyRecord, DedupeResult, NoticeGroup, dedupe
from gongwen.pipelines.notice import FlagCode, Notice, QualityFlag, notice_id
from gongwen.pipelines.release.carry import PreviousRows
from gongwen.pipelines.release.changes import NoticeChanges, compare_notices
from gongwen.pipelines.release.documents import Documents, TextVersion
from gongwen.pipelines.release.settled import Settled, reading
from gongwen.pipelines.release.tables import Record, columns

if TYPE_CHECKING:  # the release reads crawls; it does not need the extractor to import
    from gongwen.pipelines.read.resolve import SourceCrawl

GONE = frozenset({404, 410})  # the HTTP answers that say a page is no longer there


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(microsecond=0)


def _optional_time(text: str | None) -> datetime | None:
    return _time(text) if text else None


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


@dataclass
class Previous:
    """The tables of the version a build starts from (empty before the first version).

    Its notices are not held: ``records`` reads them one by one, without their body_text (which
    content_sha256 stands for: changes.compare_notices), and ``full`` reads whole records. Its texts
    (``versions``) are read when asked for, only those of the notices asked for when the version left
    where its rows are (``before``); a text that a page read now still shows is the page's own
    string, not a second copy.
    """

    copies: list[CopyRecord] = field(default_factory=list)
    folder: Path | None = None
    legacy: list[Record] | None = None  # the notices of a version older than copies.csv
    before: PreviousRows | None = None
    texts: Mapping[str, str] = field(default_factory=dict)  # the body texts read now, by content_sha256
    _versions: list[TextVersion] | None = None  # all of them, once read whole

    @classmethod
    def load(
        cls, folder: Path | None, texts: Mapping[str, str] | None = None, before: PreviousRows | None = None
    ) -> Previous:
        """The version in ``folder``; ``texts``: the body texts read now, by content_sha256;
        ``before``: its rows (release.carry)."""
        if folder is None:
            return cls()
        if not (folder / "copies.csv").is_file():  # a version older than copies: one page per notice
            records: list[Record] = json.loads((folder / "notices.json").read_bytes())
            versions = [_only_text(r) for r in records]
            return cls([_only_copy(r) for r in records], folder, records, _versions=versions)
        copies = [
            CopyRecord(
                notice_id=row["notice_id"],
                url=row["url"],
                site=row["site"],
                source_id=row["source_id"],
                first_seen=_time(row["first_seen"]),
                last_seen=_time(row["last_seen"]),
                canonical=row["canonical"] == "true",
                similarity=float(row["similarity"]),
                differs=row["differs"] == "true",
                removed_from_source_at=_optional_time(row["removed_from_source_at"]),
            )
            for row in _rows(folder / "copies.csv")
        ]
        return cls(copies, folder, before=before, texts=texts or {})

    def versions(self, skip: Container[str] = ()) -> list[TextVersion]:
        """The rows of its versions table, but those of the notices in ``skip``."""
        if self._versions is None and self.before is not None and self.before.places:
            places = self.before.places
            names = columns("versions")
            chunks = (self.before.history(i, i)[1] for i, nid in enumerate(places.ids) if nid not in skip)
            rows = (row for chunk in chunks
                    for row in csv.DictReader(io.StringIO(chunk.decode("utf-8"), newline=""), names))
            return self._texts(rows)
        if self._versions is None:
            self._versions = self._texts(_rows(self.folder / "versions.csv")) if self.folder else []
        return [v for v in self._versions if v.notice_id not in skip]

    def _texts(self, rows: Iterable[dict[str, str]]) -> list[TextVersion]:
        return [
            TextVersion(
                row["notice_id"], row["url"], row["content_sha256"],
                _time(row["first_seen"]), _time(row["last_seen"]),
                self.texts.get(row["content_sha256"], row["body_text"]),
            )
            for row in rows
        ]

    def records(self, skip: Container[str] = ()) -> Iterator[Record]:
        """The notices, by id, without their body_text; those of ``skip`` left out (a line of
        notices.ndjson starts with its id, so theirs are not parsed)."""
        if self.legacy is not None:
            kept = (r for r in self.legacy if r["id"] not in skip)
            yield from ({k: v for k, v in r.items() if k != "body_text"} for r in kept)
        elif self.folder is not None:
            for line in _lines(self.folder / "notices.ndjson"):
                if line[8:24] in skip and line.startswith('{"id": "'):
                    continue
                record = json.loads(line)
                if record["id"] not in skip:
                    del record["body_text"]
                    yield record

    def full(self, ids: Collection[str]) -> list[Record]:
        """The whole records of ``ids``, read again from the version's notices.ndjson (a line of it
        starts with its id, so only the lines of ``ids`` are parsed)."""
        if self.legacy is not None:
            return [r for r in self.legacy if r["id"] in ids]
        if not ids or self.folder is None:
            return []
        found = []
        for line in _lines(self.folder / "notices.ndjson"):
            if line[8:24] in ids or not line.startswith('{"id": "'):
                record = json.loads(line)
                if record["id"] in ids:
                    found.append(record)
        return found


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as lines:
        yield from lines


def _only_copy(record: Record) -> CopyRecord:
    seen, url = _time(record["retrieved_at"]), str(record["url"])
    return CopyRecord(
        notice_id=record["id"], url=url, site=urlsplit(url).hostname or "", source_id=record["source_id"],
        first_seen=seen, last_seen=seen, canonical=True, similarity=1.0, differs=False,
        removed_from_source_at=_optional_time(record.get("removed_from_source_at")),
    )


def _only_text(record: Record) -> TextVersion:
    seen = _time(record["retrieved_at"])
    url, text = str(record["url"]), record["body_text"]
    return TextVersion(record["id"], url, record["content_sha256"], seen, seen, text)


@dataclass
class _Evidence:
    """What the latest crawls say about pages, by page id."""

    seen: dict[str, datetime] = field(default_factory=dict)  # read: when its ledger row was fetched
    gone: dict[str, datetime] = field(default_factory=dict)  # answered 404/410, when
    unread: set[str] = field(default_factory=set)  # asked for, but failed otherwise or quarantined
    crawled: dict[str, datetime] = field(default_factory=dict)  # source id → the crawl's last fetch
    # Pages whose list page (the one that last linked them) the crawl read, with every other list page
    # it asked for: had it still linked them, the crawl would have asked for them.
    listing_read: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, crawls: Iterable[SourceCrawl]) -> _Evidence:
        evidence = cls()
        for crawl in crawls:
            if crawl.crawl_id is None or crawl.crawled_at is None:
                continue
            evidence.crawled[crawl.source.id] = _time(crawl.crawled_at)
            lists = [o for o in crawl.outcomes if o.kind == "list"]
            if all(o.outcome == "followed" for o in lists):
                read = {o.url for o in lists}
                evidence.listing_read |= {notice_id(page) for page, listed in crawl.listed_before.items()
                                          if listed in read}
            for o in crawl.outcomes:
                if o.kind != "detail":
                    continue
                page, when = notice_id(o.url), _time(o.fetched_at)
                if o.outcome == "published":
                    evidence.seen[page] = when
                elif o.outcome == "failed" and o.http_status in GONE:
                    evidence.gone[page] = when
                else:
                    evidence.unread.add(page)
        return evidence

    def removed_at(self, copy: CopyRecord) -> datetime | None:
        """When the crawl found a page it did not read gone from its source: answered 404/410, or no
        longer linked by the list page that linked it before; None if it cannot say (its source not
        crawled, its fetch failed otherwise, a list page not read)."""
        page = notice_id(copy.url)
        if copy.source_id not in self.crawled or page in self.unread:
            return None
        if page in self.gone:
            return self.gone[page]
        return self.crawled[copy.source_id] if page in self.listing_read else None


def _record(group: NoticeGroup, sources: dict[str, Source]) -> Notice:
    canonical = group.canonical.notice
    source = sources.get(canonical.source_id)
    flags = canonical.quality_flags
    if source is not None and source.level == "none":
        message = f"read from {source.name}, not a government site: no government copy was found"
        flags = [*flags, QualityFlag(code=FlagCode.REPOST, message=message)]
    return canonical.model_copy(update={"id": group.id, "quality_flags": flags})


def _texts(earlier: Sequence[TextVersion], page: Notice, nid: str, last_seen: datetime) -> list[TextVersion]:
    """The page's texts so far, and the one read now as the newest, or as a longer-lived last one."""
    url = str(page.url)
    texts = [replace(t, notice_id=nid, url=url) for t in earlier]
    if texts and texts[-1].content_sha256 == page.content_sha256:
        texts[-1] = replace(texts[-1], last_seen=max(texts[-1].last_seen, last_seen))
        return texts
    return [*texts, TextVersion(nid, url, page.content_sha256, page.retrieved_at, last_seen, page.body_text)]


def assemble(
    pages: Sequence[Notice],
    sources: Sequence[Source],
    crawls: Sequence[SourceCrawl],
    previous: Previous,
    before: PreviousRows,
) -> Documents:
    """The documents of a version: the pages read, grouped, and what the previous version carries
    (``before``: its bytes, from which settled documents are carried whole)."""
    by_source = {s.id: s for s in sources}
    signatures = {sha: s for crawl in crawls for sha, s in crawl.signatures.items()}
    evidence = _Evidence.of(crawls)
    settled = Settled(before, evidence.seen)
    result = dedupe(pages, sources, previous.copies, signatures, settled.document)
    earlier: defaultdict[str, list[TextVersion]] = defaultdict(list)  # by page, oldest first
    for text in sorted(previous.versions(skip=settled), key=lambda t: t.first_seen):
        earlier[notice_id(text.url)].append(text)

    notices = [_record(group, by_source) for group in result.groups]
    copies, versions, readings = _read_now(result, evidence, earlier)
    live_pages = {notice_id(c.url) for c in copies}
    live_ids = {g.id for g in result.groups}
    unread = [  # of sources still in the dataset, of documents not carried whole
        row for row in previous.copies
        if notice_id(row.url) not in live_pages and row.source_id in by_source
        and row.notice_id not in settled
    ]
    kept_copies, kept_texts = _not_read_now(unread, result.aliases, live_ids, evidence, earlier)
    copies += kept_copies
    versions += kept_texts
    notices += _carried({c.notice_id for c in copies} - live_ids, copies, previous, by_source)

    published = {n.id for n in notices}
    versions = [v for v in versions if v.notice_id in published]
    return Documents(
        sorted(notices, key=lambda n: n.id),
        sorted((c for c in copies if c.notice_id in published), key=lambda c: c.notice_id),
        sorted(versions, key=lambda v: (v.notice_id, v.url, v.first_seen)),
        readings,
        settled,
    )


def _read_now(
    result: DedupeResult, evidence: _Evidence, earlier: defaultdict[str, list[TextVersion]]
) -> tuple[list[CopyRecord], list[TextVersion], dict[str, bytes]]:
    """The copies of the pages read now, last_seen when a crawl last found them; their texts so far
    (``earlier``) and now; and the reading each was made from."""
    copies: list[CopyRecord] = []
    versions: list[TextVersion] = []
    readings: dict[str, bytes] = {}
    live = [(group, copy) for group in result.groups for copy in group.copies]
    for (group, copy), row in zip(live, result.copy_table(), strict=True):
        page = notice_id(copy.url)
        last_seen = max(row.last_seen, evidence.seen.get(page, row.last_seen))
        copies.append(replace(row, last_seen=last_seen))
        versions += _texts(earlier[page], copy.notice, group.id, last_seen)
        readings[page] = reading(copy.notice)
    return copies, versions, readings


def _not_read_now(
    rows: Iterable[CopyRecord],
    aliases: Mapping[str, str],
    live_ids: Container[str],
    evidence: _Evidence,
    earlier: defaultdict[str, list[TextVersion]],
) -> tuple[list[CopyRecord], list[TextVersion]]:
    """The previous version's copies of pages not read now, and their texts: under the notice a
    merged one went into (``aliases``), canonical no longer when that notice is read now
    (``live_ids``), removed from their source when the crawl found them gone."""
    copies: list[CopyRecord] = []
    versions: list[TextVersion] = []
    for row in rows:
        kept = aliases.get(row.notice_id, row.notice_id)
        removed = row.removed_from_source_at or evidence.removed_at(row)
        copies.append(replace(row, notice_id=kept, canonical=row.canonical and kept not in live_ids,
                              removed_from_source_at=removed))
        versions += [replace(t, notice_id=kept) for t in earlier[notice_id(row.url)]]
    return copies, versions


def _carried(
    ids: Collection[str], copies: Iterable[CopyRecord], previous: Previous, sources: Container[str]
) -> list[Notice]:
    """The notices ``ids``, none of whose pages was read now, as the previous version published them
    (those of ``sources``), removed from their source when their canonical page's copy is."""
    by_page = {notice_id(c.url): c for c in copies}
    notices = []
    for record in previous.full(ids):
        if record["source_id"] in sources:
            own = by_page.get(notice_id(record["url"]))  # its canonical page's copy
            removed = own.removed_from_source_at if own and own.notice_id == record["id"] else None
            notices.append(Notice.model_validate({**record, "removed_from_source_at": removed}))
    return notices


CopyFacts = set[tuple[str, bool, bool, bool, str | None]]


def _copy_facts(copies: Iterable[CopyRecord], versions: Iterable[TextVersion]) -> dict[str, CopyFacts]:
    """Per notice: each copy's page, whether it is canonical, differs or is removed, and the last text
    of the others (the canonical copy's text is the record's body_text)."""
    latest = {notice_id(v.url): v.content_sha256 for v in sorted(versions, key=lambda v: v.first_seen)}
    facts: dict[str, CopyFacts] = defaultdict(set)
    for c in copies:
        page = notice_id(c.url)
        removed, text = c.removed_from_source_at is not None, None if c.canonical else latest.get(page)
        facts[c.notice_id].add((page, c.canonical, c.differs, removed, text))
    return facts


def compare(previous: Previous, documents: Documents, records: Sequence[Record]) -> NoticeChanges:
    """The notices added, updated and withdrawn (a settled document is none of them: ``records`` are
    the others); ``copies`` is among the fields of an updated notice
    when a copy was added or lost, was removed from its source, became or stopped being canonical or
    differing, or (other than the canonical copy, whose text is body_text) changed its text."""
    settled = documents.settled
    found = compare_notices(previous.records(skip=settled), records)
    before = _copy_facts((c for c in previous.copies if c.notice_id not in settled),
                         previous.versions(skip=settled))
    after = _copy_facts(documents.copies, documents.versions)
    updated = dict(found.updated)
    kept = {r["id"] for r in records} - set(found.added)
    for nid in kept:
        if before.get(nid) != after.get(nid):
            updated[nid] = [*updated.get(nid, []), "copies"]
    return NoticeChanges(found.added, dict(sorted(updated.items())), found.withdrawn)
