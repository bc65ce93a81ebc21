"""mkdocs-gen-files entry script (mkdocs.yml): the generated pages of the site, from the latest release.

The dataset folder is ``$GONGWEN_DATASET`` when set, else ``datasets/notices`` of the repository.
"""

from __future__ import annotations

import os

import mkdocs_gen_files

from pipelines.site.generate import generate
from pipelines.site.release_data import dataset_folder


def _write(path: str, data: bytes) -> None:
    with mkdocs_gen_files.open(path, "wb") as out:
        out.write(data)


generate(_write, dataset_folder(os.environ))
