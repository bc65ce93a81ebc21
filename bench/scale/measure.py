"""Run one command as its own process and measure it: wall and CPU seconds, peak memory, load."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One measured run.

    ``peak_mb``: the peak total memory of the process tree (proportional set sizes, so pages shared
    after a fork count once), or the largest resident set of one process when that is larger;
    ``programs``: the peak of each program in the tree (mkdocs, the extractor's
    workers …); ``cpu_s`` counts every process of the tree; ``load``: the 1-minute load average
    before and after; ``result``: what the stage printed, or ``failed`` with why.
    """

    notices: int
    stage: str
    wall_s: float
    cpu_s: float
    peak_mb: float
    load: tuple[float, float]
    result: dict[str, Any] = field(default_factory=dict)
    programs: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return "failed" in self.result

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def measured(
    notices: int, stage: str, command: list[str], env: dict[str, str] | None = None, memory_gb: float = 0
) -> Figure:
    """Run ``command`` (a stage prints a JSON object on its last line) and measure it.

    With ``memory_gb``, each process of the tree may map at most that much (``prlimit --as``): a stage
    that needs more fails, and says so in its result, rather than take the memory of a shared machine.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        limited = ["prlimit", f"--as={int(memory_gb * 2**30)}", "--", *command] if memory_gb else command
        process = subprocess.Popen(limited, stdout=out, stderr=err, env=env)
        tree = Tree(process.pid)
        sampler = threading.Thread(target=tree.sample_until_done, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # the child's own rusage, with its waited children
        wall = time.perf_counter() - started
        tree.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed, errors = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode == 0:
        result = _last_json(printed)
    else:
        result = {"failed": f"exit {process.returncode}: {_cause(errors)}"}
    cpu = max(usage.ru_utime + usage.ru_stime, tree.cpu_seconds())
    peak = max(usage.ru_maxrss / 1024, tree.peak_kib / 1024)
    programs = {name: round(kib / 1024, 1) for name, kib in sorted(tree.programs.items())}
    return Figure(notices, stage, round(wall, 2), round(cpu, 2), round(peak, 1),
                  (round(load_before, 2), round(os.getloadavg()[0], 2)), result, programs)


class Tree:
    """A process and its descendants, sampled from /proc every 0.2 s: the peak of their total memory
    and of each program's, and CPU seconds (the children's rusage misses processes another reaps)."""

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, root: int) -> None:
        self.root = root
        self.done = threading.Event()
        self.peak_kib = 0
        self.programs: dict[str, int] = {}
        self.cpu_ticks: dict[int, int] = {}

    def sample_until_done(self) -> None:
        while not self.done.wait(0.2):
            self.sample()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        ticks: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        members = {self.root}
        while found := {pid for pid, parent in parents.items() if parent in members} - members:
            members |= found
        total = 0
        by_program: dict[str, int] = {}
        for pid in members & parents.keys():
            self.cpu_ticks[pid] = ticks[pid]
            pss = _pss_kib(pid)
            if pss:  # not a zombie
                total += pss
                name = _program(pid)
                by_program[name] = by_program.get(name, 0) + pss
        self.peak_kib = max(self.peak_kib, total)
        for name, kib in by_program.items():
            self.programs[name] = max(self.programs.get(name, 0), kib)

    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / self.TICKS


def _pss_kib(pid: int) -> int:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)


def _program(pid: int) -> str:
    """``python -m X`` as X, the multiprocessing forkserver and its workers as multiprocessing, else
    the executable's name."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    if "-m" in argv[1:-1]:
        return argv[argv.index("-m", 1) + 1]
    if any("multiprocessing" in arg for arg in argv[1:]):
        return "multiprocessing"
    return Path(argv[0]).name or "?"


# An allocation that failed (Rust, Python), a process killed, an exception's own line.
_TELLING = re.compile(r"memory allocation|MemoryError|Killed|^[\w.]*(?:Error|Exception): ")


def _cause(errors: str) -> str:
    """The lines of a failed command's stderr that say why (an allocation failed, a command failed)."""
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    telling = [line for line in lines if _TELLING.search(line)]
    return " | ".join(dict.fromkeys(telling[:3] or lines[-3:]))[:800]


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
