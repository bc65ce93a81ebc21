"""Targets: quantities a notice commits to reach or deliver, with year, indicator, value, unit and
comparator (到2025年，高新技术企业达到180户以上 → 2025, 高新技术企业, 180, 户, at_least).

A value is a target when a level or change verb stands right before it (达到, 提高到, 不低于, 下降), or
an output verb opens its clause (新增, 培育, 完成, 举办 …), or it continues a list of such values. It is
not one when it is a condition (…的), a subsidy, cap or fine (给予, 最高, 罚款), a time limit of a
procedure (5个工作日内办结), a rule (不得), a description (等10个, 60多个), inside quotes or a title, or
when the year it belongs to is past (a fact). In news and in 通报/决定, where most numbers report
results, a value also needs a goal word before it in its paragraph (力争, 将, 计划, 年内 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.pipelines.notice import Notice
from gongwen.pipelines.policy.outline import Item
from gongwen.pipelines.policy.records import Comparator, Target, record_id
from gongwen.pipelines.policy.years import TimePhrase, notice_year, phrase_before, plan_year, time_phrases

_TIME_UNITS = ("个工作日", "工作日", "个月", "小时", "分钟", "日", "天", "周")
# Units, after an optional 万/亿 (2.5万公里, 1.2亿亩, 50亿单位).
BASE_UNITS = (
    "个百分点", "个工作日", "工作日", "毫克/立方米", "微克/立方米", "平方公里", "平方米", "立方米",
    "吨标准煤", "千瓦时", "标准箱", "人次", "公里", "千米", "个月", "小时", "分钟", "单位", "元", "吨",
    "辆", "户", "家", "个", "件", "项", "座", "米", "亩", "人", "名", "场", "次", "期", "条", "所", "处",
    "台", "套", "列", "天", "日", "周", "倍", "批", "头", "类", "%",
)
_UNIT = rf"(?:(?:万亿|亿|万)?(?:{'|'.join(sorted(map(re.escape, BASE_UNITS), key=len, reverse=True))})|万亿)"
_NUMBER = re.compile(
    r"(?<![\d.A-Za-z])(?P<prefix>约|近)?(?P<v>\d+(?:\.\d+)?)(?:\s*(?:—|－|-|~|～|至)\s*(?P<v2>\d+(?:\.\d+)?))?"
    rf"(?P<many>多|余)?(?P<unit>{_UNIT})"
    r"(?P<suffix>及以上|以上|及以下|以下|以内|之内|内|左右)?"
)
# Verbs right before a value, and the comparator each implies (None: the value's own 以上/左右 says).
_LEVEL_VERBS: tuple[tuple[str, Comparator | None], ...] = tuple(sorted(
    [
        ("不低于", "at_least"), ("不少于", "at_least"), ("至少", "at_least"), ("超过", "more_than"),
        ("突破", "more_than"), ("多于", "more_than"), ("高于", "more_than"), ("超", "more_than"),
        ("不超过", "at_most"), ("不高于", "at_most"), ("不大于", "at_most"), ("低于", "less_than"),
        *((verb, None) for verb in (
            "达到", "提高到", "提高至", "提升到", "提升至", "增加到", "增长到", "降低到", "降低至", "下降到",
            "下降至", "降至", "压缩至", "压缩到", "压减至", "压减到", "缩短至", "缩短到", "控制在", "稳定在",
            "保持在", "恢复到", "恢复至", "保持", "达",
        )),
    ],
    key=lambda pair: -len(pair[0]),  # 不高于 before 高于
))
_CHANGE_VERBS = ("增长", "下降", "减少", "降低", "提高", "增加", "提升", "削减", "压减", "缩短")
OUTPUT_VERBS = (
    "新增", "新建", "新改建", "新开通", "新认定", "新培育", "新铺设", "新制", "新设", "建成", "建设",
    "培育", "培养", "引进", "引育", "完成", "实施", "开展", "举办", "组织", "打造", "认定", "创建", "改造",
    "培训", "推动", "提供", "招聘", "聚集", "搭建", "构建", "推出", "上线", "开行", "放流", "设立", "布局",
    "储备", "谋划", "诊断", "联系", "配备", "安排", "落实", "复制推广", "抓好", "帮助", "制定", "修订",
    "建立", "推进", "开放", "实现", "进行", "策划", "打通",
)
_SUFFIX: dict[str, Comparator] = {
    "以上": "at_least", "及以上": "at_least", "以下": "at_most", "及以下": "at_most", "以内": "at_most",
    "之内": "at_most", "左右": "about",
}
# Subsidies, caps and rates for applicants, fines, rules.
_EXCLUDED = re.compile(r"给予|奖励|补贴|补助|奖补|罚款|最高|贴息|单个|申领|抵扣|不得|严禁|禁止")
_CLAUSE_END = re.compile(r"[，,；;。：:！？!?]")
_GOAL_WORD = re.compile(
    r"力争|确保|计划|目标|将|(?<![主重需必只])要(?![求素点])|年内|年底前|上半年|下一步|到(?:19|20)\d{2}年"
    r"|今年(?!一季度|上半年|前|以来|\d)"
)
_FACT_SECTION = re.compile(r"(?:基础|现状|回顾|成效|形势)(?:和|与|$)")  # 一、发展基础和面临形势
_CONDITION_SECTION = re.compile(r"申报|条件|范围|对象")  # eligibility: 申报范围, 支持对象
_LEADING = re.compile(
    r"^(?:[、和及与]|下一步|将|力争|确保|努力|争取|实现|基本|累计|到(?:19|20)\d{2}年(?:底|末)?(?:前)?|"
    r"(?:19|20)\d{2}年(?:至(?:19|20)\d{2}年)?(?:底|末)?(?:前)?|年内|全年|今年|年底前|上半年)[，,]?"
)
# Notices whose numbers mostly report results: a target needs a goal word or a year to come before it.
REPORTING_TYPES = frozenset({"通报", "决定", "公报", "报告", "纪要"})
_PLANS_AHEAD = re.compile(r"要|将|力争|计划|目标")
_TITLES = re.compile(r"《[^》]*》|〔\d{4}〕")
_QUOTES = re.compile(r"“[^”]*”")
_LIST_BREAK = re.compile(rf"(?:\d{_UNIT}|以上|以下|左右)、")  # the end of a previous list item


@dataclass(frozen=True, slots=True)
class _Context:
    """What the rules need to know about the notice."""

    notice_id: str
    this_year: int | None  # the notice's year: relative phrases (年内) and the past are measured from it
    plan_year: int | None  # the year of an annual plan, for targets that name none
    needs_goal_word: bool  # news, 通报, 决定: most numbers report results


_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """The text with the pattern's matches blanked out (the same length, so positions stay those of
    the printed text)."""
    return pattern.sub(lambda m: "□" * len(m.group(0)), text)


def _comparator(verb_comparator: Comparator | None, m: re.Match[str]) -> Comparator:
    if m["v2"]:
        return "between"
    if m["prefix"]:
        return "about"
    if verb_comparator:
        return verb_comparator
    return _SUFFIX.get(m["suffix"] or "", "equal")


def _level_verb(before: str) -> tuple[str, Comparator | None] | None:
    for verb, comparator in _LEVEL_VERBS:
        if before.endswith(verb):
            return verb, comparator
    return None


def _indicator(left: str, after: str, verb: str | None) -> str:
    """What is counted: the words before the value without time words and the level verb; when the
    value stands between a verb and its noun (举办10场会展活动), the noun after it too."""
    matches = list(_LIST_BREAK.finditer(left))
    if matches:
        left = left[matches[-1].end():]
    previous = None
    while previous != left:
        previous, left = left, _LEADING.sub("", left.strip())
    if verb:
        left = left.removesuffix(verb)
    left = left.removesuffix("分别").strip()
    if left.endswith(("、", "和", "及")):
        left = ""  # 抓好321个省重大项目、500个新旧动能转换优选项目: the noun comes after the value
    if not left or left.endswith(OUTPUT_VERBS):
        noun = re.split(r"[、，,；;。：:]|和(?=\d)|及(?=\d)", after, maxsplit=1)[0]
        left += noun
    return left.strip()


def _excluded(masked: str, m: re.Match[str], clause_start: int, clause_end: int) -> bool:
    """A value that is a condition, a subsidy or cap, a rule, a description or a procedure's time limit."""
    clause = masked[clause_start:clause_end]
    before = masked[clause_start:m.start()]
    after = masked[m.end():clause_end]
    timed = m["unit"] in _TIME_UNITS
    return bool(
        m["many"]
        or after.startswith("的")
        or clause.rstrip().endswith("的")
        or (clause.startswith("对") and "的" in clause)
        or _EXCLUDED.search(clause)
        or before.endswith(("等", "第"))
        or ("按" in before and before.endswith(("按", "的")))  # a rate: 按投资额的10%
        or (timed and m["suffix"] in ("内", "之内"))
        or (timed and not _level_verb(before) and not before.endswith(_CHANGE_VERBS))
    )


