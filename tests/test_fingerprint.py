"""One fingerprint for the three caches (readings, carried rows, rendered pages): any module a stage
imports is part of it, however it got there, and a module it does not import is not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongwen.pipelines.fingerprint import PACKAGES, fingerprint_of, imported, module_file
from gongwen.pipelines.read.readings import READING_CODE
from gongwen.pipelines.release.carry import RELEASE_CODE
from gongwen.pipelines.site.page_cache import RENDERING_CODE

STAGES = {"readings": READING_CODE, "release": (RELEASE_CODE,), "site": RENDERING_CODE}


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """A copy of crawlers/ and pipelines/ to change, as the namespace's packages."""
    copies = {}
    for package, folder in PACKAGES.items():
        copies[package] = tmp_path / folder.name
        shutil.copytree(folder, copies[package], ignore=shutil.ignore_patterns("__pycache__"))
    return copies


@pytest.mark.parametrize("stage", STAGES)
def test_a_helper_moved_into_a_new_module_is_part_of_it(stage: str, tree: dict[str, Path]) -> None:
    """A helper moved out of a module the stage uses into a new module, anywhere in the packages: the
    fingerprint changes when the move is made, and again when the new module alone is edited (a list
    of files, as the caches had before, would have missed the second)."""
    roots = STAGES[stage]
    user = next(m for m in sorted(imported(roots, tree, set())) if m not in roots and m.count(".") > 2)
    before = fingerprint_of(roots, tree)
    (tree["gongwen.pipelines"] / "moved_helper.py").write_text("def helper() -> int:\n    return 1\n")
    assert fingerprint_of(roots, tree) == before, "a module nobody imports is not part of it"
    used = module_file(user, tree)
    assert used is not None
    used.write_text(used.read_text() + "\nfrom gongwen.pipelines.moved_helper import helper  # noqa\n")
    moved = fingerprint_of(roots, tree)
    assert moved != before
    (tree["gongwen.pipelines"] / "moved_helper.py").write_text("def helper() -> int:\n    return 2\n")
    assert fingerprint_of(roots, tree) != moved


def test_a_module_imported_inside_a_function_is_part_of_the_fingerprint(tree: dict[str, Path]) -> None:
    page = tree["gongwen.pipelines"] / "read" / "batches.py"
    later = "\n\ndef later() -> None:\n    from gongwen.pipelines.site import feed\n"
    page.write_text(page.read_text() + later)
    assert "gongwen.pipelines.site.feed" in imported(READING_CODE, tree, set())


def test_each_stage_takes_its_own_code_and_not_the_others(tree: dict[str, Path]) -> None:
    """Editing the site's code keeps the readings and the carried rows; editing the extractor empties
    those two and keeps the rendered pages (they are kept under the records they show)."""
    before = {stage: fingerprint_of(roots, tree) for stage, roots in STAGES.items()}
    markup = tree["gongwen.pipelines"] / "site" / "markup.py"
    markup.write_text(markup.read_text() + "\n# changed\n")
    after_site = {stage: fingerprint_of(roots, tree) for stage, roots in STAGES.items()}
    assert [s for s in STAGES if after_site[s] != before[s]] == ["site"]
    page = tree["gongwen.pipelines"] / "extract" / "page.py"
    page.write_text(page.read_text() + "\n# changed\n")
    after_extract = {stage: fingerprint_of(roots, tree) for stage, roots in STAGES.items()}
    assert [s for s in STAGES if after_extract[s] != after_site[s]] == ["readings", "release"]


def test_the_libraries_a_stage_imports_are_part_of_it() -> None:
    libraries: set[str] = set()
    imported(READING_CODE, PACKAGES, libraries)
    assert {"lxml", "opencc", "pydantic", "warcio"} <= libraries
    assert not libraries & {"os", "json", "gongwen"}
