"""Resolving a crawl: every ledger row gets its outcome, with the bodies read from the WARC files once."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gongwen.crawlers.capture import HEAD, Fetch, FetchOutcome, Kind, ledger_line
from gongwen.crawlers.sampleweb.render import NOT_FOUND, PAGES_DIR, render_notice
from gongwen.pipelines.dedupe.match import page_signatures
from gongwen.pipelines.dedupe.minhash import NUM_PERM
from gongwen.pipelines.ledger import Outcome
from gongwen.pipelines.read import readings
from gongwen.pipelines.read.resolve import resolve
from gongwen.pipelines.read.warc import Crawl

SOURCE = "sc_meishan"
EARLIER, LATER = "20260101T000000Z", "20260102T000000Z"
HOST = "https://www.ms.gov.cn"
KEPT = render_notice(SOURCE, PAGES_DIR / SOURCE / "2018-lantian-baoweizhan.toml")
NEW = render_notice(SOURCE, PAGES_DIR / SOURCE / "2020-fangguanfu-yingshang-yaodian.toml")
NOT_A_NOTICE = NOT_FOUND  # an error page served with status 200


def write_crawl(
    folder: Path, crawl_id: str, pages: list[tuple[str, bytes]], headers: dict[str, str] | None = None
) -> dict[str, str]:
    """A WARC file of response records (with these WARC ``headers``); returns each URL's record id."""
    ids = {}
    with (folder / f"{crawl_id}.warc.gz").open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(body), http_headers=http, warc_headers_dict=headers
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio's spooled copy of the payload
            ids[url] = record.rec_headers.get_header("WARC-Record-ID")
    return ids


def fetch(
    url: str,
    record: str | None,
    *,
    kind: Kind = "detail",
    outcome: FetchOutcome = "fetched",
    error: str | None = None,
    warc_file: str | None = None,
) -> Fetch:
    status = 404 if outcome == "failed" else 200
    return Fetch(url, kind, outcome, status, error, record, "2026-01-02T00:00:00Z", warc_file=warc_file)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """The later of two crawls: new pages in its own WARC file, an unchanged one in the earlier file."""
    folder = tmp_path_factory.mktemp("captures") / SOURCE
    folder.mkdir()
    earlier = write_crawl(folder, EARLIER, [(f"{HOST}/kept.htm", KEPT), (f"{HOST}/gone.htm", NEW)])
    later = write_crawl(folder, LATER, [
        (f"{HOST}/list.htm", NOT_A_NOTICE),
        (f"{HOST}/new.htm", NEW),
        ("http://www.ms.gov.cn/new.htm", NEW),
        (f"{HOST}/junk.htm", NOT_A_NOTICE),
    ])
    rows = [
        fetch(f"{HOST}/list.htm", later[f"{HOST}/list.htm"], kind="list"),
        fetch(f"{HOST}/kept.htm", earlier[f"{HOST}/kept.htm"], outcome="unchanged",
              warc_file=f"{EARLIER}.warc.gz"),
        fetch(f"{HOST}/new.htm", later[f"{HOST}/new.htm"]),
        fetch("http://www.ms.gov.cn/new.htm", later["http://www.ms.gov.cn/new.htm"]),
        fetch(f"{HOST}/junk.htm", later[f"{HOST}/junk.htm"]),
        fetch(f"{HOST}/dead.htm", None, outcome="failed", error="HTTP 404"),
        fetch(f"{HOST}/lost.htm", "<urn:uuid:00000000-0000-0000-0000-000000000000>"),
    ]
    (folder / f"{LATER}.fetches.jsonl").write_text("".join(map(ledger_line, rows)), encoding="utf-8")
    return Crawl(SOURCE, LATER, folder)