def _committed(before: str, level: tuple[str, Comparator | None] | None) -> bool:
    """A level (``level``) or change verb right before the value, or an output verb before it in its
    clause (``before``)."""
    return level is not None or before.endswith(_CHANGE_VERBS) or any(verb in before for verb in OUTPUT_VERBS)


def _cover(targets: list[Target], first: int, comparator: Comparator) -> None:
    """The targets of a list from ``first`` on take the comparator that closes it, unless they have one."""
    for i in range(first, len(targets)):
        if targets[i].comparator == "equal":
            targets[i] = targets[i].model_copy(update={"comparator": comparator})


@dataclass(slots=True)
class _Scan:
    """Where the scan of one paragraph is: what the previous values were."""

    accepted_end: int = -1  # end of the last accepted value
    accepted_clause: int = -1  # start of the clause of the last accepted value
    rejected_end: int = -1  # end of the last value excluded by a rule
    indicator: str = ""  # indicator of the last accepted value (for bare value lists: 30%、85%)
    list_from: int = 0  # index of the first target of the current bare value list

    def follows_rejected(self, masked: str, clause_start: int, start: int) -> bool:
        """A value listed right after one a rule excluded (突破1亿元、5亿元的; 等12个领域、274个项目)."""
        if self.rejected_end < clause_start:
            return False
        gap = masked[self.rejected_end:start].strip()
        return not gap.strip("、和及") or (gap.endswith(("、", "和", "及")) and len(gap) <= 12)

    def listed(self, p: _Paragraph, clause_start: int, left_start: int, start: int) -> tuple[bool, bool]:
        """Whether the value is a bare item of a list of targets (分别达到30%、85%), and whether it goes
        on a list (达4000家，潜在独角兽企业2家以上 / 达17家以上、家庭农场290个以上)."""
        between = p.masked[left_start:start].strip()
        after_one = left_start > clause_start  # a target before it in its clause
        goes_on = (after_one and between.startswith(("、", "和", "及"))) or (
            self.accepted_clause >= 0 and self.accepted_clause == p.clause_before(clause_start)
        )
        return after_one and not between.strip("、和及"), goes_on


