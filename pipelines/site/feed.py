"""``feed.xml``: an Atom feed of the notices new in each release, newest release first.

The feed holds the most recent ``FEED_ENTRIES`` of them (a feed reader wants what is new; the
downloads page and the changes files have the rest). ElementTree escapes every value.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gongwen.pipelines.schema import SITE_URL
from gongwen.pipelines.site.markup import clean
from gongwen.pipelines.site.pages import newest_first, notice_path, text
from gongwen.pipelines.site.release_data import Record, Release
from gongwen.pipelines.site.version_changes import ADDED, VersionChanges

FEED_ENTRIES = 500
SUMMARY_CHARS = 200
ATOM = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00Z"


def _add(parent: ET.Element, tag: str, value: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if value is not None:
        element.text = clean(value)
    return element


def _summary(record: Record) -> str:
    facts = [text(record, k) for k in ("issuing_agency", "doc_number", "published_date")]
    body = " ".join(str(record.get("body_text") or "").split())
    if len(body) > SUMMARY_CHARS:
        body = body[:SUMMARY_CHARS] + "……"
    return " · ".join(f for f in facts if f) + ("\n" if any(facts) else "") + body


def _entry(feed: ET.Element, record: Record, version: VersionChanges) -> None:
    url = SITE_URL + notice_path(record)
    entry = _add(feed, "entry")
    _add(entry, "title", str(record.get("title") or record["id"]))
    _add(entry, "id", url)
    _add(entry, "link", href=url)
    _add(entry, "updated", version.created or EPOCH)
    _add(entry, "category", term=version.version, label=f"版本 version {version.version}")
    _add(entry, "summary", _summary(record))


def atom_feed(release: Release | None, changes: Sequence[VersionChanges]) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "title", "gongwen 公文：新增公文 New notices")
    _add(feed, "subtitle", "每个数据版本新增的公文 Notices new in each release of the gongwen dataset")
    _add(feed, "id", SITE_URL + "feed.xml")
    _add(feed, "link", rel="self", href=SITE_URL + "feed.xml")
    _add(feed, "link", href=SITE_URL)
    _add(feed, "updated", (release.created if release else "") or EPOCH)
    _add(_add(feed, "author"), "name", "gongwen")
    by_id = {str(r["id"]): r for r in release.notices} if release else {}
    new: list[tuple[Record, VersionChanges]] = []
    for version in reversed(changes):
        added = newest_first((by_id[i] for i in version.ids(ADDED) if i in by_id), FEED_ENTRIES - len(new))
        new += [(record, version) for record in added]
    for record, version in new:
        _entry(feed, release.full(str(record["id"])) if release else record, version)
    ET.indent(feed)
    data: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
