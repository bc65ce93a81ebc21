"""Releases: immutable, versioned Frictionless data packages of a dataset's notices.

``datasets/<name>/<version>/`` holds the notices (CSV, Excel CSV, JSON, NDJSON), attachments,
sources, quality, changes, CHANGES.md and datapackage.json; ``index.json`` lists the versions and
``latest`` names the newest. ``dataset`` is the definition, ``gate`` what stops a bad crawl,
``changes`` the version-number rules, ``tables`` and ``package`` the published contract,
``versions`` the atomic publication, ``build`` one whole build.
"""

from gongwen.pipelines.release.build import release_crawls
from gongwen.pipelines.release.dataset import DATASETS, Dataset
from gongwen.pipelines.release.gate import GateClosed, gate_problems
from gongwen.pipelines.release.tables import COLUMNS
from gongwen.pipelines.release.versions import Published, publish

__all__ = [
    "COLUMNS",
    "DATASETS",
    "Dataset",
    "GateClosed",
    "Published",
    "gate_problems",
    "publish",
    "release_crawls",
]
