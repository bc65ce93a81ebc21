"""Precision and recall of pipelines.policy on the sample web, against hand-written expectations.

Every page with a file under tests/policy_expectations/ is rendered as its site serves it, read into
a Notice by the pipeline's own extractor (pipelines.read.validate.build_notice → read_page), and its
policy read with read_policy. Tasks count as correct with their heading and lead agencies; targets
with their year, indicator, value, unit and comparator.

    .venv/bin/python bench/policy_bench.py [-v]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.policy_scoring import (
    Tally,
    TaskDetails,
    load_expected,
    sample_page_policy,
    score_targets,
    score_tasks,
)

EXPECTATIONS = Path(__file__).resolve().parents[1] / "tests" / "policy_expectations"


def _row(name: str, tally: Tally) -> str:
    return (
        f"{name:<55} {tally.expected:>4} {tally.found:>5} {tally.correct:>5}   "
        f"{tally.precision:>5.2f} {tally.recall:>5.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list what was missed or extra")
    verbose = parser.parse_args().verbose
    tasks, targets, details = Tally(), Tally(), TaskDetails()
    held_tasks, held_targets = Tally(), Tally()
    print(f"{'page':<55} {'exp':>4} {'found':>5} {'right':>5}   {'prec':>5} {'rec':>5}")
    for path in sorted(EXPECTATIONS.glob("*/*.toml")):
        expected = load_expected(path)
        policy = sample_page_policy(path.parent.name, path.stem)
        page_tasks, page_details = score_tasks(expected.tasks, policy.tasks)
        page_targets = score_targets(expected.targets, policy.targets)
        name = f"{path.parent.name}/{path.stem}"
        print(_row(f"{name[:47]} tasks", page_tasks))
        print(_row(f"{name[:47]} targets", page_targets))
        if verbose:
            for line in [*page_tasks.misses, *page_targets.misses]:
                print(f"    missed  {line}")
            for line in [*page_tasks.extras, *page_targets.extras]:
                print(f"    extra   {line}")
        tasks.add(page_tasks)
        targets.add(page_targets)
        details.add(page_details)
        if expected.held_out:
            held_tasks.add(page_tasks)
            held_targets.add(page_targets)
    print()
    print(_row("ALL tasks (heading + lead agencies)", tasks))
    print(_row("ALL targets (year, indicator, value, unit, comparator)", targets))
    print(f"of {targets.correct} targets right, {targets.exact} have the indicator word for word as expected")
    print(_row("held-out pages: tasks", held_tasks))
    print(_row("held-out pages: targets", held_targets))
    if n := details.matched:
        print(
            f"of {n} tasks found by heading: responsible agencies right {details.responsible / n:.2f}, "
            f"cooperating {details.cooperating / n:.2f}, 进度安排 years {details.schedule / n:.2f}"
        )


if __name__ == "__main__":
    main()
