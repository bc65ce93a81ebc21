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

from gongwen.pipelines.site import search_index
from gongwen.pipelines.site.search_index import index_notices
from gongwen.pipelines.site.search_index import layout as search_layout

SIZES = (2,)  # pages per shard in these tests


class Builds:
    """Successive builds with one cache: into fresh site folders (as mkdocs empties it), or into the
    site folder of the last build (its pagefind/ kept, as the hook does)."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.count = 0
        self.indexed: list[str] = []  # the shards Pagefind indexed in the last build
        build = search_index._build

        def recorded(site_dir: Path, name: str, members: Mapping[str, str], shards_dir: Path) -> None:
            self.indexed.append(name)
            build(site_dir, name, members, shards_dir)

        monkeypatch.setattr(search_index, "_build", recorded)

    def __call__(
        self, texts: dict[str, str], places: dict[str, int] | None = None, sizes: tuple[int, ...] = SIZES,
        *, cache: str = "cache", again: bool = False,
    ) -> Path:
        self.count += int(not again)
        self.indexed = []
        site = self.tmp / f"site{self.count}"
        for page, text in texts.items():
            html = (f'<html lang="zh"><body><nav>导航</nav><main data-pagefind-body><h1>{text}</h1>'
                    f'<span data-pagefind-filter="年份:2024"></span><p>{text}</p></main></body></html>')
            (site / "notices" / page).mkdir(parents=True, exist_ok=True)
            (site / "notices" / page / "index.html").write_text(html, encoding="utf-8")
        places = places or {page: PLACES[page] for page in texts}  # the places of the pages arrived
        index_notices(site, texts, self.tmp / cache, places, sizes)  # the text stands for the digest
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
PLACES = {page: place for place, page in enumerate([*FIVE, "f6", "g7", "h8", "i9"])}  # in order of arrival


def test_pages_are_indexed_in_shards_of_bounded_size_by_their_place(builds: Builds) -> None:
    site = builds(FIVE)
    shards = indexed(site)
    assert layout(site) == {"000000": urls("a1", "b2"), "000002": urls("c3", "d4"), "000004": urls("e5")}
    assert "营商环境" in shards["000002"]["/notices/c3/"]
    assert "导航" not in shards["000002"]["/notices/c3/"]  # only the data-pagefind-body block


def test_a_new_page_indexes_only_the_last_shard(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "f6": "科技创新"})
    assert builds.indexed == ["000004"]
    assert set(indexed(site)["000004"]) == urls("e5", "f6")
    site = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"})
    assert builds.indexed == ["000006"]
    assert layout(site) == {"000000": urls("a1", "b2"), "000002": urls("c3", "d4"),
                            "000004": urls("e5", "f6"), "000006": urls("g7")}


def test_small_shards_of_the_last_pages_become_one_large_shard_when_they_fill_it(builds: Builds) -> None:
    sizes = (4, 2)
    six = {**FIVE, "f6": "科技创新"}
    site = builds(six, sizes=sizes)
    assert layout(site) == {"000000": urls("a1", "b2", "c3", "d4"), "000004": urls("e5", "f6")}
    site = builds({**six, "g7": "养老服务"}, sizes=sizes)
    assert builds.indexed == ["000006"]
    site = builds({**six, "g7": "养老服务", "h8": "生态环境", "i9": "文化旅游"}, sizes=sizes)
    assert sorted(builds.indexed) == ["000004", "000008"]
    assert layout(site) == {"000000": urls("a1", "b2", "c3", "d4"), "000004": urls("e5", "f6", "g7", "h8"),
                            "000008": urls("i9")}


def test_a_changed_page_indexes_its_shard_again(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "c3": "营商环境优化提升"})
    assert builds.indexed == ["000002"]
    assert "优化提升" in indexed(site)["000002"]["/notices/c3/"]


def test_a_removed_page_leaves_a_gap_and_moves_no_other_page(builds: Builds) -> None:
    builds(FIVE)
    site = builds({k: v for k, v in FIVE.items() if k not in ("b2", "e5")}, {p: PLACES[p] for p in FIVE})
    assert builds.indexed == ["000000"]
    assert layout(site) == {"000000": urls("a1"), "000002": urls("c3", "d4")}


def test_the_shards_are_those_of_a_build_from_an_empty_cache(builds: Builds) -> None:
    builds(FIVE)
    builds({**FIVE, "f6": "科技创新"})
    grown = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"})
    fresh = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"}, cache="empty")
    assert indexed(grown) == indexed(fresh)


def test_the_site_keeps_the_shards_that_did_not_change(builds: Builds) -> None:
    site = builds(FIVE)
    entry = site / "pagefind" / "000000" / "pagefind-entry.json"
    first = entry.stat().st_ino
    (site / "pagefind" / "999999").mkdir()  # a shard the layout no longer has
    builds({**FIVE, "e5": "数字政府建设"}, again=True)
    assert builds.indexed == ["000004"]
    assert entry.stat().st_ino == first  # not linked again
    kept = sorted(p.name for p in (site / "pagefind").iterdir())
    assert kept == ["000000", "000002", "000004", "shards.json"]
    assert "建设" in indexed(site)["000004"]["/notices/e5/"]


def test_an_unchanged_build_indexes_nothing_and_other_sizes_everything(builds: Builds) -> None:
    builds(FIVE)
    site = builds(FIVE)
    assert builds.indexed == []
    assert set().union(*indexed(site).values()) == urls(*FIVE)
    site = builds(FIVE, sizes=(3,))
    assert builds.indexed == ["000000", "000003"]
    assert layout(site) == {"000000": urls("a1", "b2", "c3"), "000003": urls("d4", "e5")}


def test_no_pages_no_index_and_a_page_id_is_never_a_path(tmp_path: Path) -> None:
    (tmp_path / "site" / "pagefind" / "000000").mkdir(parents=True)  # kept from a build with a release
    index_notices(tmp_path / "site", {}, tmp_path / "cache")
    assert not (tmp_path / "site" / "pagefind").exists()
    with pytest.raises(ValueError, match="not a notice id"):
        index_notices(tmp_path / "site", {"../../etc": "x"}, tmp_path / "cache")


def test_the_layout_cuts_the_places_into_large_shards_then_small_ones() -> None:
    pages = dict.fromkeys("abcdefghij", "-")
    places = {page: place for place, page in enumerate("abcdefghij")} | {"k": 11}  # k: withdrawn
    assert search_layout(pages, places, (4, 2)) == {
        "000000": dict.fromkeys("abcd", "-"), "000004": dict.fromkeys("efgh", "-"),
        "000008": dict.fromkeys("ij", "-")}
    assert search_layout(pages, places, (5,)) == {
        "000000": dict.fromkeys("abcde", "-"), "000005": dict.fromkeys("fghij", "-")}