def by_url(outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    return {o.url.removeprefix(HOST): (o.outcome, o.reason) for o in outcomes}


def forget_readings(crawl: Crawl) -> None:
    for kept in crawl.folder.glob("*.readings.jsonl"):
        kept.unlink()


def test_every_row_gets_its_outcome_with_bodies_from_this_and_earlier_warc_files(crawl: Crawl) -> None:
    forget_readings(crawl)
    read = resolve(crawl, workers=1)
    notices, outcomes = read.notices, read.outcomes
    found = by_url(outcomes)
    assert found["/list.htm"] == ("followed", "")
    assert found["/kept.htm"] == ("published", "")  # its body is in the earlier crawl's file
    assert found["/new.htm"] == ("published", "")
    assert found["http://www.ms.gov.cn/new.htm"] == ("quarantined", f"same page as {HOST}/new.htm")
    assert found["/junk.htm"] == ("quarantined", "not a notice page: an error page ('404 Not Found')")
    assert found["/dead.htm"] == ("failed", "HTTP 404")
    assert found["/lost.htm"][0] == "failed"
    assert "no WARC record" in found["/lost.htm"][1]
    assert sorted(str(n.url) for n in notices) == [f"{HOST}/kept.htm", f"{HOST}/new.htm"]
    assert len(outcomes) == 7


def test_reading_in_worker_processes_gives_the_same_notices_and_outcomes(crawl: Crawl) -> None:
    forget_readings(crawl)
    alone = resolve(crawl, workers=1)
    forget_readings(crawl)
    assert resolve(crawl, workers=2) == alone


def test_only_the_records_the_ledger_points_to_are_read(crawl: Crawl) -> None:
    wanted = {f.warc_record_id or "" for f in crawl.fetches() if f.url.endswith("kept.htm")}
    assert [r.url for r in crawl.responses(wanted)] == [f"{HOST}/kept.htm"]


def test_a_record_with_headers_longer_than_the_quick_look_is_found(tmp_path: Path) -> None:
    folder = tmp_path / SOURCE
    folder.mkdir()
    pages = [(f"{HOST}/{n}.htm", NEW) for n in range(3)]
    ids = write_crawl(folder, LATER, pages, headers={f"X-Note-{n}": "x" * 100 for n in range(HEAD // 100)})
    crawl = Crawl(SOURCE, LATER, folder)
    rows = "".join(ledger_line(fetch(url, record)) for url, record in ids.items())
    (folder / f"{LATER}.fetches.jsonl").write_text(rows, encoding="utf-8")
    assert [r.url for r in crawl.responses({ids[f"{HOST}/1.htm"]})] == [f"{HOST}/1.htm"]


@pytest.fixture
def copied(crawl: Crawl, tmp_path: Path) -> Crawl:
    shutil.copytree(crawl.folder, tmp_path / SOURCE)
    copy = Crawl(SOURCE, LATER, tmp_path / SOURCE)
    forget_readings(copy)
    return copy


def test_pages_read_once_are_not_read_again(copied: Crawl) -> None:
    first = resolve(copied)
    (kept,) = copied.folder.glob("*.readings.jsonl")
    assert kept.name == f"{LATER}.readings.jsonl"
    for warc in copied.folder.glob("*.warc.gz"):
        warc.write_bytes(b"")  # were a body read again, it would be missing now
    assert resolve(copied) == first


def test_pages_are_read_again_when_the_code_that_reads_them_changed(
    copied: Crawl, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve(copied)
    for warc in copied.folder.glob("*.warc.gz"):
        warc.write_bytes(b"")
    monkeypatch.setattr(readings, "fingerprint", lambda: "another extractor")
    outcomes = resolve(copied).outcomes
    assert by_url(outcomes)["/new.htm"][0] == "failed"  # read again: its body is gone


def test_the_signatures_read_with_the_pages_are_those_dedupe_makes(crawl: Crawl) -> None:
    forget_readings(crawl)
    read = resolve(crawl, workers=1)
    assert [read.signatures[n.content_sha256] for n in read.notices] == page_signatures(read.notices)
    assert all(len(s) == 4 * NUM_PERM for s in read.signatures.values())
    assert resolve(crawl, workers=1).signatures == read.signatures  # the kept readings give them back
