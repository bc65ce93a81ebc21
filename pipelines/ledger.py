"""The ledger: every URL a crawl asked for, and what came of it.

Each detail page ends in exactly one of published, quarantined (with a reason) or failed (with
the HTTP or network error). List pages, which carry no notice, end in followed or failed.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal

OutcomeName = Literal["published", "quarantined", "failed", "followed"]


@dataclass(frozen=True)
class Outcome:
    source_id: str
    url: str
    kind: str
    outcome: OutcomeName
    reason: str
    http_status: int | None
    notice_id: str | None
    fetched_at: str


@dataclass(frozen=True)
class Counts:
    published: int
    quarantined: int
    failed: int
    detail_pages: int
    list_pages: int
    list_failed: int

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Counts:
        detail = Counter(o.outcome for o in outcomes if o.kind == "detail")
        lists = Counter(o.outcome for o in outcomes if o.kind == "list")
        return cls(
            published=detail["published"],
            quarantined=detail["quarantined"],
            failed=detail["failed"],
            detail_pages=sum(detail.values()),
            list_pages=sum(lists.values()),
            list_failed=lists["failed"],
        )

    def summary(self) -> str:
        return (
            f"detail pages fetched {self.detail_pages} = published {self.published}"
            f" + quarantined {self.quarantined} + failed {self.failed};"
            f" list pages {self.list_pages} ({self.list_failed} failed)"
        )


def write_ledger(path: Path, outcomes: Iterable[Outcome]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        names = [f.name for f in fields(Outcome)]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([getattr(o, name) for name in names] for o in outcomes)
    return path
