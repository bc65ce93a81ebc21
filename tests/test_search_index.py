"""The search index in shards: what a build indexes again, and what the index then holds.

What a shard holds is read from its Pagefind fragments (one gzipped JSON record per page, the
record the browser shows for a result); the browser tests search the shards for real.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from pipelines.site import search_index
from pipelines.site.search_index import assign, index_notices

SIZE = 2  # pages per shard in these tests


class Builds:
    """Successive builds into fresh site folders (as mkdocs empties it) with one cache."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.count = 0
        self.indexed: list[str] = []  # the shards Pagefind indexed in the last build
        build = search_index._build

        def recorded(site_dir: Path, name: str, members: Mapping[str, str], shards_dir: Path) -> None:
            self.indexed.append(name)
            build(site_dir, name, members, shards_dir)

        monkeypatch.setattr(search_index, "_build", recorded)

    def __call__(self, texts: dict[str, str], size: int = SIZE) -> Path:
        self.count += 1
        self.indexed = []
        site = self.tmp / f"site{self.count}"
        for page, text in texts.items():
            html = (f'<html lang="zh"><body><nav>导航</nav><main data-pagefind-body><h1>{text}</h1>'
                    f'<span data-pagefind-filter="年份:2024"></span><p>{text}</p></main></body></html>')
            (site / "notices" / page).mkdir(parents=True)
            (site / "notices" / page / "index.html").write_text(html, encoding="utf-8")
        index_notices(site, texts, self.tmp / "cache", size)  # the text stands for the page's digest
        return site


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    return Builds(tmp_path, monkeypatch)


def indexed(site: Path) -> dict[str, dict[str, str]]:
    """Shard -> {url: text} of the pages its index holds, in the order of shards.json."""
    shards: dict[str, dict[str, str]] = {}
    for shard in json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8")):
        entry = json.loads((site / "pagefind" / shard / "pagefind-entry.json").read_text(encoding="utf-8"))
        records = [json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
                   for f in (site / "pagefind" / shard / "fragment").iterdir()]
        assert entry["languages"]["zh"]["page_count"] == len(records)
        assert all(r["filters"] == {"年份": ["2024"]} for r in records)
        shards[shard] = {r["url"]: r["content"].replace("\u200b", "") for r in records}
    return shards


def layout(site: Path) -> dict[str, set[str]]:
    return {shard: set(pages) for shard, pages in indexed(site).items()}


def urls(*pages: str) -> set[str]:
    return {f"/notices/{page}/" for page in pages}


FIVE = {"a1": "防汛抗旱工作", "b2": "安全生产检查", "c3": "营商环境", "d4": "乡村振兴", "e5": "数字政府"}


def test_pages_are_indexed_in_shards_of_bounded_size_in_their_order(builds: Builds) -> None:
    site = builds(FIVE)
    shards = indexed(site)
    assert layout(site) == {
        "0000": urls("a1", "b2"), "0001": urls("c3", "d4"), "0002": urls("e5")}
    assert "营商环境" in shards["0001"]["/notices/c3/"]
    assert "导航" not in shards["0001"]["/notices/c3/"]  # only the data-pagefind-body block


def test_a_new_page_indexes_only_the_open_shard(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "f6": "科技创新"})
    assert builds.indexed == ["0002"]
    assert set(indexed(site)["0002"]) == urls("e5", "f6")
    site = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"})
    assert builds.indexed == ["0003"]
    assert layout(site) == {
        "0000": urls("a1", "b2"), "0001": urls("c3", "d4"), "0002": urls("e5", "f6"), "0003": urls("g7")}


def test_a_changed_page_indexes_its_shard_again(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "c3": "营商环境优化提升"})
    assert builds.indexed == ["0001"]
    assert "优化提升" in indexed(site)["0001"]["/notices/c3/"]


def test_a_removed_page_leaves_the_index_and_an_empty_shard_goes(builds: Builds) -> None:
    builds(FIVE)
    site = builds({k: v for k, v in FIVE.items() if k not in ("b2", "e5")})
    assert sorted(builds.indexed) == ["0000"]
    assert layout(site) == {"0000": urls("a1"), "0001": urls("c3", "d4")}
    site = builds({**FIVE, "f6": "科技创新"})  # back again: new pages, in the newest shard
    assert layout(site) == {
        "0000": urls("a1"), "0001": urls("c3", "d4"), "0002": urls("b2", "e5"), "0003": urls("f6")}


def test_an_unchanged_build_indexes_nothing_and_another_shard_size_everything(builds: Builds) -> None:
    builds(FIVE)
    site = builds(FIVE)
    assert builds.indexed == []
    assert set().union(*indexed(site).values()) == urls(*FIVE)
    site = builds(FIVE, size=3)
    assert builds.indexed == ["0000", "0001"]
    assert layout(site) == {
        "0000": urls("a1", "b2", "c3"), "0001": urls("d4", "e5")}


def test_no_pages_no_index_and_a_page_id_is_never_a_path(tmp_path: Path) -> None:
    index_notices(tmp_path / "site", {}, tmp_path / "cache")
    assert not (tmp_path / "site" / "pagefind").exists()
    with pytest.raises(ValueError, match="not a notice id"):
        index_notices(tmp_path / "site", {"../../etc": "x"}, tmp_path / "cache")


def test_assignment_keeps_pages_in_their_shard_and_fills_the_newest() -> None:
    previous = {"0000": {"a": "1", "b": "1"}, "0001": {"c": "1"}}
    pages = {"n": "1", "c": "2", "a": "1", "m": "1", "o": "1"}
    assert assign(previous, pages, 2) == {"0000": {"a": "1"}, "0001": {"c": "2", "n": "1"},
                                          "0002": {"m": "1", "o": "1"}}
