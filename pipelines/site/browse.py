"""Browse pages: the notices by source and region, issuing agency, year, 文种 and genre.

Each facet has an index page (``browse/<facet>/``: its values with counts) and a page per value
(``browse/<facet>/<slug>/``: a table of its notices, newest first). A notice appears once per facet,
so the pages grow linearly with the corpus, and none of them is in the navigation.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from gongwen.crawlers.registry import Source
from gongwen.pipelines.site.markup import (
    HtmlPage,
    block,
    esc,
    front_matter,
    internal_link,
    relative,
    slug,
    table,
)
from gongwen.pipelines.site.page_cache import read_kept, write_kept
from gongwen.pipelines.site.pages import (
    NO_RELEASE,
    newest,
    notice_date,
    notice_table,
    notice_year,
    source_counts,
    text,
)
from gongwen.pipelines.site.release_data import Record, Release
from gongwen.pipelines.site.shells import OutsidePage

NEWEST_ON_HUB = 50
MISSING_LABEL = "（未注明 not stated）"


@dataclass(frozen=True)
class Facet:
    """A way to group notices: ``value`` is a notice's value ("" when it has none)."""

    key: str
    title: str
    column: str
    value: Callable[[Record], str]
    keep_missing: bool = True  # a page for the notices without a value

    def index_path(self) -> str:
        return f"browse/{self.key}/"

    def value_path(self, value: str) -> str:
        return f"browse/{self.key}/{slug(value) if value else '_none'}/"


def _field(name: str) -> Callable[[Record], str]:
    return lambda record: text(record, name) or ""


FACETS = (
    Facet("source", "按来源与地区 By source and region", "来源 Source", _field("source_id")),
    Facet("agency", "按发文机关 By issuing agency", "发文机关 Agency", _field("issuing_agency")),
    Facet("year", "按年份 By year", "年份 Year", notice_year),
    Facet("type", "按文种 By document type", "文种 Type", _field("doc_type")),
    Facet("genre", "按类别 By genre", "类别 Genre", _field("genre"), keep_missing=False),
)


def groups(facet: Facet, notices: Sequence[Record]) -> dict[str, list[Record]]:
    """The notices of each value of the facet, in the order of ``notices``."""
    grouped: dict[str, list[Record]] = {}
    for record in notices:
        value = facet.value(record)
        if value or facet.keep_missing:
            grouped.setdefault(value, []).append(record)
    return grouped


@functools.lru_cache(maxsize=1)
def facet_groups(release: Release) -> dict[str, dict[str, list[Record]]]:
    """Each facet's groups of the release's notices, newest first: made once a build, for the hub
    pages and the value pages."""
    return {facet.key: groups(facet, newest(release)) for facet in FACETS}


def _label(facet: Facet, value: str, sources: Mapping[str, Source]) -> str:
    if not value:
        return MISSING_LABEL
    known = sources.get(value) if facet.key == "source" else None
    return known.name if known else value


def _ordered(facet: Facet, grouped: Mapping[str, list[Record]]) -> list[str]:
    """Years newest first; other values by number of notices, then by name; "not stated" last."""
    values = [v for v in grouped if v]
    if facet.key == "year":
        values.sort(reverse=True)
    else:
        values.sort(key=lambda v: (-len(grouped[v]), v))
    return values + ([""] if "" in grouped else [])


def facet_index_page(
    facet: Facet, release: Release | None, grouped: Mapping[str, list[Record]], sources: Sequence[Source]
) -> str:
    parts = [front_matter(facet.title), f"# {facet.title}\n\n"]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    page = facet.index_path()
    parts.append(f"版本 {release.version} 的 {len(release.notices)} 篇公文。"
                 f"The {len(release.notices)} notices of version {release.version}.\n\n")
    if facet.key == "source":
        return "".join([*parts, source_counts(release, sources, page)])
    by_id = {s.id: s for s in sources}
    rows = [
        [
            internal_link(relative(page, facet.value_path(v)), _label(facet, v, by_id)),
            str(len(grouped[v])),
            esc(notice_date(grouped[v][0]) or "—"),
        ]
        for v in _ordered(facet, grouped)
    ]
    headers = (facet.column, "公文数 Notices", "最新 Newest")
    return "".join([*parts, block(table(headers, rows), "gw-facet")])


def facet_value_page(
    facet: Facet,
    value: str,
    notices: Sequence[Record],
    sources: Mapping[str, Source],
    kept: KeptRows | None = None,
) -> HtmlPage:
    label = _label(facet, value, sources)
    page = facet.value_path(value)
    back = internal_link(relative(page, facet.index_path()), f"← {facet.title}")
    heading = [
        f"<h1>{esc(facet.column)}：{esc(label)}</h1>",
        f"<p>{len(notices)} 篇公文，按日期从新到旧 notices, newest first · {back}</p>",
    ]
    html = block(heading, "gw-facet-heading") + notice_table(notices, page, kept.rows() if kept else None)
    return HtmlPage(f"{label} · {facet.column}", html)


