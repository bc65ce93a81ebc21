"""Finding the body container and turning it into clean paragraphs, without page chrome."""

from __future__ import annotations

import copy
import re
from collections import Counter

from lxml.cssselect import CSSSelector

from gongwen.pipelines.extract.dom import Element, attr_words, is_hidden, lines_of, remove_keep_tail, tag_of
from gongwen.pipelines.extract.labels import is_label_line
from gongwen.pipelines.normalise.text import cjk_count

# Body containers used by the CMS families, most specific first (domain notes §4.2–4.7).
BODY_SELECTORS: tuple[str, ...] = (
    "#UCAP-CONTENT", "ucapcontent", ".trs_editor_view", ".TRS_UEDITOR", ".TRS_Editor", ".trs_editor",
    "#zoom", "#Zoom", "#zoomcon", ".zoom", ".xxgk_content", ".article-content", ".article_content",
    ".article_con", ".article-text", "#ivs_content", ".Article_content", ".main-txt", ".pages_content",
    ".view-content", "#mainText", ".detail-content", ".pub-detail", ".content_box", ".content-main",
    ".news_cont_d_wrap", "#info_content", ".art-con", ".artile_zw", ".jgzn_content", "#content", ".content",
)
_COMPILED_SELECTORS = tuple(CSSSelector(s, translator="html") for s in BODY_SELECTORS)
# Names so common that they also mark page-wide wrappers (menus, metadata tables and all): what they
# hold must read as text (reads_as_text) before it is taken for the body.
_WRAPPERS = frozenset({"#content", ".content"})
# class/id words of page chrome inside or around a body container.
NOISE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:share\w*|bdshare\w*|\w*print\w*|fontsize|font-size|zihao|\w*qrcode\w*|qr_container|"
    r"\w*ewm|\w*crumb\w*|footer\w*|foot|xglj|related\w*|reldocuments|article-reldocuments|jiucuo|fujian|"
    r"fjdown|attach\w*|article-attr|article-extended|article-btn|position|location|toolbar|pages_print|"
    r"editor-info|bianji|xgwj|relevant)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Lines that are chrome wherever they appear.
NOISE_LINES: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"^(?:您)?(?:当前|现在)?(?:所在)?(?:的)?位置[:：]",
    r"(?:字体|字号)[:：]?\s*[【\[〔(（]?\s*大\s*中\s*小",
    r"^分享到[:：]?",
    r"^扫一扫",
    r"^(?:浏览次数|访问量|访问次数|点击数|点击量|阅读次数|阅读量)[:：]",
    r"^【?(?:责任编辑|编辑)[:：]",
    r"网站标识码|ICP备|公网安备|ICP证",
    r"^(?:主办|承办|版权所有|技术支持)[:：]",
    r"\$\(['\"][^)]*\)\.\w+\(|var\s+\$\s*=\s*jQuery|document\.write\(",
))
# Words of a line made only of buttons: 【打印本页】 【关闭窗口】 【返回顶部】 …
CHROME_WORDS = frozenset({
    "打印", "打印本页", "打印此页", "关闭", "关闭窗口", "关闭本页", "返回顶部", "收藏", "我要纠错", "纠错",
    "分享", "大", "中", "小", "默认", "简体", "繁体", "无障碍", "关怀版", "长者模式", "网站无障碍", "保存",
    "上一篇", "下一篇", "我的收藏", "加入收藏", "收藏本页", "打印文章", "关闭页面",
})
# A share of a container's text above which it is no article: link text (menus, lists of other
# pages) and metadata label lines together.
MAX_NOT_TEXT = 0.5
_CHROME_SPLIT = re.compile(r"[\s【】\[\]|丨/、·]+")
# A line after which nothing is text: related links, QR codes, print bars.
CUT_LINES: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"^【?(?:相关链接|相关文件|相关报道|相关附件|相关稿件|关联稿件|相关解读|相关阅读|延伸阅读|相关新闻|相关信息)】?[:：]?$",
    r"^扫一扫在手机",
    # Interpretations linked after the document: 一图读懂：…, 政策解读：点击查看.
    r"^【?(?:一图读懂|图解|图文解读|政策解读|文字解读|图片解读|视频解读|解读)】?[:：]",
))


def reads_as_text(el: Element) -> bool:
    """Whether an element holds an article: not mostly link text or metadata label lines. A page with
    metadata and no article then has an empty body (and its flag), not its menus or its table."""
    total = cjk_count(" ".join(el.itertext()))
    linked = sum(cjk_count(" ".join(a.itertext())) for a in el.iter("a"))
    labelled = sum(cjk_count(line) for line in lines_of(el) if is_label_line(line))
    return total > 0 and linked + labelled <= MAX_NOT_TEXT * total


def _best(candidates: list[Element], *, wrapper: bool = False) -> Element | None:
    scored = [(cjk_count(" ".join(el.itertext())), el) for el in candidates]
    scored = [(score, el) for score, el in scored if score >= 10 and (not wrapper or reads_as_text(el))]
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _between_markers(root: Element) -> Element | None:
    """Hanweb: the nodes between <meta name="ContentStart"> and <meta name="ContentEnd">, in a new div."""
    starts = root.xpath("//body//meta[@name='ContentStart']")
    ends = root.xpath("//body//meta[@name='ContentEnd']")
    if not starts or not ends or starts[0].getparent() is not ends[0].getparent():
        return None
    start, end = starts[0], ends[0]
    holder = start.makeelement("div", {})
    holder.text = start.tail
    node = start.getnext()
    while node is not None and node is not end:
        holder.append(copy.deepcopy(node))
        node = node.getnext()
    return holder if cjk_count(" ".join(holder.itertext())) >= 10 else None


