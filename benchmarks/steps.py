"""Time each step of one `claimtrail validate` run (fast engine), as JSON on stdout.

    python benchmarks/steps.py PACKAGE_DIR

The engine announces each step through validate_package's progress callback ("descriptor",
"tables: claims.csv", "records: claims.csv", "pointers: quotes against the texts" ...); a
step lasts until the next is announced. Below 128 MiB of tables the engine reads the next table
while it checks the current one (validation/fast/run.py, _Reader): part of a table's reading
then falls in the steps before its own. Each step's peak resident memory is reported beside
its time: where the memory bound is lost. It is the kernel's high-water mark (Linux: VmHWM in
/proc/self/status), read as the step ends and reset (/proc/self/clear_refs) as the next begins,
so that a peak of a millisecond counts, which sampling would miss. benchmarks/run.py runs this as a child process and writes the breakdown into
benchmarks/README.md.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path


def status_mib(key: str = "VmRSS") -> float | None:
    """A figure of this process's memory from /proc/self/status, in MiB (VmRSS: resident now;
    VmHWM: the peak so far), or None where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Start the kernel's high-water mark of this process again from its resident memory now;
    False where the kernel does not let it (no /proc, or not Linux)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def main(root: Path) -> dict:
    marks: list[tuple[str, float, float]] = [("start-up (imports)", time.perf_counter(), time.process_time())]
    peaks: dict[str, float] = {}
    if not reset_peak():
        raise SystemExit("steps.py needs Linux's /proc/self/clear_refs to measure each step's peak")

    def progress(step: str) -> None:
        # The peak since the last reset is the step's that ends here (a step announced twice,
        # a table's records after its checks, keeps the higher).
        mib = status_mib("VmHWM")
        name = marks[-1][0]
        if mib is not None and mib > peaks.get(name, 0.0):
            peaks[name] = mib
        reset_peak()
        marks.append((step, time.perf_counter(), time.process_time()))

    from claimtrail.validation.fast.memory import small_heap

    small_heap(root)  # as the command does, so that the memory column is the command's
    from claimtrail.validation.validate import validate_package

    progress("descriptor")
    report = validate_package(root, progress=progress)
    progress("end")
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for (name, at, cpu_at), (_, until, cpu_until) in itertools.pairwise(marks):
        steps[name] = steps.get(name, 0.0) + until - at
        cpu[name] = cpu.get(name, 0.0) + cpu_until - cpu_at
    return {
        "steps": steps,
        "cpu": cpu,
        "rss": {name: round(mib, 1) for name, mib in peaks.items() if name in steps},
        "peak": "the kernel's high-water mark of each step",
        "valid": report.valid,
        "problems": len(report.sorted_problems()),
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="a package folder (holding datapackage.json)")
    print(json.dumps(main(parser.parse_args().package)))
