"""Reading a release by notice without parsing all of it: each notice's record without its body, and
each notice's rows of a table, with digests that change exactly when what a page shows changes.

The tables are written as the release writes them (Python's csv module), with scraped text that
looks like CSV: quotes, commas, line breaks, a line that looks like the start of another notice's
record. Whatever the expression cuts must be what the csv module reads.
"""

from __future__ import annotations

import csv
import json
from array import array
from pathlib import Path

import pytest

from gongwen.pipelines.site.listing import without_body
from gongwen.pipelines.site.notice_rows import NO_ROWS, SPAN, NoticeRows, notice_rows

A, B, C = "0123456789abcdef", "fedcba9876543210", "00000000000000aa"
TRICKY = [
    "纯文本",
    'a "quoted" word, and a comma',
    "two\nlines",
    f"looks like a record\r\n{B},{A},x,y",
    f'\n{A},"',
    "",
]
COLUMNS = ["id", "notice_id", "text", "last_seen"]


def rows() -> list[dict[str, str]]:
    notices = [A, B, A, C, B, B]  # A's rows are not all together
    return [{"id": f"{n:016x}", "notice_id": notice, "text": text, "last_seen": f"2026-01-0{n + 1}T00:00:00Z"}
            for n, (notice, text) in enumerate(zip(notices, TRICKY, strict=True))]


def table(folder: Path, records: list[dict[str, str]], name: str = "tasks") -> Path:
    """A version folder with the table ``name`` (file tasks.csv) listed in its datapackage.json."""
    folder.mkdir(exist_ok=True)
    with (folder / "tasks.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    resources = [{"name": name, "path": "tasks.csv"}]
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}), encoding="utf-8")
    return folder


def by_notice(records: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for record in records:
        grouped.setdefault(record["notice_id"], []).append(record)
    return grouped


def read(folder: Path, ignored: str | None = None, *, scan: bool = True) -> NoticeRows:
    found = notice_rows(folder, "tasks", ignored, scan=scan)
    assert found is not None
    return found


def test_a_notices_rows_are_cut_from_the_bytes_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    found = read(table(tmp_path / "v", rows()))
    assert found.parsed is None  # cut by the expression, not parsed whole
    assert len(array(SPAN, found.spans[A])) == 4  # two runs of records: their starts and ends
    for notice, expected in by_notice(rows()).items():
        assert found.rows(notice) == expected
    assert found.rows("1111111111111111") == []
    assert found.digest("1111111111111111") == NO_ROWS


@pytest.mark.parametrize("ignored", [None, "last_seen"])
def test_a_notices_digest_changes_with_its_rows_and_only_its(tmp_path: Path, ignored: str | None) -> None:
    before = read(table(tmp_path / "before", rows()), ignored)
    edited = rows()
    edited[3]["text"] += "。"  # C's row
    after = read(table(tmp_path / "after", edited), ignored)
    assert before.digest(C) != after.digest(C)
    assert before.digest(A) == after.digest(A)
    assert before.digest(B) == after.digest(B)


def test_the_digest_leaves_out_the_ignored_column(tmp_path: Path) -> None:
    moved = [{**row, "last_seen": "2027-01-01T00:00:00Z"} for row in rows()]
    for ignored in ("last_seen", None):
        before = read(table(tmp_path / "before", rows()), ignored)
        after = read(table(tmp_path / "after", moved), ignored)
        assert (before.digest(A) == after.digest(A)) is (ignored is not None)
        assert after.rows(A) == by_notice(moved)[A]


@pytest.mark.parametrize("ignored", [None, "last_seen"])
def test_a_table_the_expression_cannot_cut_is_parsed(tmp_path: Path, ignored: str | None) -> None:
    folder = table(tmp_path / "v", rows())
    data = (folder / "tasks.csv").read_bytes()
    cut = read(folder, ignored)
    plain, quoted_id = f"\r\n{3:016x},{C},".encode(), f'\r\n{3:016x},"{C}",'.encode()
    assert plain in data
    (folder / "tasks.csv").write_bytes(data.replace(plain, quoted_id))  # csv reads the same id
    quoted = read(folder, ignored)
    assert quoted.parsed is not None
    for notice, expected in by_notice(rows()).items():
        assert quoted.rows(notice) == cut.rows(notice) == expected
    assert read(folder, ignored, scan=False).rows(C) == by_notice(rows())[C]


def test_a_version_without_the_resource_has_no_rows(tmp_path: Path) -> None:
    folder = table(tmp_path / "v", rows(), name="targets")
    assert notice_rows(folder, "tasks") is None


def test_a_record_is_read_without_its_body_whatever_the_body_holds() -> None:
    bodies = ['a\\"b"c\\\\', '\\\\\\"', "", '"body_text": "x', "正文\n第二段"]
    for body in bodies:
        record = {"id": A, "title": 'x"body_text": "y\\', "body_text": body, "attachments": [{"title": "附"}]}
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        assert without_body(line) == ({k: v for k, v in record.items() if k != "body_text"}, body != "")
    nested = {"id": "x", "nested": {"body_text": "y"}}
    assert without_body(json.dumps(nested).encode("utf-8")) == (nested, False)
    twice = {"id": "x", "nested": {"body_text": "y"}, "body_text": "z"}
    assert without_body(json.dumps(twice).encode("utf-8")) == (nested, True)
