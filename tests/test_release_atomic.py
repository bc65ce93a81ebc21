"""A build killed at any point (SIGKILL: no cleanup runs) leaves no partial version and `latest` intact."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.release.dataset import DatasetError
from tests.conftest import ROOT
from tests.test_release import meishan_notices

# Publishes the notices of the JSON file argv[3] into the dataset folder argv[1], killing itself just
# before the step argv[2]: "write <file>" (into the hidden staging folder) or "replace <name>" (a rename).
KILLED_BUILD = """
import json, os, pathlib, signal, sys
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.release import Dataset, publish

folder, step, notices = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
open_path, replace = pathlib.Path.open, pathlib.Path.replace

def die_before(this):
    if this == step:
        os.kill(os.getpid(), signal.SIGKILL)

def opened(self, mode="r", *args, **kwargs):
    if "w" in mode:
        die_before("write " + self.name)
    return open_path(self, mode, *args, **kwargs)

def rename(self, target):
    die_before("replace " + pathlib.Path(target).name)
    return replace(self, target)

pathlib.Path.open, pathlib.Path.replace = opened, rename
publish(Dataset.load(folder), [Notice.model_validate(r) for r in json.loads(notices.read_bytes())])
"""

STEPS = [
    "write notices.ndjson",  # the first file of the staging folder
    "write datapackage.json",  # the last one
    "replace 1.1.0",  # staged and validated, not yet renamed into place
    "replace index.json",  # in place, not yet listed
    "replace latest",  # listed, latest not yet moved
]


def complete(folder: Path) -> bool:
    """Every file of the folder is in its datapackage.json with the right hash, and nothing is missing."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    hashes = {r["path"]: r["hash"] for r in descriptor["resources"]}
    on_disk = {p.name for p in folder.iterdir()} - {"datapackage.json"}
    digests = {name: "sha256:" + hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in on_disk}
    return digests == hashes


def visible_versions(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def latest(folder: Path) -> str:
    return (folder / "latest").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("step", STEPS)
def test_a_killed_build_leaves_no_partial_version_and_latest_intact(tmp_path: Path, step: str) -> None:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    publish(Dataset.load(tmp_path), meishan_notices(2))
    notices = tmp_path / "notices-to-publish.json"
    notices.write_text(json.dumps([n.model_dump(mode="json") for n in meishan_notices(3)]), encoding="utf-8")

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, tmp_path, step, notices],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert latest(tmp_path) == "1.0.0"
    assert all(complete(tmp_path / version) for version in visible_versions(tmp_path))

    # The next build cleans up after the killed one and publishes the same version in full.
    dataset = Dataset.load(tmp_path)
    publish(dataset, meishan_notices(3))
    assert latest(tmp_path) == "1.1.0"
    assert [v["version"] for v in dataset.versions()] == ["1.0.0", "1.1.0"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["1.0.0", "1.1.0"]  # none hidden
    assert all(complete(tmp_path / version) for version in ["1.0.0", "1.1.0"])


def test_version_folders_missing_from_the_index_are_never_deleted_in_bulk(tmp_path: Path) -> None:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    dataset = Dataset.load(tmp_path)
    publish(dataset, meishan_notices(2))
    publish(dataset, meishan_notices(3))
    (tmp_path / "index.json").unlink()  # lost: only a person can say what was published
    with pytest.raises(DatasetError, match=r"restore index\.json"):
        publish(dataset, meishan_notices(4))
    assert visible_versions(tmp_path) == ["1.0.0", "1.1.0"]


def test_a_second_build_at_the_same_time_stops_instead_of_interleaving(tmp_path: Path) -> None:
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", tmp_path)
    dataset = Dataset.load(tmp_path)
    with dataset.exclusive(), pytest.raises(RuntimeError, match="another build is publishing"):
        publish(dataset, meishan_notices(2))
    assert not (tmp_path / "latest").exists()
    assert publish(dataset, meishan_notices(2)).version == "1.0.0"  # the lock went with the first build