_INLINE = frozenset({
    "span", "font", "b", "strong", "em", "i", "u", "a", "sub", "sup", "small", "big", "label",
})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside"})
_PARAGRAPH = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br"})


def _by_density(root: Element) -> Element | None:
    """The element that directly holds the most non-link text (paragraphs count for their parent)."""
    credit: Counter[Element] = Counter()
    body = root.find("body")
    chrome = {
        node
        for el in (body if body is not None else root).iter()
        if tag_of(el) in _CHROME_TAGS or _is_noise_element(el)
        for node in el.iter()
    }
    for el in (body if body is not None else root).iter():
        if not tag_of(el) or tag_of(el) == "a" or el in chrome:
            continue
        pieces = [el.text or ""] + [child.tail or "" for child in el]
        amount = sum(cjk_count(p) for p in pieces)
        if amount < 2:
            continue
        holder = el
        while holder.getparent() is not None and tag_of(holder) in _INLINE:
            holder = holder.getparent()
        if tag_of(holder) in _PARAGRAPH and holder.getparent() is not None:
            holder = holder.getparent()
        credit[holder] += amount
    if not credit:
        return None
    best, score = credit.most_common(1)[0]
    return best if score >= 10 and reads_as_text(best) else None


def find_container(root: Element) -> tuple[Element | None, Element | None]:
    """(the element holding the body text, the element of the page it lies in).

    The first is a detached copy for Hanweb ContentStart/ContentEnd markers; the second is the
    subtree to leave out when reading the rest of the page.
    """
    marked = _between_markers(root)
    if marked is not None:
        return marked, root.xpath("//body//meta[@name='ContentStart']")[0].getparent()
    present = _names(root)
    for name, selector in zip(BODY_SELECTORS, _COMPILED_SELECTORS, strict=True):
        if name[0] in "#." and name not in present:
            continue  # no element has that id or class: the selector would find nothing
        found = _best(selector(root), wrapper=name in _WRAPPERS)
        if found is not None:
            return found, found
    found = _by_density(root)
    return found, found


def _names(root: Element) -> set[str]:
    """Every id and class word on the page, as CSS selectors: ``#id``, ``.class``."""
    names = {f"#{value}" for value in root.xpath("//@id")}
    names.update(f".{word}" for value in root.xpath("//@class") for word in value.split())
    return names


def _is_noise_element(el: Element) -> bool:
    return is_hidden(el) or bool(NOISE_ATTR.search(attr_words(el)))


def is_noise_line(line: str) -> bool:
    if any(p.search(line) for p in NOISE_LINES) or _DATE_AND_SOURCE.match(line):
        return True
    words = [w for w in _CHROME_SPLIT.split(line) if w]
    if not words or words[-1] not in CHROME_WORDS:
        return False
    # Buttons alone, or a toolbar: 时间：… 来源：… then buttons (我的收藏 打印 关闭).
    while words and words[-1] in CHROME_WORDS:
        words.pop()
    return not words or _TOOLBAR_HEAD.match(words[0]) is not None or is_label_line(" ".join(words))


_TOOLBAR_HEAD = re.compile(r"^(?:时间|日期|发布时间|来源|作者)[:：]")
# A line of the page's own facts above the text: its date, then its source and author (even empty).
_DATE_AND_SOURCE = re.compile(
    r"^(?:时间|日期|发布时间|发布日期)[:：]\s*\d{4}[-年./]\d{1,2}[-月./]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s+(?:来源|作者|信息来源)[:：]\s*\S*)+$")


MIN_GRID = 3  # rows and columns from which a table in the body is a grid of data, not a layout


def _grids(container: Element) -> list[Element]:
    """The tables of data in the body (3 rows and 3 columns or more): lists of items, not a layout."""
    return [
        table
        for table in container.iter("table")
        if len(rows := table.xpath(".//tr")) >= MIN_GRID
        and max(len(row.xpath("./td|./th")) for row in rows) >= MIN_GRID
    ]


def text_outside_grids(container: Element) -> list[str] | None:
    """The body's lines without its tables of data, or None when it has none: a company and a date in
    a table's cells are no signature of the document."""
    if not _grids(container):
        return None
    copied = copy.deepcopy(container)
    for table in _grids(copied):
        remove_keep_tail(table)
    return body_lines(copied)


def body_lines(container: Element) -> list[str]:
    """The container's paragraphs: chrome elements and lines removed, cut at related-links blocks."""
    body = copy.deepcopy(container)
    body.tail = None
    for el in list(body.iter()):
        if el is not body and tag_of(el) and el.getparent() is not None and _is_noise_element(el):
            remove_keep_tail(el)
    lines: list[str] = []
    for line in lines_of(body):
        if any(p.search(line) for p in CUT_LINES):
            break
        if not is_noise_line(line):
            lines.append(line)
    return lines
