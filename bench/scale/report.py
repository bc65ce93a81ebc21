"""The scale benchmark's figures as a table, the targets they meet or miss, and JSON or Markdown."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.scale.measure import Figure

RELEASE_SECONDS, RELEASE_MB, FLOOR_TIMES, INCREMENTAL_SECONDS, SCALING = 180, 2048, 4, 30, 11
SCALED_STAGES = ("extract", "release", "dedupe", "site", "floor-write", "frictionless", "mkdocs-plain")


@dataclass(frozen=True)
class Target:
    name: str
    figure: str
    met: bool


def _by(figures: Sequence[Figure]) -> dict[tuple[int, str], Figure]:
    return {(f.notices, f.stage): f for f in figures}


def targets(figures: Sequence[Figure]) -> list[Target]:
    """The targets of issue 9, judged at the largest count measured (scaling: smallest to largest)."""
    by = _by(figures)
    counts = sorted({f.notices for f in figures})
    if not counts:
        return []
    big = counts[-1]
    found: list[Target] = []
    release = by.get((big, "release"))
    if release:
        name = f"{big:,} notices released (`gongwen release` after extract) in under {RELEASE_SECONDS} s"
        found.append(Target(name, f"{release.wall_s:.0f} s", release.wall_s < RELEASE_SECONDS))
        found.append(Target(f"... with under {RELEASE_MB} MB peak memory",
                            f"{release.peak_mb:.0f} MB", release.peak_mb < RELEASE_MB))
    floor = by.get((big, "floor-write"))
    if release and floor and floor.result.get("seconds"):
        times = release.wall_s / floor.result["seconds"]
        found.append(Target(f"the release within {FLOOR_TIMES}× the plain csv/json write of its files",
                            f"{release.wall_s:.0f} s = {times:.1f}× {floor.result['seconds']:.0f} s",
                            times <= FLOOR_TIMES))
    for count in counts:
        nxt, site = by.get((count, "next-release")), by.get((count, "next-site"))
        crawl = by.get((count, "generate-next"))
        if nxt and site and not site.failed:
            built = site.wall_s - float(site.result.get("count", 0))  # not the bench counting its files
            total = nxt.wall_s + built
            new = crawl.result.get("pages", "?") if crawl else "?"
            name = f"{count:,} notices, next night, {new} new: release + site under {INCREMENTAL_SECONDS} s"
            figure = f"{nxt.wall_s:.0f} + {built:.0f} = {total:.0f} s"
            found.append(Target(name, figure, total < INCREMENTAL_SECONDS))
    if len(counts) > 1:
        small = counts[0]
        for stage in ("release", "site"):
            ratio = _ratio(by, small, big, stage)
            found.append(Target(f"{stage}: {big // small}× the notices in about {big // small}× the time",
                                f"{ratio:.1f}×" if ratio else "did not run through at both sizes",
                                ratio is not None and ratio <= SCALING * big / small / 10))
    return found


def _ratio(by: dict[tuple[int, str], Figure], small: int, big: int, stage: str) -> float | None:
    """How many times longer the stage took at ``big`` than at ``small`` (its measured part, when it
    loads its input first); None unless it ran through at both."""
    a, b = by.get((small, stage)), by.get((big, stage))
    if not a or not b or a.failed or b.failed:
        return None
    return _seconds(b) / _seconds(a) if _seconds(a) else None


def _seconds(figure: Figure) -> float:
    return float(figure.result.get("seconds", figure.wall_s))


def rows(figures: Sequence[Figure]) -> list[list[str]]:
    header = ["notices", "stage", "wall s", "CPU s", "peak MB", "load before→after", "note"]
    table = [header]
    for f in figures:
        note = "FAILED: " + f.result["failed"][:80] if f.failed else _note(f)
        table.append([f"{f.notices:,}", f.stage, f"{f.wall_s:.1f}", f"{f.cpu_s:.1f}", f"{f.peak_mb:.0f}",
                      f"{f.load[0]:.1f}→{f.load[1]:.1f}", note])
    return table


def _note(figure: Figure) -> str:
    """The measured part of a stage that loads its input first, and the biggest programs in its tree."""
    parts = [f"measured part {figure.result['seconds']:.1f} s"] if "seconds" in figure.result else []
    big = sorted(figure.programs.items(), key=lambda item: -item[1])[:2]
    if len(figure.programs) > 1:
        parts += [f"{name} {mb:.0f} MB" for name, mb in big]
    return "; ".join(parts)


def scaling_rows(figures: Sequence[Figure]) -> list[list[str]]:
    by = _by(figures)
    counts = sorted({f.notices for f in figures})
    if len(counts) < 2:
        return []
    small, big = counts[0], counts[-1]
    table = [["stage", f"{small:,} → {big:,}: time × (measured part)", "peak memory ×"]]
    for stage in SCALED_STAGES:
        a, b = by.get((small, stage)), by.get((big, stage))
        ratio = _ratio(by, small, big, stage)
        if a and b:
            time = f"{ratio:.1f}" if ratio else "failed"
            table.append([stage, time, f"{b.peak_mb / a.peak_mb:.1f}" if ratio else ""])
    return table


def _plain(table: list[list[str]]) -> str:
    widths = [max(len(r[k]) for r in table) for k in range(len(table[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in table)


def _markdown_table(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(table[0]) + " |", "|" + "---|" * len(table[0])]
    cells = ([c.replace("|", "\\|") for c in r] for r in table[1:])
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in cells)])


def print_table(figures: Sequence[Figure]) -> None:
    print()
    print(_plain(rows(figures)))
    if scaling := scaling_rows(figures):
        print()
        print(_plain(scaling))
    print()
    for t in targets(figures):
        print(f"{'met    ' if t.met else 'NOT met'}  {t.name}: {t.figure}")


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GB RAM, Python {platform.python_version()}"


def markdown(figures: Sequence[Figure], commands: Sequence[str]) -> str:
    parts = [
        "Commands: " + ", ".join(f"`{c}`" for c in commands),
        f"Machine: {machine()}.",
        _markdown_table(rows(figures)),
    ]
    if scaling := scaling_rows(figures):
        parts.append(_markdown_table(scaling))
    parts.append("\n".join(f"- {'met' if t.met else '**not met**'}: {t.name}: {t.figure}"
                           for t in targets(figures)))
    return "\n\n".join(parts) + "\n"


def command_line() -> str:
    return " ".join([".venv/bin/python -m bench.scale", *sys.argv[1:]])


def write_json(path: Path, figures: Sequence[Figure], command: str) -> None:
    data = {"command": command, "machine": machine(), "figures": [f.as_json() for f in figures],
            "targets": [t.__dict__ for t in targets(figures)]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_json(path: Path) -> tuple[str, list[Figure]]:
    """The command and the figures of a run's ``--json`` file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("command", ""), [Figure(**{**f, "load": tuple(f["load"])}) for f in data["figures"]]


def main() -> None:
    """Join the JSON of separate runs (``--json`` of each) into one table: the scaling needs both."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("runs", type=Path, nargs="+")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    runs = [load_json(run) for run in args.runs]
    latest = {(f.notices, f.stage): f for _, run in runs for f in run}  # a later run's figure replaces
    figures = list(latest.values())
    commands = [command for command, _ in runs]
    print_table(figures)
    if args.markdown:
        args.markdown.write_text(markdown(figures, commands), encoding="utf-8")
    if args.json:
        write_json(args.json, figures, "; ".join(commands))


if __name__ == "__main__":
    main()
