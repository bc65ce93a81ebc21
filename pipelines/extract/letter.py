"""The parts of a 公文 inside its body text: the head (title, 文号), 主送机关 and the signature."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from gongwen.pipelines.extract.labels import is_label_line
from gongwen.pipelines.normalise.dates import find_date, parse_date
from gongwen.pipelines.normalise.docnumber import find_doc_number
from gongwen.pipelines.normalise.text import CJK, normalise_space, split_outside_brackets

HEAD_LINES = 15  # how far into the body the head (title, 文号, metadata lines) may reach
ADDRESSEE_LINES = 3  # the 主送机关 line is among the first lines of the text

# Endings of an agency name, for signature lines (发文机关署名).
AGENCY_WORDS = (
    "人民政府|政府|办公室|办公厅|委员会|管委会|委|厅|局|部|院|署|办|中心|小组|公司|集团|协会|联合会|总会|"
    "党委|党组|工委|指挥部|分局|支队|调查队|大队|所|会"
)
AGENCY_ENDING = re.compile(f"(?:{AGENCY_WORDS})$")
# A signature by a person (令 and 公告 are signed by the head of government).
SIGNER = re.compile(
    rf"^(?:国务院)?(?:总理|主席|省长|市长|县长|区长|州长|盟长|旗长|部长|主任|局长|厅长|书记)\s*[{CJK}]{{2,4}}$"
)
# Words that mark a 主送机关 line.
ADDRESSEE_WORDS = re.compile(
    r"各|政府|部门|单位|委员会|委|局|办|厅|院|公司|机关|街道|管委会|乡|镇|有关|直属|企业|学校"
)
_SPLIT = "，,;；"
# Endings of one addressee; a 、-list is split only when every part has one ("各乡镇人民政府、街道办事处"),
# so a list sharing one ending stays whole ("各省、自治区、直辖市人民政府").
ADDRESSEE_ENDING = re.compile(
    rf"(?:{AGENCY_WORDS}|站|单位|部门|机构|办事处|街道|乡镇|乡|镇|区|县|市|企业|学校|医院|组织|）|\))$"
)
_ORDER_HEAD = re.compile(rf"^[{CJK}]{{1,24}}令$")
_ISSUING_BANNER = re.compile(rf"^[{CJK}（）()]{{2,40}}文件$")


def _compact(s: str) -> str:
    return normalise_space(s).replace(" ", "")


def is_agency_line(line: str) -> bool:
    """A short line made of agency names ("眉山市人民政府办公室", "万载县统计局 国家统计局万载调查队")."""
    if len(line) > 60 or re.search(r"[。，,；;：:！？!?]", line):
        return False
    names = line.split()
    return bool(names) and all(2 <= len(n) <= 30 and AGENCY_ENDING.search(n) for n in names)


@dataclass(frozen=True, slots=True)
class Head:
    lines: list[str]  # the body without its head
    doc_number: str | None  # a 文号 line found in the head, as printed


def _after_title(line: str, title: str) -> str:
    """What follows the title on a line that begins with it (after a space), else ""."""
    if not title or not _compact(line).startswith(title):
        return ""
    for at, char in enumerate(line):
        if char == " " and _compact(line[:at]) == title:
            return line[at:].strip()
    return ""


def _title_lines(lines: list[str], start: int, title: str) -> int:
    """How many lines from `start` spell the title (one line, or the title broken over a few)."""
    if not title:
        return 0
    joined = ""
    for n, line in enumerate(lines[start:start + 4], start=1):
        joined += _compact(line)
        if joined == title:
            return n
        if not title.startswith(joined):
            return 0
    return 0


def trim_head(lines: list[str], title: str | None) -> Head:
    """Drop the title line(s), the 文号 line, a 令 head, metadata lines and dates above the text."""
    compact_title = _compact(title or "")
    doc_number = None
    i = 0
    while i < len(lines) and i < HEAD_LINES:
        line = lines[i]
        if (n := _title_lines(lines, i, compact_title)) > 0:
            i += n
            continue
        if len(line) <= 60 and (number := find_doc_number(line)) is not None:
            doc_number = doc_number or number
            i += 1
            continue
        if (number := find_doc_number(_after_title(line, compact_title))) is not None:
            doc_number = doc_number or number  # the title and its 文号 on one line
            i += 1
            continue
        if _ORDER_HEAD.match(line) and (number := find_doc_number("\n".join(lines[i:i + 2]))) is not None:
            doc_number = doc_number or number  # 中华人民共和国国务院令 / 第707号
            i += 2
            continue
        if is_label_line(line) or parse_date(line) is not None or _ISSUING_BANNER.match(line):
            i += 1
            continue
        break
    return Head(lines[i:], doc_number)


def _split_addressees(text: str) -> list[str]:
    names: list[str] = []
    for group in split_outside_brackets(text, _SPLIT):
        parts = split_outside_brackets(group, "、")
        # "市政府各委、办、局" is one addressee: its parts are words, not names.
        whole = any(len(p) < 3 or not ADDRESSEE_ENDING.search(p) for p in parts)
        names.extend([group] if whole else parts)
    return names



def addressees_of(lines: list[str]) -> list[str]:
    """The 主送机关 from the first line of the text that ends with a colon and names agencies."""
    for line in lines[:ADDRESSEE_LINES]:
        if not line.endswith(("：", ":")) or len(line) > 200 or is_label_line(line):
            continue
        text = line[:-1].strip()
        if re.search(r"[。！？!?]", text) or text.startswith(("附件", "根据", "为", "现将", "经")):
            continue
        if not ADDRESSEE_WORDS.search(text):
            continue
        names = _split_addressees(text)
        if names and all(len(n) <= 40 for n in names):
            return names
    return []


@dataclass(frozen=True, slots=True)
class Signature:
    agency: str | None
    signed: date | None


# An undated closing line naming the author, as statistics and news items end: （万载县统计局）.
_CLOSING_AGENCY = re.compile(r"^[（(](?P<agency>[^（）()]{2,40})[）)]$")


def signature_of(lines: list[str]) -> Signature:
    """The first 发文机关署名 + 成文日期 pair: a date line right after an agency (or signer) line, or an
    agency and a date on one line. Without one, a date line closing a paragraph (the seal stood for
    the agency name) gives the date alone, and an agency in brackets closing the text its name."""
    found = _dated_signature(lines)
    if found.agency is None and lines and (closing := _CLOSING_AGENCY.match(lines[-1])):
        name = closing["agency"].strip()
        if is_agency_line(name):
            return Signature(name, found.signed)
    return found


def _dated_signature(lines: list[str]) -> Signature:
    unsigned: date | None = None
    for i, line in enumerate(lines):
        signed = parse_date(line)
        if signed is not None and i > 0:
            above = lines[i - 1]
            if is_agency_line(above):
                return Signature(above, signed)
            if SIGNER.match(above):
                return Signature(None, signed)
            if unsigned is None and above.endswith(("。", "！", "”")):
                unsigned = signed
        elif signed is None and len(line) <= 60 and (found := find_date(line)) is not None:
            head, _, _ = line.rpartition(" ")
            if head and is_agency_line(head) and parse_date(line[len(head):]) is not None:
                return Signature(head, found)
    return Signature(None, unsigned)
