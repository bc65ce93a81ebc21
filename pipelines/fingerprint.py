"""Fingerprints of code: what a cache was made with, so that a change to that code empties it.

Three caches keep what a stage made for the next run: the readings of pages (pipelines/read), the
rows a release carries from the previous version (pipelines/release/carry.py) and the site's
rendered pages (pipelines/site/page_cache.py). Each is stamped with ``code_fingerprint`` of the
modules it comes from: those modules, every gongwen module they import (found by reading their
import statements, in functions and type-checking blocks too, and the packages' ``__init__`` on the
way), and the versions of the libraries they import. So a helper moved into a new module is part of
the fingerprint as soon as it is imported, and no list of files can be forgotten.
"""

from __future__ import annotations

import ast
import hashlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

NAMESPACE = "gongwen"
# Where the namespace's packages live (pyproject.toml maps them the same way).
PACKAGES = {
    f"{NAMESPACE}.crawlers": Path(__file__).resolve().parents[1] / "crawlers",
    f"{NAMESPACE}.pipelines": Path(__file__).resolve().parent,
}


@cache
def code_fingerprint(*roots: str) -> str:
    """sha256 of the modules ``roots`` (a package stands for all its modules), of every gongwen module
    they import, directly or not, and of the versions of the libraries those import."""
    return fingerprint_of(roots, PACKAGES)


def fingerprint_of(roots: Iterable[str], packages: Mapping[str, Path]) -> str:
    """``code_fingerprint`` of ``roots``, with the namespace's packages in ``packages``."""
    digest = hashlib.sha256()
    libraries: set[str] = set()
    for name, source in sorted(imported(roots, packages, libraries).items()):
        digest.update(f"{name}\0".encode() + source + b"\0")
    digest.update(" ".join(f"{lib}={_version(lib)}" for lib in sorted(libraries)).encode())
    return digest.hexdigest()


@cache
def _version(library: str) -> str:
    """The installed version of the distribution that provides an import name."""
    try:
        return version(library)  # most import names are their distribution's name
    except PackageNotFoundError:
        return ",".join(version(d) for d in sorted(packages_distributions().get(library, ())))


def imported(roots: Iterable[str], packages: Mapping[str, Path], libraries: set[str]) -> dict[str, bytes]:
    """The gongwen modules of ``roots`` and all they import, by name with their source; the top-level
    names of the other libraries they import are added to ``libraries``."""
    found: dict[str, bytes] = {}
    todo = [m for root in roots for m in _with_submodules(root, packages)]
    todo += [parent for name in todo for parent in _packages_of(name)]
    while todo:
        name = todo.pop()
        path = module_file(name, packages)
        if name in found or path is None:
            continue
        found[name] = path.read_bytes()
        for target in imports_of(found[name]):
            top = target.split(".")[0]
            if top == NAMESPACE:
                todo += [target, *_packages_of(target)]
            elif top not in sys.stdlib_module_names:
                libraries.add(top)
    return found


def _packages_of(name: str) -> list[str]:
    """The packages that importing ``name`` runs first (but the namespace, which has no file)."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


@cache
def imports_of(source: bytes) -> tuple[str, ...]:
    """The absolute module names a module's source imports, anywhere in it; for ``from m import n``,
    both ``m`` and ``m.n`` (``n`` may be a module)."""
    names: list[str] = []
    for node in _statements(ast.parse(source).body):
        if isinstance(node, ast.Import):
            names += (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return tuple(names)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a block and of the blocks inside it (not expressions: imports are statements)."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(node, name, []))
        for handler in getattr(node, "handlers", []):
            yield from _statements(handler.body)
        for case in getattr(node, "cases", []):
            yield from _statements(case.body)


def module_file(name: str, packages: Mapping[str, Path]) -> Path | None:
    """The file of a gongwen module, or None when ``name`` is no module (a function, a class)."""
    for package, folder in packages.items():
        if name == package or name.startswith(f"{package}."):
            base = folder.joinpath(*name.removeprefix(package).split(".")[1:])
            for path in (base / "__init__.py", base.with_suffix(".py")):
                if path.is_file():
                    return path
    return None


def modules_in(package: str, folder: Path) -> list[str]:
    """The names of the modules in a package's folder: the package, its modules and its subpackages'."""
    modules = (p.relative_to(folder).with_suffix("").parts for p in sorted(folder.rglob("*.py")))
    return [".".join([package, *(parts[:-1] if parts[-1] == "__init__" else parts)]) for parts in modules]


def _with_submodules(name: str, packages: Mapping[str, Path]) -> list[str]:
    """A module, or a package with every module in it."""
    path = module_file(name, packages)
    return modules_in(name, path.parent) if path is not None and path.name == "__init__.py" else [name]
