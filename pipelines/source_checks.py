"""`gongwen sources check`: is each source still reachable, and still navigated and read as before?

One row a source: reachable (its first list page answered), links (notices that page links to),
next page (whether it shows one), detail (the fields read from the first notice page) and a verdict:
ok, layout changed (a list with no links, a notice page that no longer reads as one) or unreachable.
Each source's last check is kept in <workdir>/checks.json, for the site's sources page.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from scrapy.crawler import CrawlerProcess

from gongwen.crawlers.check import CheckSpider, SourceCheck
from gongwen.crawlers.registry import Source
from gongwen.pipelines.read.validate import Quarantined, build_notice
from gongwen.pipelines.run import Job, Workdir, crawl_settings

Verdict = Literal["ok", "layout changed", "unreachable"]
# The fields whose presence a check reports: what a notice page must still give.
FIELDS = (
    "title",
    "doc_number",
    "index_number",
    "issuing_agency",
    "published_date",
    "written_date",
    "body_text",
)


@dataclass(frozen=True)
class CheckRow:
    source_id: str
    checked_at: str
    reachable: bool
    links: int
    next_page: str | None
    detail_url: str | None
    fields: list[str]  # of FIELDS, those the notice page gave
    verdict: Verdict
    reason: str  # why, when the verdict is not ok


def _row(check: SourceCheck, checked_at: str) -> CheckRow:
    listed, detail = check.list_page, check.detail
    reachable = listed is not None and not listed.error
    fields: list[str] = []
    problems = list(check.problems)
    if not reachable:
        problems.append(f"list page {listed.error if listed else 'not fetched'}")
    elif problems:  # the list page could not be read
        pass
    elif check.links == 0:
        problems.append("the list page links to no notice")
    elif detail is None:
        problems.append("no link to a notice page on the source's own hosts")
    elif detail.error:
        problems.append(f"notice page {detail.url}: {detail.error}")
    else:
        try:
            notice = build_notice(
                detail.body,
                detail.url,
                source_id=check.source.id,
                retrieved_at=datetime.now(UTC),
                content_type=detail.content_type,
            )
            fields = [name for name in FIELDS if getattr(notice, name)]
        except Quarantined as exc:
            problems.append(f"notice page {detail.url}: {exc}")
    verdict: Verdict = "unreachable" if not reachable else "layout changed" if problems else "ok"
    return CheckRow(
        check.source.id,
        checked_at,
        reachable,
        check.links,
        check.next_page,
        detail.url if detail else None,
        fields,
        verdict,
        "; ".join(problems),
    )


def check_sources(sources: list[Source], workdir: Workdir, replay: str) -> list[CheckRow]:
    """Fetch each source's first list page and first notice page (one Scrapy crawl with the crawl's
    settings, logged to <workdir>/check.log), and judge."""
    settings = crawl_settings(workdir, replay, Job())
    settings.set("LOG_FILE", str(workdir.root / "check.log"), priority="cmdline")
    workdir.root.mkdir(parents=True, exist_ok=True)
    checks: dict[str, SourceCheck] = {}
    process = CrawlerProcess(settings)
    process.crawl(CheckSpider, sources=sources, checks=checks)
    process.start()
    checked_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return [_row(checks[s.id], checked_at) for s in sources if s.id in checks]


def keep_checks(rows: list[CheckRow], path: Path) -> None:
    """Each source's last check, by source id, in ``path`` (earlier checks of other sources stay)."""
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept.update({row.source_id: asdict(row) for row in rows})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(kept, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def table(rows: list[CheckRow]) -> str:
    """The rows as a person reads them in a terminal."""
    lines = [f"{'source':<22} {'reachable':<9} {'links':>5}  {'next':<4}  {'detail fields':<44} verdict"]
    for r in rows:
        shown = ", ".join(r.fields) if r.fields else "—"
        verdict = r.verdict + (f" ({r.reason})" if r.reason else "")
        lines.append(
            f"{r.source_id:<22} {'yes' if r.reachable else 'no':<9} {r.links:>5}  "
            f"{'yes' if r.next_page else 'no':<4}  {shown:<44} {verdict}"
        )
    return "\n".join(lines)