@dataclass(frozen=True, slots=True)
class _Paragraph:
    """A body line as the rules read it, and where it stands in the notice. In ``masked`` full-width
    digits are half-width and quotes and titles blanked out, its positions still the line's."""

    ctx: _Context
    n: int  # the line's number
    task_id: str | None
    line: str
    masked: str
    phrases: list[TimePhrase]
    goals: list[int]  # where its goal words start
    starts: list[int]  # where its clauses start

    @classmethod
    def of(cls, ctx: _Context, n: int, line: str, task_id: str | None) -> _Paragraph | None:
        """The line read; None when it holds no value (most lines)."""
        dated = _blank(_TITLES, line.translate(_WIDTH))  # “十四五” still dates what follows
        masked = _blank(_QUOTES, dated)  # numbers in quotes and titles are names, not targets
        if _NUMBER.search(masked) is None:
            return None
        phrases = time_phrases(dated, ctx.this_year)
        goals = [g.start() for g in _GOAL_WORD.finditer(masked)]
        starts = [0] + [b.end() for b in _CLAUSE_END.finditer(masked)]
        return cls(ctx, n, task_id, line, masked, phrases, goals, starts)

    def clause(self, m: re.Match[str]) -> tuple[int, int]:
        """Where the value's clause starts and ends."""
        start = max(b for b in self.starts if b <= m.start())
        next_end = _CLAUSE_END.search(self.masked, m.end())
        return start, next_end.start() if next_end else len(self.masked)

    def clause_before(self, clause_start: int) -> int:
        """Where the clause before the one at ``clause_start`` starts; -1 when it is the first."""
        return max((b for b in self.starts if b < clause_start), default=-1)

    def to_come(self, m: re.Match[str], phrase: TimePhrase | None) -> bool:
        """The value's year (``phrase``) is not past; and in news, 通报 and 决定 a goal word or a year
        stands before it."""
        if phrase is not None and phrase.past:
            return False
        named = phrase is not None and phrase.explicit
        return not self.ctx.needs_goal_word or named or any(g < m.start() for g in self.goals)

    def target(
        self, m: re.Match[str], clause: tuple[int, int], phrase: TimePhrase | None, indicator: str,
        comparator: Comparator,
    ) -> Target:
        return Target(
            id=record_id(self.ctx.notice_id, "target", f"{self.n}:{m.start()}"),
            notice_id=self.ctx.notice_id,
            task_id=self.task_id,
            line=self.n,
            year=phrase.year if phrase else self.ctx.plan_year,
            year_raw=phrase.raw if phrase else None,
            indicator=indicator,
            value=float(m["v"]),
            value_max=float(m["v2"]) if m["v2"] else None,
            unit=m["unit"],
            comparator=comparator,
            text=self.line[clause[0]:clause[1]].strip(),
        )


