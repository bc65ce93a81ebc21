"""Search as a journalist uses it: queries typed into a built site's search page in Debian's chromium.

    .venv/bin/python bench/search_quality.py SITE_DIR NOTICES [--per-kind N] [--seed S]

SITE_DIR is a built site (``gongwen site``; bench.scale's ``<work>/site``); NOTICES the release's
notices.json or notices.ndjson that the site was built from. The queries come from the notices:

  文号          the 文号 as printed, and in another printed form (other brackets, full-width digits,
                spaces, 第N号), each expected first
  full title    the whole title, expected first
  title part    eight characters from the middle of the title, expected in the first ten
  traditional   the whole title in traditional characters (OpenCC s2t), expected first
  索引号        the 索引号 as printed, expected first
  words         policy words (WORDS); a result is right when its title or text holds the word (a
                word no notice holds is left out of the figure, and named)

A result counts as the notice when it is the notice, or another notice with the same compacted 文号,
索引号 or title (two notices can share one: the query cannot tell them apart). For each kind it
prints recall@1 and recall@10 (words: precision@10, the share of the first ten results, or of all
of them when fewer, that hold the word), the median and 90th percentile milliseconds from the
keypress to the first results shown (measured by the page: ``data-ms`` of the result list), and the
median kilobytes the page fetched for the query (each query in a fresh page: the cold case; the
page's own load, its index tables included, is given once, apart).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import opencc
from playwright.sync_api import Page, sync_playwright

from gongwen.pipelines.site.search_text import compact

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WORDS = (
    "新经济",
    "营商环境",
    "安全生产",
    "乡村振兴",
    "数字政府",
    "疫情防控",
    "高质量发展",
    "生态环境",
    "人才",
    "消防",
    "防汛",
    "统计",
    "招商引资",
    "城市更新",
    "养老服务",
    "财政",
    "教育",
    "医疗保障",
    "知识产权",
    "科技创新",
    "交通运输",
    "大气污染",
    "市场监管",
    "公共服务",
    "农村",
    "就业",
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
BRACKETS = (("〔", "〕"), ("[", "]"), ("(", ")"), ("【", "】"), ("（", "）"))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@dataclass
class Query:
    kind: str
    text: str
    notice: str  # the notice the query came from ("" for words)
    same: frozenset[str] = frozenset()  # notices it cannot be told apart from (itself included)


@dataclass
class Seen:
    ids: list[str]
    ms: float
    kb: float


@dataclass
class Kind:
    rank1: int = 0
    rank10: int = 0
    precision: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    kb: list[float] = field(default_factory=list)


def variant(printed: str, n: int) -> str:
    """Another printed form of a 文号: other brackets, full-width digits, a space, or 第 before the number."""
    open_, close = BRACKETS[n % len(BRACKETS)]
    form = re.sub(r"[〔\[(【（]\s*(\d{4})\s*[〕\])】）]", rf"{open_}\1{close}", printed)
    if n % 3 == 0:
        form = form.translate(FULL_WIDTH)
    if n % 4 == 1:
        form = re.sub(r"(\d+号)$", r" \1", form)
    if n % 5 == 2 and "第" not in form:
        form = re.sub(r"(\d+)号$", r"第\1号", form)
    return form


def load(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ndjson":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    records: list[dict[str, Any]] = json.loads(text)
    return records


def queries(records: list[dict[str, Any]], per_kind: int, seed: int) -> list[Query]:
    """The queries of every kind, at most ``per_kind`` of each (a seeded sample)."""
    to_traditional = opencc.OpenCC("s2t")
    by_key: dict[tuple[str, str], set[str]] = {}
    for r in records:
        for name in ("doc_number", "doc_number_raw", "index_number", "title"):
            if r.get(name):
                by_key.setdefault((name, compact(r[name])), set()).add(r["id"])

    def same(r: dict[str, Any], name: str) -> frozenset[str]:
        return frozenset(by_key[(name, compact(r[name]))])

    kinds: dict[str, list[Query]] = {}
    for n, r in enumerate(records):
        title, printed = r["title"], r.get("doc_number_raw") or r.get("doc_number")
        if printed:
            numbers = same(r, "doc_number_raw" if r.get("doc_number_raw") else "doc_number")
            kinds.setdefault("文号", []).append(Query("文号", printed, r["id"], numbers))
            kinds.setdefault("文号 variant", []).append(
                Query("文号 variant", variant(printed, n), r["id"], numbers)
            )
        kinds.setdefault("full title", []).append(Query("full title", title, r["id"], same(r, "title")))
        if len(title) >= 12:
            middle = len(title) // 2 - 4
            kinds.setdefault("title part", []).append(
                Query("title part", title[middle : middle + 8], r["id"])
            )
        traditional = to_traditional.convert(title)
        if traditional != title:
            kinds.setdefault("traditional", []).append(
                Query("traditional", traditional, r["id"], same(r, "title"))
            )
        if r.get("index_number"):
            kinds.setdefault("索引号", []).append(
                Query("索引号", r["index_number"], r["id"], same(r, "index_number"))
            )
    kinds["words"] = [Query("words", word, "") for word in WORDS]
    chosen = random.Random(seed)
    return [
        q
        for group in kinds.values()
        for q in (chosen.sample(group, per_kind) if len(group) > per_kind else group)
    ]


def ask(page: Page, origin: str, query: str) -> Seen:
    """The query typed into a freshly loaded search page; the ids of the first ten results."""
    page.goto(origin + "search/", wait_until="load")
    page.wait_for_function("!document.getElementById('gw-q').disabled")
    loaded = page.evaluate("performance.now()")
    page.fill("#gw-q", query)
    page.wait_for_function("q => document.getElementById('gw-results').dataset.query === q", arg=query)
    seen = page.evaluate(
        """loaded => ({
          ids: [...document.querySelectorAll('#gw-results li a')].slice(0, 10)
                 .map(a => a.getAttribute('href').split('/').filter(Boolean).pop()),
          ms: Number(document.getElementById('gw-results').dataset.ms),
          bytes: performance.getEntriesByType('resource').filter(e => e.startTime >= loaded)
                 .reduce((n, e) => n + e.encodedBodySize, 0),
        })""",
        loaded,
    )
    return Seen(seen["ids"], seen["ms"], seen["bytes"] / 1024)


def page_load_kb(page: Page, origin: str) -> float:
    page.goto(origin + "search/", wait_until="load")
    page.wait_for_function("!document.getElementById('gw-q').disabled")
    kb: float = (
        page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.name.includes("
            "'/searchindex/')).reduce((n, e) => n + e.encodedBodySize, 0)"
        )
        / 1024
    )
    return kb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("notices", type=Path)
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records = load(args.notices)
    texts = {
        r["id"]: compact(
            " ".join(
                str(r.get(f) or "")
                for f in ("title", "doc_number_raw", "index_number", "issuing_agency", "body_text")
            )
        )
        for r in records
    }
    kinds: dict[str, Kind] = {}
    misses: list[str] = []
    with served(args.site) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        load_kb = page_load_kb(page, origin)
        for query in queries(records, args.per_kind, args.seed):
            seen = ask(page, origin, query.text)
            kind = kinds.setdefault(query.kind, Kind())
            kind.ms.append(seen.ms)
            kind.kb.append(seen.kb)
            if query.kind == "words":
                word = compact(query.text)
                if not any(word in text for text in texts.values()):
                    shown = len(seen.ids)
                    misses.append(f"  words: {query.text}: no notice holds it ({shown} closest shown)")
                    continue
                right = sum(word in texts.get(i, "") for i in seen.ids)
                kind.precision.append(right / len(seen.ids) if seen.ids else 0.0)
                if right < len(seen.ids):
                    misses.append(f"  words: {query.text}: {right} of {len(seen.ids)} hold it")
                continue
            wanted = query.same | {query.notice}
            kind.rank1 += bool(seen.ids) and seen.ids[0] in wanted
            kind.rank10 += any(i in wanted for i in seen.ids)
            if not seen.ids or seen.ids[0] not in wanted:
                misses.append(f"  {query.kind}: {query.text}  (first: {seen.ids[:1]})")
        browser.close()
    print(f"{len(records)} notices; the search page loads {load_kb:.0f} KB of index before the first query\n")
    print(
        f"{'kind':<14}{'queries':>8}{'recall@1':>10}{'recall@10':>11}{'P@10':>7}"
        f"{'ms median':>11}{'ms p90':>8}{'KB median':>11}{'KB max':>8}"
    )
    for name, kind in kinds.items():
        count = len(kind.precision) if name == "words" else len(kind.ms)
        ms = sorted(kind.ms)
        recall = ("", "") if name == "words" else (f"{kind.rank1 / count:.1%}", f"{kind.rank10 / count:.1%}")
        precision = f"{statistics.mean(kind.precision):.2f}" if kind.precision else ""
        print(
            f"{name:<14}{count:>8}{recall[0]:>10}{recall[1]:>11}{precision:>7}"
            f"{statistics.median(ms):>11.0f}{ms[int(0.9 * (count - 1))]:>8.0f}"
            f"{statistics.median(kind.kb):>11.1f}{max(kind.kb):>8.1f}"
        )
    if misses:
        print("\nnot first:", *misses[:30], sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