def notices_hub_page(release: Release | None, counts: Mapping[str, int]) -> str:
    """``notices/``: the ways to browse, with the number of values of each, and the newest notices."""
    parts = [
        front_matter("浏览公文 Browse notices"),
        "# 浏览公文 Browse notices\n\n",
        ("按来源、机关、年份或文种浏览，或者[搜索](../search.md)。"
         "Browse by source, agency, year or type, or [search](../search.md).\n\n"),
    ]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    parts += _ways("../browse/", counts)
    shown = newest(release)[:NEWEST_ON_HUB]
    parts += [
        (f"\n## 最新公文 Newest notices\n\n版本 {release.version} 共 {len(release.notices)} 篇公文；"
         f"最新的 {len(shown)} 篇。The newest {len(shown)} of {len(release.notices)} notices.\n\n"),
        notice_table(shown, "notices/"),
    ]
    return "".join(parts)


def _ways(prefix: str, counts: Mapping[str, int]) -> list[str]:
    """The ways to browse, each with its number of values, as list items linking ``prefix<facet>/``."""
    return [f"- [{f.title}]({prefix}{f.key}/index.md)：{counts[f.key]}\n" for f in FACETS]


def browse_hub_page(release: Release | None, counts: Mapping[str, int]) -> str:
    """``browse/``: the ways to browse (the hub at ``notices/`` lists them with the newest notices)."""
    parts = [
        front_matter("浏览 Browse"),
        "# 浏览 Browse\n\n",
        ("按来源与地区、发文机关、年份、文种或类别浏览全部公文，或者[搜索](../search.md)。"
         "Browse every notice by source and region, agency, year, type or genre, or "
         "[search](../search.md).\n\n"),
    ]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    return "".join([*parts, *_ways("", counts), "- [按目标 Targets by year](targets/index.md)\n"])


def browse_pages(release: Release | None, sources: Sequence[Source]) -> Iterator[tuple[str, str]]:
    """``(path, text)`` of the hubs and every facet's index page."""
    counts: Counter[str] = Counter()
    for facet in FACETS:
        grouped = facet_groups(release)[facet.key] if release else {}
        counts[facet.key] = len(grouped)
        yield f"browse/{facet.key}/index.md", facet_index_page(facet, release, grouped, sources)
    yield "notices/index.md", notices_hub_page(release, counts)
    yield "browse/index.md", browse_hub_page(release, counts)


class KeptRows:
    """The rows of the notices' tables of the value pages, kept from one build to the next.

    A value page lists every notice of its value, so a night's new notice renders the pages of its
    source, year, type … again, with every notice on them. A notice's row is the same on every value
    page (all as deep: its links are the same) and changes only with its record: so the rows are kept
    in ``path`` under the digest of each record (``digests``) and of the code (``fingerprint``), read
    when a value page is first rendered, and kept again, for this release's notices, by ``save``."""

    def __init__(self, path: Path | None, fingerprint: bytes, digests: Mapping[str, bytes]) -> None:
        self.path, self.fingerprint, self.digests = path, fingerprint, digests
        self.known: dict[str, str] | None = None
        self.read = 0

    def rows(self) -> dict[str, str]:
        """The rows known, by notice id; notice_table adds those it makes."""
        if self.known is None:
            kept = read_kept(self.path, self.fingerprint)
            self.known = {n: kept[digest] for n, digest in self.digests.items() if digest in kept}
            self.read = len(self.known)
        return self.known

    def save(self) -> None:
        """Keep the rows, when a page rendered made new ones."""
        if self.path is not None and self.known is not None and len(self.known) > self.read:
            write_kept(self.path, self.fingerprint, {self.digests[n]: row for n, row in self.known.items()})


def browse_value_pages(
    release: Release, sources: Sequence[Source], kept: KeptRows | None = None
) -> Iterator[OutsidePage]:
    """Every value's page (``browse/<facet>/<slug>/``), written outside mkdocs; a page's inputs are
    the digests of its notices' records, in its order, so that it is rendered only when one changed.
    ``kept``: the notices' rows kept from the last build (else they are made for this one only)."""
    by_id = {s.id: s for s in sources}
    kept = kept or KeptRows(None, b"", release.digests)
    for facet in FACETS:
        for value, members in facet_groups(release)[facet.key].items():
            digests = [release.digests[str(r["id"])] for r in members]
            inputs = b"".join([hashlib.sha256(value.encode("utf-8")).digest(), *digests])
            render = partial(facet_value_page, facet, value, members, by_id, kept)
            yield OutsidePage(facet.value_path(value), inputs, render)
