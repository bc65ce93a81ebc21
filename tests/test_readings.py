"""Readings kept beside a crawl: a night writes only the pages it read first, a page's policy rows stay
in the file and move byte for byte when a file is merged, and they are never read from a file that
changed under the build."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from gongwen.pipelines.read import readings
from gongwen.pipelines.read.readings import (
    MAX_FILES,
    PolicyRef,
    Read,
    Reading,
    earlier_readings,
    keep_readings,
    readings_file,
)
from tests.conftest import make_notice

POLICY = {"tasks": [], "targets": [], "citations": [{"id": "c", "text": "《某某条例》\t引"}], "agencies": []}
POLICY_JSON = json.dumps(POLICY, ensure_ascii=False)  # its tab is escaped, as readings need
SIGNATURE = bytes(range(256)) * 2
QUARANTINED = "not a notice page: an error page ('404 Not Found')"


def kept_policy(reading: object) -> PolicyRef:
    assert isinstance(reading, Read)
    assert isinstance(reading.policy, PolicyRef)
    return reading.policy


def page(n: int) -> Read:
    return Read(make_notice(f"https://www.ms.gov.cn/info/1046/{n}.htm"), POLICY_JSON, SIGNATURE)


def night(folder: Path, crawl_id: str, wanted: set[str], new: Mapping[str, Reading]) -> dict[str, Reading]:
    """A crawl resolved as pipelines.read.resolve does: the kept readings of the records it wants, the others
    read (``new``)."""
    kept = earlier_readings(folder, wanted)
    assert kept.readings.keys() == wanted - new.keys()
    return keep_readings(folder, crawl_id, kept, new)


def files(folder: Path) -> list[str]:
    return sorted(p.name.removesuffix(".readings.jsonl") for p in folder.glob("*.readings.jsonl"))


def records(path: Path) -> list[str]:
    return [line.split(b"\t", 1)[0].decode() for line in path.read_bytes().splitlines()[1:]]


def same(got: Mapping[str, Reading], expected: Mapping[str, Reading]) -> None:
    """The same notices, signatures and policy rows."""
    assert got.keys() == expected.keys()
    for record_id, reading in got.items():
        wanted = expected[record_id]
        if isinstance(wanted, str):  # why the page was quarantined
            assert reading == wanted
            continue
        assert isinstance(reading, Read)
        assert isinstance(wanted, Read)
        assert (reading.notice, reading.signature) == (wanted.notice, wanted.signature)
        assert kept_policy(reading).rows() == json.loads(str(wanted.policy))


def test_a_night_writes_only_the_pages_it_read_first(tmp_path: Path) -> None:
    first = night(tmp_path, "A", {"r1", "r2"}, {"r1": page(1), "r2": page(2)})
    same(first, {"r1": page(1), "r2": page(2)})
    later = night(tmp_path, "B", {"r1", "r2", "r3"}, {"r3": page(3)})

    assert files(tmp_path) == ["A", "B"]
    assert records(readings_file(tmp_path, "B")) == ["r3"]
    same(later, {"r1": page(1), "r2": page(2), "r3": page(3)})
    assert kept_policy(later["r1"]) == kept_policy(first["r1"])  # where it was
    assert night(tmp_path, "C", {"r1", "r2", "r3"}, {}) == later  # nothing new: nothing written
    assert files(tmp_path) == ["A", "B"]


def test_files_of_pages_no_longer_crawled_are_removed_or_merged_byte_for_byte(tmp_path: Path) -> None:
    first: dict[str, Reading] = {f"r{n}": page(n) for n in (1, 2, 3, 6)} | {"q1": QUARANTINED}
    night(tmp_path, "A", set(first), first)
    night(tmp_path, "B", {*first, "r4"}, {"r4": page(4)})
    as_kept = kept_policy(earlier_readings(tmp_path, {"r1"}).readings["r1"]).data()

    later = night(tmp_path, "C", {"r1", "q1", "r5"}, {"r5": page(5)})  # A keeps 2 of its 5 pages, B none

    assert files(tmp_path) == ["C"]
    assert records(readings_file(tmp_path, "C")) == ["r1", "q1", "r5"]
    assert readings_file(tmp_path, "C").read_bytes().splitlines()[1] == b"r1\t" + as_kept
    same(later, {"r1": page(1), "q1": QUARANTINED, "r5": page(5)})
    assert earlier_readings(tmp_path, {"r1", "q1", "r5"}).readings == later


def test_past_max_files_the_smaller_files_move_into_the_nights(tmp_path: Path) -> None:
    nights = [f"N{n:02}" for n in range(MAX_FILES + 1)]
    wanted = {"r0", "r00"}
    night(tmp_path, nights[0], wanted, {"r0": page(0), "r00": page(100)})
    for n, crawl_id in enumerate(nights[1:], start=1):
        wanted.add(f"r{n}")
        later = night(tmp_path, crawl_id, wanted, {f"r{n}": page(n)})

    assert files(tmp_path) == [nights[0], nights[-1]]  # the largest file stays
    assert sorted(records(readings_file(tmp_path, nights[-1]))) == sorted(wanted - {"r0", "r00"})
    same(later, {"r0": page(0), "r00": page(100), **{f"r{n}": page(n) for n in range(1, MAX_FILES + 1)}})


def test_readings_longer_than_a_read_are_taken_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readings, "READ", 100)  # a line is a few thousand bytes
    pages = {f"r{n}": page(n) for n in range(5)}
    night(tmp_path, "A", set(pages), pages)
    same(earlier_readings(tmp_path, set(pages)).readings, pages)


def test_a_crawl_read_again_keeps_what_it_read_before(tmp_path: Path) -> None:
    night(tmp_path, "A", {"r1"}, {"r1": page(1)})
    night(tmp_path, "B", {"r1", "r2"}, {"r2": page(2)})
    again = night(tmp_path, "B", {"r1", "r2", "r3"}, {"r3": page(3)})  # a resumed crawl: one more page

    assert files(tmp_path) == ["A", "B"]
    assert records(readings_file(tmp_path, "B")) == ["r2", "r3"]
    same(again, {"r1": page(1), "r2": page(2), "r3": page(3)})


def test_a_page_kept_twice_is_read_from_the_newer_file(tmp_path: Path) -> None:
    """What a build killed after writing a merged file, before removing the older one, leaves."""
    night(tmp_path, "A", {"r1", "r2", "r4"}, {"r1": page(1), "r2": page(2), "r4": page(4)})
    older = readings_file(tmp_path, "A").read_bytes()
    night(tmp_path, "B", {"r1", "r3"}, {"r3": page(3)})  # A mostly of pages gone: r1 moves to B
    readings_file(tmp_path, "A").write_bytes(older)

    kept = earlier_readings(tmp_path, {"r1", "r2", "r3"})
    assert kept_policy(kept.readings["r1"]).path == readings_file(tmp_path, "B")
    later = night(tmp_path, "C", {"r1", "r2", "r3"}, {})  # A keeps r2 alone of its 3: it moves
    assert files(tmp_path) == ["B", "C"]
    same(later, {"r1": page(1), "r2": page(2), "r3": page(3)})


def test_files_other_code_wrote_are_not_read_and_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    night(tmp_path, "A", {"r1"}, {"r1": page(1)})
    monkeypatch.setattr(readings, "fingerprint", lambda: "another extractor")
    assert earlier_readings(tmp_path, {"r1"}).readings == {}
    night(tmp_path, "B", {"r1"}, {"r1": page(1)})
    assert files(tmp_path) == ["B"]


def test_a_readings_file_replaced_under_the_build_is_an_error(tmp_path: Path) -> None:
    notice = make_notice("https://www.ms.gov.cn/info/1046/1.htm")
    kept = night(tmp_path, "A", {"r1"}, {"r1": Read(notice, POLICY_JSON, b"")})
    path = readings_file(tmp_path, "A")
    path.write_bytes(path.read_bytes().replace("某某".encode(), "另外".encode()))
    with pytest.raises(RuntimeError, match="changed while this build read it"):
        kept_policy(kept["r1"]).rows()
