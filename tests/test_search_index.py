"""The search index in shards: what a build indexes again, and what the index then holds.

What a shard holds is read back here from its files as the search page reads them (its table, its
notices, the postings of a token, the notices of an exact key); the browser tests search it for real.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from gongwen.pipelines.site import search_index
from gongwen.pipelines.site.search_index import Entry, Notices, bucket_of, index_notices
from gongwen.pipelines.site.search_index import layout as search_layout
from gongwen.pipelines.site.search_text import compact, tokens

SIZES = (2,)  # notices per shard in these tests


def entry(notice: str, text: str) -> Entry:
    return Entry(id=notice, title=f"关于{text}的通知", doc_number="", doc_number_normalised="",
                 index_number="", agency="", doc_type="通知", genre="", date="2024-05-01", region="",
                 source="", body=text)


class Builds:
    """Successive builds with one cache: into fresh site folders (as mkdocs empties it), or into the
    site folder of the last build (its searchindex/ kept, as the hook does)."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.count = 0
        self.indexed: list[str] = []  # the shards indexed in the last build
        build = search_index._build

        def recorded(name: str, members: Mapping[str, str], *args: object) -> None:
            self.indexed.append(name)
            build(name, members, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(search_index, "_build", recorded)

    def __call__(
        self, texts: dict[str, str], places: dict[str, int] | None = None, sizes: tuple[int, ...] = SIZES,
        *, cache: str = "cache", again: bool = False,
    ) -> Path:
        self.count += int(not again)
        self.indexed = []
        site = self.tmp / f"site{self.count}"
        places = places or {page: PLACES[page] for page in texts}  # the places of the notices arrived
        # the text stands for the digest
        notices = Notices(texts, lambda notice: entry(notice, texts[notice]))
        index_notices(site, notices, self.tmp / cache, places, sizes)
        return site


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Builds:
    return Builds(tmp_path, monkeypatch)


def _json(path: Path) -> object:
    return json.loads(gzip.decompress(path.read_bytes()))


def indexed(site: Path) -> dict[str, dict[str, str]]:
    """Shard -> {notice id: body} of the notices its index holds, in the order of shards.json."""
    shards: dict[str, dict[str, str]] = {}
    for shard in json.loads((site / "searchindex" / "shards.json").read_text(encoding="utf-8")):
        folder = site / "searchindex" / shard
        table = _json(folder / "table.gz")
        assert isinstance(table, dict)
        notices = [_json(folder / "d" / f"{n}.gz") for n in range(table["notices"])]
        assert table["doc_type"] == {"names": ["通知"], "of": [0] * len(notices)}
        assert table["date"] == [20240501] * len(notices)
        shards[shard] = {n["id"]: n["body"] for n in notices if isinstance(n, dict)}
    return shards


def postings(folder: Path, token: str) -> list[tuple[int, int]]:
    """The (notice number, value) postings of a token, read from its bucket as search.js reads it."""
    table = _json(folder / "table.gz")
    assert isinstance(table, dict)
    data = gzip.decompress((folder / "t" / f"{bucket_of(token, table['buckets'])}.gz").read_bytes())
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    while at < len(data):
        length = varint()
        name_bytes = data[at : at + length]
        at += length
        count, size = varint(), varint()
        if name_bytes.decode() != token:
            at += size
            continue
        found, number = [], 0
        for _ in range(count):
            number += varint()
            found.append((number, varint()))
        return found
    return []


def layout(site: Path) -> dict[str, set[str]]:
    return {shard: set(notices) for shard, notices in indexed(site).items()}


def ids(*notices: str) -> set[str]:
    return set(notices)


FIVE = {"a1": "防汛抗旱工作", "b2": "安全生产检查", "c3": "营商环境", "d4": "乡村振兴", "e5": "数字政府"}
PLACES = {page: place for place, page in enumerate([*FIVE, "f6", "g7", "h8", "i9"])}  # in order of arrival


def test_pages_are_indexed_in_shards_of_bounded_size_by_their_place(builds: Builds) -> None:
    site = builds(FIVE)
    shards = indexed(site)
    assert layout(site) == {"000000": ids("a1", "b2"), "000002": ids("c3", "d4"), "000004": ids("e5")}
    assert shards["000002"]["c3"] == "营商环境"


def test_a_new_page_indexes_only_the_last_shard(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "f6": "科技创新"})
    assert builds.indexed == ["000004"]
    assert set(indexed(site)["000004"]) == ids("e5", "f6")
    site = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"})
    assert builds.indexed == ["000006"]
    assert layout(site) == {"000000": ids("a1", "b2"), "000002": ids("c3", "d4"),
                            "000004": ids("e5", "f6"), "000006": ids("g7")}


