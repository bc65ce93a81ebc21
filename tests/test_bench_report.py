"""The scale benchmark's verdicts (bench/scale/report.py): what each target counts."""

from __future__ import annotations

from bench.scale.measure import Figure
from bench.scale.report import targets


def figure(stage: str, wall_s: float, **result: float) -> Figure:
    return Figure(100_000, stage, wall_s, wall_s, 100.0, (0.0, 0.0), dict(result))


def next_night(site_wall: float, counted: float) -> tuple[str, bool]:
    found = targets([figure("generate-next", 1, pages=100), figure("next-release", 19),
                     figure("next-site", site_wall, seconds=7.0, count=counted)])
    (target,) = [t for t in found if "next night" in t.name]
    return target.figure, target.met


def test_the_next_night_counts_the_site_stage_but_not_the_bench_counting_its_files() -> None:
    assert next_night(12.0, counted=2.0) == ("19 + 10 = 29 s", True)  # startup counted, the count not
    assert next_night(12.0, counted=0.0) == ("19 + 12 = 31 s", False)
