"""The policy inside the notices, on the site: each notice page's targets, tasks and cited documents,
and the targets of every notice by year (``browse/targets/``, a page per year sorted by indicator).

Read from the release's tasks, targets, citations and agencies resources; a release older than them
shows none. Every value in them is read from scraped text, so it is escaped into raw HTML blocks; a
cited document links to its page only when it is a notice of the release.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gongwen.pipelines.site.markup import (
    EMPTY,
    HtmlPage,
    block,
    esc,
    esc_or_empty,
    front_matter,
    internal_link,
    relative,
    slug,
    table,
)
from gongwen.pipelines.site.notice_rows import NoticeRows, notice_rows
from gongwen.pipelines.site.pages import NO_RELEASE, notice_path, text
from gongwen.pipelines.site.release_data import Record, Release, resource_rows

TARGETS_PAGE = "browse/targets/"
COMPARATORS = {
    "equal": "达到 equal",
    "at_least": "不低于 at least",
    "more_than": "超过 more than",
    "at_most": "不超过 at most",
    "less_than": "低于 less than",
    "about": "约 about",
    "between": "区间 range",
}
ROLES = {"lead": "牵头 Lead", "responsible": "责任 Responsible", "cooperating": "配合 Cooperating"}
OPEN_UP_TO = 10  # a section with more rows starts folded, so that the notice's text stays near the top
TARGET_HEADERS = ("年份 Year", "指标 Indicator", "目标值 Value", "比较 Comparator")
TASK_HEADERS = ("编号 No.", "任务 Task", "单位 Agencies", "进度安排 Schedule")


def _by(rows: Sequence[Record], key: str) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {}
    for row in rows:
        grouped.setdefault(str(row.get(key) or ""), []).append(row)
    return grouped


POLICY_TABLES = ("tasks", "targets", "citations", "agencies")
LARGE = ("tasks", "agencies")  # cut by notice as bytes (site/notice_rows.py); the others parsed whole


@dataclass(frozen=True)
class PolicyRows:
    """The policy resources of a release, by notice (pipelines/site/notice_rows.py): each notice's rows are
    read for its page only; their digests say whether its policy section changed."""

    tables: dict[str, NoticeRows]  # by resource name (POLICY_TABLES)
    titles: dict[str, str]  # the release's notices: their titles, by id

    def of(self, notice_id: str) -> NoticePolicy:
        tasks, agencies = self.tables["tasks"].rows(notice_id), self.tables["agencies"].rows(notice_id)
        by_task = _by(agencies, "task_id")
        return NoticePolicy(
            targets=tuple(self.tables["targets"].rows(notice_id)),
            tasks=tuple((t, tuple(by_task.get(str(t["id"]), []))) for t in tasks),
            citations=tuple((c, self._in_release(c)) for c in self.tables["citations"].rows(notice_id)),
        )

    def digest(self, notice_id: str) -> bytes:
        """Everything the notice's policy section is made from: its rows (a digest per table), and
        whether each document it cites is a notice of the release (a 1 or a 0 each)."""
        rows = [self.tables[name].digest(notice_id) for name in POLICY_TABLES]
        cited = self.tables["citations"].rows(notice_id)
        return b"".join([*rows, *(b"1" if self._in_release(c) else b"0" for c in cited)])

    def _in_release(self, citation: Record) -> bool:
        return str(citation.get("cited_notice_id") or "") in self.titles

    def targets(self) -> list[Record]:
        """Every target of the release, in the order of its file."""
        return [row for rows in (self.tables["targets"].parsed or {}).values() for row in rows]


@dataclass(frozen=True)
class NoticePolicy:
    """The policy rows of one notice: everything its policy section is made from."""

    targets: tuple[Record, ...]
    tasks: tuple[tuple[Record, tuple[Record, ...]], ...]  # each task with its agencies (of the notice)
    citations: tuple[tuple[Record, bool], ...]  # each with whether the cited notice is in the release


def policy_table(folder: Path, name: str) -> NoticeRows | None:
    return notice_rows(folder, name, scan=name in LARGE)


def load_policy(
    release: Release | None, ahead: Mapping[str, NoticeRows | None] | None = None
) -> PolicyRows | None:
    """The release's policy rows, or None when it has no release or lacks one of the resources.
    ``ahead``: tables of the release already read (``policy_table``)."""
    if release is None:
        return None
    ahead = ahead or {}
    tables = {n: ahead[n] if n in ahead else policy_table(release.folder, n) for n in POLICY_TABLES}
    if any(table is None for table in tables.values()):
        return None
    titles = {str(r["id"]): str(r.get("title") or r["id"]) for r in release.notices}
    return PolicyRows({name: table for name, table in tables.items() if table is not None}, titles)


def _number(value: object) -> str:
    """30.0 → 30, 2.5 → 2.5: a CSV number as people write it."""
    try:
        return f"{float(str(value)):.15g}"
    except ValueError:
        return str(value)


def _value(target: Record) -> str:
    high = text(target, "value_max")
    shown = _number(target.get("value")) + (f"–{_number(high)}" if high else "")
    return esc(shown + str(target.get("unit") or ""))


def _year(target: Record) -> str:
    year, raw = text(target, "year"), text(target, "year_raw")
    said = f" <small>{esc(raw)}</small>" if raw and (year is None or year not in raw) else ""
    return esc_or_empty(year) + said


def _comparator(target: Record) -> str:
    comparator = str(target.get("comparator") or "")
    return esc(COMPARATORS.get(comparator, comparator))


def _agency(row: Record) -> str:
    """The name as printed; its full name, when known and different, as the tooltip."""
    raw, name = esc(row.get("raw")), text(row, "name")
    return f'<abbr title="{esc(name)}">{raw}</abbr>' if name and name != row.get("raw") else raw


def _agencies(rows: Sequence[Record]) -> str:
    lines = []
    for role, label in ROLES.items():
        named = [_agency(r) for r in rows if r.get("context") == role]
        if named:
            lines.append(f"{esc(label)}：{'、'.join(named)}")
    return "<br>".join(lines) or EMPTY


def _schedule(task: Record) -> str:
    """The 进度安排 entries (a JSON list in the CSV cell), one per line."""
    cell = str(task.get("schedule") or "[]")
    entries = json.loads(cell) if cell.strip() else []
    shown = [esc(e.get("text")) for e in entries if isinstance(e, Mapping)]
    return "<br>".join(shown) or EMPTY


def _citation(row: Record, page: str, *, in_release: bool) -> str:
    if in_release:
        return internal_link(relative(page, f"notices/{row['cited_notice_id']}/"), row.get("text"))
    return f"{esc(row.get('text'))} <small>（本数据集未收录 not in this dataset）</small>"


def _section(title: str, count: int, content: list[str]) -> list[str]:
    """A part of the policy, folded when it is long, its count in its summary."""
    opened = " open" if count <= OPEN_UP_TO else ""
    return [f"<details{opened}>", f"<summary>{esc(title)}（{count}）</summary>", *content, "</details>"]


def notice_policy(record: Record, policy: NoticePolicy | None) -> list[str]:
    """HTML lines for a notice page: its targets, tasks and cited documents (none when it has none)."""
    if policy is None:
        return []
    page = notice_path(record)
    lines: list[str] = []
    if policy.targets:
        rows = [[_year(t), esc(t.get("indicator")), _value(t), _comparator(t)] for t in policy.targets]
        lines += _section("目标 Targets", len(rows), table(TARGET_HEADERS, rows))
    if policy.tasks:
        rows = [
            [esc(t.get("outline")), esc(t.get("heading")), _agencies(agencies), _schedule(t)]
            for t, agencies in policy.tasks
        ]
        lines += _section("任务 Tasks", len(rows), table(TASK_HEADERS, rows))
    if policy.citations:
        items = [f"<li>{_citation(c, page, in_release=known)}</li>" for c, known in policy.citations]
        lines += _section("引用文件 Cited documents", len(items), ["<ul>", *items, "</ul>"])
    if not lines:
        return []
    return ['<div class="gw-policy">', "<h2>政策要点 Policy</h2>", *lines, "</div>"]


def _year_path(year: str) -> str:
    return f"{TARGETS_PAGE}{slug(year) if year else '_none'}/"


def _year_label(year: str) -> str:
    return year or "（未注明 not stated）"


def _years(policy: PolicyRows) -> dict[str, list[Record]]:
    return _by(policy.targets(), "year")


def targets_index_page(release: Release | None) -> str:
    """``browse/targets/``: the years, with their numbers of targets and notices."""
    parts = [
        front_matter("按目标 Targets by year"),
        "# 按目标 Targets by year\n\n",
        ("公文中的量化目标（到某年某指标达到某值），按年份列出，每年按指标排序。"
         "The quantitative targets of the notices (an indicator to reach a value by a year), by year; "
         "each year's targets are sorted by indicator.\n\n"),
    ]
    if release is None:
        return "".join([*parts, NO_RELEASE])
    targets = resource_rows(release.folder, "targets")
    if targets is None:
        missing = f"版本 {release.version} 没有目标数据。Version {release.version} has no targets resource.\n"
        return "".join([*parts, missing])
    years = _by(targets, "year")
    ordered = sorted((y for y in years if y), reverse=True) + ([""] if "" in years else [])
    rows = [
        [internal_link(relative(TARGETS_PAGE, _year_path(y)), _year_label(y)), str(len(years[y])),
         str(len({t.get("notice_id") for t in years[y]}))]
        for y in ordered
    ]
    headers = ("年份 Year", "目标数 Targets", "公文数 Notices")
    return "".join([*parts, block(table(headers, rows), "gw-targets-years")])


def _targets_year(year: str, targets: Sequence[Record], titles: Mapping[str, str]) -> HtmlPage:
    page = _year_path(year)
    back = internal_link(relative(page, TARGETS_PAGE), "← 按目标 Targets by year")
    ordered = sorted(targets, key=lambda t: str(t.get("indicator")))
    rows = [
        [esc(t.get("indicator")), _value(t), _comparator(t),
         internal_link(relative(page, f"notices/{t['notice_id']}/"), titles[str(t["notice_id"])])]
        for t in ordered
        if str(t.get("notice_id")) in titles
    ]
    heading = [
        f"<h1>目标 Targets：{esc(_year_label(year))}</h1>",
        f"<p>{len(rows)} 个目标，按指标排序 targets, by indicator · {back}</p>",
    ]
    headers = ("指标 Indicator", "目标值 Value", "比较 Comparator", "公文 Notice")
    return HtmlPage(
        f"{_year_label(year)} · 目标 Targets",
        block(heading, "gw-facet-heading") + block(table(headers, rows), "gw-targets"),
    )


def target_year_pages(policy: PolicyRows | None) -> Iterator[tuple[str, HtmlPage]]:
    """``(path, page)`` of a page per year of the targets (``browse/targets/<year>/``)."""
    for year, targets in (_years(policy) if policy else {}).items():
        yield _year_path(year), _targets_year(year, targets, policy.titles if policy else {})
