"""Tasks: the items of a plan's outline that say what to do, with their agencies and 进度安排.

A task is an outline leaf whose heading is a verb phrase (加快淘汰落后产能) or tells its subject
what it 要 do, or that names its agencies; or, under a heading whose items are unnumbered paragraphs
that each name their agencies, each such paragraph. Headings that state background, guidance or
goals (发展目标, 指导思想), approvals (同意设立…), amendments (将…修改为) and the articles of rules
(第N条) are not tasks. See tests/policy_expectations/README.md for the rules written for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.pipelines.policy.agencies import Jurisdiction, full_names
from gongwen.pipelines.policy.notes import Assignment, assignments, has_note
from gongwen.pipelines.policy.outline import Item, heading_of, without_number
from gongwen.pipelines.policy.records import Milestone, Task, TaskAgency, record_id

# Verbs (and adverbs before verbs) that open a heading saying what to do.
ACTIONS = (
    "加强", "加快", "加大", "加严", "加速", "加紧", "推进", "推动", "推广", "推行", "推出", "深化", "深入",
    "完善", "建立", "健全", "建设", "建成", "强化", "提升", "提高", "实施", "实行", "开展", "落实", "优化",
    "扩大", "培育", "发展", "打造", "构建", "积极", "大力", "着力", "严格", "严控", "严禁", "禁止", "全面",
    "全力", "坚持", "坚决", "支持", "鼓励", "做好", "做强", "做精", "做大", "切实", "认真", "抓好", "狠抓",
    "确保", "保障", "压实", "压紧", "压缩", "排查", "整治", "治理", "防治", "控制", "调整", "引进", "引育",
    "引导", "聚焦", "突出", "注重", "夯实", "创新", "探索", "规范", "降低", "减轻", "减少", "合理", "盘活",
    "丰富", "拓展", "拓宽", "科学", "编制", "制定", "修订", "明确", "组织", "动员", "广泛", "维护", "严明",
    "畅通", "营造", "促进", "吸纳", "搭建", "打通", "精准", "优先", "持续", "进一步", "梳理", "成立",
    "设立", "复制", "统筹", "分类", "梯次", "组建", "集中", "启动", "解决", "发挥", "高质量", "高标准",
    "用好", "提供", "树立", "保持", "贯彻", "研究", "整合", "清理", "增强", "补齐", "开通", "布局", "督导",
    "督促", "宣传", "培训", "按时", "及时", "依法", "严厉", "打击", "守住", "缩短", "细化", "壮大", "开办",
    "对", "按照", "围绕", "依托", "重点", "主动", "稳步", "有序", "分行业", "协同", "服务", "总结", "简化",
    "多渠道", "多元", "筹措", "筹集", "请",
)
# Verbs strong enough that a short heading ending in a noun still says what to do (建立统筹协调机制).
STRONG = (
    "建立", "健全", "完善", "加强", "强化", "创新", "优化", "深化", "明确", "落实", "压实", "严格", "细化",
    "严明",
)
# Nouns that end a heading naming a section or a category (发展目标, 保障措施, 整治范围和重点).
_SECTION_NOUN = re.compile(
    r"(?:目标|思想|要求|原则|思路|定位|基础|形势|意义|背景|依据|范围|条件|步骤|阶段|结果|等次|职能|职责|成员|"
    r"组成|规则|机制|措施|任务|内容|领域|重点|单位)$"
)
_LEADING_TIME = re.compile(
    r"^(?:(?:到|在)?(?:19|20)\d{2}年(?:底|末)?前?|年内|全年|每季度|每年|每月|\d{1,2}月(?:\d{1,2}日|底|中旬|上旬|下旬)?前)[，,]?"
)
_MODAL = re.compile(r"(?<![主重需纲摘概简必只不])要(?![求素点闻害件的么])")
_SCHEDULE = re.compile(r"^进度安排\s*[:：]\s*")
_ENTRY = re.compile(
    r"(?:^|(?<=[。；;]))\s*(?:力争)?(?:到)?(?P<y>(?:19|20)\d{2})年"
    r"(?:(?:至|到|—|－|-|和)(?P<y2>(?:19|20)\d{2})年)?(?=[，,：:])"
)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def says_what_to_do(heading: str) -> bool:
    """A heading that is a verb phrase, or whose subject is told what it 要 do."""
    text = _LEADING_TIME.sub("", heading)
    if _MODAL.search(text):
        return True
    if not text.startswith(ACTIONS):
        return False
    bare = _BRACKETED.sub("", text)
    if len(bare) <= 3:
        return False  # a category: 完善类, 提升类
    return not (len(bare) <= 9 and _SECTION_NOUN.search(bare) and not text.startswith(STRONG))


def schedule_of(lines: list[str]) -> list[Milestone]:
    """The 进度安排 of a task's lines: one milestone per year (or span) the entries begin with."""
    milestones: list[Milestone] = []
    for line in lines:
        label = _SCHEDULE.match(line)
        if not label:
            continue
        text = line[label.end():]
        starts = list(_ENTRY.finditer(text))
        for m, after in zip(starts, [*starts[1:], None], strict=True):
            entry = text[m.start(): after.start() if after else len(text)].strip()
            y2 = int(m["y2"]) if m["y2"] else None
            milestones.append(Milestone(year=int(m["y"]), year_end=y2, text=entry))
    return milestones


def _agencies(pairs: list[Assignment], where: Jurisdiction) -> list[TaskAgency]:
    names = full_names([raw for _, raw in pairs], where)
    return [TaskAgency(role=role, raw=raw, name=name) for (role, raw), name in zip(pairs, names, strict=True)]


@dataclass(frozen=True, slots=True)
class _Notice:
    """What every task of a notice needs: the notice's id, its jurisdiction, its note convention."""

    notice_id: str
    where: Jurisdiction
    comma_leads: bool

    def task(self, number: str | None, outline: str, line: int, lines: list[str]) -> Task:
        """A task from its place in the outline and its lines (the first one opens with its heading)."""
        return Task(
            id=record_id(self.notice_id, "task", f"{outline}:{line}"),  # an outline may repeat
            notice_id=self.notice_id,
            number=number,
            outline=outline,
            line=line,
            heading=heading_of(without_number(lines[0], number)),
            text="\n".join(lines),
            agencies=_agencies(assignments(lines, comma_leads=self.comma_leads), self.where),
            schedule=schedule_of(lines),
        )


def tasks_of(
    notice_id: str, items: list[Item], where: Jurisdiction, *, comma_leads: bool = False
) -> list[Task]:
    """The tasks among the outline's items, in order."""
    notice = _Notice(notice_id, where, comma_leads)
    tasks: list[Task] = []
    for item in items:
        if item.children or item.under_rules():
            continue
        paragraphs = list(zip(item.line_numbers[1:], item.lines[1:], strict=True))
        noted = [(n, line) for n, line in paragraphs if has_note(line)]
        if item.heading_only and len(noted) >= 2:
            for k, (n, line) in enumerate(noted, start=1):
                tasks.append(notice.task(None, f"{item.outline}/¶{k}", n, [line]))
            continue
        if not item.heading:
            continue
        if says_what_to_do(item.heading) or assignments(item.lines):
            tasks.append(notice.task(item.number, item.outline, item.line, item.lines))
    return tasks
