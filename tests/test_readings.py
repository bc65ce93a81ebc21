"""Readings kept beside a crawl: a page's policy rows stay in the file, are copied as they are into the
next night's file, and are never read from a file that changed under the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.readings import PolicyRef, Read, earlier_readings, keep_readings, readings_file
from tests.conftest import make_notice

POLICY = {"tasks": [], "targets": [], "citations": [{"id": "c", "text": "《某某条例》\t引"}], "agencies": []}
POLICY_JSON = json.dumps(POLICY, ensure_ascii=False)  # its tab is escaped, as readings need
SIGNATURE = bytes(range(256)) * 2


def kept_policy(reading: object) -> PolicyRef:
    assert isinstance(reading, Read)
    assert isinstance(reading.policy, PolicyRef)
    return reading.policy


def test_the_next_file_copies_a_kept_reading_byte_for_byte(tmp_path: Path) -> None:
    first = make_notice("https://www.ms.gov.cn/info/1046/1.htm")
    kept = keep_readings(tmp_path, "A", {"r1": Read(first, POLICY_JSON, SIGNATURE)})
    assert kept_policy(kept["r1"]).rows() == POLICY

    earlier = earlier_readings(tmp_path, {"r1"})
    as_kept = kept_policy(earlier["r1"]).data()
    second = make_notice("https://www.ms.gov.cn/info/1046/2.htm")
    later = keep_readings(tmp_path, "B", {**earlier, "r2": Read(second, "{}", b"")})

    assert [p.name for p in tmp_path.glob("*.readings.jsonl")] == [readings_file(tmp_path, "B").name]
    line = readings_file(tmp_path, "B").read_bytes().splitlines()[1]
    assert line == b"r1\t" + as_kept
    assert kept_policy(later["r1"]).rows() == POLICY
    assert kept_policy(later["r2"]).rows() == {}
    read = later["r1"]
    assert isinstance(read, Read)
    assert read.notice == first
    assert read.signature == SIGNATURE


def test_a_readings_file_replaced_under_the_build_is_an_error(tmp_path: Path) -> None:
    notice = make_notice("https://www.ms.gov.cn/info/1046/1.htm")
    kept = keep_readings(tmp_path, "A", {"r1": Read(notice, POLICY_JSON, b"")})
    path = readings_file(tmp_path, "A")
    path.write_bytes(path.read_bytes().replace("某某".encode(), "另外".encode()))
    with pytest.raises(RuntimeError, match="changed while this build read it"):
        kept_policy(kept["r1"]).rows()
