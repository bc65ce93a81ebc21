"""Write every generated page of the site, the Atom feed and the schema files (the downloads are
copied after the build, by ``post_build``).

``generate`` takes a ``write(path, data)`` callable so it runs the same inside mkdocs-gen-files
(``gen_pages.py``) and in tests (into a plain folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from crawlers.registry import Source, load_sources
from pipelines.schema import SCHEMA_DIR
from pipelines.site.browse import browse_pages
from pipelines.site.downloads import downloads_page
from pipelines.site.feed import atom_feed
from pipelines.site.history import notice_history, version_changes
from pipelines.site.notice_page import notice_page
from pipelines.site.pages import home_page, search_page
from pipelines.site.policy import load_policy, notice_policy, target_pages
from pipelines.site.provenance import load_provenance
from pipelines.site.quality import quality_page
from pipelines.site.reference import schema_page, sources_page
from pipelines.site.release_data import load_release, published_schemas

Write = Callable[[str, bytes], None]


def generate(
    write: Write,
    dataset: Path,
    schema_dir: Path = SCHEMA_DIR,
    sources: Sequence[Source] | None = None,
) -> list[str]:
    """Write the pages for the latest release in ``dataset`` (or the no-release pages); return the paths."""
    release = load_release(dataset)
    sources = load_sources() if sources is None else sources
    by_id = {s.id: s for s in sources}
    written: list[str] = []

    def put(path: str, data: str | bytes) -> None:
        write(path, data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    changes = version_changes(release) if release is not None else []
    put("index.md", home_page(release, sources))
    put("search.md", search_page(release))
    for name, page in browse_pages(release, sources):
        put(name, page)
    policy = load_policy(release)
    for name, page in target_pages(release, policy):
        put(name, page)
    put("sources.md", sources_page(sources, release))
    put("downloads.md", downloads_page(release, changes))
    put("feed.xml", atom_feed(release, changes))
    put("quality.md", quality_page(release, sources))
    if release is not None:
        history = notice_history(changes)
        unknown = [c.version for c in changes if c.changes is None]
        provenance = load_provenance(release.folder)
        for record in release.notices:
            page = notice_page(
                record, by_id, history.get(str(record["id"]), []), unknown, notice_policy(record, policy),
                provenance=provenance.of(str(record["id"])),
            )
            put(f"notices/{record['id']}.md", page)

    schemas = published_schemas(schema_dir)
    if not schemas:
        raise FileNotFoundError(f"no published schema under {schema_dir}/<version>/notice.schema.json")
    for version, path in schemas:
        put(f"schema/{version}/notice.schema.json", path.read_bytes())
    newest = json.loads(schemas[-1][1].read_text(encoding="utf-8"))
    put("schema.md", schema_page(newest, [v for v, _ in schemas], release))
    return written
