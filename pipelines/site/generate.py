"""Every generated page of the site: the pages mkdocs builds (``generate``: hub pages, the Atom feed,
the schema files) and the pages written after it into shells (``outside_pages``: a page per notice
and per browse value, too many to put through mkdocs). The downloads are copied after the build, by
``post_build``.

``generate`` takes a ``write(path, data)`` callable so it runs the same inside mkdocs-gen-files
(``gen_pages.py``) and in tests (into a plain folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path

from crawlers.registry import Source, load_sources
from pipelines.schema import SCHEMA_DIR
from pipelines.site.browse import FACETS, browse_pages, browse_value_pages
from pipelines.site.downloads import downloads_page
from pipelines.site.feed import atom_feed
from pipelines.site.history import notice_history, version_changes
from pipelines.site.notice_page import NoticeInputs, notice_page
from pipelines.site.pages import home_page, notice_path, search_page
from pipelines.site.policy import TARGETS_PAGE, load_policy, target_year_pages, targets_index_page
from pipelines.site.provenance import load_provenance
from pipelines.site.quality import quality_page
from pipelines.site.reference import schema_page, sources_page
from pipelines.site.release_data import Release, load_release, published_schemas
from pipelines.site.shells import SHELL, OutsidePage, shell_markdown

Write = Callable[[str, bytes], None]
# The folders of the pages written outside mkdocs (pipelines/site/shells.py): each gets a shell page.
OUTSIDE_FOLDERS = ("notices/", *(f.index_path() for f in FACETS), TARGETS_PAGE)


def generate(
    write: Write,
    dataset: Path,
    schema_dir: Path = SCHEMA_DIR,
    sources: Sequence[Source] | None = None,
) -> list[str]:
    """Write the pages mkdocs builds for the latest release in ``dataset`` (or the no-release pages),
    and the shells of the pages written after it (``outside_pages``); return the paths."""
    release = load_release(dataset)
    sources = load_sources() if sources is None else sources
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
    put("sources.md", sources_page(sources, release))
    put("downloads.md", downloads_page(release, changes))
    put("feed.xml", atom_feed(release, changes))
    put("quality.md", quality_page(release, sources))
    if release is not None:
        for folder in OUTSIDE_FOLDERS:
            put(f"{folder}{SHELL}.md", shell_markdown())

    schemas = published_schemas(schema_dir)
    if not schemas:
        raise FileNotFoundError(f"no published schema under {schema_dir}/<version>/notice.schema.json")
    for version, path in schemas:
        put(f"schema/{version}/notice.schema.json", path.read_bytes())
    newest = json.loads(schemas[-1][1].read_text(encoding="utf-8"))
    put("schema.md", schema_page(newest, [v for v, _ in schemas], release))
    return written


def outside_pages(release: Release, sources: Sequence[Source]) -> Iterator[OutsidePage]:
    """The pages written outside mkdocs, after it: a page per browse value, per year of targets and per
    notice. A notice page is rendered only when asked (when its inputs are not in the page cache)."""
    for path, page in browse_value_pages(release, sources):
        yield OutsidePage.of(path, page)
    policy = load_policy(release)
    for path, page in target_year_pages(policy):
        yield OutsidePage.of(path, page)
    changes = version_changes(release)
    history = notice_history(changes)
    unknown = tuple(c.version for c in changes if c.changes is None)
    provenance = load_provenance(release.folder)
    by_id = {s.id: s for s in sources}
    for record in release.notices:
        notice = str(record["id"])
        inputs = NoticeInputs(
            record, tuple(history.get(notice, ())), unknown, policy.of(notice) if policy else None,
            provenance.of(notice),
        )
        render = partial(notice_page, inputs, by_id)
        yield OutsidePage(notice_path(record), inputs.key(), render)
