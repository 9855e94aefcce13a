"""Time each step of one `claimtrail validate` run (fast engine), as JSON on stdout.

    python benchmarks/steps.py PACKAGE_DIR

The engine announces each step through validate_package's progress callback ("descriptor",
"tables: claims.csv", "records: claims.csv", "pointers: quotes against the texts" ...); a
step lasts until the next is announced. benchmarks/run.py runs this as a child process and
writes the breakdown into benchmarks/README.md.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path


def main(root: Path) -> dict:
    marks: list[tuple[str, float, float]] = [("start-up (imports)", time.perf_counter(), time.process_time())]

    def progress(step: str) -> None:
        marks.append((step, time.perf_counter(), time.process_time()))

    from claimtrail.validation.validate import validate_package

    progress("descriptor")
    report = validate_package(root, progress=progress)
    progress("end")
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for (name, at, cpu_at), (_, until, cpu_until) in itertools.pairwise(marks):
        steps[name] = steps.get(name, 0.0) + until - at
        cpu[name] = cpu.get(name, 0.0) + cpu_until - cpu_at
    return {"steps": steps, "cpu": cpu, "valid": report.valid, "problems": len(report.sorted_problems())}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
