"""Pages read per second on one core, gongwen's extractor against trafilatura, on the sample web's pages.

    .venv/bin/pip install -e '.[bench]'          (trafilatura; without it only gongwen is measured)
    .venv/bin/python bench/extract_bench.py [SECONDS]        (default: 10 per extractor)
    .venv/bin/python bench/extract_bench.py --real [SECONDS] (the real detail pages of ../shared)

With --real, the real captured detail pages of ../shared/real-pages (about 50 KB to 420 KB each, in
their chrome) are read instead, for pages per CPU-second only: their fields are checked by the tests
(tests/test_extract_generic.py and others), which hold what a person reads on them.

Every sample-web notice page is rendered as its source serves it (bytes, in the source's encoding) and
read again and again, in one process pinned to one CPU, for about SECONDS each: gongwen's read_page
(every field, flags included) and trafilatura's bare_extraction with metadata (title, date, text).
Then both are scored against the pages' hand-written [expected] values: title (exact), published
date, and body (the text holds the page's longest and its last paragraph, compared in simplified
script without pinyin glosses, and no page chrome); gongwen
also on 文号, 索引号, issuing agency, written date and 文种, which trafilatura does not read.
"""

from __future__ import annotations

import os
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gongwen.crawlers.registry import get_source
from gongwen.crawlers.sampleweb.render import LAYOUTS, detail_url, load_page, page_resource
from gongwen.pipelines.extract import NotAPage, read_page
from gongwen.pipelines.normalise.text import normalise_space, strip_pinyin_glosses, to_simplified

PAGES_DIR = Path(__file__).resolve().parent.parent / "crawlers" / "sampleweb" / "pages"
CHROME = ("打印本页", "关闭窗口", "【打印】", "字体：", "分享到", "扫一扫", "浏览次数", "网站标识码", "ICP备",
          "当前位置", "所在位置")


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    body: bytes
    content_type: str
    expected: dict[str, Any]
    paragraphs: list[str]


def sample_pages() -> list[Page]:
    pages = []
    for path in sorted(PAGES_DIR.glob("*/*.toml")):
        source = path.parent.name
        page = load_page(source, path)
        expected = tomllib.loads(path.read_text(encoding="utf-8")).get("expected", {})
        if page.status != 200 or not expected or "quarantine" in expected:
            continue
        resource = page_resource(LAYOUTS[source], page)
        pages.append(Page(f"{source}/{path.stem}", detail_url(get_source(source), page), resource.body,
                          resource.content_type, expected, page.paragraphs))
    return pages


def _compact(text: str | None) -> str:
    return normalise_space(text or "").replace(" ", "")


def _comparable(text: str) -> str:
    """Body text as both extractors should have it: simplified, without pinyin glosses, no spaces."""
    return _compact(to_simplified(strip_pinyin_glosses(text)))


Fields = dict[str, Any]


def gongwen(page: Page) -> Fields:
    try:
        x = read_page(page.body, page.url, page.content_type)
    except NotAPage:
        return {}
    return {
        "title": x.title, "published_date": x.published_date, "body": x.body_text,
        "doc_number": x.doc_number, "index_number": x.index_number, "issuing_agency": x.issuing_agency,
        "written_date": x.written_date, "doc_type": x.doc_type,
    }


def trafilatura_fields(page: Page) -> Fields:
    import trafilatura  # noqa: PLC0415 - optional: only the bench extra installs it

    doc = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
    if doc is None:
        return {}
    found = doc.as_dict()
    day = found.get("date")
    return {
        "title": found.get("title"),
        "published_date": date.fromisoformat(day) if day else None,
        "body": found.get("text") or "",
    }


def pages_per_second(extract: Callable[[Page], Fields], pages: list[Page], seconds: float) -> float:
    """Pages read per CPU-second of this process (the machine is shared: wall time would count the
    others' work)."""
    for page in pages:  # warm up: imports, caches
        extract(page)
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for page in pages:
            extract(page)
        done += len(pages)
    return done / (time.process_time() - start)


SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "real-pages"
# The real detail pages of ../shared/real-pages (MANIFEST.md) and their URLs.
REAL_PAGES = {
    "cmse_xwfbh_t20120624_trs_article.html": "http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html",
    "govcn_zhengce_content_guoling707_fragment.html":
        "http://www.gov.cn/zhengce/content/2018-12/22/content_5351177.htm",
    "govcn_zhengceku_detail_fiscal.html": "https://www.gov.cn/zhengce/zhengceku/202609/content_7082302.htm",
    "jx_wanzai_xxgk_tjgb_2022_ucap.html":
        "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/7215380191c5400397df5d7d0b5fd06b.shtml",
    "zj_fgw_hanweb_art_article.html": "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
}


def real_pages() -> list[Page]:
    return [Page(name, url, (SHARED / name).read_bytes(), "text/html", {}, [])
            for name, url in REAL_PAGES.items() if (SHARED / name).is_file()]


def real_throughput(seconds: float) -> int:
    pages = real_pages()
    if not pages:
        print(f"no real pages in {SHARED}: nothing measured")
        return 1
    size = sum(len(p.body) for p in pages) / len(pages)
    print(f"{len(pages)} real detail pages of ../shared/real-pages, {size / 1024:.1f} KiB on average "
          f"({min(len(p.body) for p in pages) / 1024:.0f}–{max(len(p.body) for p in pages) / 1024:.0f} KiB);"
          f" one core, ~{seconds:g} CPU-s each")
    rates = {"gongwen": pages_per_second(gongwen, pages, seconds)}
    try:
        import trafilatura  # noqa: F401, PLC0415

        rates["trafilatura"] = pages_per_second(trafilatura_fields, pages, seconds)
    except ImportError:
        print("trafilatura is not installed (pip install -e '.[bench]'): measuring gongwen only")
    for name, rate in rates.items():
        print(f"{name:12} {rate:8.1f} pages per CPU-second")
    if len(rates) == 2:
        print(f"gongwen / trafilatura: {rates['gongwen'] / rates['trafilatura']:.2f}×")
    return 0


def _body_right(page: Page, body: str) -> bool:
    text = _comparable(body)
    paragraphs = [_comparable(p) for p in page.paragraphs]
    longest, last = max(paragraphs, key=len), paragraphs[-1]
    return longest in text and last in text and not [w for w in CHROME if w in body]


def _value(expected: dict[str, Any], field: str) -> Any:
    value = expected.get(field)
    return value.isoformat() if isinstance(value, date) else value


def accuracy(extract: Callable[[Page], Fields], pages: list[Page], fields: list[str]) -> dict[str, float]:
    right = dict.fromkeys([*fields, "body"], 0)
    for page in pages:
        got = extract(page)
        for field in fields:
            value = got.get(field)
            value = value.isoformat() if isinstance(value, date) else value
            if field == "title":
                right[field] += _compact(value) == _compact(page.expected.get("title"))
            else:
                right[field] += value == _value(page.expected, field)
        right["body"] += _body_right(page, got.get("body") or "")
    return {field: count / len(pages) for field, count in right.items()}


def main() -> int:
    real = "--real" in sys.argv
    numbers = [a for a in sys.argv[1:] if a != "--real"]
    seconds = float(numbers[0]) if numbers else 10.0
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if real:
        return real_throughput(seconds)
    pages = sample_pages()
    size = sum(len(p.body) for p in pages) / len(pages)
    print(f"{len(pages)} sample-web notice pages, {size / 1024:.1f} KiB on average;"
          f" one core, ~{seconds:g} s each")
    extractors: list[tuple[str, Callable[[Page], Fields], list[str]]] = [
        ("gongwen", gongwen, ["title", "published_date", "doc_number", "index_number", "issuing_agency",
                              "written_date", "doc_type"]),
    ]
    try:
        import trafilatura  # noqa: F401, PLC0415

        extractors.append(("trafilatura", trafilatura_fields, ["title", "published_date"]))
    except ImportError:
        print("trafilatura is not installed (pip install -e '.[bench]'): measuring gongwen only")
    for name, extract, fields in extractors:
        rate = pages_per_second(extract, pages, seconds)
        scores = accuracy(extract, pages, fields)
        shown = "  ".join(f"{field} {share:.0%}" for field, share in scores.items())
        print(f"{name:12} {rate:8.1f} pages/CPU-s   {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
