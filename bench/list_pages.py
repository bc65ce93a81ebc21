"""Navigation on real list pages: precision and recall of the links to notices, and the next page.

    .venv/bin/python bench/list_pages.py

Reads every page of bench/real_list_pages.toml where it is (../shared/real-pages, or a public
repository's history fetched into ../.mirror; a page whose file is absent is skipped and said so),
reads it as `gongwen list-page` does without --family (the family detected, else generic), and
compares with what a person reads on it. Pages the rules were written against (``tuned``) are
totalled apart from those first read after: only the latter say how navigation does on sites it
has never seen.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongwen.crawlers.navigation.families import detect_family, read_list_page
from gongwen.crawlers.navigation.list_page import as_response

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "real_list_pages.toml"
SHARED = ROOT.parent / "shared" / "real-pages"
MIRRORS = ROOT.parent / ".mirror"


@dataclass
class Score:
    found: int = 0
    right: int = 0
    expected: int = 0
    next_right: int = 0
    pages: int = 0

    def add(self, other: Score) -> None:
        for name in ("found", "right", "expected", "next_right", "pages"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        precision = self.right / self.found if self.found else 1.0
        recall = self.right / self.expected if self.expected else 1.0
        return (
            f"links {self.right}/{self.found} right (precision {precision:.3f}), "
            f"{self.right}/{self.expected} found (recall {recall:.3f}); "
            f"next page right on {self.next_right}/{self.pages}"
        )


def page_bytes(page: dict[str, Any]) -> bytes | None:
    """The page as it was captured, or None when its file is not on this machine."""
    if "shared" in page:
        path = SHARED / page["shared"]
        return path.read_bytes() if path.is_file() else None
    git_dir = MIRRORS / page["repo"].replace("/", "+") / "repo"
    shown = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{page['commit']}:{page['path']}"],
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:
        return None
    if page.get("embedded") == "js-template":  # the page is a test's template string: html = `…`;
        return shown.stdout.split(b"`", 1)[1].split(b"`;", 1)[0]
    return shown.stdout


def main() -> None:
    pages = tomllib.loads(PAGES.read_text(encoding="utf-8"))["page"]
    totals = {True: Score(), False: Score()}
    for page in pages:
        body = page_bytes(page)
        if body is None:
            print(f"{page['name']:<34} skipped: its file is not here ({page.get('shared') or page['repo']})")
            continue
        response = as_response(body, page["url"])
        read = read_list_page(response)
        got = [link.url for link in read.detail_links]
        score = Score(
            len(got),
            len(set(got) & set(page["links"])),
            len(page["links"]),
            int(read.next_pages == page["next_pages"]),
            1,
        )
        totals[page["tuned"]].add(score)
        print(f"{page['name']:<34} {detect_family(response):<9} {len(body):>7} B  {score.line()}")
        for url in [u for u in got if u not in page["links"]]:
            print(f"{'':<34} not a notice: {url}")
        for url in [u for u in page["links"] if u not in got]:
            print(f"{'':<34} missed: {url}")
    print(f"\nunseen pages (rules written before they were read): {totals[False].line()}")
    print(f"tuned pages (rules written looking at them):           {totals[True].line()}")


if __name__ == "__main__":
    main()
