"""mkdocs-gen-files entry script (mkdocs.yml): the generated pages of the site, from the latest release.

The dataset folder is ``$GONGWEN_DATASET`` when set, else ``datasets/notices`` of the repository;
the sources' last checks come from ``$GONGWEN_CHECKS`` when set; what the build keeps for the next
is beside the site folder (page_cache.cache_folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import mkdocs_gen_files

from gongwen.pipelines.site.generate import generate
from gongwen.pipelines.site.page_cache import cache_folder
from gongwen.pipelines.site.release_data import dataset_folder, source_checks


def _write(path: str, data: bytes) -> None:
    with mkdocs_gen_files.open(path, "wb") as out:
        out.write(data)


generate(
    _write,
    dataset_folder(os.environ),
    cache=cache_folder(Path(mkdocs_gen_files.config.site_dir)),
    checks=source_checks(os.environ),
)
