"""The installed package: one import namespace, gongwen, and nothing of the repository needed to import it.

The wheel is built from a copy of what pyproject.toml packages and run by a Python that does not see
the repository or the editable install, with packages named ``crawlers`` and ``pipelines`` of
someone else's ahead of it on the path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from gongwen.crawlers.sampleweb.render import PAGES_DIR, render_notice
from gongwen.pipelines.extract import read_page
from gongwen.pipelines.fingerprint import modules_in
from tests.conftest import ROOT

PACKAGED = ("crawlers", "pipelines")
NOT_IMPORTABLE = {"gongwen.pipelines.site.gen_pages"}  # a mkdocs-gen-files script, run inside a build


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, unpacked."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    for name in PACKAGED:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "--wheel-dir", tmp / "dist", source], check=True, capture_output=True)
    [built] = (tmp / "dist").glob("gongwen-*.whl")
    with zipfile.ZipFile(built) as archive:
        archive.extractall(tmp / "installed")
    return tmp / "installed"


def test_the_wheel_holds_only_the_gongwen_namespace(wheel: Path) -> None:
    tops = {p.name for p in wheel.iterdir() if not p.name.endswith(".dist-info")}
    assert tops == {"gongwen"}
    assert not (wheel / "gongwen" / "__init__.py").exists()  # a namespace of two packages
    entry_points = next(wheel.glob("gongwen-*.dist-info")).joinpath("entry_points.txt").read_text()
    assert "gongwen = gongwen.pipelines.cli:main" in entry_points


@pytest.mark.parametrize("name", PACKAGED)
def test_every_module_and_data_file_of_the_repository_is_in_the_wheel(wheel: Path, name: str) -> None:
    """A package folder missing from pyproject.toml's list would be left out of the wheel silently."""
    package = f"gongwen.{name}"
    assert modules_in(package, wheel / "gongwen" / name) == modules_in(package, ROOT / name)
    if name == "crawlers":
        data = ["sources.toml", *(p.relative_to(ROOT / name).as_posix() for p in PAGES_DIR.rglob("*.toml"))]
        assert all((wheel / "gongwen" / name / d).is_file() for d in data)


def test_the_wheel_imports_and_runs_beside_other_packages_named_crawlers_and_pipelines(
    wheel: Path, tmp_path: Path
) -> None:
    """Every module imports from the wheel alone (no site customisation, so no editable install; run
    outside the repository) while packages of someone else named crawlers and pipelines come first
    on the path; the extractor reads a page. (The published schema is not in the wheel yet, so
    `gongwen parse` and `gongwen validate` need the repository: issue 21.)"""
    others = tmp_path / "others"
    for name in PACKAGED:
        (others / name).mkdir(parents=True)
        (others / name / "__init__.py").write_text(f"raise ImportError('someone else\\'s {name}')\n")
    page = tmp_path / "page.html"
    page.write_bytes(render_notice("sc_meishan", next(PAGES_DIR.glob("sc_meishan/*.toml"))))
    modules = [m for name in PACKAGED for m in modules_in(f"gongwen.{name}", ROOT / name)]
    modules = [m for m in modules if m not in NOT_IMPORTABLE]
    script = f"""
import importlib, sys
sys.path[:0] = [{str(others)!r}, {str(wheel)!r}, {sysconfig.get_paths()["purelib"]!r}]
for module in {modules!r}:
    assert importlib.import_module(module).__file__.startswith({str(wheel)!r}), module
assert not {{"crawlers", "pipelines"}} & set(sys.modules), "a top-level crawlers or pipelines was imported"
from gongwen.pipelines.extract import read_page
from gongwen.pipelines.fingerprint import modules_in
print(read_page(open({str(page)!r}, "rb").read(), "https://www.ms.gov.cn/info/1046/1.htm").title)
"""
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == read_page(page.read_bytes(), "https://www.ms.gov.cn/info/1046/1.htm").title