def test_small_shards_of_the_last_pages_become_one_large_shard_when_they_fill_it(builds: Builds) -> None:
    sizes = (4, 2)
    six = {**FIVE, "f6": "科技创新"}
    site = builds(six, sizes=sizes)
    assert layout(site) == {"000000": ids("a1", "b2", "c3", "d4"), "000004": ids("e5", "f6")}
    site = builds({**six, "g7": "养老服务"}, sizes=sizes)
    assert builds.indexed == ["000006"]
    site = builds({**six, "g7": "养老服务", "h8": "生态环境", "i9": "文化旅游"}, sizes=sizes)
    assert sorted(builds.indexed) == ["000004", "000008"]
    assert layout(site) == {"000000": ids("a1", "b2", "c3", "d4"), "000004": ids("e5", "f6", "g7", "h8"),
                            "000008": ids("i9")}


def test_a_changed_page_indexes_its_shard_again(builds: Builds) -> None:
    builds(FIVE)
    site = builds({**FIVE, "c3": "营商环境优化提升"})
    assert builds.indexed == ["000002"]
    assert "优化提升" in indexed(site)["000002"]["c3"]


def test_a_removed_page_leaves_a_gap_and_moves_no_other_page(builds: Builds) -> None:
    builds(FIVE)
    site = builds({k: v for k, v in FIVE.items() if k not in ("b2", "e5")}, {p: PLACES[p] for p in FIVE})
    assert builds.indexed == ["000000"]
    assert layout(site) == {"000000": ids("a1"), "000002": ids("c3", "d4")}


def test_the_shards_are_those_of_a_build_from_an_empty_cache(builds: Builds) -> None:
    builds(FIVE)
    builds({**FIVE, "f6": "科技创新"})
    grown = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"})
    fresh = builds({**FIVE, "f6": "科技创新", "g7": "养老服务"}, cache="empty")
    assert indexed(grown) == indexed(fresh)


def test_the_site_keeps_the_shards_that_did_not_change(builds: Builds) -> None:
    site = builds(FIVE)
    table = site / "searchindex" / "000000" / "table.gz"
    first = table.stat().st_ino
    (site / "searchindex" / "999999").mkdir()  # a shard the layout no longer has
    builds({**FIVE, "e5": "数字政府建设"}, again=True)
    assert builds.indexed == ["000004"]
    assert table.stat().st_ino == first  # not linked again
    kept = sorted(p.name for p in (site / "searchindex").iterdir())
    assert kept == ["000000", "000002", "000004", "shards.json", "t2s.json"]
    assert "建设" in indexed(site)["000004"]["e5"]


def test_an_unchanged_build_indexes_nothing_and_other_sizes_everything(builds: Builds) -> None:
    builds(FIVE)
    site = builds(FIVE)
    assert builds.indexed == []
    assert set().union(*indexed(site).values()) == ids(*FIVE)
    site = builds(FIVE, sizes=(3,))
    assert builds.indexed == ["000000", "000003"]
    assert layout(site) == {"000000": ids("a1", "b2", "c3"), "000003": ids("d4", "e5")}


def test_no_pages_no_index_and_a_page_id_is_never_a_path(tmp_path: Path) -> None:
    (tmp_path / "site" / "searchindex" / "000000").mkdir(parents=True)  # kept from a build with a release
    index_notices(tmp_path / "site", Notices({}, lambda n: entry(n, "")), tmp_path / "cache")
    assert not (tmp_path / "site" / "searchindex").exists()
    unsafe = Notices({"../../etc": "x"}, lambda n: entry(n, ""))
    with pytest.raises(ValueError, match="not a notice id"):
        index_notices(tmp_path / "site", unsafe, tmp_path / "cache")


