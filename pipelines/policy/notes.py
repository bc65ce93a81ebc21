"""The agency notes of a task: who leads (牵头), who is responsible (责任/负责), who cooperates (配合).

Plans print them as a line of their own (牵头单位：区新经济局), or in brackets after the task
(（牵头部门：区科学技术局；配合部门：区人力资源部、财政局）, （省财政厅牵头，省直各部门负责）,
（住房城乡建设部、商务部按职责分工负责）). A notice may say once that in each 责任单位 list the names
before the comma lead (逗号前为牵头单位).
"""

from __future__ import annotations

import re

from gongwen.pipelines.normalise.text import split_outside_brackets
from gongwen.pipelines.policy.agencies import split_names
from gongwen.pipelines.policy.records import Role

_LABELS: dict[str, Role] = {
    "牵头单位": "lead", "牵头部门": "lead",
    "责任单位": "responsible", "责任部门": "responsible",
    "配合单位": "cooperating", "配合部门": "cooperating",
}
_LABEL = re.compile(rf"^({'|'.join(_LABELS)})\s*[:：]\s*")
_LEAD_BEFORE_COMMA = re.compile(r"逗号前为牵头单位")
# "X牵头", "X配合", "X负责", "X等按职责分工负责": a role named after the agencies.
_ROLE_AFTER = re.compile(r"^(?P<names>.+?)(?P<role>牵头|配合|(?:等(?:部门|单位)?)?(?:按照?职责分工)?负责)$")
_OPEN, _CLOSE = "（(〔", "）)〕"

Assignment = tuple[Role, str]


def lead_before_comma(body_text: str) -> bool:
    """True when the notice says that in its 责任单位 lists the names before the comma lead."""
    return bool(_LEAD_BEFORE_COMMA.search(body_text))


def bracketed(line: str) -> list[str]:
    """The contents of the top-level brackets of a line (nested brackets stay inside)."""
    found, depth, start = [], 0, 0
    for i, c in enumerate(line):
        if c in _OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif c in _CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                found.append(line[start:i])
    return found


def _role_of(part: str) -> tuple[Role, str] | None:
    m = _ROLE_AFTER.match(part)
    if not m:
        return None
    role: Role = "lead" if m["role"] == "牵头" else "cooperating" if m["role"] == "配合" else "responsible"
    return role, m["names"]


def parse_note(content: str, *, comma_leads: bool = False) -> list[Assignment]:
    """The (role, agency) pairs of one note; empty when the text is not an agency note."""
    content = content.split("。", 1)[0]
    pairs: list[Assignment] = []
    for segment in split_outside_brackets(content, "；;"):
        labelled = _LABEL.match(segment)
        if labelled:
            role = _LABELS[labelled[1]]
            names = segment[labelled.end():]
            if comma_leads and role == "responsible":
                before, *after = split_outside_brackets(names, "，,", limit=1)
                pairs += [("lead", n) for n in split_names(before)]
                names = after[0] if after else ""
            pairs += [(role, n) for n in split_names(names)]
            continue
        roles = [_role_of(part) for part in split_outside_brackets(segment, "，,")]
        if roles and all(r is not None for r in roles):
            pairs += [(role, n) for role, names in filter(None, roles) for n in split_names(names)]
    return pairs


def assignments(lines: list[str], *, comma_leads: bool = False) -> list[Assignment]:
    """Every (role, agency) a task's lines name, in order, without repeats."""
    pairs: list[Assignment] = []
    for line in lines:
        if _LABEL.match(line):
            pairs += parse_note(line, comma_leads=comma_leads)
        for content in bracketed(line):
            pairs += parse_note(content, comma_leads=comma_leads)
    return list(dict.fromkeys(pairs))


def has_note(line: str) -> bool:
    """A line that names agencies for what it says (a task paragraph of 眉山 seed 001)."""
    return any(parse_note(content) for content in bracketed(line))
