"""``gongwen validate`` on large files: seconds and peak memory, which stays flat as the file grows.

    .venv/bin/python -m bench.validate_bench NOTICES [--megabytes 64 256]

NOTICES is a release's notices.ndjson; its records are repeated into an NDJSON file and a JSON array of
each size asked for, and each file is validated by the ``gongwen`` command in a process of its own
(peak memory as ``/usr/bin/time`` reports it).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from pathlib import Path

GONGWEN = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "gongwen"


def write_files(notices: Path, megabytes: int, folder: Path) -> tuple[Path, Path]:
    """The records of ``notices`` repeated to about ``megabytes``, as NDJSON and as a JSON array."""
    lines = [line for line in notices.read_text(encoding="utf-8").splitlines() if line.strip()]
    size = sum(len(line.encode()) + 1 for line in lines)
    copies = max(1, megabytes * 2**20 // size)
    ndjson, array = folder / f"{megabytes}.ndjson", folder / f"{megabytes}.json"
    with ndjson.open("w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write("\n".join(lines) + "\n")
    with array.open("w", encoding="utf-8") as out:
        out.write("[\n" + ",\n".join(",\n".join(lines) for _ in range(copies)) + "\n]\n")
    return ndjson, array


def measure(path: Path) -> tuple[float, int, str]:
    """Seconds, peak kilobytes and the verdict of ``gongwen validate path``."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", GONGWEN, "validate", path],
                            capture_output=True, text=True, check=False)
    seconds, peak = result.stderr.strip().splitlines()[-1].split()
    verdict = re.sub(r"^.*?: ", "", (result.stdout or result.stderr).strip().splitlines()[0])
    return float(seconds), int(peak), verdict


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("notices", type=Path)
    parser.add_argument("--megabytes", type=int, nargs="+", default=[64, 256])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for megabytes in args.megabytes:
            for path in write_files(args.notices, megabytes, Path(scratch)):
                seconds, peak, verdict = measure(path)
                size = path.stat().st_size / 2**20
                print(f"{path.suffix[1:]:6} {size:7.0f} MB  {seconds:7.1f} s  peak {peak / 1024:6.0f} MB"
                      f"  {verdict}")
                path.unlink()


if __name__ == "__main__":
    main()
