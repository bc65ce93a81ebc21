"""Every generated page of the site: the pages mkdocs builds (``generate``: hub pages, the Atom feed,
the schema files) and the pages written after it into shells (``outside_pages``: a page per notice
and per browse value, too many to put through mkdocs). The downloads are copied after the build, by
``post_build``.

``generate`` takes a ``write(path, data)`` callable so it runs the same inside mkdocs-gen-files
(``gen_pages.py``) and in tests (into a plain folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import Source, load_sources
from gongwen.pipelines.schema import SCHEMA_DIR
from gongwen.pipelines.site.browse import FACETS, KeptRows, browse_pages, browse_value_pages
from gongwen.pipelines.site.downloads import downloads_page
from gongwen.pipelines.site.feed import atom_feed
from gongwen.pipelines.site.markup import HtmlPage
from gongwen.pipelines.site.notice_page import NoticeInputs, notice_page
from gongwen.pipelines.site.notice_rows import NoticeRows
from gongwen.pipelines.site.pages import home_page, notice_path, search_page
from gongwen.pipelines.site.policy_pages import (
    LARGE,
    TARGETS_PAGE,
    PolicyRows,
    load_policy,
    policy_table,
    target_year_pages,
    targets_index_page,
)
from gongwen.pipelines.site.provenance import PROVENANCE_TABLES, Provenance, load_provenance, provenance_table
from gongwen.pipelines.site.quality import quality_page
from gongwen.pipelines.site.reference import schema_page, sources_page
from gongwen.pipelines.site.release_data import Release, load_release, published_schemas
from gongwen.pipelines.site.shells import SHELL, OutsidePage, shell_markdown
from gongwen.pipelines.site.version_changes import Change, notice_history, version_changes

Write = Callable[[str, bytes], None]
# The folders of the pages written outside mkdocs (pipelines/site/shells.py): each gets a shell page.
OUTSIDE_FOLDERS = ("notices/", *(f.index_path() for f in FACETS), TARGETS_PAGE)


def generate(
    write: Write,
    dataset: Path,
    cache: Path | None = None,
    checks: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    """Write the pages mkdocs builds for the latest release in ``dataset`` (or the no-release pages),
    and the shells of the pages written after it (``outside_pages``); return the paths. ``cache``:
    the folder a build keeps what it read for the next (load_release); ``checks``: each source's
    last check, for the sources page."""
    release = load_release(dataset, cache)
    sources = load_sources()
    written: list[str] = []

    def put(path: str, data: str | bytes) -> None:
        write(path, data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    changes = version_changes(release) if release is not None else []
    put("index.md", home_page(release, sources))
    put("search.md", search_page(release))
    for name, page in browse_pages(release, sources):
        put(name, page)
    put(f"{TARGETS_PAGE}index.md", targets_index_page(release))
    put("sources.md", sources_page(sources, release, checks))
    put("downloads.md", downloads_page(release, changes))
    put("feed.xml", atom_feed(release, changes))
    put("quality.md", quality_page(release, sources))
    if release is not None:
        for folder in OUTSIDE_FOLDERS:
            put(f"{folder}{SHELL}.md", shell_markdown())

    schemas = published_schemas(SCHEMA_DIR)
    if not schemas:
        raise FileNotFoundError(f"no published schema under {SCHEMA_DIR}/<version>/notice.schema.json")
    for version, path in schemas:
        put(f"schema/{version}/notice.schema.json", path.read_bytes())
    newest = json.loads(schemas[-1][1].read_text(encoding="utf-8"))
    put("schema.md", schema_page(newest, [v for v, _ in schemas], release))
    return written


def read_ahead(folder: Path) -> tuple[Path, dict[str, NoticeRows | None]]:
    """The large tables of a version's notice pages, by notice (pipelines/site/notice_rows.py): what a build
    reads in another process while mkdocs builds the other pages (post_build)."""
    tables = {name: policy_table(folder, name) for name in LARGE}
    return folder, tables | {name: provenance_table(folder, name) for name in PROVENANCE_TABLES}


def outside_pages(
    release: Release,
    sources: Sequence[Source],
    ahead: Callable[[], Mapping[str, NoticeRows | None] | None] | None = None,
    kept: KeptRows | None = None,
) -> Iterator[OutsidePage]:
    """The pages written outside mkdocs, after it: a page per browse value, per year of targets and per
    notice. A page is rendered only when asked (when its inputs are not in the page cache).
    ``ahead``: gives the tables of the release read aside (``read_ahead``), or None; asked once the
    value pages, which do not need them, are written. ``kept``: the value pages' rows kept from the
    last build."""
    yield from browse_value_pages(release, sources, kept)
    tables = ahead() if ahead else None
    policy = load_policy(release, tables)
    for path, page in target_year_pages(policy):
        yield OutsidePage.of(path, page)
    changes = version_changes(release)
    unknown = tuple(c.version for c in changes if c.changes is None)
    notices = NoticePages(release, notice_history(changes), unknown, policy,
                          load_provenance(release.folder, tables), {s.id: s for s in sources})
    for record in release.notices:
        notice = str(record["id"])
        yield OutsidePage(notice_path(record), notices.inputs(notice), partial(notices.render, notice))


@dataclass(frozen=True)
class NoticePages:
    """What the notice pages of a release are made from: its records, the changes of its versions (the
    versions whose changes are not known), its policy and provenance tables, and the sources."""

    release: Release
    history: dict[str, list[Change]]
    unknown: tuple[str, ...]
    policy: PolicyRows | None
    provenance: Provenance
    sources: dict[str, Source]

    def inputs(self, notice: str) -> bytes:
        """Digests of everything the notice's page is made from, found without parsing what did not
        change (its record's line, its rows of the tables), and its changes; the one part whose length
        varies within a release (the policy's, by the number of citations) comes last."""
        changes = repr((tuple(self.history.get(notice, ())), self.unknown)).encode("utf-8")
        policy = self.policy.digest(notice) if self.policy else b"-"
        return b"\n".join([self.release.digests[notice], self.provenance.digest(notice), changes, policy])

    def render(self, notice: str) -> HtmlPage:
        found = NoticeInputs(
            self.release.full(notice), tuple(self.history.get(notice, ())), self.unknown,
            self.policy.of(notice) if self.policy else None, self.provenance.of(notice),
        )
        return notice_page(found, self.sources)
