"""Write every generated page of the site, and copy the downloads and schema files into it.

``generate`` takes a ``write(path, data)`` callable so it runs the same inside mkdocs-gen-files
(``gen_pages.py``) and in tests (into a plain folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from crawlers.registry import Source, load_sources
from pipelines.schema import SCHEMA_DIR
from pipelines.site.pages import home_page, notice_page, notices_index_page
from pipelines.site.reference import downloads_page, schema_page, sources_page
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

    put("index.md", home_page(release, sources))
    put("notices/index.md", notices_index_page(release))
    put("sources.md", sources_page(sources, release))
    put("downloads.md", downloads_page(release))
    if release is not None:
        for record in release.notices:
            put(f"notices/{record['id']}.md", notice_page(record, by_id))
        for info in release.versions:
            for file in info.files:
                put(f"downloads/{info.version}/{file.name}", file.path.read_bytes())

    schemas = published_schemas(schema_dir)
    if not schemas:
        raise FileNotFoundError(f"no published schema under {schema_dir}/<version>/notice.schema.json")
    for version, path in schemas:
        put(f"schema/{version}/notice.schema.json", path.read_bytes())
    newest = json.loads(schemas[-1][1].read_text(encoding="utf-8"))
    put("schema.md", schema_page(newest, [v for v, _ in schemas], release))
    return written