def _paragraph_targets(ctx: _Context, n: int, line: str, task_id: str | None) -> list[Target]:
    """The targets of body line ``n``, in order."""
    p = _Paragraph.of(ctx, n, line, task_id)
    if p is None:
        return []
    scan = _Scan()
    targets: list[Target] = []
    for m in _NUMBER.finditer(p.masked):
        clause_start, clause_end = p.clause(m)
        if _excluded(p.masked, m, clause_start, clause_end) or scan.follows_rejected(
            p.masked, clause_start, m.start()
        ):
            scan.rejected_end = m.end()
            continue
        before = p.masked[clause_start:m.start()]
        level = _level_verb(before)
        left_start = scan.accepted_end if scan.accepted_clause == clause_start else clause_start
        in_list, continues = scan.listed(p, clause_start, left_start, m.start())
        if not (_committed(before, level) or in_list or continues):
            continue
        phrase = phrase_before(p.phrases, m.start())
        if not p.to_come(m, phrase):
            continue
        verb, verb_comparator = level or (None, None)
        indicator = _indicator(line[left_start:m.start()], line[m.end():clause_end], verb) or scan.indicator
        if not indicator:
            continue
        comparator = _comparator(verb_comparator, m)
        if not in_list:
            scan.list_from = len(targets)
        elif m["suffix"]:  # a trailing 以上 covers the list: 分别达到30%、85%、90%以上
            _cover(targets, scan.list_from, comparator)
        scan.accepted_end, scan.accepted_clause, scan.indicator = m.end(), clause_start, indicator
        targets.append(p.target(m, (clause_start, clause_end), phrase, indicator, comparator))
    return targets


def _reports_results(notice: Notice) -> bool:
    """News, 通报 and 决定, whose numbers mostly report results; not news whose headline announces
    plans (今年要在这7个方面攻坚突破)."""
    if notice.doc_type in REPORTING_TYPES:
        return True
    return notice.doc_type is None and notice.genre is None and not _PLANS_AHEAD.search(notice.title)


def targets_of(
    notice: Notice, lines: list[str], owners: list[Item | None], task_ids: dict[int, str]
) -> list[Target]:
    """The targets of the notice's body lines, in order. ``owners`` gives each line's outline item
    (to skip sections that report the past, 发展基础, or set eligibility, 申报范围); ``task_ids`` the
    task each line belongs to."""
    ctx = _Context(notice.id, notice_year(notice), plan_year(notice.title), _reports_results(notice))
    targets: list[Target] = []
    for n, line in enumerate(lines):
        owner = owners[n]
        titles = [i.heading for i in owner.ancestry() if len(i.heading) <= 12] if owner else []
        if any(_FACT_SECTION.search(t) or _CONDITION_SECTION.search(t) for t in titles):
            continue
        targets += _paragraph_targets(ctx, n, line, task_ids.get(n))
    return targets
