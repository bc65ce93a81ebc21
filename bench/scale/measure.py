"""Run one command as its own process and measure it: wall and CPU seconds, peak memory, load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured run. ``peak_mb`` is the largest resident set of the process or of any process it
    waited for (mkdocs' Pagefind, say); ``load`` the 1-minute load average before and after."""

    notices: int
    stage: str
    wall_s: float
    cpu_s: float
    peak_mb: float
    load: tuple[float, float]
    result: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def measured(notices: int, stage: str, command: list[str], env: dict[str, str] | None = None) -> Figure:
    """Run ``command`` (a stage prints a JSON object on its last line) and measure it; exit on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, with its waited children
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, errors = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode != 0:
        sys.exit(f"{stage} failed ({' '.join(command)}):\n{printed[-3000:]}\n{errors[-5000:]}")
    result = _last_json(printed)
    return Figure(notices, stage, round(wall, 2), round(usage.ru_utime + usage.ru_stime, 2),
                  round(usage.ru_maxrss / 1024, 1), (round(load_before, 2), round(os.getloadavg()[0], 2)),
                  result)


def stage_command(stage: str, *args: object) -> list[str]:
    return [sys.executable, "-m", "bench.scale.stages", stage, *map(str, args)]


def tool(name: str) -> str:
    """A command installed beside this Python (the venv's ``frictionless``, say)."""
    return str(Path(sys.executable).parent / name)


def _last_json(printed: str) -> dict[str, Any]:
    """The JSON object a command printed: all it printed (``frictionless --json``) or its last line."""
    lines = [line for line in printed.splitlines() if line.startswith("{")]
    try:
        found: dict[str, Any] = json.loads(printed)
    except json.JSONDecodeError:
        found = json.loads(lines[-1]) if lines else {}
    return found
