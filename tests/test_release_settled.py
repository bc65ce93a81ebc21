"""A document none of whose pages changed is carried whole from the previous version (release.settled):
the version is byte for byte the one made from the pages, only last_seen moving to the night's crawl."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gongwen.crawlers.registry import get_source
from gongwen.pipelines.ledger import Outcome
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.read.resolve import SourceCrawl
from gongwen.pipelines.release import Dataset, publish
from gongwen.pipelines.release.carry import KEPT
from gongwen.pipelines.release.settled import Settled
from tests.conftest import ROOT, make_notice
from tests.test_dedupe import BODY, GOVCN_URL, ISSUER_URL, notice
from tests.test_release import load
from tests.test_release_carry import same_files
from tests.test_release_policy import CITED, citing


def page(n: int, when: datetime, **fields: object) -> Notice:
    """A notice of sc_meishan of its own (no other page is a copy of it), read at ``when``."""
    values = {
        "title": f"关于第{n}件事项的通知",
        "body_text": f"各县（区）人民政府：\n第{n}件通知的正文，含“引号”、逗号,和换行。",
        "retrieved_at": when, "attachments": [{"title": f"附件{n}", "url": f"https://www.ms.gov.cn/files/{n}.pdf"}],
    }
    return make_notice(f"https://www.ms.gov.cn/info/1046/{20000 + n}.htm", **(values | fields))


def crawls(night: datetime, pages: list[Notice], gone: tuple[str, ...] = ()) -> list[SourceCrawl]:
    """The night's crawl of each source: every page read and found; ``gone``: URLs answered 404."""
    found = []
    for source_id in sorted({p.source_id for p in pages} | {"sc_meishan"}):
        at = night.isoformat()
        outcomes = [Outcome(source_id, str(p.url), "detail", "published", "", 200, p.id, at)
                    for p in pages if p.source_id == source_id]
        outcomes += [Outcome(source_id, url, "detail", "failed", "HTTP 404", 404, None, at)
                     for url in gone if source_id == "sc_meishan"]
        found.append(SourceCrawl(get_source(source_id), f"{night:%Y%m%dT%H%M%SZ}",
                                 [p for p in pages if p.source_id == source_id], outcomes))
    return found


def nights() -> list[tuple[list[Notice], list[SourceCrawl]]]:
    """Four nights, each adding a notice. The second also adds the document the first night's citing
    notice cites, adds a copy to a document (a mirror), changes one page's text and finds another gone
    (404); the third reads a page fetched again with the same text; the fourth changes nothing else."""
    first_read = datetime(2026, 3, 1, 2, tzinfo=UTC)
    ones = [page(n, first_read) for n in range(5)]
    issuer = notice(ISSUER_URL, "sc_meishan", retrieved_at=first_read)
    cites = citing(1, "按《国务院办公厅关于全面推进城镇老旧小区改造工作的指导意见》（国办发〔2020〕23号）。")
    one = [*ones, issuer, cites]

    second = datetime(2026, 3, 2, 2, tzinfo=UTC)
    edited = page(2, second, body_text="各县（区）人民政府：\n改过的正文。")
    mirror = notice(GOVCN_URL, "govcn", retrieved_at=second)
    two = [ones[0], ones[1], edited, ones[4], issuer, cites, mirror, page(9, second), CITED]

    third = datetime(2026, 3, 3, 2, tzinfo=UTC)
    again = page(4, third)  # fetched again (its page changed), the same text
    three = [ones[0], ones[1], edited, again, issuer, cites, mirror, page(9, second), CITED, page(10, third)]

    fourth = datetime(2026, 3, 4, 2, tzinfo=UTC)
    four = [*three, page(11, fourth)]
    gone = (str(ones[3].url),)
    return [(one, crawls(first_read, one)), (two, crawls(second, two, gone)), (three, crawls(third, three)),
            (four, crawls(fourth, four))]


def versions(folder: Path, *, settle: bool) -> list[Path]:
    folder.mkdir()
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", folder)
    dataset = Dataset.load(folder)
    made = []
    for notices, night in nights():
        if not settle:
            (folder / KEPT).unlink(missing_ok=True)
        made.append(publish(dataset, notices, crawls=night).folder)
    return made


def test_settled_documents_are_carried_as_the_pages_would_make_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = versions(tmp_path / "made", settle=False)
    settled: list[list[str]] = []  # the ids each version carried, in the runs it copied
    history = Settled.history

    def counted(self: Settled, run: list[str]) -> object:
        if run[0] == self.ids()[0]:
            settled.append([])
        settled[-1] += run
        return history(self, run)

    monkeypatch.setattr(Settled, "history", counted)
    carried = versions(tmp_path / "carried", settle=True)
    for one, other in zip(made, carried, strict=True):
        same_files(one, other)
    # settled: on the second night the pages unchanged, not the document that gained a copy; on the
    # third, not the page fetched again either; on the fourth, every document read but the new one
    now = datetime.now(UTC)
    unchanged = sorted(p.id for p in (page(0, now), page(1, now), page(4, now), citing(1, "")))
    assert settled[0] == unchanged
    night_two = {page(2, now).id, page(9, now).id, CITED.id, notice(ISSUER_URL, "sc_meishan").id}
    assert settled[1] == sorted({*unchanged, *night_two} - {page(4, now).id})
    gone = page(3, now).id  # kept as it was, removed from its source: no page of it is read
    every = {r["id"] for r in load(carried[-1], "notices.csv")}
    assert settled[2] == sorted(every - {page(11, now).id, gone})
    last_seen = {row["url"]: row["last_seen"] for row in load(carried[-1], "copies.csv")}
    assert last_seen[ISSUER_URL] == "2026-03-04T02:00:00Z"
    texts = [row for row in load(carried[-1], "versions.csv") if row["url"] == ISSUER_URL]
    assert [(t["first_seen"], t["last_seen"], t["body_text"]) for t in texts] == [
        ("2026-03-01T02:00:00Z", "2026-03-04T02:00:00Z", BODY)]
