"""CHANGES.md: what a version changed, for people. ``changes.csv`` holds the same, for programs.

Titles and URLs are scraped text: they are written as inert Markdown (titles with HTML characters
as entities and Markdown and template punctuation backslash-escaped, URLs as code spans, one line
each), never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gongwen.pipelines.release.changes import Verdict
from gongwen.pipelines.release.tables import Row

LISTED = 100  # entries listed per kind of change; changes.csv has them all
_MARKUP = re.compile(r"([\\`*_{}\[\]|~])")  # what can start markup mid-line; { } for templates
_HEADINGS = {"added": "Added", "updated": "Updated", "withdrawn": "Withdrawn"}


def md_text(text: str) -> str:
    """Scraped text as Markdown that renders as exactly that text."""
    flat = " ".join(text.split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", flat)


@dataclass(frozen=True)
class Summary:
    """The facts CHANGES.md opens with."""

    name: str
    version: str
    previous: str | None
    created: str
    verdict: Verdict
    counts: Mapping[str, int]
    forced: Sequence[str]


def _url(url: str) -> str:
    """A URL as a code span (shown as typed), escaped text in the rare case it holds a backtick."""
    return md_text(url) if "`" in url else f"`{url}`"


def _entry(row: Row) -> str:
    line = f"- `{row['id']}` {md_text(str(row['title']))} {_url(str(row['url']))}"
    fields = row["fields"]
    if isinstance(fields, list) and fields:
        line += " (" + ", ".join(f"`{f}`" for f in fields) + ")"
    return line


def changes_md(summary: Summary, rows: Sequence[Row]) -> bytes:
    s = summary
    lines = [f"# {s.name} {s.version}", ""]
    lines.append(f"{s.verdict.bump} version, created {s.created} (the last fetch of the crawls read).")
    lines.append(f"Previous version: {s.previous}." if s.previous else "The first version.")
    lines.append("")
    if s.forced:
        lines += ["> **Published with `--force`** although the publish gate was closed:", ">"]
        lines += [f"> - {md_text(reason)}" for reason in s.forced]
        lines.append("")
    lines += ["| | |", "|---|---:|", *(f"| {key} | {value} |" for key, value in s.counts.items()), ""]
    if s.verdict.reasons:
        lines += ["Schema and metadata:", "", *(f"- {md_text(reason)}" for reason in s.verdict.reasons), ""]
    for kind, heading in _HEADINGS.items():
        chosen = [row for row in rows if row["change"] == kind]
        if not chosen:
            continue
        lines += [f"## {heading} ({len(chosen)})", ""]
        lines += [_entry(row) for row in chosen[:LISTED]]
        if len(chosen) > LISTED:
            lines.append(f"- … and {len(chosen) - LISTED} more: see changes.csv")
        lines.append("")
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