def test_the_layout_cuts_the_places_into_large_shards_then_small_ones() -> None:
    pages = dict.fromkeys("abcdefghij", "-")
    places = {page: place for place, page in enumerate("abcdefghij")} | {"k": 11}  # k: withdrawn
    assert search_layout(pages, places, (4, 2)) == {
        "000000": dict.fromkeys("abcd", "-"), "000004": dict.fromkeys("efgh", "-"),
        "000008": dict.fromkeys("ij", "-")}
    assert search_layout(pages, places, (5,)) == {
        "000000": dict.fromkeys("abcde", "-"), "000005": dict.fromkeys("fghij", "-")}


def test_every_printed_form_of_a_doc_number_compacts_to_one_key() -> None:
    forms = ["国办发〔2021〕45号", "国办发[2021]45号", "国办发（2021）45号", "国办发【2021】45号",
             "国办发〔２０２１〕４５号", "国办发 〔2021〕 45 号", "国办发〔2021〕第45号",
             "國辦發〔2021〕45號"]
    assert {compact(form) for form in forms} == {"国办发202145号"}
    assert compact("国令第707号") == compact("国令707号") != compact("国令第77号")
    assert compact("關於印發《數字政府》的通知") == "关于印发数字政府的通知"


def test_text_is_read_as_characters_and_their_pairs_and_words_of_letters_and_digits() -> None:
    assert tokens(compact("新经济 2021年 GDP")) == {
        "新": 1, "经": 1, "济": 1, "新经": 1, "经济": 1, "2021": 1, "年": 1, "gdp": 1}
    assert tokens("营商营商")["营商"] == 2


def test_a_token_s_postings_say_which_notices_hold_it_in_the_title_and_how_often(builds: Builds) -> None:
    site = builds({"a1": "营商环境 营商", "b2": "安全生产"})
    folder = site / "searchindex" / "000000"
    # the title (关于营商环境 营商的通知) holds 营商 twice, the body twice more
    assert postings(folder, "营商") == [(0, search_index.TITLE + 4)]
    assert postings(folder, "生产") == [(1, search_index.TITLE + 2)]
    assert postings(folder, "关于") == [(0, search_index.TITLE + 1), (1, search_index.TITLE + 1)]
    assert postings(folder, "没有") == []


def test_exact_keys_find_a_notice_by_its_doc_number_index_number_and_title(tmp_path: Path) -> None:
    notice = Entry(id="n1", title="国务院办公厅关于印发《城市更新试点实施方案》的通知",
                   doc_number="国办发〔2021〕45号",
                   doc_number_normalised="国办发〔2021〕45号", index_number="000014349/2021-00128",
                   agency="国务院办公厅", doc_type="通知", genre="", date="", region="中央 central",
                   source="中国政府网", body="各省、自治区、直辖市人民政府")
    other = entry("n2", "数字政府")
    entries = {"n1": notice, "n2": other}
    index_notices(tmp_path / "site", Notices({"n1": "1", "n2": "2"}, entries.__getitem__), tmp_path / "cache")
    folder = tmp_path / "site" / "searchindex" / "000000"
    table = _json(folder / "table.gz")
    assert isinstance(table, dict)
    assert table["date"] == [0, 20240501]
    assert table["region"] == {"names": ["中央 central"], "of": [0, -1]}

    def found(query: str) -> list[int]:
        keys = _json(folder / "k" / f"{bucket_of(compact(query), table['key_buckets'])}.gz")
        assert isinstance(keys, dict)
        return list(keys.get(compact(query), []))

    assert found("国办发[2021]第45号") == [0]
    assert found("000014349/2021-00128") == [0]
    assert found("國務院辦公廳關於印發城市更新試點實施方案的通知") == [0]
    assert found("关于数字政府的通知") == [1]
    assert found("国办发〔2021〕4号") == []
