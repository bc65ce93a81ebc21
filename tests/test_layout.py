"""The layout ARCHITECTURE.md describes: one name per module, and data flowing one way through the
stages (crawl → read → dedupe → release → site), so a stage's code never reaches into a later one."""

from __future__ import annotations

from collections import Counter

from gongwen.pipelines.fingerprint import PACKAGES, imports_of, module_file, modules_in

# The stages after the crawl, in the order data flows through them.
STAGES = ("read", "dedupe", "release", "site")
# The one import against the flow: the read stage signs each text with dedupe's MinHash while it holds
# it (a pure function of the text; the signature is handed forward with the reading).
AGAINST_THE_FLOW = {("gongwen.pipelines.read.batches", "gongwen.pipelines.dedupe.match")}


def _modules() -> dict[str, bytes]:
    """Every module of the namespace, by name, with its source."""
    names = [m for package, folder in PACKAGES.items() for m in modules_in(package, folder)]
    return {name: path.read_bytes() for name in names if (path := module_file(name, PACKAGES))}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    if parts[1] == "crawlers":
        return "crawl"
    return parts[2] if len(parts) > 2 and parts[2] in STAGES else None


def _imports() -> set[tuple[str, str]]:
    modules = _modules()
    return {(m, to) for m, source in modules.items() for to in imports_of(source) if to in modules}


def test_no_two_modules_share_a_file_name() -> None:
    names = Counter(p.name for folder in PACKAGES.values() for p in folder.rglob("*.py"))
    assert [name for name, count in names.items() if count > 1 and name != "__init__.py"] == []


def test_the_crawl_knows_nothing_of_what_comes_after_it() -> None:
    assert [(m, t) for m, t in _imports() if _stage(m) == "crawl" and t.startswith("gongwen.pipelines")] == []


def test_no_stage_imports_a_later_one() -> None:
    order = {stage: i for i, stage in enumerate(STAGES)}
    backwards = {
        (m, t)
        for m, t in _imports()
        if (a := _stage(m)) in order and (b := _stage(t)) in order and order[b] > order[a]
    }
    assert backwards == AGAINST_THE_FLOW


def test_the_site_reads_the_release_s_files_not_its_code() -> None:
    assert [(m, t) for m, t in _imports() if _stage(m) == "site" and _stage(t) in STAGES[:-1]] == []
