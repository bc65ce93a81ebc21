"""The extractor on real detail pages it was never tuned on: share of fields right.

    .venv/bin/python bench/detail_pages.py FOLDER

FOLDER holds the pages of bench/real_detail_pages.toml as <name>.html, rebuilt from where each was
found (its repository, commit and path, read with the search tools; a page embedded in another
file is taken out as its `embedded` and `notes` say). Pages not in FOLDER are skipped and named.
Each page is read as a crawl reads it (build_notice) and compared with what a person reads on it:
title, 文号, 索引号, issuing agency, dates, 文种 (empty expected values mean none), and the body (its
first and last words there, none of the page's chrome).
"""

from __future__ import annotations

import re
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gongwen.pipelines.notice import Notice
from gongwen.pipelines.read.validate import Quarantined, build_notice

PAGES = Path(__file__).resolve().parent / "real_detail_pages.toml"
FIELDS = (
    "title", "doc_number", "index_number", "issuing_agency", "published_date", "written_date", "doc_type",
)
_SPACE = re.compile(r"\s+")


def _bare(value: object) -> str:
    """A value as compared: ISO for dates, no whitespace, "" for none."""
    shown = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return _SPACE.sub("", shown)


def body_right(page: dict[str, Any], body: str) -> bool:
    text = _bare(body)
    if page.get("body_absent"):
        return not text
    chrome = [c for c in page.get("chrome", []) if _bare(c) and _bare(c) in text]
    return _bare(page["body_first"]) in text and _bare(page["body_last"]) in text and not chrome


def score(page: dict[str, Any], notice: Notice | None) -> dict[str, bool]:
    """Field by field, right or not (a quarantined page has every field wrong)."""
    if notice is None:
        return dict.fromkeys([*FIELDS, "body"], False)
    right = {field: _bare(getattr(notice, field)) == _bare(page[field]) for field in FIELDS}
    return right | {"body": body_right(page, notice.body_text)}


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("real-detail-pages")
    pages = tomllib.loads(PAGES.read_text(encoding="utf-8"))["page"]
    totals: dict[str, int] = dict.fromkeys([*FIELDS, "body"], 0)
    read = 0
    for page in pages:
        path = folder / f"{page['name']}.html"
        if not path.is_file():
            print(f"{page['name']:<50} skipped: not in {folder}")
            continue
        try:
            url = page["url"] or f"https://{page['site']}/"  # where nothing recorded the page's own URL
            notice: Notice | None = build_notice(path.read_bytes(), url, source_id="bench",
                                                 retrieved_at=datetime.now(UTC))
        except Quarantined:
            notice = None
        right = score(page, notice)
        read += 1
        for field, ok in right.items():
            totals[field] += ok
        wrong = [field for field, ok in right.items() if not ok]
        print(f"{page['name']:<50} {sum(right.values())}/{len(right)} right {', '.join(wrong)}")
    if read:
        sites = len({p["site"] for p in pages if (folder / f"{p['name']}.html").is_file()})
        print(f"\n{read} pages from {sites} sites: {sum(totals.values())}/{read * len(totals)} fields right "
              f"({sum(totals.values()) / (read * len(totals)):.1%})")
        print("  ".join(f"{field} {count}/{read}" for field, count in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
